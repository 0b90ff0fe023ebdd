"""``make demo``: the whole hub on one machine, fed by the simulator, until Ctrl-C.

A local broker (unless ``SANPALANG_KAFKA_BOOTSTRAP`` names a cluster) with the catalogue applied;
the four agencies' connectors as their own processes (police and the 1300 hotline over HTTP,
labour and social export files in drop directories, immigration tables polled in a SQLite
database); the worker; the console with two demo sign-ins; and the simulator delivering seeded
feeds through those connectors, one after the other, at a pace a person can follow. Every process
logs to ``$SANPALANG_HOME/demo/logs``.

SIGINT (Ctrl-C), SIGTERM and SIGHUP alike (or the end of ``--for SECONDS``) stop everything it
started, in reverse order, within ``SANPALANG_STOP_TIMEOUT`` (what has not stopped by then is
killed). Each child runs in its own session, so a terminal's Ctrl-C reaches the demo alone, and is
tied to the demo by the kernel (``runtime.lifetime``): killed with SIGKILL, the demo still takes every
child with it, and it stops itself when whatever started it (``make``, a shell) dies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from ops.admin import apply_catalogue
from runtime.connection import resolve_connection
from runtime.lifetime import tie_to_parent, tied_child
from runtime.settings import Settings
from schemas.catalogue import load_catalogue

__all__ = ["DemoPorts", "run_demo"]


@dataclass(frozen=True)
class DemoPorts:
    """Where the demo's processes listen (``--port-base`` moves them all)."""

    base: int = 8080

    @property
    def console(self) -> int:
        return self.base

    @property
    def police(self) -> int:
        return self.base + 1

    @property
    def social(self) -> int:
        return self.base + 4

    @property
    def labour_metrics(self) -> int:
        return self.base + 2

    @property
    def immigration_metrics(self) -> int:
        return self.base + 3          # + 10, + 20 for the second and third table

    @property
    def worker_metrics(self) -> int:
        return self.base + 30


class DemoStopped(Exception):
    """A stop signal reached the demo."""


@dataclass
class _StopRequest:
    """The signal handler only notes the signal; the demo checks it between its steps. Raised from
    the handler, the stop could land inside a fork (logging's at-fork lock then stays held, and the
    next log line, in the stop itself, waits for ever)."""

    name: str | None = None

    def __call__(self, signum: int, _frame: object) -> None:
        self.name = self.name or signal.Signals(signum).name

    def check(self) -> None:
        if self.name:
            raise DemoStopped(self.name)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class _Processes:
    logs: Path
    stop: _StopRequest
    started: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> None:
        self.stop.check()
        with (self.logs / f"{name}.log").open("ab") as log:
            self.started[name] = subprocess.Popen([sys.executable, "-m", "ops.cli", *args], stdout=log,
                                                  stderr=subprocess.STDOUT, start_new_session=True,
                                                  preexec_fn=tied_child())

    def check(self) -> None:
        """Raises DemoStopped once a stop signal came, RuntimeError when a process died."""
        self.stop.check()
        for name, process in self.started.items():
            if process.poll() is not None and name != "simulator":
                tail = (self.logs / f"{name}.log").read_text(errors="replace").splitlines()[-15:]
                raise RuntimeError(f"the demo's {name} stopped (exit {process.returncode}); last lines of "
                                   f"{self.logs / (name + '.log')}:\n" + "\n".join(tail))

    def stop_all(self, deadline: float) -> list[str]:
        """SIGTERM each process group, last started first, waiting for each until ``deadline``;
        then SIGKILL what is left. Returns the names of the processes that had to be killed."""
        for process in reversed(self.started.values()):
            _signal_group(process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        killed = [name for name, process in self.started.items() if process.poll() is None]
        for name in killed:
            _signal_group(self.started[name], signal.SIGKILL)
            self.started[name].wait()
        return killed


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _wait_for(url: str, what: str, processes: _Processes, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        processes.check()
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the demo's {what} did not answer at {url} within {timeout:.0f} s")


def run_demo(settings: Settings, progress: Callable[[str], None], *, ports: DemoPorts = DemoPorts(),
             seconds: float | None = None, rate: float = 20.0, sasl: bool = False) -> int:
    """``sasl``: the local broker authenticates (SCRAM) and authorises (the catalogue's ACLs, deny by
    default); its super-user applies the catalogue and nothing else: every process the demo starts
    connects as its own principal (connectors as their agency, the worker as ``hub``, the console
    as ``console``)."""
    from simulator.deliver import ensure_tables
    from console.demo import ensure_demo_users

    stop = _StopRequest()
    for signum in STOP_SIGNALS:
        signal.signal(signum, stop)
    tie_to_parent(signal.SIGTERM)
    root = settings.home / "demo"
    drops = {agency: root / "drop" / agency for agency in ("labour", "social")}
    processes = _Processes(root / "logs", stop)
    started_broker = False
    try:
        if settings.is_external:
            progress(f"using the cluster at {settings.external_bootstrap}")
        else:
            from ops.kafka import local
            progress("[1/6] starting the local Kafka broker")
            started_broker = not local.status(settings).running
            local.up(settings, sasl=sasl, progress=progress, tied=started_broker)
        processes.check()
        connection = resolve_connection(settings)
        progress("[2/6] applying the topic catalogue (topics, users, ACLs, schemas)")
        apply_catalogue(settings, connection, load_catalogue(), progress)
        for path in (root / "logs", *drops.values()):
            path.mkdir(parents=True, exist_ok=True)
        immigration_db = f"sqlite:///{root / 'immigration.db'}"
        ensure_tables(immigration_db)
        feeder_tokens = _issue_feeder_tokens(settings, root / "feeders")
        processes.check()
        progress("[3/6] starting the connectors: police and hotline over HTTP, labour and social drop "
                 "directories, immigration tables")
        processes.start("police", "connect", "police", "--http", f"127.0.0.1:{ports.police}")
        processes.start("social", "connect", "social", "--http", f"127.0.0.1:{ports.social}",
                        "--watch", str(drops["social"]))
        processes.start("labour", "connect", "labour", "--watch", str(drops["labour"]),
                        "--metrics", f"127.0.0.1:{ports.labour_metrics}")
        for n, table in enumerate(("crossings", "detentions", "deportations")):
            processes.start(f"immigration-{table}", "connect", "immigration", "--sql", immigration_db, "--table", table,
                            "--name", table, "--metrics", f"127.0.0.1:{ports.immigration_metrics + 10 * n}")
        progress("[4/6] starting the worker and the console")
        processes.start("worker", "worker", "--clock", "event", "--metrics", f"127.0.0.1:{ports.worker_metrics}")
        processes.start("console", "console", "--port", str(ports.console))
        for what, port in (("police intake", ports.police), ("social intake", ports.social),
                           ("labour connector", ports.labour_metrics), ("worker", ports.worker_metrics)):
            _wait_for(f"http://127.0.0.1:{port}/metrics", what, processes)
        _wait_for(f"http://127.0.0.1:{ports.console}/health", "console", processes)
        progress("[5/6] demo sign-ins (new passwords each run):")
        for line in ensure_demo_users(settings.db_url):
            progress("      " + line)
        progress(f"[6/6] the console: http://127.0.0.1:{ports.console}/  (Ctrl-C stops the demo)")
        _feed_until(processes, settings, ports, drops, immigration_db, feeder_tokens, progress, seconds, rate)
        progress("stopping the demo")
    except DemoStopped as stop:
        progress(f"stopping the demo ({stop})")
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)   # a second signal must not cut the stop short
        killed = _stop(settings, processes, started_broker, progress)
    return 1 if killed else 0


def _stop(settings: Settings, processes: _Processes, started_broker: bool,
          progress: Callable[[str], None]) -> list[str]:
    """Everything the demo started, in reverse order, within ``settings.stop_timeout_s``; the broker
    it started is removed with its data (the next demo starts afresh). Returns what had to be killed."""
    deadline = time.monotonic() + settings.stop_timeout_s
    killed = processes.stop_all(deadline)
    if "console" in processes.started:
        from console.demo import remove_demo_users
        remove_demo_users(settings.db_url)
    if killed:
        progress(f"killed {', '.join(killed)}: not stopped within {settings.stop_timeout_s:g} s; what they had "
                 "not committed is redone when they start again")
    if started_broker:
        from ops.kafka import local
        local.down(settings, progress=progress, purge=True, timeout_s=max(1.0, deadline - time.monotonic()))
    progress("the demo stopped")
    return killed


FEEDS, FEED_DAYS = 6, 60


def feed_starts(now: datetime, feeds: int = FEEDS, days: float = FEED_DAYS) -> list[datetime]:
    """Where each feed's period starts: one after the other, the last ending at ``now``. Every
    record is then dated in the past, as an agency's would be (the connectors dead-letter records
    dated after the moment they arrive), and the immigration rows never go behind the SQL
    source's watermark."""
    return [now - timedelta(days=days * (feeds - n)) for n in range(feeds)]


def _issue_feeder_tokens(settings: Settings, folder: Path) -> dict[str, Path]:
    """New intake tokens for the police and social HTTP intakes, each run: the credentials folder
    keeps their digests (what the connectors check against), and the clear tokens go to the
    simulator, which plays the agencies' systems, in files of its own (0600 in a 0700 folder)."""
    from runtime.credentials import issue_intake_token, write_private
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    files = {agency: folder / f"{agency}.token" for agency in ("police", "social")}
    for agency, path in files.items():
        write_private(path, issue_intake_token(settings, agency))
    return files


def _feed_until(processes: _Processes, settings: Settings, ports: DemoPorts, drops: dict[str, Path],
                immigration_db: str, tokens: dict[str, Path], progress: Callable[[str], None], seconds: float | None, rate: float) -> None:
    """One seeded feed after another through the connectors, over the year before the demo began;
    then the hub runs on what it was given until the demo is stopped."""
    until = time.monotonic() + seconds if seconds is not None else None
    starts = feed_starts(datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0))
    seed = 7
    while until is None or time.monotonic() < until:
        if starts and ("simulator" not in processes.started or processes.started["simulator"].poll() is not None):
            start_at = starts.pop(0)
            progress(f"simulator: feed seed {seed} from {start_at:%Y-%m-%d} at {rate:g} records/s (its truth file: "
                     f"{settings.home / 'demo' / f'truth-{seed}.json'})")
            if not starts:
                progress("simulator: the last feed reaches today; the hub keeps running on what it was given")
            processes.start("simulator", "simulate", "--seed", str(seed), "--rate", str(rate),
                            "--start-at", start_at.isoformat(), "--days", str(FEED_DAYS),
                            "--police-url", f"http://127.0.0.1:{ports.police}",
                            "--police-token-file", str(tokens["police"]),
                            "--social-url", f"http://127.0.0.1:{ports.social}",
                            "--social-token-file", str(tokens["social"]),
                            "--labour-dir", str(drops["labour"]), "--social-dir", str(drops["social"]),
                            "--immigration-sql", immigration_db,
                            "--truth", str(settings.home / "demo" / f"truth-{seed}.json"))
            seed += 1
        processes.check()
        time.sleep(1)
