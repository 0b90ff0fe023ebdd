"""The console's own tables (users, API tokens, sessions, sign-in failures, the audit log), in the
views' database but with their own metadata and their own version table, so that the worker's
Alembic history (`views_alembic_version`) and the console's never step on each other.

`migrate` brings them to the head of their own Alembic history (`console/migrations`, version
table ``console_alembic_version``).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.migrations import CONSOLE
from streams.views.migrations import upgrade
from streams.views.tables import UtcDateTime

__all__ = ["metadata", "users", "tokens", "sessions", "login_failures", "audit_log", "audit_head",
           "person_entries", "feed_offsets", "migrate"]

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s", "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
})

users = sa.Table(
    "console_users", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("provinces", sa.String, nullable=False, default="", comment="Comma-separated ISO 3166-2:TH codes."),
    sa.Column("agency", sa.String(16), nullable=True),
    sa.Column("password_hash", sa.String, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

tokens = sa.Table(
    "console_tokens", metadata,
    sa.Column("token_id", sa.String(12), primary_key=True),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("console_users.name", ondelete="CASCADE"), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, comment="SHA-256 of the token's secret part."),
    sa.Column("label", sa.String, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_name"),
)

sessions = sa.Table(
    "console_sessions", metadata,
    sa.Column("id_digest", sa.String(64), primary_key=True, comment="SHA-256 of the cookie value, never the value."),
    sa.Column("user_name", sa.String(64), sa.ForeignKey("console_users.name", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index(None, "user_name"),
    sa.Index(None, "expires_at"),
)

login_failures = sa.Table(
    "console_login_failures", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Index(None, "user_name", "at"),
)

audit_log = sa.Table(
    "console_audit", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target", sa.String, nullable=False),
    sa.Column("province", sa.String, nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("prev_digest", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Index(None, "actor", "at"),
    sa.Index(None, "target"),
)

audit_head = sa.Table(
    "console_audit_head", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
)

person_entries = sa.Table(
    "console_person_entries", metadata,
    sa.Column("event_id", sa.String, primary_key=True),
    sa.Column("person_ref", sa.String, primary_key=True),
    sa.Column("agency", sa.String(16), nullable=False),
    sa.Column("names", sa.Text, nullable=False, comment="JSON list of full names as the agency spelt them."),
    sa.Column("identifiers", sa.Text, nullable=False, comment="JSON list of [kind, masked value]; never the full value."),
)

feed_offsets = sa.Table(
    "console_feed_offsets", metadata,
    sa.Column("topic", sa.String, primary_key=True),
    sa.Column("partition", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("next_offset", sa.BigInteger, nullable=False),
)


def migrate(engine: Engine) -> None:
    """Bring the console's tables to the head of their history, once even when two consoles start
    together (a PostgreSQL advisory lock; SQLite: the writer engine's BEGIN IMMEDIATE)."""
    upgrade(engine, history=CONSOLE)
