"""The console's tables: users, API tokens, sessions, sign-in failures, the audit log and its head,
the person directory and its feeds' offsets.

A database the console migrated before its tables had an Alembic history holds some or all of
them and a ``console_schema_version`` table: the tables it has are kept as they are, the missing
ones created, and the old version table dropped.

Revision ID: c0001
Revises:
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "c0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

At = sa.DateTime(timezone=True)      # streams.views.tables.UtcDateTime: aware UTC in and out
Seq = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLES = ("console_tokens", "console_sessions", "console_users", "console_person_entries", "console_login_failures",
          "console_feed_offsets", "console_audit_head", "console_audit")


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["user_name"], ["console_users.name"], name=f"fk_{table}_user_name_console_users",
                                   ondelete="CASCADE")


def _create(name: str, *items: sa.schema.SchemaItem, indexes: tuple[tuple[str, ...], ...] = ()) -> bool:
    if sa.inspect(op.get_bind()).has_table(name):
        return False
    op.create_table(name, *items, sa.PrimaryKeyConstraint(*_primary_key(items), name=f"pk_{name}"))
    for columns in indexes:
        op.create_index(f"ix_{name}_{'_'.join(columns)}", name, list(columns), unique=False)
    return True


def _primary_key(items: tuple[sa.schema.SchemaItem, ...]) -> list[str]:
    return [item.name for item in items if isinstance(item, sa.Column) and item.info.get("key")]


def _key(name: str, type_: sa.types.TypeEngine, **kwargs) -> sa.Column:
    return sa.Column(name, type_, nullable=False, info={"key": True}, **kwargs)


def upgrade() -> None:
    _create("console_users", _key("name", sa.String(64)),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("provinces", sa.String(), nullable=False, comment="Comma-separated ISO 3166-2:TH codes."),
            sa.Column("agency", sa.String(16), nullable=True),
            sa.Column("password_hash", sa.String(), nullable=False),
            sa.Column("created_at", At, nullable=False))
    _create("console_tokens", _key("token_id", sa.String(12)),
            sa.Column("user_name", sa.String(64), nullable=False),
            sa.Column("digest", sa.String(64), nullable=False, comment="SHA-256 of the token's secret part."),
            sa.Column("label", sa.String(), nullable=True),
            sa.Column("created_at", At, nullable=False),
            _user_fk("console_tokens"), indexes=(("user_name",),))
    _create("console_sessions",
            _key("id_digest", sa.String(64), comment="SHA-256 of the cookie value, never the value."),
            sa.Column("user_name", sa.String(64), nullable=False),
            sa.Column("csrf_token", sa.String(), nullable=False),
            sa.Column("created_at", At, nullable=False),
            sa.Column("expires_at", At, nullable=False),
            _user_fk("console_sessions"), indexes=(("user_name",), ("expires_at",)))
    _create("console_login_failures", _key("id", sa.Integer(), autoincrement=True),
            sa.Column("user_name", sa.String(64), nullable=False),
            sa.Column("at", At, nullable=False), indexes=(("user_name", "at"),))
    _create("console_audit", _key("seq", Seq, autoincrement=False),
            sa.Column("at", At, nullable=False),
            sa.Column("actor", sa.String(64), nullable=False),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("action", sa.String(32), nullable=False),
            sa.Column("target", sa.String(), nullable=False),
            sa.Column("province", sa.String(), nullable=True),
            sa.Column("detail", sa.Text(), nullable=False),
            sa.Column("prev_digest", sa.String(64), nullable=False),
            sa.Column("digest", sa.String(64), nullable=False), indexes=(("actor", "at"), ("target",)))
    if _create("console_audit_head", _key("id", sa.Integer(), autoincrement=False),
               sa.Column("seq", Seq, nullable=False),
               sa.Column("digest", sa.String(64), nullable=False)):
        op.execute(sa.text("INSERT INTO console_audit_head (id, seq, digest) VALUES (1, 0, :zero)")
                   .bindparams(zero="0" * 64))
    _create("console_person_entries", _key("event_id", sa.String()), _key("person_ref", sa.String()),
            sa.Column("agency", sa.String(16), nullable=False),
            sa.Column("names", sa.Text(), nullable=False, comment="JSON list of full names as the agency spelt them."),
            sa.Column("identifiers", sa.Text(), nullable=False,
                      comment="JSON list of [kind, masked value]; never the full value."))
    _create("console_feed_offsets", _key("topic", sa.String()), _key("partition", sa.Integer(), autoincrement=False),
            sa.Column("next_offset", sa.BigInteger(), nullable=False))
    if sa.inspect(op.get_bind()).has_table("console_schema_version"):
        op.drop_table("console_schema_version")


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
