"""`sanpalang bench scenario --seeds`: seed lists, and per-rule figures summed over seeds."""

import argparse

import pytest

from bench.scenario import combine, report_many, seed_list


def result(seed, per_rule, attribution=(), optional=(0, 0)):
    return {"seed": seed, "alert_precision": 1.0, "alert_recall": 1.0, "per_rule": per_rule,
            "optional": {"declared": optional[0], "raised": optional[1]},
            "attribution": list(attribution), "missed": [a for a in attribution if a["kind"] == "missed"],
            "unexpected": [a for a in attribution if a["kind"] == "extra"]}


class TestSeedLists:
    def test_reads_ranges_and_lists_each_seed_once_in_order(self):
        assert seed_list("1-3,7,2,42") == [1, 2, 3, 7, 42]

    def test_refuses_what_is_not_a_seed_list(self):
        with pytest.raises(argparse.ArgumentTypeError):
            seed_list("1-x")


class TestCombined:
    def test_sums_each_rule_over_the_seeds_and_counts_the_matchers_errors(self):
        a = result(1, {"1": dict(expected=2, raised=2, matched=2, missed=0, extra=0)}, optional=(2, 1))
        b = result(2, {"1": dict(expected=1, raised=2, matched=1, missed=0, extra=1),
                       "13": dict(expected=1, raised=0, matched=0, missed=1, extra=0)},
                   [{"kind": "extra", "rule": 1, "subject": "P1", "cause": "matcher", "why": ""},
                    {"kind": "missed", "rule": 13, "subject": "P2", "cause": "rules", "why": ""}])
        combined = combine([a, b])
        assert combined["per_rule"]["1"] == dict(expected=3, raised=4, matched=3, missed=0, extra=1)
        totals = combined["totals"]
        assert (totals["expected"], totals["raised"], totals["matched"]) == (4, 4, 3)
        assert (totals["by_matcher"], totals["by_rules"], totals["seeds_exact"]) == (1, 1, 1)
        assert (totals["optional_declared"], totals["optional_raised"]) == (2, 1)
        assert "extra r1 P1 (matcher)" in report_many(combined)


class TestOptionalAlerts:
    def test_an_optional_alert_raised_or_not_counts_neither_as_a_match_nor_as_an_extra(self):
        from bench.scoring import score_alerts
        truth = {"alerts": [{"rule": 10, "subject": {"person": "P1"}, "optional": True},
                            {"rule": 10, "subject": {"person": "P2"}, "optional": True}],
                 "records": [], "organisations": {}}
        raised = [{"rule_number": 10, "subject": "P1", "alert_id": "a1"}]
        scored = score_alerts(truth, raised, [])
        assert (scored["alerts_expected"], scored["alerts_raised"], scored["unexpected"]) == (0, 0, [])
        assert scored["optional"] == {"declared": 2, "raised": 1}


class TestAttribution:
    def test_a_missed_hotspot_is_put_down_to_the_rules_and_named_an_organisation(self):
        from bench.scoring import score_alerts
        truth = {"alerts": [{"rule": 8, "subject": {"organisation": "E1"}}], "records": [],
                 "organisations": {"E1": {"kind": "Employer", "name": "Chaimongkol Seafood", "province": "TH-10",
                                          "registration": "0105583001151", "vessel_registration": None}}}
        (why,) = score_alerts(truth, [], [])["attribution"]
        assert (why["cause"], why["why"]) == ("rules", "an organisation: the fold or the rules missed it")
