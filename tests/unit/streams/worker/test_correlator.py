"""The worker's state machine on the simulator's fixed-seed scenario, in the order the connectors
deliver it: deterministic, redeliveries change nothing, consumers get tokens and no names, and
the alerts meet the truth within the matcher's measured error."""

from datetime import date, datetime, timedelta, timezone

import pickle

import pytest

import schemas
from bench.scoring import score_alerts, score_cases, score_persons
from streams.privacy import is_token
from streams.privacy.consumer import WITHHELD_RULES
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, Correlator
from streams.worker.lane import FLUSH, feed, tick_value

KEY = b"a test key of at least thirty-two bytes"


@pytest.fixture(scope="module")
def scenario(fixed_values, fixed_feed):
    return fixed_values, fixed_feed.truth


def run(values, correlator=None):
    correlator = correlator or Correlator(consumer_key=KEY)
    outputs = [o for value in [*values, FLUSH] for o in feed(correlator, value)]
    return correlator, outputs


@pytest.fixture(scope="module")
def undisturbed(fixed_values):
    """One run of the whole scenario: its correlator (pickled, so each test takes its own) and outputs."""
    correlator, outputs = run(fixed_values)
    return pickle.dumps(correlator), outputs


def after_the_scenario(undisturbed):
    """A correlator in the state the whole scenario left it in, and the outputs it published."""
    frozen, outputs = undisturbed
    return pickle.loads(frozen), outputs


def latest(outputs, topic):
    return {o.key: o.record for o in outputs if o.topic == topic}


class TestTheCorrelator:
    def test_the_same_lane_gives_the_same_outputs(self, scenario, undisturbed):
        values, _ = scenario
        assert run(values)[1] == undisturbed[1]

    def test_an_event_delivered_twice_changes_nothing(self, scenario, undisturbed):
        values, _ = scenario
        _, twice = run([v for value in values for v in (value, value)])
        assert twice == undisturbed[1]

    def test_each_case_view_and_alert_has_a_consumer_copy_with_tokens_only(self, undisturbed):
        _, outputs = undisturbed
        views, copies = latest(outputs, CASES_TOPIC), latest(outputs, "cases.consumer.v1")
        assert len(copies) == len(views) and all(is_token(key) for key in copies)
        assert all(org["name"] in ("", None) for view in copies.values() for org in view["organisations"])
        alerts, alert_copies = latest(outputs, ALERTS_TOPIC), latest(outputs, "alerts.consumer.v1")
        shown_alerts = [a for a in alerts.values() if a["rule_number"] not in WITHHELD_RULES]
        assert len(alert_copies) == len(shown_alerts) and not set(alert_copies) & set(alerts)

    def test_consumers_get_no_alert_that_says_a_person_was_held_is_a_minor_or_was_charged(self, undisturbed):
        _, outputs = undisturbed
        rules = {a["rule_number"] for a in latest(outputs, ALERTS_TOPIC).values()}
        assert {1, 4, 5} <= rules                                            # the hub raised them
        assert not {a["rule_number"] for a in latest(outputs, "alerts.consumer.v1").values()} & WITHHELD_RULES

    def test_every_output_encodes_with_its_schema(self, scenario):
        values, _ = scenario
        _, outputs = run(values[:200])
        for o in outputs:
            assert schemas.decode(schemas.encode(o.schema, o.record))[0] == o.schema

    def test_a_tick_fires_the_deadlines_due_by_then_and_a_replay_sees_the_same(self, scenario):
        values, _ = scenario
        correlator, outputs = run(values[:300])
        later = tick_value(correlator.now.replace(year=correlator.now.year + 1))
        ticked = feed(correlator, later)
        replayed = run(values[:300])[0]
        assert feed(replayed, later) == ticked

    def test_alerts_persons_and_cases_meet_the_truth_within_the_measured_error(self, scenario, undisturbed):
        """Figures of the fixed seed (docs/benchmarks.md, "Scenario"); they move only with the
        matcher, the fold, the rules or the simulator, and then this floor is revisited. Since the
        simulator spells names as people do (not with the matcher's own romaniser), one person of
        seed 7 (P00058) is split in two, which raises three alerts on the half lacking the rest:
        every miss and extra must still be the matcher's, never the rules'."""
        _, truth = scenario
        _, outputs = undisturbed
        links = latest(outputs, LINKS_TOPIC).values()
        alerts = score_alerts(truth, latest(outputs, ALERTS_TOPIC).values(), links)
        persons = score_persons(truth, links)
        cases = score_cases(truth, latest(outputs, CASES_TOPIC).values())
        assert alerts["alert_recall"] >= 1.0 and alerts["alert_precision"] >= 26 / 29, alerts
        assert [a for a in alerts["attribution"] if a["cause"] != "matcher"] == [], alerts["attribution"]
        assert persons["f1"] >= 0.96 and cases["f1"] >= 1.0, (persons, cases)


def action(kind, *, alert_id=None, person_id=None, candidate_id=None, action_id="act-1", role="national",
           provinces=()):
    return {"action_id": action_id, "kind": kind, "alert_id": alert_id, "person_id": person_id,
            "candidate_id": candidate_id, "province": "TH-57", "operator": "somchai", "note": None,
            "at": datetime(2025, 6, 1, tzinfo=timezone.utc), "role": role, "provinces": list(provinces)}


class TestOperatorActions:
    def test_an_acknowledged_alert_is_published_acknowledged_and_a_repeat_changes_nothing(self, undisturbed):
        correlator, outputs = after_the_scenario(undisturbed)
        firing = next(a for a in latest(outputs, ALERTS_TOPIC).values() if a["state"] == "Firing")
        acked = correlator.action(action("Acknowledge", alert_id=firing["alert_id"]))
        (alert,) = [o.record for o in acked if o.topic == ALERTS_TOPIC]
        assert alert["state"] == "Acknowledged" and alert["acknowledged_at"] and alert["version"] > firing["version"]
        assert correlator.action(action("Acknowledge", alert_id=firing["alert_id"])) == []

    def test_an_operator_resolves_an_open_alert(self, undisturbed):
        correlator, outputs = after_the_scenario(undisturbed)
        open_alert = next(a for a in latest(outputs, ALERTS_TOPIC).values() if a["state"] != "Resolved")
        resolved = correlator.action(action("Resolve", alert_id=open_alert["alert_id"], action_id="act-2"))
        (alert,) = [o.record for o in resolved if o.topic == ALERTS_TOPIC]
        assert (alert["state"], alert["resolution"]) == ("Resolved", "operator")

    def test_a_confirmed_possible_link_merges_the_two_persons_in_the_cases(self, undisturbed):
        correlator, outputs = after_the_scenario(undisturbed)
        for n, possible in enumerate(link for link in latest(outputs, LINKS_TOPIC).values()
                                     if link["decision"] == "Possible"):
            merged = correlator.action(action("ConfirmLink", person_id=possible["person_id"],
                                              candidate_id=possible["candidate_id"], action_id=f"act-{n}"))
            if merged:          # a link later records already joined, or of persons in no case, changes none
                break
        views = latest(merged, CASES_TOPIC).values()
        assert views, "the cases of the merged person are published again"
        younger = max(possible["person_id"], possible["candidate_id"],
                      key=lambda pid: next(n for n in range(len(correlator.matcher.store))
                                           if correlator.matcher.person_id(n) == pid))
        assert all(p["person_id"] != younger for v in views for p in v["persons"])

    def test_an_action_on_an_alert_the_hub_does_not_hold_changes_nothing(self, scenario):
        values, _ = scenario
        correlator, _ = run(values[:50])
        assert correlator.action(action("Acknowledge", alert_id="no-such-alert")) == []


def _rescue(n, name, born=None, ids=(), province="TH-57"):
    """The example rescue with one person of our own (event `n`, n days after the example's)."""
    record = schemas.example("sanpalang.police.RescueConducted")
    envelope = record["envelope"]
    envelope.update(event_id=f"reject-{n}", province=province,
                    occurred_at=envelope["occurred_at"] + timedelta(days=n),
                    recorded_at=envelope["occurred_at"] + timedelta(days=n))
    envelope["source"]["record_id"] = f"RSC-{n}"
    person = envelope["persons"][0] | {
        "names": [{"given": None, "family": None, "full": name, "script": "Latin", "is_official_romanisation": False}],
        "date_of_birth": born, "dob_precision": "Day" if born else "Unknown", "age_years": None,
        "identifiers": [{"kind": kind, "value": value, "issuing_country": None} for kind, value in ids]}
    envelope["persons"] = [person]
    return record


def _links(correlator, *events):
    for event in events:
        correlator.event("sanpalang.police.RescueConducted", event)
    return [o.record for o in correlator.flush() if o.topic == LINKS_TOPIC]


BORN = date(1995, 4, 2)
KNOWN = _rescue(1, "Nang Hseng Noom", BORN, [("Passport", "MC778812")])
MAYBE = _rescue(2, "Nang Seng Num", None, [("Phone", "+66891112233")], province="TH-50")
BOTH = _rescue(3, "Nang Hseng Noom", BORN, [("Passport", "MC778812"), ("Phone", "+66891112233")])


class TestRejectedLinks:
    @pytest.fixture
    def proposed(self):
        """A correlator that has proposed MAYBE's person as a possible link to KNOWN's."""
        correlator = Correlator()
        known, maybe = _links(correlator, KNOWN, MAYBE)
        assert maybe["decision"] == "Possible" and maybe["candidate_id"] == known["person_id"]
        return correlator, maybe

    def test_a_record_that_would_link_both_persons_of_a_rejected_link_does_not_merge_them(self, proposed):
        correlator, maybe = proposed
        assert correlator.action(action("RejectLink", person_id=maybe["person_id"],
                                        candidate_id=maybe["candidate_id"])) == []
        (link,) = _links(correlator, BOTH)
        assert link["decision"] == "Linked" and link["merged_from"] is None
        assert link["person_id"] == maybe["candidate_id"]

    def test_without_the_rejection_the_same_record_merges_them(self, proposed):
        correlator, maybe = proposed
        (link,) = _links(correlator, BOTH)
        assert (link["person_id"], link["merged_from"]) == (maybe["candidate_id"], maybe["person_id"])

    def test_a_confirmation_after_a_rejection_changes_nothing(self, proposed):
        correlator, maybe = proposed
        correlator.action(action("RejectLink", person_id=maybe["person_id"], candidate_id=maybe["candidate_id"]))
        assert correlator.action(action("ConfirmLink", person_id=maybe["person_id"],
                                        candidate_id=maybe["candidate_id"], action_id="act-2")) == []
        assert _links(correlator, BOTH)[0]["merged_from"] is None

    def test_a_rejection_naming_an_unknown_person_changes_nothing(self, proposed):
        correlator, maybe = proposed
        assert correlator.action(action("RejectLink", person_id="prs_0000000000000000",
                                        candidate_id=maybe["candidate_id"])) == []
        assert _links(correlator, BOTH)[0]["merged_from"] == maybe["person_id"]

    def test_the_same_entries_and_decisions_give_the_same_outputs(self):
        def run():
            correlator = Correlator()
            _, maybe = _links(correlator, KNOWN, MAYBE)
            correlator.action(action("RejectLink", person_id=maybe["person_id"], candidate_id=maybe["candidate_id"]))
            return _links(correlator, BOTH, _rescue(4, "Nang Seng Num", None, [("Phone", "+66891112233")]))

        assert run() == run()


def _prevention(n, occurred_at):
    record = schemas.default_registry.example("sanpalang.social.PreventionActivity")
    envelope = {**record["envelope"], "event_id": f"00000000-0000-4000-8000-{n:012d}", "occurred_at": occurred_at,
                "recorded_at": occurred_at}
    return schemas.encode("sanpalang.social.PreventionActivity",
                          {**record, "envelope": envelope, "held_on": occurred_at.date()})


class TestPreventionActivities:
    def test_change_no_output_and_no_clock_wherever_they_fall_in_the_lane(self, scenario, undisturbed):
        """Prevention work names no person and opens no case (issue 13 item 4); even one dated far
        ahead moves neither the hub clock nor a source's watermark, so no alert can change."""
        values, _ = scenario
        far_ahead = datetime(2025, 12, 31, tzinfo=timezone.utc)
        mixed = []
        for n, value in enumerate(values):
            if n % 40 == 0:
                mixed.append(_prevention(n, far_ahead - timedelta(days=n % 7)))
            mixed.append(value)
        plain_correlator, plain = after_the_scenario(undisturbed)
        mixed_correlator, with_prevention = run(mixed)
        assert with_prevention == plain
        assert mixed_correlator.now == plain_correlator.now
