"""`sanpalang demo` from a fresh home: everything starts, the simulator's events become cases and
alerts in the views, the console answers, and the demo stops all it started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from ops.ports import free_block

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_the_whole_hub_and_stops_everything_it_started(tmp_path, kafka_jar_cache):
    home, base = tmp_path / "home", free_block(32)
    env = {**os.environ, "SANPALANG_HOME": str(home), "SANPALANG_CACHE": str(kafka_jar_cache),
           "SANPALANG_KAFKA_PORT": str(free_block(2)), "PYTHONPATH": str(ROOT)}
    env.pop("SANPALANG_KAFKA_BOOTSTRAP", None)
    env.pop("SANPALANG_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "ops.cli", "demo", "--for", "70", "--port-base", str(base),
                           "--rate", "40"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    assert f"the console: http://127.0.0.1:{base}/" in done.stderr
    assert "national operator: demo.national / " in done.stderr
    assert "provincial operator (Chiang Rai, TH-57): demo.chiangrai / " in done.stderr
    engine = sa.create_engine(f"sqlite:///{home / 'hub.db'}")
    with engine.connect() as conn:
        cases = conn.execute(sa.text("select count(*) from cases")).scalar_one()
        alerts = conn.execute(sa.text("select count(*) from alerts")).scalar_one()
    engine.dispose()
    assert cases > 0 and alerts > 0, (cases, alerts)
    leftover = subprocess.run(["pgrep", "-f", f"127.0.0.1:{base + 1}"], capture_output=True, text=True)
    assert leftover.stdout == "", f"demo processes still running: {leftover.stdout}"
