"""The simulator's scenario truth through the pure hub, with the true person ids (the matcher's
errors left out): every alert the truth declares fires, at the first-step time it declares, and no
other does. The simulator's oracle reads the rules independently (simulator/rules.py)."""

from collections import Counter

import pytest

from simulator import generate
from streams.cases import org_key
from streams.events import Event, EventOrganisation
from streams.rules import Hub, on_event, on_tick
from tests.unit.simulator.conftest import START, read_all


def _iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture(scope="module")
def run():
    feed = generate(7, start_at=START)
    truth = feed.truth
    records = {r["ref"]: r for r in truth["records"]}
    events = []
    for ref, read in read_all(feed, batch=40).items():
        if read.event is not None:
            envelope = read.event.record["envelope"]
            ids = {(envelope["event_id"], p["ref"]): p["person"] for p in records[ref]["persons"]}
            events.append((envelope["occurred_at"], ref, read.event.schema, read.event.record, ids))
    hub, alerts, now = Hub(), {}, min(e[0] for e in events)
    for at, _, name, record, ids in sorted(events, key=lambda e: (e[0], e[1])):
        now = max(now, at)
        alerts.update((a["alert_id"], a) for a in on_event(hub, Event.of(name, record), ids, now).alerts)
    last = max(now, *(e[0] for e in events))
    alerts.update((a["alert_id"], a) for a in on_tick(hub, last).alerts)
    keys = {}
    for oid, org in truth["organisations"].items():
        found = org_key(EventOrganisation(oid, org["kind"], org["name"], org["registration"],
                                          org["vessel_registration"], None, org["province"]), org["province"])
        keys[oid] = found.key
    return truth, alerts, keys


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
