"""The simulator's scenario truth through the pure hub, with the true person ids (the matcher's
errors left out): every alert the truth declares fires, at the first-step time it declares, and no
other does. The simulator's oracle reads the rules independently (simulator/rules.py)."""

from collections import Counter

import pytest

from bench.scoring import alerts_with_true_identities, org_keys


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture(scope="module")
def run():
    truth, alerts, _ = alerts_with_true_identities(7)
    return truth, alerts, org_keys(truth)


def _expected(truth, keys):
    return {(a["rule"], a["subject"].get("person") or keys[a["subject"]["organisation"]]): a for a in truth["alerts"]}


class TestScenarioTruth:
    def test_every_expected_alert_fires_and_no_other(self, run):
        truth, alerts, keys = run
        expected = Counter((a["rule"], a["subject"].get("person") or keys[a["subject"]["organisation"]])
                           for a in truth["alerts"])
        got = Counter((a["rule_number"], a["subject"]) for a in alerts.values())
        assert expected and got == expected

    def test_each_fires_at_the_time_the_truth_gives(self, run):
        truth, alerts, keys = run
        expected = _expected(truth, keys)
        for alert in alerts.values():
            declared = expected[(alert["rule_number"], alert["subject"])]
            assert (_iso(alert["raised_at"]), alert["province"]) == (declared["fires_at"], declared["province"]), alert
