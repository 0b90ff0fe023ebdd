"""Hub records as table rows, and back: the pure half of the SQL case views (no database here)."""

import ast
import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import schemas
import streams.views
from streams.rules import Severity, acknowledge, alert_record, reconcile, resolve, rule
from streams.rules.evaluate import AlertState
from streams.views import rows as R
from streams.views.errors import ViewRecordError
from tests.unit.streams.cases.builders import at

VIEWS_DIR = Path(streams.views.__file__).parent
PURE = [VIEWS_DIR / "rows.py", VIEWS_DIR / "errors.py"]


def view(**changes):
    record = copy.deepcopy(schemas.example("sanpalang.hub.CaseView"))
    record.update(changes)
    return record


class TestCaseRows:
    def test_a_view_reads_back_from_its_rows_unchanged(self):
        record = view()
        rows = R.case_rows(record)
        assert R.view_from_rows(rows.case, rows.children) == record

    def test_a_team_leads_desk_reads_back_with_the_owner_in_its_own_column(self):
        decided = datetime(2026, 12, 6, 3, tzinfo=timezone.utc)
        record = view(owner="officer57", owner_assigned_by="lead57", owner_assigned_at=decided,
                      status_decisions=[{"person_id": "p1", "trafficking_status": "ActualVictimOfTrafficking",
                                         "basis": "NonPoliceGovernmentalOrganization", "decided_by": "lead57",
                                         "decided_at": decided, "note": None}],
                      closed_by="lead57", closed_at=decided + timedelta(days=1), status="Closed")
        rows = R.case_rows(record)
        assert rows.case["owner"] == "officer57" and rows.case["desk"]["closed_at"] == "2026-12-07T03:00:00+00:00"
        assert R.view_from_rows(rows.case, rows.children) == record

    def test_a_case_nobody_decided_on_has_no_desk(self):
        assert R.case_rows(view()).case["desk"] is None

    def test_list_order_survives_shuffled_rows(self):
        record = view(provinces=["TH-10", "TH-57", "TH-50"])
        rows = R.case_rows(record)
        shuffled = {name: list(reversed(children)) for name, children in rows.children.items()}
        assert R.view_from_rows(rows.case, shuffled) == record

    def test_each_role_of_a_person_is_a_row(self):
        roles = R.case_rows(view()).children["case_person_roles"]
        assert [(r["person_id"], r["role"]) for r in roles] == [
            ("prs_4f9a1c2e7b", "PotentialVictim"), ("prs_4f9a1c2e7b", "Victim"), ("prs_91b0d3aa05", "Suspect")]

    def test_every_child_table_is_mapped(self):
        assert set(R.case_rows(view()).children) == set(R.CASE_CHILDREN)

    def test_datetimes_are_stored_in_utc(self):
        bangkok = timezone(timedelta(hours=7))
        rows = R.case_rows(view(updated_at=datetime(2025, 3, 3, 15, 0, tzinfo=bangkok)))
        assert rows.case["updated_at"] == datetime(2025, 3, 3, 8, 0, tzinfo=timezone.utc)
        assert rows.case["updated_at"].tzinfo is timezone.utc

    def test_a_naive_datetime_is_refused(self):
        with pytest.raises(ViewRecordError, match="updated_at"):
            R.case_rows(view(updated_at=datetime(2025, 3, 3, 8, 0)))

    def test_a_person_twice_in_one_view_is_refused(self):
        record = view()
        record["persons"].append(dict(record["persons"][0]))
        with pytest.raises(ViewRecordError, match="prs_4f9a1c2e7b"):
            R.case_rows(record)

    def test_the_digest_tells_equal_views_from_different_ones(self):
        assert R.case_rows(view()).case["view_digest"] == R.case_rows(view()).case["view_digest"]
        assert R.case_rows(view()).case["view_digest"] != R.case_rows(view(stage="Prosecution")).case["view_digest"]


def state(severity=Severity.WARNING, raised=at(0, 18), severity_at=None, cleared=None):
    return AlertState(rule(1), "case-1", "A", "TH-57", severity, raised_at=raised if severity else None,
                      severity_at=severity_at or raised if severity else None, due_at=at(1), cleared_at=cleared,
                      message="m", holds=cleared is None)


class TestAlertOrder:
    def test_the_alert_lifecycle_never_lowers_the_order(self):
        (fired,) = reconcile({}, [state()], at(0, 18))
        acked = acknowledge(fired, at(0, 19))
        (escalated,) = reconcile({acked.alert_id: acked}, [state(Severity.CRITICAL, severity_at=at(1))], at(1))
        (cleared,) = reconcile({escalated.alert_id: escalated}, [state(None, cleared=at(1, 2))], at(1, 2))
        (reopened,) = reconcile({cleared.alert_id: cleared}, [state(raised=at(2))], at(2))
        closed = resolve(reopened, at(2, 1))
        keys = [R.alert_order(alert_record(a)) for a in (fired, acked, escalated, cleared, reopened, closed)]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)

    def test_an_alert_row_holds_no_operator_column(self):
        row = R.alert_row(schemas.example("sanpalang.hub.Alert"))
        assert not {name for name in row if name.startswith("acknowledged")}

    def test_an_unknown_severity_is_refused(self):
        with pytest.raises(ViewRecordError, match="Catastrophic"):
            R.alert_row({**schemas.example("sanpalang.hub.Alert"), "severity": "Catastrophic"})


def board_row(**changes):
    row = R.alert_row(schemas.example("sanpalang.hub.Alert"))
    row.update(acknowledged_at=at(1), acknowledged_severity=row["severity"], acknowledged_raised_at=row["raised_at"])
    row.update(changes)
    return row


class TestAcknowledgement:
    def test_holds_while_the_alert_is_open_and_unchanged(self):
        assert R.ack_is_current(board_row())

    def test_ends_when_the_alert_resolves(self):
        assert not R.ack_is_current(board_row(state="Resolved", state_rank=3))

    def test_ends_when_the_alert_escalates(self):
        assert not R.ack_is_current(board_row(severity="Critical", severity_rank=3))

    def test_ends_when_the_alert_reopens_for_a_new_episode(self):
        assert not R.ack_is_current(board_row(raised_at=at(3)))

    def test_an_alert_the_worker_calls_acknowledged_is_acknowledged(self):
        assert R.ack_is_current(board_row(state="Acknowledged", acknowledged_at=None))


class TestLatest:
    def test_keeps_the_newest_record_of_each_key_sorted_by_key(self):
        records = [("b", 2), ("a", 1), ("b", 1), ("a", 3)]
        assert R.latest(records, key=lambda r: r[0], order=lambda r: r[1]) == [("a", 3), ("b", 2)]

    def test_a_tie_goes_to_the_later_record(self):
        records = [("a", 1, "first"), ("a", 1, "second")]
        assert R.latest(records, key=lambda r: r[0], order=lambda r: r[1]) == [("a", 1, "second")]

    def test_without_an_order_the_last_record_wins(self):
        assert R.latest([("a", 1), ("a", 0)], key=lambda r: r[0]) == [("a", 0)]


class TestLinksAndReferrals:
    def test_a_link_is_keyed_by_agency_event_and_person_ref(self):
        row = R.link_row(schemas.example("sanpalang.hub.PersonLink"))
        assert row["source_key"] == "police:7c1e0001-3b2a-4c5d-9e8f-000000000001:p1"

    def test_a_referrals_persons_keep_their_order(self):
        ref = {**schemas.example("sanpalang.hub.Referral"), "person_ids": ["prs_b", "prs_a"]}
        _, persons = R.referral_rows(ref)
        assert [(p["person_id"], p["position"]) for p in persons] == [("prs_b", 0), ("prs_a", 1)]


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


class TestBoundary:
    @pytest.mark.parametrize("source", PURE, ids=lambda p: p.name)
    def test_the_mapping_touches_no_database_clock_or_environment(self, source):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        assert not set(_imports(tree)) & {"sqlalchemy", "alembic", "psycopg", "sqlite3", "os", "time", "faust"}
        called = {getattr(n.func, "attr", getattr(n.func, "id", "")) for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not called & {"now", "utcnow", "today", "time", "getenv"}

    @pytest.mark.parametrize("source", sorted(VIEWS_DIR.rglob("*.py")), ids=lambda p: p.relative_to(VIEWS_DIR).as_posix())
    def test_modules_stay_small(self, source):
        assert len(source.read_text(encoding="utf-8").splitlines()) < 300

    def test_the_package_exports_exactly_its_public_api(self):
        assert len(streams.views.__all__) == len(set(streams.views.__all__))
        assert all(hasattr(streams.views, name) for name in streams.views.__all__)
