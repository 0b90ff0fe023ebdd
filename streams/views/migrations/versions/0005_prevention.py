"""Prevention work on the provincial map (issue 13 item 4): the `prevention` table, one row per
PreventionActivity record (its latest version), read by the province page.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

At = sa.DateTime(timezone=True)      # streams.views.tables.UtcDateTime: aware UTC in and out

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "prevention",
        sa.Column("source_key", sa.String(), nullable=False, comment=(
            "'<source system>:<record id>' (the intake key): one row per activity, its latest version.")),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("district", sa.String(), nullable=True, comment="DOPA code (6306); null: province-wide."),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("activity_kind", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=False),
        sa.Column("people_reached", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("organiser", sa.String(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("recorded_at", At, nullable=False, comment="Orders the versions of one activity."),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("source_key", name=op.f("pk_prevention")),
    )
    op.create_index("ix_prevention_province_held_on", "prevention", ["province", "held_on"])


def downgrade() -> None:
    op.drop_index("ix_prevention_province_held_on", table_name="prevention")
    op.drop_table("prevention")
