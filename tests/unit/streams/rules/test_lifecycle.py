"""The alert lifecycle: firing -> acknowledged -> resolved; one alert per (rule, case, subject)."""

import uuid
from collections import Counter
from datetime import date

import pytest

import schemas
from streams.cases.ids import HUB_NAMESPACE
from streams.rules import Severity, acknowledge, alert_record, reconcile, resolve, rule
from streams.rules.evaluate import AlertState
from tests.unit.streams.cases.builders import Feed, at, event, person

A = person("A")
CHILD = person("K", "Child", dob=date(2010, 6, 1))
CUSTODY = "custody-s29-deadline"


def state(severity=Severity.WARNING, raised=at(0, 18), severity_at=None, cleared=None, subject="A"):
    return AlertState(rule(1), "case-1", subject, "TH-57", severity, raised_at=raised if severity else None,
                      severity_at=severity_at or raised if severity else None, due_at=at(1), cleared_at=cleared,
                      message="m", holds=cleared is None)


def stored(changes):
    return {a.alert_id: a for a in changes}


class TestLifecycle:
    def test_never_duplicates_an_alert_for_the_same_rule_case_and_subject(self):
        feed = Feed()
        events = [event("RescueConducted", at(0), A, CHILD), event("CustodyStarted", at(0, 1), A),
                  event("CustodyStarted", at(0, 2), CHILD)]
        feed.send(*events)
        for hour in range(0, 60, 3):
            feed.tick(at(0, hour))
            feed.send(*events)                               # redelivered
        keys = Counter((a["rule_key"], a["case_id"], a["subject"]) for a in feed.alerts.values())
        assert keys and set(keys.values()) == {1}
        assert len({a["alert_id"] for _, a in feed.published if "alert_id" in a}) == len(feed.alerts)

    def test_reconciling_twice_changes_nothing_the_second_time(self):
        first = reconcile({}, [state()], at(0, 18))
        assert len(first) == 1 and reconcile(stored(first), [state()], at(0, 19)) == []

    def test_the_alert_id_is_uuid5_of_rule_case_and_subject(self):
        (alert,) = reconcile({}, [state()], at(0, 18))
        assert alert.alert_id == str(uuid.uuid5(HUB_NAMESPACE, f"alert:{CUSTODY}:case-1:A"))

    def test_escalation_updates_the_same_alert(self):
        warned = stored(reconcile({}, [state()], at(0, 18)))
        (critical,) = reconcile(warned, [state(Severity.CRITICAL, severity_at=at(1))], at(1))
        assert critical.alert_id in warned and critical.severity is Severity.CRITICAL
        assert critical.raised_at == at(0, 18) and critical.version == 2

    def test_severity_never_goes_down_while_open(self):
        critical = stored(reconcile({}, [state(Severity.CRITICAL)], at(1)))
        assert reconcile(critical, [state(Severity.WARNING)], at(1, 1)) == []

    def test_an_acknowledged_alert_resolves_when_its_condition_clears(self):
        (alert,) = reconcile({}, [state()], at(0, 18))
        acked = acknowledge(alert, at(0, 19))
        assert (acked.state, acked.acknowledged_at) == ("Acknowledged", at(0, 19))
        (resolved,) = reconcile(stored([acked]), [state(None, cleared=at(0, 20))], at(0, 21))
        assert (resolved.state, resolved.resolved_at, resolved.resolution) == ("Resolved", at(0, 20), "auto")

    def test_escalation_fires_an_acknowledged_alert_again(self):
        acked = acknowledge(reconcile({}, [state()], at(0, 18))[0], at(0, 19))
        (again,) = reconcile(stored([acked]), [state(Severity.CRITICAL, severity_at=at(1))], at(1))
        assert (again.state, again.severity, again.acknowledged_at) == ("Firing", Severity.CRITICAL, None)

    def test_an_operator_resolution_stands_while_the_condition_holds(self):
        closed = resolve(reconcile({}, [state()], at(0, 18))[0], at(0, 20))
        assert closed.resolution == "operator"
        assert reconcile(stored([closed]), [state()], at(0, 22)) == []

    def test_an_operator_resolved_alert_fires_again_when_it_escalates_later(self):
        closed = resolve(reconcile({}, [state()], at(0, 18))[0], at(0, 20))
        (again,) = reconcile(stored([closed]), [state(Severity.CRITICAL, severity_at=at(1))], at(1))
        assert (again.alert_id, again.state, again.resolved_at) == (closed.alert_id, "Firing", None)

    def test_a_new_episode_reopens_the_same_alert(self):
        feed = Feed()
        feed.send(event("CustodyStarted", at(0), A))
        feed.tick(at(0, 18))
        feed.send(event("MdtScreeningCompleted", at(0, 20), A, outcome="PossibleVictimOfTrafficking"))
        feed.send(event("CustodyStarted", at(5), A, eid="second custody"))
        feed.tick(at(5, 18))
        (alert,) = feed.alerts_of(CUSTODY)
        assert (alert["state"], alert["raised_at"], alert["resolved_at"]) == ("Firing", at(5, 18), None)

    def test_resolving_or_acknowledging_twice_changes_nothing(self):
        alert = reconcile({}, [state()], at(0, 18))[0]
        closed = resolve(alert, at(1))
        assert resolve(closed, at(2)) is closed and acknowledge(closed, at(2)) is closed

    def test_a_replay_that_jumps_over_a_whole_episode_still_records_it(self):
        feed = Feed()
        feed.send(event("CustodyStarted", at(0), A),
                  event("MdtScreeningCompleted", at(1, 6), A, outcome="PossibleVictimOfTrafficking"))
        (alert,) = feed.alerts_of(CUSTODY)
        assert (alert["state"], alert["severity"], alert["raised_at"], alert["resolved_at"], alert["due_at"]) == (
            "Resolved", "Critical", at(0, 18), at(1, 6), at(1))

    def test_overlapping_clocks_are_one_episode_raised_when_the_first_fired(self):
        feed = Feed()
        feed.send(event("MdtScreeningCompleted", at(0), A, outcome="ActualVictimOfTrafficking"),
                  event("RightsInformed", at(20), A))
        (alert,) = feed.alerts_of("rights-prosecution-handoff")
        assert (alert["state"], alert["raised_at"]) == ("Firing", at(1))      # rights at 24 h, police from day 7

    def test_a_condition_that_cleared_before_firing_raises_nothing(self):
        assert reconcile({}, [state(None, cleared=at(0, 5))], at(1)) == []

    def test_an_alert_whose_condition_no_longer_shows_at_all_is_withdrawn(self):
        """The records that joined or arrived since (an earlier NotAVictim outcome, a merged person)
        say the condition never held: a self-resolving alert is withdrawn, not left firing."""
        alerts = stored(reconcile({}, [state()], at(0, 18)))
        (withdrawn,) = reconcile(alerts, [], at(3))
        assert (withdrawn.state, withdrawn.resolution, withdrawn.resolved_at) == ("Resolved", "merged", at(3))
        assert reconcile(stored([withdrawn]), [], at(4)) == []

    def test_an_alert_operators_resolve_is_left_alone_without_a_desired_state(self):
        minor = AlertState(rule(4), "case-1", "A", "TH-57", Severity.WARNING, raised_at=at(0))
        alerts = stored(reconcile({}, [minor], at(0)))
        assert reconcile(alerts, [], at(3)) == []

    def test_operators_acknowledge_and_resolve_through_the_handlers(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), CHILD))
        (alert,) = feed.alerts_of("minor-involved")
        feed.operator(alert["alert_id"], "acknowledge", at(0, 1))
        assert feed.alerts[alert["alert_id"]]["state"] == "Acknowledged"
        feed.operator(alert["alert_id"], "resolve", at(0, 2))
        assert feed.alerts[alert["alert_id"]]["state"] == "Resolved"
        (view,) = feed.views.values()
        assert view["open_alert_ids"] == []
        with pytest.raises(ValueError):
            feed.operator(alert["alert_id"], "snooze", at(0, 3))

    def test_every_alert_names_rule_severity_province_case_subject_runbook_and_message(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A, CHILD), event("CustodyStarted", at(0, 1), A),
                  event("DetentionAdmitted", at(0, 2), CHILD))
        feed.tick(at(3))
        assert len(feed.alerts) >= 4
        for alert in feed.alerts.values():
            schemas.encode("sanpalang.hub.Alert", alert)
            assert alert["runbook_key"] == f"docs/alert-rules.md#{alert['rule_key']}"
            assert alert["province"] == "TH-57" and alert["case_id"] and alert["subject"] and alert["message"]

    def test_alerts_of_a_merged_case_move_to_the_survivor_keeping_their_acknowledgement(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), person("B")), event("RescueConducted", at(1), CHILD))
        (minor,) = feed.alerts_of("minor-involved")
        feed.operator(minor["alert_id"], "acknowledge", at(1, 1))
        out = feed.send(event("ShelterIntakeRecorded", at(2), person("B"), CHILD, shelter_kind="Temporary"))
        old = feed.alerts[minor["alert_id"]]
        assert (old["state"], old["case_id"]) == ("Resolved", minor["case_id"])
        (moved,) = [a for a in feed.alerts_of("minor-involved") if a["case_id"] == out.case_id]
        assert moved["state"] == "Acknowledged" and moved["raised_at"] == minor["raised_at"]
        assert moved["alert_id"] in old["message"]

    def test_a_person_merge_moves_alerts_to_the_surviving_person(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("K2", "Child", dob=date(2010, 6, 1))),
                  event("HotlineReportReceived", at(0, 1), CHILD, province="TH-10"))
        feed.merge(["K2"], "K", at(0, 2))
        open_minor = [a for a in feed.firing("minor-involved")]
        assert [a["subject"] for a in open_minor] == ["K"]
        assert len(feed.hub.cases.cases) == 1

    def test_a_person_merge_withdraws_an_alert_the_joined_records_never_warranted(self):
        """The shelter intake came in time, on a half the matcher joined only after the deadline."""
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("A")),
                  event("ShelterIntakeRecorded", at(0, 3), person("A2"), shelter_kind="Temporary"))
        feed.tick(at(1, 1))
        (alert,) = feed.firing("care-handoff-missing")
        feed.merge(["A2"], "A", at(2))
        withdrawn = feed.alerts[alert["alert_id"]]
        assert (withdrawn["state"], withdrawn["resolution"]) == ("Resolved", "merged")
        assert "never met" in withdrawn["message"] and not feed.firing("care-handoff-missing")

    def test_a_person_merge_resolves_as_cleared_a_hand_off_that_came_late(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("A")))
        feed.tick(at(1, 1))
        feed.send(event("ShelterIntakeRecorded", at(1, 6), person("A2"), shelter_kind="Temporary"))
        assert feed.firing("care-handoff-missing")
        feed.merge(["A2"], "A", at(2))
        assert [(a["state"], a["resolution"]) for a in feed.alerts_of("care-handoff-missing")] == [("Resolved", "auto")]

    def test_an_expired_case_resolves_its_open_alerts(self):
        from streams.cases import FoldConfig
        from streams.rules import on_expire
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), CHILD))
        out = on_expire(feed.hub, at(800), config=FoldConfig())
        (alert,) = out.alerts
        assert (alert["state"], alert["resolved_at"]) == ("Resolved", at(800)) and not feed.hub.cases.cases
        assert not feed.hub.rules.alerts and not feed.hub.rules.timers

    def test_alerts_encode_with_their_schema(self):
        (alert,) = reconcile({}, [state()], at(0, 18))
        schemas.encode("sanpalang.hub.Alert", alert_record(alert))
