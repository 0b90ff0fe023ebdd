"""`sanpalang demo` from a fresh home: everything starts, the simulator's events become cases and
alerts in the views, the console answers, and the demo stops all it started, however it is stopped."""

from __future__ import annotations

import os
import signal
import stat
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from ops.ports import free_block

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[2]
GONE_WITHIN_S = 15


def demo_env(home: Path, cache: Path, kafka_port: int) -> dict[str, str]:
    env = {**os.environ, "SANPALANG_HOME": str(home), "SANPALANG_CACHE": str(cache),
           "SANPALANG_KAFKA_PORT": str(kafka_port), "PYTHONPATH": str(ROOT)}
    env.pop("SANPALANG_KAFKA_BOOTSTRAP", None)
    env.pop("SANPALANG_DATABASE_URL", None)
    return env


def processes_of(home: Path) -> list[str]:
    """Every process on the machine whose environment names this demo's home (the demo's children,
    their children and the broker inherit it), as 'pid command'."""
    marker = f"SANPALANG_HOME={home}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if marker in (proc / "environ").read_bytes().split(b"\0"):
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append(f"{proc.name} {command[:120]}")
        except OSError:
            continue
    return found


def taken(ports: list[int]) -> list[int]:
    """The ports a server could not listen on now (connections left in TIME_WAIT do not count)."""
    busy = []
    for port in ports:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                busy.append(port)
    return busy


def test_the_demo_runs_the_whole_hub_and_stops_everything_it_started(tmp_path, kafka_jar_cache):
    home, base = tmp_path / "home", free_block(32)
    env = {**demo_env(home, kafka_jar_cache, free_block(2)), "SANPALANG_STOP_TIMEOUT": "60"}   # a loaded CI machine
    done = subprocess.run([sys.executable, "-m", "ops.cli", "demo", "--for", "70", "--port-base", str(base),
                           "--rate", "40"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert f"the console: http://127.0.0.1:{base}/" in done.stderr
    assert "national operator: demo.national / " in done.stderr
    assert "provincial operator (Chiang Rai, TH-57): demo.chiangrai / " in done.stderr
    assert "PSDHS team lead (Chiang Rai, TH-57): demo.teamlead / " in done.stderr
    engine = sa.create_engine(f"sqlite:///{home / 'hub.db'}")
    with engine.connect() as conn:
        cases = conn.execute(sa.text("select count(*) from cases")).scalar_one()
        alerts = conn.execute(sa.text("select count(*) from alerts")).scalar_one()
        demo_users = conn.execute(sa.text("select count(*) from console_users where name like 'demo.%'")).scalar_one()
    engine.dispose()
    assert cases > 0 and alerts > 0, (cases, alerts)
    assert demo_users == 0, "the demo's sign-ins outlive it"
    assert stat.S_IMODE((home / "hub.db").stat().st_mode) == 0o600
    assert processes_of(home) == []


class TestTheDemoLeavesNothingBehind:
    """However the demo is stopped, within 15 s none of its processes runs and its ports are free."""

    @pytest.mark.parametrize(("signum", "after"), [
        (signal.SIGINT, "[6/6]"),      # Ctrl-C once the hub runs
        (signal.SIGTERM, "[6/6]"),     # a process manager, `timeout`, `kill`
        (signal.SIGHUP, "[4/6]"),      # a closed SSH session, while the worker and console start
        (signal.SIGKILL, "[6/6]"),     # nothing left to clean up but the kernel
    ], ids=["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"])
    def test_a_stop_signal_takes_every_process_and_port_with_it(self, tmp_path, kafka_jar_cache, signum, after):
        home, base, kafka_port = tmp_path / "home", free_block(32), free_block(2)
        ports = [base, base + 1, base + 2, base + 3, base + 4, base + 13, base + 23, base + 30,
                 kafka_port, kafka_port + 1]
        env = {**demo_env(home, kafka_jar_cache, kafka_port), "SANPALANG_STOP_TIMEOUT": "5"}
        demo = subprocess.Popen([sys.executable, "-m", "ops.cli", "demo", "--port-base", str(base), "--rate", "40"],
                                env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            said = _read_until(demo, after)
            assert processes_of(home), "the demo started nothing"
            demo.send_signal(signum)
            deadline = time.monotonic() + GONE_WITHIN_S
            try:
                _, rest = demo.communicate(timeout=GONE_WITHIN_S * 2)
            except subprocess.TimeoutExpired:
                demo.kill()
                _, rest = demo.communicate()
                raise AssertionError(f"the demo still ran {GONE_WITHIN_S * 2} s after {signum!r}:\n" + said[-2000:] + rest)
            while (processes_of(home) or taken(ports)) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert processes_of(home) == [], said + rest
            assert taken(ports) == []
            if signum != signal.SIGKILL:      # 1: it had to kill what did not stop within the bound, and says so
                assert demo.returncode == 0 or (demo.returncode == 1 and "killed " in rest), said + rest
                assert "the demo stopped" in rest
        finally:
            if demo.poll() is None:
                demo.kill()
                demo.wait()


def _read_until(demo: subprocess.Popen, marker: str, timeout_s: float = 300) -> str:
    assert demo.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = demo.stderr.readline()
        if not line:
            raise AssertionError("the demo ended before " + marker + ":\n" + "".join(lines[-30:]))
        lines.append(line)
        if line.startswith(marker):
            return "".join(lines)
    raise AssertionError(f"no {marker} within {timeout_s:.0f} s:\n" + "".join(lines[-30:]))
