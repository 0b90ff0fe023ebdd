"""`sanpalang demo --sasl`: the whole hub on a SASL/SCRAM broker that denies by default, and the
broker's own record of who did what. Its super-user applies the catalogue (`topics apply`) and
does nothing else; every other process connects as its own least-privilege principal, and the
feed still reaches cases, alerts and the views (issue 11, "Least privilege, everywhere").

The broker is started here, as `sanpalang kafka up --sasl` would, with SANPALANG_KAFKA_ACCESS_LOG=1
so that it logs every request it allows with the principal that made it; the demo finds it
running and leaves it (and its log) to the test."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa

from ops.kafka import local
from ops.ports import free_block
from runtime.settings import Settings
from tests.integration.test_demo import demo_env, processes_of
from tests.missing import missing

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
ADMIN = "admin"
AGENCIES = ("police", "social", "labour", "immigration")
# "Principal = User:police is Allowed operation = Write from host = ... on resource = Topic:LITERAL:intake.police.v1 ..."
DECISION = re.compile(r"Principal = User:(\S+) is (Allowed|Denied) operation = (\w+) from host = \S+ "
                      r"on resource = (\w+):\w+:(\S+)")

Grants = dict[str, set[tuple[str, str, str]]]


def decisions(logs: Path) -> tuple[Grants, Grants]:
    """(allowed, denied): principal -> {(operation, resource type, resource name)} from access.log."""
    allowed: Grants = defaultdict(set)
    denied: Grants = defaultdict(set)
    for path in sorted(logs.glob("access.log*")):
        for match in DECISION.finditer(path.read_text(errors="replace")):
            principal, verdict, operation, kind, name = match.groups()
            (allowed if verdict == "Allowed" else denied)[principal].add((operation.upper(), kind, name))
    return allowed, denied


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, kafka_jar_cache):
    """The demo on its own SASL broker for 80 s; yields its home, output and the broker's decisions."""
    root = tmp_path_factory.mktemp("sasl-demo")
    home, kafka_port, base = root / "home", free_block(10), free_block(32)
    settings = Settings(home=home, cache=kafka_jar_cache, kafka_port=kafka_port, kafka_access_log=True)
    absent = local.missing_packages(settings)
    if absent:
        missing(f"the demo test needs {', '.join(absent)}")
    local.up(settings, sasl=True)
    try:
        env = {**demo_env(home, kafka_jar_cache, kafka_port), "SANPALANG_KAFKA_ACCESS_LOG": "1",
               "SANPALANG_STOP_TIMEOUT": "60"}
        done = subprocess.run([sys.executable, "-m", "ops.cli", "demo", "--sasl", "--for", "80", "--port-base",
                               str(base), "--rate", "40"], env=env, cwd=ROOT, capture_output=True, text=True,
                              timeout=900)
        allowed, denied = decisions(settings.kafka_dir / "node-1" / "logs")
        yield home, done, allowed, denied
    finally:
        local.down(settings, purge=True)


class TestTheDemoOnASaslCluster:
    def test_runs_and_the_feed_reaches_cases_alerts_and_the_views(self, demo_run):
        home, done, allowed, _ = demo_run
        assert done.returncode == 0, done.stderr[-4000:]
        engine = sa.create_engine(f"sqlite:///{home / 'hub.db'}")
        with engine.connect() as conn:
            cases = conn.execute(sa.text("select count(*) from cases")).scalar_one()
            alerts = conn.execute(sa.text("select count(*) from alerts")).scalar_one()
        engine.dispose()
        assert cases > 0 and alerts > 0, (cases, alerts, done.stderr[-3000:])
        assert processes_of(home) == []

    def test_the_super_user_only_applied_the_catalogue(self, demo_run):
        _, done, allowed, _ = demo_run
        assert allowed[ADMIN], "the broker logged nothing of topics apply: is the access log on?"
        beyond = {(op, kind, name) for op, kind, name in allowed[ADMIN]
                  if kind in ("Group", "TransactionalId") or (kind == "Topic" and op == "READ")
                  or (kind == "Topic" and op == "WRITE" and name != "schemas.avro.v1")}
        assert beyond == set(), "the super-user read, wrote or consumed beyond `topics apply`"

    def test_each_process_connected_as_its_own_principal(self, demo_run):
        _, done, allowed, _ = demo_run
        for agency in AGENCIES:
            assert ("WRITE", "Topic", f"intake.{agency}.v1") in allowed[agency], agency
        assert {("READ", "Topic", "intake.police.v1"), ("WRITE", "Topic", "alerts.v1"),
                ("WRITE", "Topic", "cases.provincial.v1")} <= allowed["hub"]
        assert any(kind == "Topic" and op == "READ" for op, kind, _ in allowed["console"]), allowed["console"]
        assert set(allowed) <= {ADMIN, "hub", "console", *AGENCIES}, sorted(allowed)

    def test_no_process_was_refused_anything(self, demo_run):
        """Each principal's grants are enough for its process: nothing it asked for was denied."""
        _, _, _, denied = demo_run
        assert dict(denied) == {}
