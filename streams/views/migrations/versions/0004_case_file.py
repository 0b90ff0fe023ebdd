"""The case file (cases.case_file, JSON: forms of exploitation, each person's HTCDS victim fields,
the absorbed case numbers) and the case number operators search by (cases.case_number, indexed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("case_file", sa.JSON(), nullable=True, comment=(
            "The case file (issue 13): forms of exploitation, and per person id the HTCDS victim fields.")))
        batch.add_column(sa.Column("case_number", sa.String(), nullable=True,
                                   comment="TH57-2569-0042: what operators say and search by."))
        batch.create_index("ix_cases_case_number", ["case_number"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_case_number")
        batch.drop_column("case_number")
        batch.drop_column("case_file")
