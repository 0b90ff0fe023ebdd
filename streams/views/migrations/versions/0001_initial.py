"""The case views: cases and their child rows, alerts, person links, referrals.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

At = sa.DateTime(timezone=True)      # streams.views.tables.UtcDateTime: aware UTC in and out


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["case_id"], ["cases.case_id"], name=f"fk_{table}_case_id_cases", ondelete="CASCADE")


def _indexes(table: str, *columns: tuple[str, ...]) -> None:
    for cols in columns:
        op.create_index(f"ix_{table}_{'_'.join(cols)}", table, list(cols), unique=False)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("merged_into", sa.String(), nullable=True),
        sa.Column("lead_province", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("opened_at", At, nullable=False),
        sa.Column("updated_at", At, nullable=False, comment="The view's updated_at: the version the sink compares."),
        sa.Column("view_digest", sa.String(length=64), nullable=False,
                  comment="SHA-256 of the applied view: same view, no write."),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
    )
    _indexes("cases", ("lead_province", "updated_at"), ("stage", "updated_at"), ("updated_at",), ("merged_into",))

    op.create_table(
        "case_provinces",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_provinces"),
        sa.PrimaryKeyConstraint("case_id", "province", name="pk_case_provinces"),
    )
    _indexes("case_provinces", ("province", "case_id"))

    op.create_table(
        "case_events",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("event_id", sa.String(), nullable=False),
        sa.Column("event_type", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("occurred_at", At, nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_events"),
        sa.PrimaryKeyConstraint("case_id", "event_id", name="pk_case_events"),
    )
    _indexes("case_events", ("event_id",), ("agency", "occurred_at"), ("province", "occurred_at"))

    op.create_table(
        "case_persons",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("trafficking_status", sa.String(), nullable=True),
        sa.Column("is_minor", sa.Boolean(), nullable=True),
        sa.Column("nationality", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_persons"),
        sa.PrimaryKeyConstraint("case_id", "person_id", name="pk_case_persons"),
    )
    _indexes("case_persons", ("person_id",))

    op.create_table(
        "case_person_roles",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id", "person_id"], ["case_persons.case_id", "case_persons.person_id"],
                                name="fk_case_person_roles_case_id_case_persons", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "person_id", "role", name="pk_case_person_roles"),
    )
    _indexes("case_person_roles", ("role", "case_id"))

    op.create_table(
        "case_organisations",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("org_key", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_organisations"),
        sa.PrimaryKeyConstraint("case_id", "org_key", name="pk_case_organisations"),
    )
    _indexes("case_organisations", ("org_key",))

    op.create_table(
        "case_agency_refs",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_agency_refs"),
        sa.PrimaryKeyConstraint("case_id", "agency", "ref", name="pk_case_agency_refs"),
    )
    _indexes("case_agency_refs", ("agency", "ref"))

    op.create_table(
        "case_deadlines",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("due_at", At, nullable=False),
        _case_fk("case_deadlines"),
        sa.PrimaryKeyConstraint("case_id", "position", name="pk_case_deadlines"),
    )
    _indexes("case_deadlines", ("due_at",))

    op.create_table(
        "case_open_alerts",
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("alert_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _case_fk("case_open_alerts"),
        sa.PrimaryKeyConstraint("case_id", "alert_id", name="pk_case_open_alerts"),
    )

    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.String(), nullable=False),
        sa.Column("rule_number", sa.Integer(), nullable=False),
        sa.Column("rule_key", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("severity_rank", sa.SmallInteger(), nullable=False,
                  comment="Info 1, Warning 2, Critical 3: sorts the board."),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("state_rank", sa.SmallInteger(), nullable=False, comment="Firing 1, Acknowledged 2, Resolved 3."),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("case_id", sa.String(), nullable=True,
                  comment="No foreign key: an alert may arrive before its case view."),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("raised_at", At, nullable=False),
        sa.Column("due_at", At, nullable=True),
        sa.Column("resolved_at", At, nullable=True),
        sa.Column("runbook_key", sa.String(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.Column("acknowledged_by", sa.String(), nullable=True),
        sa.Column("acknowledged_at", At, nullable=True),
        sa.Column("acknowledged_note", sa.Text(), nullable=True),
        sa.Column("acknowledged_severity", sa.String(), nullable=True,
                  comment="Severity the operator acknowledged: a higher one makes the acknowledgement stale."),
        sa.Column("acknowledged_raised_at", At, nullable=True,
                  comment="Episode the operator acknowledged: a reopened alert needs a new acknowledgement."),
        sa.PrimaryKeyConstraint("alert_id", name="pk_alerts"),
    )
    _indexes("alerts", ("province", "state", "severity_rank", "due_at"), ("state", "severity_rank", "due_at"),
             ("case_id",))

    op.create_table(
        "person_links",
        sa.Column("source_key", sa.String(), nullable=False, comment="agency:source_event_id:person_ref"),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("source_event_id", sa.String(), nullable=False),
        sa.Column("person_ref", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("matcher_version", sa.String(), nullable=False),
        sa.Column("merged_from", sa.String(), nullable=True),
        sa.Column("decided_at", At, nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.String(), nullable=True),
        sa.Column("reviewed_at", At, nullable=True),
        sa.Column("review_verdict", sa.String(), nullable=True, comment="confirmed or rejected"),
        sa.PrimaryKeyConstraint("source_key", name="pk_person_links"),
    )
    _indexes("person_links", ("decision", "decided_at"), ("source_event_id",), ("person_id",))

    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(), nullable=False),
        sa.Column("to_agency", sa.String(), nullable=False),
        sa.Column("from_rule_key", sa.String(), nullable=True),
        sa.Column("from_stage", sa.String(), nullable=True),
        sa.Column("case_id", sa.String(), nullable=False),
        sa.Column("province", sa.String(), nullable=False),
        sa.Column("reason_code", sa.String(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_action", sa.Text(), nullable=False),
        sa.Column("created_at", At, nullable=False),
        sa.Column("record_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name="pk_referrals"),
    )
    _indexes("referrals", ("province", "created_at"), ("to_agency", "created_at"), ("case_id",))

    op.create_table(
        "referral_persons",
        sa.Column("referral_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["referral_id"], ["referrals.referral_id"],
                                name="fk_referral_persons_referral_id_referrals", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("referral_id", "person_id", name="pk_referral_persons"),
    )


def downgrade() -> None:
    for table in ("referral_persons", "referrals", "person_links", "alerts", "case_open_alerts", "case_deadlines",
                  "case_agency_refs", "case_organisations", "case_person_roles", "case_persons", "case_events",
                  "case_provinces", "cases"):
        op.drop_table(table)
