"""``sanpalang connect AGENCY --processes N``: N connector processes of one agency, one supervisor.

One connector is one Python thread, so one process is bounded by its CPU (bench intake: some
2,000-4,500 records/s). N children share the agency's sources without overlap
(``connectors.sources.sharing``); each has its own transactional id and checkpoints, so each is
a connector of its own to the broker, fenced and resumed like one.

The supervisor:

* picks the HTTP port once when asked for port 0 (a socket bound with ``SO_REUSEPORT`` and never
  listening holds it), so every child listens on the same one;
* returns to the drop the files claimed by children of another ``N`` (a run with more processes
  before), before any child starts and reads its checkpoints;
* ties every child to itself (``PR_SET_PDEATHSIG``: a supervisor killed with SIGKILL takes its
  children with it);
* restarts a child killed by a signal (SIGKILL, the OOM killer): it resumes from its own
  checkpoints and finishes the files it had claimed; a child that exits by itself (a source that
  cannot go on) stops the others and its code is the supervisor's;
* on SIGTERM / SIGINT passes SIGTERM on and waits for the children, each of which stops within
  ``SANPALANG_STOP_TIMEOUT`` as a single connector does; the exit code is the worst of theirs
  (``EXIT_ABANDONED`` if one gave up work).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable

from connectors.runner import ConnectorPlan, intake_digests, run_connector
from connectors.sources.files import free_name
from connectors.sources.sharing import CLAIMED, Share
from runtime.lifetime import tied_child
from runtime.settings import Settings

__all__ = ["plan_from_json", "plan_json", "return_orphaned_claims", "run_processes"]

log = logging.getLogger(__name__)
RESTART_PAUSE_S = 1.0   # between a child's death by a signal and its restart (no busy loop if it keeps dying)


def plan_json(plan: ConnectorPlan) -> str:
    fields = asdict(plan)
    fields["watch"] = str(plan.watch) if plan.watch else None
    return json.dumps(fields)


def plan_from_json(text: str) -> ConnectorPlan:
    fields = json.loads(text)
    return ConnectorPlan(**{**fields, "http": tuple(fields["http"]) if fields["http"] else None,
                            "metrics": tuple(fields["metrics"]) if fields["metrics"] else None,
                            "watch": Path(fields["watch"]) if fields["watch"] else None,
                            "share": Share(**fields["share"])})


def return_orphaned_claims(drop: Path, count: int) -> list[str]:
    """Move back to ``drop`` the files waiting in a ``claimed/`` folder of no child of ``count``
    processes; the names moved. Run while no child runs: the next child to take such a file reads
    its checkpoint afresh and resumes after its committed records."""
    root = drop / CLAIMED
    if not root.is_dir():
        return []
    ours = {share.suffix for share in Share(0, count).siblings()} if count > 1 else set()
    moved = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in ours):
        if Share.of_folder(folder.name) is None:
            continue
        for path in sorted(folder.iterdir()):
            target = drop / free_name(path.name, set(os.listdir(drop)))
            os.rename(path, target)
            moved.append(target.name)
    return moved


def _reserve_port(host: str) -> socket.socket:
    """A port for every child's ``SO_REUSEPORT`` listener: bound here, never listening (takes no connection)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    reserved = socket.socket(family, socket.SOCK_STREAM)
    reserved.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    reserved.bind((host, 0))
    return reserved


class _Child:
    def __init__(self, plan: ConnectorPlan) -> None:
        self.plan = plan
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "connectors.processes", plan_json(self.plan)],
                                preexec_fn=tied_child(signal.SIGTERM))

    def restart(self) -> None:
        self.process = self._start()


def run_processes(settings: Settings, plan: ConnectorPlan, count: int, progress: Callable[[str], None],
                  stop: threading.Event | None = None) -> int:
    """Run ``count`` children of ``plan`` until ``stop`` is set or SIGTERM / SIGINT comes; the worst exit code."""
    if count == 1:
        if plan.watch:
            return_orphaned_claims(plan.watch, 1)
        return asyncio.run(run_connector(settings, plan, progress))
    plan.check()
    if plan.http:
        intake_digests(settings, plan.agency)   # NoIntakeToken here, not in N children
    stop = stop or threading.Event()
    reserved = None
    if plan.http and plan.http[1] == 0:
        reserved = _reserve_port(plan.http[0])
        plan = replace(plan, http=(plan.http[0], reserved.getsockname()[1]))
    if plan.watch:
        for name in return_orphaned_claims(plan.watch, count):
            progress(f"{plan.agency}: {name} was claimed by a process of an earlier run; back in the drop")
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
    children = [_Child(replace(plan, share=share)) for share in Share(0, count).siblings()]
    progress(f"{plan.agency} connector: {count} processes (pids {', '.join(str(c.process.pid) for c in children)})")
    try:
        failed = _supervise(children, stop, progress)
        for child in children:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        bound = settings.stop_timeout_s + 5.0 if settings.stop_timeout_s > 0 else None   # each child keeps its own bound
        deadline = time.monotonic() + (bound or 0.0)
        for child in children:
            try:
                child.process.wait(timeout=None if bound is None else max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("%s %s did not stop within %g s; killed", plan.agency, child.plan.share.suffix, bound)
                child.process.kill()
                child.process.wait()
        codes = [c.process.returncode for c in children]
        return failed if failed is not None else max((code for code in codes if code > 0), default=0)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if reserved is not None:
            reserved.close()


def _supervise(children: list[_Child], stop: threading.Event, progress: Callable[[str], None]) -> int | None:
    """Until ``stop``: restart children killed by a signal; the code of one that exited by itself, if one did."""
    while not stop.wait(0.2):
        for child in children:
            code = child.process.poll()
            if code is None:
                continue
            name = f"{child.plan.agency} {child.plan.share.suffix}"
            if code >= 0:
                progress(f"{name} exited with {code}; stopping its siblings")
                return code or 1
            progress(f"{name} was killed by signal {-code}; restarting it")
            if stop.wait(RESTART_PAUSE_S):
                return None
            child.restart()
    return None


def _child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="one child of `sanpalang connect --processes N` (started by it)")
    parser.add_argument("plan", help="the child's ConnectorPlan as JSON")
    plan = plan_from_json(parser.parse_args(argv).plan)
    logging.basicConfig(level=logging.INFO,
                        format=f"%(asctime)s %(levelname)s {plan.share.suffix} %(name)s: %(message)s")
    return asyncio.run(run_connector(Settings.from_env(), plan, lambda line: _say(f"{plan.share.suffix} {line}")))


def _say(line: str) -> None:
    """One line to stderr in one write: the children share the supervisor's pipe, and a line
    written as its text and then its newline (`print` unbuffered) can be cut by a sibling's."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1:]))
