"""`sanpalang users` and `sanpalang audit show` as an administrator runs them."""

from __future__ import annotations

import argparse
import io

import pytest

from console import accounts, users_command
from console.server import open_hub
from runtime.settings import Settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'hub.db'}")


def run(settings: Settings, *argv: str, stdin: str = "") -> int:
    parser = argparse.ArgumentParser()
    users_command.add_arguments(parser)
    args = parser.parse_args(list(argv))
    old, users_command.sys.stdin = users_command.sys.stdin, io.StringIO(stdin)
    try:
        return users_command.run(args, settings)
    finally:
        users_command.sys.stdin = old


class TestUsersCommand:
    def test_add_list_token_remove(self, settings, capsys):
        assert run(settings, "add", "somchai.k", "--role", "provincial", "--province", "TH-57", "--province", "TH-10",
                   "--password-stdin", stdin="a long enough password\n") == 0
        assert run(settings, "list") == 0
        assert "somchai.k" in capsys.readouterr().out
        assert run(settings, "token", "somchai.k", "--label", "partner") == 0
        token = capsys.readouterr().out.strip()
        hub = open_hub(settings.db_url)
        with hub.writer.connect() as conn:
            principal = accounts.principal_of_token(conn, token)
            assert principal.name == "somchai.k" and principal.provinces == {"TH-57", "TH-10"}
        assert run(settings, "remove", "somchai.k") == 0
        with hub.writer.connect() as conn:
            assert accounts.principal_of_token(conn, token) is None
        hub.writer.dispose()
        hub.reader.dispose()

    def test_the_password_is_stored_hashed(self, settings):
        run(settings, "add", "nat", "--role", "national", "--password-stdin", stdin="a long enough password\n")
        hub = open_hub(settings.db_url)
        with hub.writer.connect() as conn:
            stored = conn.exec_driver_sql("SELECT password_hash FROM console_users").scalar()
        hub.writer.dispose()
        hub.reader.dispose()
        assert stored.startswith("scrypt$") and "a long enough password" not in stored

    def test_a_provincial_operator_without_a_province_is_refused(self, settings, capsys):
        assert run(settings, "add", "x1", "--role", "provincial", "--password-stdin", stdin="a long enough password\n") == 2
        assert "province" in capsys.readouterr().err

    def test_a_psdhs_team_lead_an_officer_with_an_agency_and_a_provincial_liaison_are_added(self, settings):
        pw = "a long enough password\n"
        assert run(settings, "add", "lead.cri", "--role", "team_lead", "--agency", "social", "--province", "TH-57",
                   "--password-stdin", stdin=pw) == 0
        assert run(settings, "add", "officer.cri", "--role", "provincial", "--agency", "social", "--province", "TH-57",
                   "--password-stdin", stdin=pw) == 0
        assert run(settings, "add", "liaison.cri", "--role", "liaison", "--agency", "police", "--province", "TH-57",
                   "--password-stdin", stdin=pw) == 0
        hub = open_hub(settings.db_url)
        with hub.writer.connect() as conn:
            found = {p.name: (p.role.value, p.agency, p.provinces) for p in accounts.list_users(conn)}
        hub.writer.dispose()
        hub.reader.dispose()
        assert found["lead.cri"] == ("team_lead", "social", {"TH-57"})
        assert found["officer.cri"] == ("provincial", "social", {"TH-57"})
        assert found["liaison.cri"] == ("liaison", "police", {"TH-57"})

    def test_a_team_lead_of_another_agency_or_a_liaison_without_a_province_is_refused(self, settings, capsys):
        pw = "a long enough password\n"
        assert run(settings, "add", "lead.x", "--role", "team_lead", "--agency", "police", "--province", "TH-57",
                   "--password-stdin", stdin=pw) == 2
        assert "PSDHS" in capsys.readouterr().err
        assert run(settings, "add", "liaison.x", "--role", "liaison", "--agency", "police", "--password-stdin", stdin=pw) == 2
        assert "province" in capsys.readouterr().err

    def test_a_short_password_is_refused(self, settings):
        assert run(settings, "add", "x2", "--role", "auditor", "--password-stdin", stdin="short\n") == 2

    def test_a_second_user_of_the_same_name_is_refused(self, settings):
        run(settings, "add", "aud", "--role", "auditor", "--password-stdin", stdin="a long enough password\n")
        assert run(settings, "add", "aud", "--role", "auditor", "--password-stdin", stdin="a long enough password\n") == 2

    def test_removing_a_stranger_fails(self, settings):
        assert run(settings, "remove", "nobody") == 2
