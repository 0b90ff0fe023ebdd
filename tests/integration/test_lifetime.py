"""A child tied to its parent ends with it, even when the parent catches the signal it is tied with."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from tests.integration.processes import running

ROOT = Path(__file__).resolve().parents[2]

PARENT = textwrap.dedent("""
    import os, signal, subprocess, sys, time
    from runtime.lifetime import tied_child

    signal.signal(signal.SIGTERM, lambda *_: None)   # a parent that stops cleanly on SIGTERM, as the demo does
    tie, parent, pid_file = tied_child(), os.getpid(), sys.argv[1]

    def tie_after_the_parent_died():
        with open(pid_file + ".part", "w") as out:
            out.write(str(os.getpid()))
        os.rename(pid_file + ".part", pid_file)
        while os.getppid() == parent:                # the window between fork and the tie, held open
            time.sleep(0.01)
        tie()

    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], preexec_fn=tie_after_the_parent_died)
""")


def test_a_child_whose_parent_was_killed_before_the_tie_took_effect_ends_too(tmp_path):
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, "-c", PARENT, str(pid_file)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(pid_file.read_text())
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while running(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(child), "the child outlived its killed parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        if pid_file.exists() and running(int(pid_file.read_text())):
            os.kill(int(pid_file.read_text()), signal.SIGKILL)


def test_a_child_can_be_tied_with_sigkill_which_has_no_handler_to_reset():
    """The local broker's nodes are tied with SIGKILL (they must not outlive the demo at all)."""
    from runtime.lifetime import tied_child
    child = subprocess.run([sys.executable, "-c", "print('started')"], preexec_fn=tied_child(signal.SIGKILL),
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == 0 and child.stdout == "started\n"
