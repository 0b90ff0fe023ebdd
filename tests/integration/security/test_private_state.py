"""State is the hub user's own (issue 11, item 4): every command runs with umask 077, so the SQLite
views (with -wal and -shm), the generated keys and credentials, and the local broker's data and
log segments are 0600 in 0700 folders; a SANPALANG_HOME made 0755 before is tightened to 0700."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ops.ports import free_block

ROOT = Path(__file__).resolve().parents[3]


def cli(home: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SANPALANG_")}
    environment.update(SANPALANG_HOME=str(home), PYTHONPATH=str(ROOT), **env)
    return subprocess.run([sys.executable, "-m", "ops.cli", *args], input=stdin, capture_output=True, text=True,
                          env=environment, cwd=ROOT, timeout=300)


def loose(root: Path) -> list[str]:
    """Everything under `root` that another local user could read, write or enter."""
    return [f"{p} {oct(stat.S_IMODE(p.stat().st_mode))}" for p in [root, *root.rglob("*")]
            if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077]


def test_the_views_database_and_the_keys_are_the_users_own(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    done = cli(home, "users", "add", "prov57", "--role", "provincial", "--province", "TH-57", "--password-stdin",
               stdin="correct horse battery\n")
    assert done.returncode == 0, done.stderr
    assert (home / "hub.db").exists()
    assert not loose(home)


@pytest.mark.broker
def test_the_local_brokers_data_and_log_segments_are_the_users_own(tmp_path, kafka_jar_cache):
    home = tmp_path / "home"
    up = cli(home, "kafka", "up", SANPALANG_CACHE=str(kafka_jar_cache), SANPALANG_KAFKA_PORT=str(free_block(10)))
    try:
        assert up.returncode == 0, up.stderr
        segments = list((home / "kafka").rglob("*.log"))
        assert segments, "the broker wrote no log segment"
        assert not loose(home)
    finally:
        cli(home, "kafka", "down", "--purge", "--yes", SANPALANG_CACHE=str(kafka_jar_cache))
