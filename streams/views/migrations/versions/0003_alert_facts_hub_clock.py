"""Alerts keep their facts (Alert.facts), from which the console words the message in the
operator's language (alerts stored before have none: the console shows their English message);
`hub_clock` keeps the worker's clock that the console counts deadlines from (issue 13).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=False, server_default="{}",
                                   comment="Alert.facts: the message as data, which the console words in the "
                                           "operator's language."))
    op.create_table(
        "hub_clock",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False, comment="Always 1: one clock."),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False,
                  comment="The worker's clock when it committed the rows applied last."),
        sa.Column("mode", sa.String(), nullable=False, comment="wall (live ticks) or event (replays, the demo)."),
        sa.PrimaryKeyConstraint("id", name="pk_hub_clock"),
    )


def downgrade() -> None:
    op.drop_table("hub_clock")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("facts")
