"""The truth file's alerts are exactly what the rule readings give over the feed (checked by an
ideal hub that knows every true identity and case), and every scenario kind shows its alerts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from simulator import READINGS, generate
from simulator.scenarios import KINDS, LIFECYCLE_KINDS

from .conftest import START, read_all
from .oracle import evaluate


def _key(alert: dict) -> tuple:
    (kind, ident), = alert["subject"].items() if isinstance(alert["subject"], dict) else [alert["subject"]]
    return alert["rule"], alert["case"], (kind, ident)


def _declared(truth: dict) -> dict[tuple, list]:
    return {_key(a): [(s["severity"], s["at"]) for s in a["ladder"]] for a in truth["alerts"]}


def _evaluated(truth: dict, read: dict) -> dict[tuple, list]:
    events = {ref: r.event for ref, r in read.items() if r.event is not None}
    return {(a["rule"], a["case"], a["subject"]): [(s, t.isoformat().replace("+00:00", "Z")) for s, t in a["ladder"]]
            for a in evaluate(truth, events)}


class TestExpectedAlerts:
    def test_are_exactly_those_the_readings_give_over_the_whole_feed(self, feed, read):
        declared, evaluated = _declared(feed.truth), _evaluated(feed.truth, read)
        assert {k: v for k, v in evaluated.items() if k not in declared} == {}, "fired by accident"
        assert {k: v for k, v in declared.items() if k not in evaluated} == {}, "declared but not given"
        assert declared == evaluated

    def test_the_lifecycle_stories_are_exactly_what_the_readings_give_and_cover_all_14_rules(
            self, lifecycle_feed, lifecycle_read):
        other = generate(21, start_at=START, lifecycle=True)
        for seed, feed, read in ((7, lifecycle_feed, lifecycle_read), (21, other, read_all(other, batch=40))):
            declared = _declared(feed.truth)
            assert declared == _evaluated(feed.truth, read), seed
            assert {a["rule"] for a in feed.truth["alerts"]} == set(range(1, 15))
            kinds = {k.name: k for k in (*KINDS, *LIFECYCLE_KINDS)}
            for scenario in feed.truth["scenarios"]:
                if scenario["scenario"] != "background":
                    assert sorted(scenario["rules"]) == sorted(kinds[scenario["kind"]].rules), scenario

    def test_hold_for_other_seeds_periods_and_provinces_too(self):
        for seed, days, provinces in ((11, 50, ("TH-63", "TH-74")), (12, 70, ("TH-90", "TH-10", "TH-57"))):
            feed = generate(seed, start_at=START + timedelta(days=seed), scenarios=24, persons=120, days=days,
                            provinces=provinces)
            assert _declared(feed.truth) == _evaluated(feed.truth, read_all(feed, batch=25)), seed

    def test_cover_every_rule_and_every_scenario_kind_declares_its_rules(self, feed):
        assert {a["rule"] for a in feed.truth["alerts"]} == set(range(1, 13))
        for scenario in feed.truth["scenarios"]:
            if scenario["scenario"] == "background":     # a background worker detained after a complaint
                assert scenario["kind"] == "complaint_then_detained" and scenario["rules"] == [5]
                continue
            kind = next(k for k in KINDS if k.name == scenario["kind"])
            assert sorted(scenario["rules"]) == sorted(kind.rules), scenario

    def test_every_catalogue_kind_is_in_the_default_feed(self, feed):
        assert {s["kind"] for s in feed.truth["scenarios"] if s["scenario"] != "background"} == {k.name for k in KINDS}

    def test_fall_at_least_a_day_before_the_last_event(self, feed):
        last = datetime.fromisoformat(feed.truth["period"]["last_event_at"])
        for alert in feed.truth["alerts"]:
            assert datetime.fromisoformat(alert["ladder"][-1]["at"]) <= last - timedelta(days=1), alert

    def test_name_their_trigger_record_case_and_reading(self, feed, truth_records):
        cases = {c["case"] for c in feed.truth["cases"]}
        for alert in feed.truth["alerts"]:
            assert truth_records[alert["trigger"]]["expect"] == "intake"
            assert alert["case"] in cases and alert["reading"]
            assert str(alert["rule"]) in feed.truth["rule_readings"]
        assert set(feed.truth["rule_readings"]) == {str(n) for n in READINGS}


class TestTruthFile:
    def test_is_json(self, feed):
        assert json.loads(json.dumps(feed.truth, ensure_ascii=False)) == feed.truth

    def test_lists_every_record_once_in_feed_order_with_its_persons(self, feed):
        refs = [r["ref"] for r in feed.truth["records"]]
        assert refs == [r.ref for r in feed.records] and len(set(refs)) == len(refs)
        persons = feed.truth["persons"]
        for record in feed.truth["records"]:
            assert all(p["person"] in persons for p in record["persons"])
            assert all(o["organisation"] in feed.truth["organisations"] for o in record["organisations"])

    def test_cases_hold_the_records_that_belong_together(self, feed, truth_records):
        for case in feed.truth["cases"]:
            assert case["records"] and all(truth_records[r]["case"] == case["case"] for r in case["records"])
            assert case["provinces"] and case["persons"]
