"""The case file: forms of exploitation and each person's HTCDS victim fields (cases.case_file, JSON).

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
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("case_file", sa.JSON(), nullable=True, comment=(
            "The case file (issue 13): forms of exploitation, and per person id the HTCDS victim fields.")))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("case_file")
