"""The SQL case views: SQLAlchemy Core tables (SQLite by default, PostgreSQL in production).

The worker writes every column except those marked ``info={"writer": "operator"}``: the operator's
acknowledgement of an alert and review of a possible link, which a worker upsert never touches.
Enumerations (stage, severity, agency, ...) are plain strings: the Avro schemas are their contract,
and a symbol added there needs no migration here. Datetimes are aware UTC in and out.

Changing a table: edit it here, add a revision under ``migrations/versions/`` (the migration test
fails until the migrated schema equals this metadata).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

__all__ = ["metadata", "UtcDateTime", "OPERATOR", "worker_columns", "cases", "case_provinces", "case_events",
           "case_persons", "case_person_roles", "case_organisations", "case_agency_refs", "case_deadlines",
           "case_open_alerts", "alerts", "person_links", "referrals", "referral_persons", "hub_clock", "prevention", "CASE_CHILD_TABLES"]

OPERATOR = {"writer": "operator"}

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})


class UtcDateTime(sa.TypeDecorator[datetime]):
    """``TIMESTAMP WITH TIME ZONE`` that takes and gives aware UTC datetimes on every dialect
    (SQLite stores them as naive UTC text, which sorts and compares correctly)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the views store aware UTC datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _case_fk() -> sa.ForeignKey:
    return sa.ForeignKey("cases.case_id", ondelete="CASCADE")


Id = sa.String
At = UtcDateTime

cases = sa.Table(
    "cases", metadata,
    sa.Column("case_id", Id, primary_key=True),
    sa.Column("merged_into", Id, nullable=True),
    sa.Column("lead_province", sa.String, nullable=False),
    sa.Column("stage", sa.String, nullable=False),
    sa.Column("status", sa.String, nullable=False),
    sa.Column("opened_at", At, nullable=False),
    sa.Column("updated_at", At, nullable=False, comment="The view's updated_at: the version the sink compares."),
    sa.Column("view_digest", sa.String(64), nullable=False, comment="SHA-256 of the applied view: same view, no write."),
    sa.Column("case_file", sa.JSON, nullable=True,
              comment="The case file (issue 13): forms of exploitation, and per person id the HTCDS victim fields."),
    sa.Column("case_number", sa.String, nullable=True, comment="TH57-2569-0042: what operators say and search by."),
    sa.Column("owner", sa.String, nullable=True,
              comment="User name of the case's owner, set by the team lead (issue 13): the board shows it."),
    sa.Column("desk", sa.JSON, nullable=True, comment=(
        "The team lead's desk (issue 13): who assigned the owner and when, status decisions, closing.")),
    sa.Index(None, "case_number"),
    sa.Index(None, "owner"),
    sa.Index(None, "lead_province", "updated_at"),
    sa.Index(None, "stage", "updated_at"),
    sa.Index(None, "updated_at"),
    sa.Index(None, "merged_into"),
)

case_provinces = sa.Table(
    "case_provinces", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("province", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "province", "case_id"),
)

case_events = sa.Table(
    "case_events", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("event_id", Id, primary_key=True),
    sa.Column("event_type", sa.String, nullable=False),
    sa.Column("agency", sa.String, nullable=False),
    sa.Column("occurred_at", At, nullable=False),
    sa.Column("province", sa.String, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "event_id"),
    sa.Index(None, "agency", "occurred_at"),
    sa.Index(None, "province", "occurred_at"),
)

case_persons = sa.Table(
    "case_persons", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("person_id", Id, primary_key=True),
    sa.Column("trafficking_status", sa.String, nullable=True),
    sa.Column("is_minor", sa.Boolean, nullable=True),
    sa.Column("nationality", sa.String, nullable=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "person_id"),
)

case_person_roles = sa.Table(
    "case_person_roles", metadata,
    sa.Column("case_id", Id, primary_key=True),
    sa.Column("person_id", Id, primary_key=True),
    sa.Column("role", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(["case_id", "person_id"], ["case_persons.case_id", "case_persons.person_id"],
                            ondelete="CASCADE"),
    sa.Index(None, "role", "case_id"),
)

case_organisations = sa.Table(
    "case_organisations", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("org_key", sa.String, primary_key=True),
    sa.Column("kind", sa.String, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "org_key"),
)

case_agency_refs = sa.Table(
    "case_agency_refs", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("agency", sa.String, primary_key=True),
    sa.Column("ref", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index(None, "agency", "ref"),
)

case_deadlines = sa.Table(
    "case_deadlines", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("rule", sa.String, nullable=False),
    sa.Column("due_at", At, nullable=False),
    sa.Index(None, "due_at"),
)

case_open_alerts = sa.Table(
    "case_open_alerts", metadata,
    sa.Column("case_id", Id, _case_fk(), primary_key=True),
    sa.Column("alert_id", Id, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)

CASE_CHILD_TABLES = (case_provinces, case_events, case_persons, case_person_roles, case_organisations,
                     case_agency_refs, case_deadlines, case_open_alerts)

alerts = sa.Table(
    "alerts", metadata,
    sa.Column("alert_id", Id, primary_key=True),
    sa.Column("rule_number", sa.Integer, nullable=False),
    sa.Column("rule_key", sa.String, nullable=False),
    sa.Column("severity", sa.String, nullable=False),
    sa.Column("severity_rank", sa.SmallInteger, nullable=False, comment="Info 1, Warning 2, Critical 3: sorts the board."),
    sa.Column("state", sa.String, nullable=False),
    sa.Column("state_rank", sa.SmallInteger, nullable=False, comment="Firing 1, Acknowledged 2, Resolved 3."),
    sa.Column("province", sa.String, nullable=False),
    sa.Column("case_id", Id, nullable=True, comment="No foreign key: an alert may arrive before its case view."),
    sa.Column("subject", sa.String, nullable=False),
    sa.Column("raised_at", At, nullable=False),
    sa.Column("due_at", At, nullable=True),
    sa.Column("resolved_at", At, nullable=True),
    sa.Column("runbook_key", sa.String, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("facts", sa.JSON, nullable=False, server_default="{}",
              comment="Alert.facts: the message as data, which the console words in the operator's language."),
    sa.Column("record_digest", sa.String(64), nullable=False),
    sa.Column("acknowledged_by", sa.String, nullable=True, info=OPERATOR),
    sa.Column("acknowledged_at", At, nullable=True, info=OPERATOR),
    sa.Column("acknowledged_note", sa.Text, nullable=True, info=OPERATOR),
    sa.Column("acknowledged_severity", sa.String, nullable=True, info=OPERATOR,
              comment="Severity the operator acknowledged: a higher one makes the acknowledgement stale."),
    sa.Column("acknowledged_raised_at", At, nullable=True, info=OPERATOR,
              comment="Episode the operator acknowledged: a reopened alert needs a new acknowledgement."),
    sa.Index(None, "province", "state", "severity_rank", "due_at"),
    sa.Index(None, "state", "severity_rank", "due_at"),
    sa.Index(None, "case_id"),
)

person_links = sa.Table(
    "person_links", metadata,
    sa.Column("source_key", sa.String, primary_key=True, comment="agency:source_event_id:person_ref"),
    sa.Column("agency", sa.String, nullable=False),
    sa.Column("source_event_id", Id, nullable=False),
    sa.Column("person_ref", sa.String, nullable=False),
    sa.Column("person_id", Id, nullable=False),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("decision", sa.String, nullable=False),
    sa.Column("matcher_version", sa.String, nullable=False),
    sa.Column("merged_from", Id, nullable=True),
    sa.Column("candidate_id", Id, nullable=True, comment="For a Possible decision: the person to review it against."),
    sa.Column("decided_at", At, nullable=False),
    sa.Column("record_digest", sa.String(64), nullable=False),
    sa.Column("reviewed_by", sa.String, nullable=True, info=OPERATOR),
    sa.Column("reviewed_at", At, nullable=True, info=OPERATOR),
    sa.Column("review_verdict", sa.String, nullable=True, info=OPERATOR, comment="confirmed or rejected"),
    sa.Index(None, "decision", "decided_at"),
    sa.Index(None, "source_event_id"),
    sa.Index(None, "person_id"),
)

referrals = sa.Table(
    "referrals", metadata,
    sa.Column("referral_id", Id, primary_key=True),
    sa.Column("to_agency", sa.String, nullable=False),
    sa.Column("from_rule_key", sa.String, nullable=True),
    sa.Column("from_stage", sa.String, nullable=True),
    sa.Column("case_id", Id, nullable=False),
    sa.Column("province", sa.String, nullable=False),
    sa.Column("reason_code", sa.String, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("requested_action", sa.Text, nullable=False),
    sa.Column("created_at", At, nullable=False),
    sa.Column("record_digest", sa.String(64), nullable=False),
    sa.Index(None, "province", "created_at"),
    sa.Index(None, "to_agency", "created_at"),
    sa.Index(None, "case_id"),
)

referral_persons = sa.Table(
    "referral_persons", metadata,
    sa.Column("referral_id", Id, sa.ForeignKey("referrals.referral_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", Id, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
)


hub_clock = sa.Table(
    "hub_clock", metadata,
    sa.Column("id", sa.SmallInteger, primary_key=True, autoincrement=False, comment="Always 1: one clock."),
    sa.Column("at", At, nullable=False, comment="The worker's clock when it committed the rows applied last."),
    sa.Column("mode", sa.String, nullable=False, comment="wall (live ticks) or event (replays, the demo)."),
)


prevention = sa.Table(
    "prevention", metadata,
    sa.Column("source_key", sa.String, primary_key=True,
              comment="'<source system>:<record id>' (the intake key): one row per activity, its latest version."),
    sa.Column("event_id", Id, nullable=False),
    sa.Column("province", sa.String, nullable=False),
    sa.Column("district", sa.String, nullable=True, comment="DOPA code (6306); null: province-wide."),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("activity_kind", sa.String, nullable=False),
    sa.Column("audience", sa.String, nullable=False),
    sa.Column("people_reached", sa.Integer, nullable=False),
    sa.Column("languages", sa.JSON, nullable=False),
    sa.Column("organiser", sa.String, nullable=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("recorded_at", At, nullable=False, comment="Orders the versions of one activity."),
    sa.Column("record_digest", sa.String(64), nullable=False),
    sa.Index(None, "province", "held_on"),
)


def worker_columns(table: sa.Table) -> list[str]:
    """The columns a worker upsert writes: all but the operator's."""
    return [c.name for c in table.columns if c.info.get("writer") != "operator"]
