"""An audit trail that survives a database writer (issue 11, item 3), on PostgreSQL and a SASL
broker: the console (as its own principal) appends keyed entries for every read and anchors the
chain head on audit.anchors.v1; `sanpalang audit verify` (as the console principal) then catches
tail truncation, a rewritten entry, a chain recomputed with or without the key, and a chain that
was never anchored. Before issue 11 the unkeyed chain with its head in the same database passed
all of these as intact."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from console import accounts, audit_command, auditlog
from console.audit import GENESIS, entry_digest
from console.live import Topics
from console.roles import Role
from console.server import open_hub, settings_audit_key
from tests.integration.console.conftest import Browserless, ServerThread, sign_in
from tests.integration.console.world import NOW, PASSWORD

pytestmark = pytest.mark.broker

READS = ("/api/alerts", "/api/persons-for-review", "/api/referrals", "/api/alerts/no-such-alert",
         "/api/cases", "/api/cases/no-such-case")


def _database(postgres_url: str) -> str:
    from tests.integration.postgres import create_database
    return create_database(postgres_url, f"anchors_{uuid.uuid4().hex[:12]}")


def _run_console(settings, url: str, topics: Topics) -> None:
    """A console with a national operator; every read of `READS` once by the API; stopped."""
    hub = open_hub(url)
    with hub.writer.begin() as conn:
        accounts.add_user(conn, "nat", Role.NATIONAL, PASSWORD, at=NOW - timedelta(days=1))
        token = accounts.issue_token(conn, "nat", at=NOW - timedelta(days=1)).token
    hub.writer.dispose()
    hub.reader.dispose()
    server = ServerThread(settings.with_(database_url=url), kafka=True, topics=topics)
    try:
        client = Browserless(server.url)
        for path in READS:
            assert client.request("GET", path, token=token).status in (200, 404)
    finally:
        server.stop()                 # the head at shutdown is anchored


def verify(settings, url: str, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = audit_command.run(argparse.Namespace(action="verify", anchors=True), settings.with_(database_url=url))
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture(scope="module")
def anchored(sasl_hub, postgres_url):
    url = _database(postgres_url)
    _run_console(sasl_hub.settings, url, Topics(intake=()))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.text("SELECT * FROM console_audit ORDER BY seq")).mappings()]
        head = dict(conn.execute(sa.text("SELECT * FROM console_audit_head")).mappings().one())
    yield url, engine, rows, head
    engine.dispose()


@pytest.fixture
def log(anchored):
    """The anchored log, put back as the console left it after each attack."""
    url, engine, rows, head = anchored
    yield url, engine
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM console_audit"))
        conn.execute(sa.text("INSERT INTO console_audit (seq, at, actor, role, action, target, province, detail, "
                             "prev_digest, digest) VALUES (:seq, :at, :actor, :role, :action, :target, :province, "
                             ":detail, :prev_digest, :digest)"), rows)
        conn.execute(sa.text("UPDATE console_audit_head SET seq = :seq, digest = :digest WHERE id = 1"), head)


def _entries(engine):
    with engine.connect() as conn:
        return list(auditlog.entries(conn))


def _rewrite(engine, entries, digest) -> None:
    """A database writer's rewrite: entry 1 names another case, every digest after it recomputed."""
    prev, forged = GENESIS, []
    for e in entries:
        e = dataclasses.replace(e, prev_digest=prev, target="case-hidden" if e.seq == 1 else e.target)
        e = dataclasses.replace(e, digest=digest(e))
        forged.append(e)
        prev = e.digest
    with engine.begin() as conn:
        for e in forged:
            conn.execute(sa.text("UPDATE console_audit SET target = :t, prev_digest = :p, digest = :d WHERE seq = :s"),
                         {"t": e.target, "p": e.prev_digest, "d": e.digest, "s": e.seq})
        conn.execute(sa.text("UPDATE console_audit_head SET digest = :d WHERE id = 1"), {"d": prev})


class TestAuditVerifyAgainstTheAnchors:
    def test_every_read_was_audited_and_the_untouched_log_verifies_against_its_anchor(self, sasl_hub, log, capsys):
        url, engine = log
        actions = [e.action for e in _entries(engine)]
        assert {"alert.list", "link.list", "referral.list", "alert.read.refused", "case.search",
                "case.read.refused"} <= set(actions)
        code, out = verify(sasl_hub.settings, url, capsys)
        assert code == 0 and f"anchored at {len(actions)}" in out, out

    def test_tail_truncation_with_the_head_moved_back_is_caught(self, sasl_hub, log, capsys):
        url, engine = log
        entries = _entries(engine)
        keep = entries[-3]
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM console_audit WHERE seq > :s"), {"s": keep.seq})
            conn.execute(sa.text("UPDATE console_audit_head SET seq = :s, digest = :d WHERE id = 1"),
                         {"s": keep.seq, "d": keep.digest})
        code, out = verify(sasl_hub.settings, url, capsys)
        assert code == 1 and "truncated" in out and f"first bad entry: {keep.seq + 1}" in out, out

    def test_a_rewritten_entry_with_the_chain_recomputed_by_plain_hashes_is_caught(self, sasl_hub, log, capsys):
        url, engine = log
        _rewrite(engine, _entries(engine), lambda e: hashlib.sha256(e.payload().encode()).hexdigest())
        code, out = verify(sasl_hub.settings, url, capsys)
        assert code == 1 and "first bad entry: 1" in out and "keyed digest" in out, out

    def test_a_chain_recomputed_with_the_stolen_key_is_caught_by_the_anchor(self, sasl_hub, log, capsys):
        url, engine = log
        key = settings_audit_key(sasl_hub.settings)
        entries = _entries(engine)
        _rewrite(engine, entries, lambda e: entry_digest(e, key))
        code, out = verify(sasl_hub.settings, url, capsys)
        assert code == 1 and "rewritten" in out and f"first bad entry: {entries[-1].seq}" in out, out


class TestAChainNeverAnchored:
    def test_is_reported_as_missing_its_anchor(self, sasl_hub, postgres_url, tmp_path, capsys):
        url = _database(postgres_url)
        settings = sasl_hub.settings.with_(audit_key="a key of another console, 32 bytes or more")
        _run_console(settings, url, Topics(intake=(), anchors=None))
        code, out = verify(settings, url, capsys)
        assert code == 1 and "missing anchor" in out, out


class TestTheAuditorsPageWhileTheConsoleRuns:
    def test_checks_the_database_against_the_head_the_console_anchored(self, sasl_hub, postgres_url):
        url = _database(postgres_url)
        hub = open_hub(url)
        with hub.writer.begin() as conn:
            accounts.add_user(conn, "auditor", Role.AUDITOR, PASSWORD, at=NOW - timedelta(days=1))
            token = accounts.issue_token(conn, "auditor", at=NOW - timedelta(days=1)).token
        hub.writer.dispose()
        hub.reader.dispose()
        server = ServerThread(sasl_hub.settings.with_(database_url=url), kafka=True, topics=Topics(intake=()))
        engine = sa.create_engine(url)
        try:
            client = Browserless(server.url)
            for _ in range(3):                                           # audited: sign_in.failed
                assert sign_in(Browserless(server.url), "auditor", "not the password").status == 401
            server.call(server.running.anchors.anchor())                # the minute's anchor, now
            assert client.request("GET", "/api/audit/verify", token=token).json()["intact"]
            with engine.begin() as conn:                                 # a database writer cuts the tail
                conn.execute(sa.text("DELETE FROM console_audit WHERE seq > 1"))
                conn.execute(sa.text("UPDATE console_audit_head SET seq = 1, digest = "
                                     "(SELECT digest FROM console_audit WHERE seq = 1) WHERE id = 1"))
            verdict = client.request("GET", "/api/audit/verify", token=token).json()
            assert not verdict["intact"] and "truncated" in verdict["reason"]
        finally:
            engine.dispose()
            server.stop()
