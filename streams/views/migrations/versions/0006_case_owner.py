"""The team lead's desk of a case (issue 13): its owner (cases.owner, indexed: the board shows it)
and the rest of the desk as JSON (cases.desk: who assigned the owner and when, the status
decisions with who decided, when and on what, who closed the case and when).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("owner", sa.String(), nullable=True, comment=(
            "User name of the case's owner, set by the team lead (issue 13): the board shows it.")))
        batch.add_column(sa.Column("desk", sa.JSON(), nullable=True, comment=(
            "The team lead's desk (issue 13): who assigned the owner and when, status decisions, closing.")))
        batch.create_index("ix_cases_owner", ["owner"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_owner")
        batch.drop_column("desk")
        batch.drop_column("owner")
