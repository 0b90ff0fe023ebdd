"""Demo sign-ins for `make demo`: a national and a provincial operator and Chiang Rai's PSDHS team
lead, fresh passwords each run.

    from console.demo import ensure_demo_users
    for line in ensure_demo_users(settings.db_url):     # creates or resets them
        print(line)                                     # "national operator: demo.national / <password>"
    remove_demo_users(settings.db_url)                  # when the demo stops: no sign-in outlives it
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone

import sqlalchemy as sa

from console import accounts, store
from console.credentials import hash_password
from console.roles import DESK_AGENCY, Role
from console.server import open_hub

__all__ = ["ensure_demo_users", "remove_demo_users", "DEMO_USERS"]

DEMO_USERS: tuple[tuple[str, Role, frozenset[str], str | None, str], ...] = (
    ("demo.national", Role.NATIONAL, frozenset(), None, "national operator"),
    ("demo.chiangrai", Role.PROVINCIAL, frozenset({"TH-57"}), None, "provincial operator (Chiang Rai, TH-57)"),
    ("demo.teamlead", Role.TEAM_LEAD, frozenset({"TH-57"}), DESK_AGENCY, "PSDHS team lead (Chiang Rai, TH-57)"),
)


def ensure_demo_users(database_url: str, users=DEMO_USERS) -> list[str]:
    """Create the demo users, or give them a new password if they exist; lines to print."""
    hub = open_hub(database_url)
    lines = []
    try:
        with hub.writer.begin() as conn:
            for name, role, provinces, agency, what in users:
                password = secrets.token_urlsafe(9)
                if accounts.load_principal(conn, name) is None:
                    accounts.add_user(conn, name, role, password, provinces=provinces, agency=agency,
                                      at=datetime.now(timezone.utc))
                else:
                    conn.execute(sa.update(store.users).where(store.users.c.name == name)
                                 .values(password_hash=hash_password(password)))
                    conn.execute(sa.delete(store.login_failures).where(store.login_failures.c.user_name == name))
                lines.append(f"{what}: {name} / {password}")
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
    return lines


def remove_demo_users(database_url: str, users=DEMO_USERS) -> None:
    """Remove the demo users with their sessions and tokens: their passwords were printed on a
    terminal, so they must not sign in to what the demo leaves behind."""
    hub = open_hub(database_url)
    try:
        with hub.writer.begin() as conn:
            for name, *_ in users:
                if accounts.load_principal(conn, name) is not None:
                    accounts.remove_user(conn, name)
    finally:
        hub.reader.dispose()
        hub.writer.dispose()
