"""The correlator's two stages on the simulator's fixed-seed scenario, with wall-clock ticks: what the
persons stage hands on is all the case stage needs, and the case stage knows each person by the
id the matcher gives them now (docs/decisions/003-correlation-in-stages.md)."""

import pytest

from streams.worker.case_stage import CaseStage
from streams.worker.correlator import LINKS_TOPIC, Correlator, Output
from streams.worker.lane import feed
from streams.worker.persons_stage import Advance, Matched, PersonsStage
from tests.unit.streams.worker.outputs import by_topic

KEY = b"a test key of at least thirty-two bytes"


@pytest.fixture(scope="module")
def joined(ticked_lane):
    correlator = Correlator(consumer_key=KEY)
    return correlator, [o for value in ticked_lane for o in feed(correlator, value)]


def persons_alone(lane: list[bytes]) -> tuple[PersonsStage, list]:
    """The persons stage fed the lane as the correlator feeds it (`lane.feed`), with no case stage behind it."""
    stage = PersonsStage()
    return stage, [made for value in lane for made in feed(stage, value)]


class TestTheStagesApart:
    def test_a_case_stage_fed_only_the_hand_overs_publishes_what_the_joined_correlator_does(self, ticked_lane, joined):
        _, made = persons_alone(ticked_lane)
        cases = CaseStage(consumer_key=KEY)
        apart = [o for item in made for o in ([item] if isinstance(item, Output) else cases.apply(item))]
        assert by_topic(apart) == by_topic(joined[1])

    def test_the_persons_stage_publishes_only_links_and_hands_on_every_event_and_tick(self, ticked_lane):
        _, made = persons_alone(ticked_lane)
        assert {o.topic for o in made if isinstance(o, Output)} == {LINKS_TOPIC}
        assert sum(isinstance(o, Advance) for o in made) == sum(v.startswith(b"tick:") for v in ticked_lane)
        assert sum(isinstance(o, Matched) for o in made) > 500


class TestPersonsInTheCaseStage:
    def test_every_person_id_ever_linked_resolves_to_the_id_the_matcher_gives_now(self, joined):
        correlator, outputs = joined
        ids = {o.record["person_id"] for o in outputs if o.topic == LINKS_TOPIC}
        ids |= {m for o in outputs if o.topic == LINKS_TOPIC and o.record["merged_from"]
                for m in o.record["merged_from"].split(",")}
        assert correlator.cases.aliases, "the scenario merges persons"
        assert {i: correlator.cases.current(i) for i in ids} == {i: correlator.persons.current(i) for i in ids}

    def test_an_id_no_merge_touched_stands_for_itself(self):
        assert CaseStage().current("p_unknown") == "p_unknown"
