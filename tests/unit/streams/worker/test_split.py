"""The stages on two lanes (`sanpalang worker --stages split`), their topics stood in for by lists:
the persons lane's hand-overs, encoded as they go on the topic, fed to the case ticked_lane, and the link
decisions the case lane accepts fed back to the persons ticked_lane, as their loops would. They publish
what the joined correlator publishes, operators' link decisions included."""

import pickle
from datetime import datetime, timezone

import pytest

import schemas
from streams.worker.correlator import CASES_TOPIC, LINKS_TOPIC, Correlator, Output
from streams.worker.admission import HUB_DLQ
from streams.worker.handover import HANDOVER_TOPIC, LINK_DECISIONS_TOPIC
from streams.worker.lane import ACTIONS_TOPIC, LANE_TOPIC, Refused, feed
from streams.worker.split import CasesLane, PersonsLane
from tests.unit.streams.worker.outputs import by_topic

KEY = b"a test key of at least thirty-two bytes"
INTERNAL = {HANDOVER_TOPIC, LINK_DECISIONS_TOPIC}


class TwoLanes:
    def __init__(self) -> None:
        self.persons, self.cases = PersonsLane(consumer_key=KEY), CasesLane(consumer_key=KEY)
        self.handed = 0

    def feed(self, value: bytes, topic: str = LANE_TOPIC) -> list[Output]:
        published, pending = [], [(self.persons, value, topic)]
        while pending:
            machine, value, topic = pending.pop(0)
            for output in machine.feed(value, topic):
                encoded = schemas.encode(output.schema, output.record)
                if output.topic == HANDOVER_TOPIC:
                    self.handed += 1
                    pending.append((self.cases, encoded, HANDOVER_TOPIC))
                elif output.topic == LINK_DECISIONS_TOPIC:
                    pending.append((self.persons, encoded, LINK_DECISIONS_TOPIC))
                else:
                    published.append(output)
        return published


def action(kind, *, person_id, candidate_id, action_id, role="national", provinces=()) -> bytes:
    return schemas.encode("sanpalang.hub.OperatorAction", {
        "action_id": action_id, "kind": kind, "alert_id": None, "person_id": person_id,
        "candidate_id": candidate_id, "province": "TH-57", "operator": "somchai", "note": None,
        "at": datetime(2025, 6, 1, tzinfo=timezone.utc), "role": role, "provinces": list(provinces)})


@pytest.fixture(scope="module")
def scenario_run(ticked_lane) -> bytes:
    joined, split = Correlator(consumer_key=KEY), TwoLanes()
    return pickle.dumps(((joined, [o for v in ticked_lane for o in feed(joined, v)]),
                         (split, [o for v in ticked_lane for o in split.feed(v)])))


@pytest.fixture
def both(scenario_run):
    """The scenario through the joined correlator and through the two lanes (each test its own copy)."""
    return pickle.loads(scenario_run)


def a_possible_link(outputs) -> dict:
    return next(o.record for o in outputs if o.topic == LINKS_TOPIC and o.record["decision"] == "Possible")


class TestTwoLanes:
    def test_they_publish_what_the_joined_correlator_does(self, both):
        (_, joined), (split, apart) = both
        assert by_topic(apart) == by_topic(joined)
        assert split.handed > len(joined) / 10

    def test_a_confirmed_link_goes_round_both_lanes_and_merges_the_cases_as_joined(self, both):
        (joined, outputs), (split, _) = both
        confirmed = []
        for n, link in enumerate(o.record for o in outputs if o.topic == LINKS_TOPIC and o.record["decision"] == "Possible"):
            value = action("ConfirmLink", person_id=link["person_id"], candidate_id=link["candidate_id"],
                           action_id=f"act-{n}")
            confirmed = feed(joined, value, ACTIONS_TOPIC)
            assert by_topic(split.feed(value, ACTIONS_TOPIC)) == by_topic(confirmed)
            if confirmed:
                break
        assert any(o.topic == CASES_TOPIC for o in confirmed), "a confirmation in the scenario merges cases"
        link = a_possible_link(outputs)
        assert split.persons.stage.current(link["person_id"]) == joined.persons.current(link["person_id"])

    def test_a_confirmation_outside_the_operators_provinces_is_dead_lettered_and_joins_no_one(self, both):
        (_, outputs), (split, _) = both
        links = [o.record for o in outputs if o.topic == LINKS_TOPIC and o.record["decision"] == "Possible"]
        for n, link in enumerate(links):
            refused = split.feed(action("ConfirmLink", person_id=link["person_id"], candidate_id=link["candidate_id"],
                                        action_id=f"far-{n}", role="provincial", provinces=["TH-10"]), ACTIONS_TOPIC)
            if refused:
                break
        assert [o.topic for o in refused] == [HUB_DLQ]
        assert refused[0].record["reason_code"] == "out-of-scope"
        assert split.persons.stage.current(link["person_id"]) != split.persons.stage.current(link["candidate_id"])

    def test_a_repeated_action_goes_on_once(self, both):
        _, (split, outputs) = both
        link = a_possible_link(outputs)
        value = action("RejectLink", person_id=link["person_id"], candidate_id=link["candidate_id"], action_id="same")
        split.feed(value, ACTIONS_TOPIC)
        handed = split.handed
        split.feed(value, ACTIONS_TOPIC)
        assert split.handed == handed


class TestTheCaseLane:
    def test_it_refuses_what_is_no_hand_over(self):
        with pytest.raises(Refused):
            CasesLane().feed(b"tick:1", HANDOVER_TOPIC)


class TestThePersonsLane:
    @pytest.mark.parametrize("record", [{"kind": "Advance", "to": datetime(2025, 6, 1, tzinfo=timezone.utc)},
                                        {"kind": "Matched"}], ids=["a-clock-move", "a-matched-event-without-it"])
    def test_it_refuses_a_link_decision_that_is_none(self, record):
        empty = {"event": None, "event_id": None, "clock_to": None, "person_ids": [], "merges": [], "to": None,
                 "action": None}
        value = schemas.encode("sanpalang.hub.Handover", {**empty, **record})
        with pytest.raises(Refused):
            PersonsLane().feed(value, LINK_DECISIONS_TOPIC)
