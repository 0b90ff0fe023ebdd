"""Sign-in that holds under load (issue 11, item 5), on PostgreSQL: 30 parallel wrong passwords
compute exactly the policy's number of password hashes before the name locks (before issue 11 the
failure count was read without a lock: 8 of 30 were checked where the policy allows 5); a flood of
failed sign-ins from one address is answered 429 before the database."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from console import accounts
from console.lockout import DEFAULT_POLICY
from console.roles import Role
from console.server import open_hub
from runtime.settings import Settings
from streams.views.engine import make_engine
from tests.integration.console.conftest import Browserless, ServerThread, sign_in
from tests.integration.console.world import NOW, PASSWORD

PARALLEL = 30


@pytest.fixture(scope="module")
def database(postgres_url):
    from tests.integration.postgres import create_database
    url = create_database(postgres_url, f"signin_{uuid.uuid4().hex[:12]}")
    hub = open_hub(url)
    with hub.writer.begin() as conn:
        accounts.add_user(conn, "prov57", Role.PROVINCIAL, PASSWORD, provinces=frozenset({"TH-57"}),
                          at=NOW - timedelta(days=1))
    hub.writer.dispose()
    hub.reader.dispose()
    return url


class TestParallelWrongPasswords:
    def test_lock_the_name_after_exactly_the_policys_count_of_checked_passwords(self, database):
        engine = make_engine(database, writer=True, pool_size=PARALLEL, max_overflow=0)
        start = threading.Barrier(PARALLEL)

        def attempt(n: int) -> accounts.SignIn:
            start.wait()
            return accounts.sign_in(engine, "prov57", f"guess {n}", at=NOW)
        try:
            with ThreadPoolExecutor(PARALLEL) as pool:
                results = list(pool.map(attempt, range(PARALLEL)))
            with engine.connect() as conn:
                recorded = conn.execute(sa.text("SELECT count(*) FROM console_login_failures "
                                                "WHERE user_name = 'prov57'")).scalar_one()
            after = accounts.sign_in(engine, "prov57", PASSWORD, at=NOW + timedelta(seconds=1))
        finally:
            engine.dispose()
        assert sum(r.checked for r in results) == DEFAULT_POLICY.max_failures
        assert all(r.principal is None for r in results) and recorded == DEFAULT_POLICY.max_failures
        assert sum(r.locked_until is not None for r in results) == PARALLEL - DEFAULT_POLICY.max_failures + 1
        assert after.principal is None and after.locked_until is not None and not after.checked


class TestAFloodOfMadeUpNames:
    def test_is_answered_429_by_address_before_the_database_and_the_hash(self, database, tmp_path):
        server = ServerThread(Settings(home=tmp_path, database_url=database))
        try:
            client = Browserless(server.url)
            answers = [sign_in(client, f"made.up.{n}", "x").status for n in range(40)]
            assert answers[:30] == [401] * 30 and set(answers[30:]) == {429}
            throttled = sign_in(client, "made.up.last", "x")
            assert throttled.status == 429 and int(throttled.headers["Retry-After"]) >= 1
        finally:
            server.stop()
