"""Person links name the candidate of a Possible decision (PersonLink.candidate_id).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("person_links") as batch:
        batch.add_column(sa.Column("candidate_id", sa.String(), nullable=True,
                                   comment="For a Possible decision: the person to review it against."))


def downgrade() -> None:
    with op.batch_alter_table("person_links") as batch:
        batch.drop_column("candidate_id")
