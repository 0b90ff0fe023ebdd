"""The worker's state machine on the simulator's fixed-seed scenario, in the order the connectors
deliver it: deterministic, redeliveries change nothing, consumers get tokens and no names, and
the alerts meet the truth within the matcher's measured error."""

import pytest

import schemas
from ops.scenario import scenario_feed, score_alerts, score_cases, score_persons
from streams.privacy import is_token
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, LINKS_TOPIC, Correlator
from streams.worker.lane import FLUSH, feed, tick_value

KEY = b"a test key of at least thirty-two bytes"


@pytest.fixture(scope="module")
def scenario():
    publications, truth = scenario_feed(7)
    return [p.value for p in publications if not p.dead_letter], truth


def run(values, correlator=None):
    correlator = correlator or Correlator(consumer_key=KEY)
    outputs = [o for value in [*values, FLUSH] for o in feed(correlator, value)]
    return correlator, outputs


def latest(outputs, topic):
    return {o.key: o.record for o in outputs if o.topic == topic}


class TestTheCorrelator:
    def test_the_same_lane_gives_the_same_outputs(self, scenario):
        values, _ = scenario
        assert run(values)[1] == run(values)[1]

    def test_an_event_delivered_twice_changes_nothing(self, scenario):
        values, _ = scenario
        _, once = run(values)
        _, twice = run([v for value in values for v in (value, value)])
        assert twice == once

    def test_each_case_view_and_alert_has_a_consumer_copy_with_tokens_only(self, scenario):
        values, _ = scenario
        _, outputs = run(values)
        views, copies = latest(outputs, CASES_TOPIC), latest(outputs, "cases.consumer.v1")
        assert len(copies) == len(views) and all(is_token(key) for key in copies)
        assert all(org["name"] in ("", None) for view in copies.values() for org in view["organisations"])
        alerts, alert_copies = latest(outputs, ALERTS_TOPIC), latest(outputs, "alerts.consumer.v1")
        assert len(alert_copies) == len(alerts) and not set(alert_copies) & set(alerts)

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

    def test_alerts_persons_and_cases_meet_the_truth_within_the_measured_error(self, scenario):
        """Figures of the fixed seed (docs/benchmarks.md, "Scenario"); they move only with the
        matcher, the fold, the rules or the simulator, and then this floor is revisited."""
        values, truth = scenario
        _, outputs = run(values)
        links = latest(outputs, LINKS_TOPIC).values()
        alerts = score_alerts(truth, latest(outputs, ALERTS_TOPIC).values(), links)
        persons = score_persons(truth, links)
        cases = score_cases(truth, latest(outputs, CASES_TOPIC).values())
        assert alerts["alert_recall"] >= 0.88 and alerts["alert_precision"] >= 0.75, alerts
        assert persons["f1"] >= 0.95 and cases["f1"] >= 0.99, (persons, cases)
