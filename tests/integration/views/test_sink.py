"""The worker's writes: idempotent upserts of case views, alerts, links and referrals."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from streams.views import (ALERT, ALL_PROVINCES, CASE_VIEW, PERSON_LINK, REFERRAL, ViewRecordError, ViewSink,
                           ViewSinkError, acknowledge_alert, case_detail, open_alerts, search_referrals)
from tests.integration.views.records import alert, case_view, link, referral, snapshot


def detail(sink, case_id):
    with sink.engine.connect() as conn:
        found = case_detail(conn, case_id, ALL_PROVINCES)
    return found and {k: v for k, v in found.items() if k != "alerts"}


class TestCaseUpserts:
    def test_applying_the_same_view_twice_changes_nothing(self, sink):
        assert sink.apply_case(case_view())
        before = snapshot(sink.engine)
        assert not sink.apply_case(case_view())
        assert snapshot(sink.engine) == before

    def test_an_older_view_never_overwrites_a_newer_one(self, sink):
        sink.apply_case(case_view(minutes=10, stage="Prosecution"))
        before = snapshot(sink.engine)
        assert not sink.apply_case(case_view(minutes=5, stage="Screening", persons=[]))
        assert sink.apply_many([(CASE_VIEW, case_view(minutes=1)), (CASE_VIEW, case_view(minutes=2))]).cases == 0
        assert snapshot(sink.engine) == before

    def test_child_rows_follow_the_view(self, sink):
        first = case_view()
        sink.apply_case(first)
        second = case_view(minutes=1, provinces=["TH-57", "TH-50"], deadlines=[], open_alert_ids=[],
                           persons=[{**first["persons"][0], "roles": ["Victim"]}],
                           timeline=first["timeline"][1:] + [{**first["timeline"][0], "event_id": "new-event"}],
                           organisations=[], agency_case_refs=first["agency_case_refs"][::-1])
        assert sink.apply_case(second)
        assert detail(sink, "case-1") == second
        counts = {name: len(rows) for name, rows in snapshot(sink.engine).items()}
        assert counts["case_persons"] == 1 and counts["case_person_roles"] == 1 and counts["case_deadlines"] == 0
        assert counts["case_events"] == 3 and counts["case_organisations"] == 0 and counts["case_provinces"] == 2

    def test_a_stored_view_reads_back_as_it_was_applied(self, sink):
        sink.apply_case(case_view())
        assert detail(sink, "case-1") == case_view()

    def test_a_view_of_the_same_moment_with_other_content_replaces_the_stored_one(self, sink):
        sink.apply_case(case_view())
        assert sink.apply_case(case_view(open_alert_ids=["alr-2"]))
        assert detail(sink, "case-1")["open_alert_ids"] == ["alr-2"]


class TestBatches:
    def test_a_batch_keeps_the_newest_view_of_each_case(self, sink):
        applied = sink.apply_many([(CASE_VIEW, case_view("a", minutes=2, stage="Prosecution")),
                                   (CASE_VIEW, case_view("a", minutes=1)), (CASE_VIEW, case_view("b")),
                                   (ALERT, alert()), (PERSON_LINK, link("e1")), (REFERRAL, referral())])
        assert (applied.cases, applied.alerts, applied.links, applied.referrals) == (2, 1, 1, 1)
        assert detail(sink, "a")["stage"] == "Prosecution"

    def test_a_failing_record_rolls_the_whole_batch_back(self, sink):
        with pytest.raises(ViewSinkError):
            sink.apply_many([(CASE_VIEW, case_view()), (ALERT, alert(subject=None))])
        assert detail(sink, "case-1") is None

    def test_a_record_of_another_kind_is_refused(self, sink):
        with pytest.raises(ViewRecordError, match="sanpalang.hub.DeadLetter"):
            sink.apply_many([("sanpalang.hub.DeadLetter", {})])


class TestAlerts:
    def test_a_worker_update_keeps_the_operators_acknowledgement(self, sink):
        sink.apply_alert(alert())
        with sink.engine.begin() as conn:
            assert acknowledge_alert(conn, "alr-1", {"TH-57"}, by="somchai", at=alert()["raised_at"] + timedelta(hours=1),
                                     note="MDT called")
        assert sink.apply_alert(alert(message="Custody ends in 2 h.", due_at=alert()["due_at"] + timedelta(hours=1)))
        with sink.engine.connect() as conn:
            (board,) = open_alerts(conn, {"TH-57"})
        assert board["message"] == "Custody ends in 2 h."
        assert (board["acknowledged_by"], board["acknowledged_note"], board["acknowledged"]) == ("somchai", "MDT called", True)

    def test_an_escalation_asks_for_a_new_acknowledgement_and_keeps_the_old_one(self, sink):
        sink.apply_alert(alert())
        with sink.engine.begin() as conn:
            acknowledge_alert(conn, "alr-1", {"TH-57"}, by="somchai", at=alert()["raised_at"])
        sink.apply_alert(alert(severity="Critical"))
        with sink.engine.connect() as conn:
            (board,) = open_alerts(conn, {"TH-57"})
        assert board["acknowledged_by"] == "somchai" and not board["acknowledged"]

    def test_an_older_state_of_an_alert_is_ignored(self, sink):
        resolved_at = alert()["raised_at"] + timedelta(hours=2)
        sink.apply_alert(alert(state="Resolved", resolved_at=resolved_at))
        before = snapshot(sink.engine)
        assert not sink.apply_alert(alert())                    # a replay of the firing
        assert snapshot(sink.engine) == before

    def test_a_new_episode_reopens_a_resolved_alert(self, sink):
        raised = alert()["raised_at"]
        sink.apply_alert(alert(state="Resolved", resolved_at=raised + timedelta(hours=2)))
        assert sink.apply_alert(alert(raised_at=raised + timedelta(days=1)))
        with sink.engine.connect() as conn:
            assert [a["state"] for a in open_alerts(conn, ALL_PROVINCES)] == ["Firing"]


class TestLinksAndReferrals:
    def test_an_older_link_decision_never_overwrites_a_newer_one(self, sink):
        sink.apply_link(link("e1", decision="Linked", minutes=5))
        before = snapshot(sink.engine)
        assert not sink.apply_link(link("e1", decision="Possible"))
        assert snapshot(sink.engine) == before

    def test_a_referrals_persons_follow_the_record(self, sink):
        sink.apply_referral(referral(person_ids=["prs_a", "prs_b"]))
        assert sink.apply_referral(referral(person_ids=["prs_b"]))
        assert not sink.apply_referral(referral(person_ids=["prs_b"]))
        with sink.engine.connect() as conn:
            (found,) = search_referrals(conn, {"TH-57"})
        assert found["person_ids"] == ["prs_b"]


class TestSinkLifecycle:
    def test_applying_before_start_is_an_error(self, database_url):
        with pytest.raises(ViewSinkError, match="start"):
            ViewSink(database_url).apply_case(case_view())

    def test_two_sinks_starting_at_once_both_start(self, database_url):
        sinks, errors = [ViewSink(database_url) for _ in range(3)], []

        def start(s):
            try:
                s.start()
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=start, args=(s,)) for s in sinks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        try:
            assert errors == []
            assert all(s.apply_case(case_view(f"c{i}")) for i, s in enumerate(sinks))
        finally:
            for s in sinks:
                s.close()

    def test_an_unreachable_database_is_a_view_sink_error(self):
        with pytest.raises(ViewSinkError, match="could not migrate") as raised:
            ViewSink("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2").start()
        assert isinstance(raised.value.__cause__, sa.exc.OperationalError)
