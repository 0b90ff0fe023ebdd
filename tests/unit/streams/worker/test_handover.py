"""The hand-over between the correlator's stages on the wire (`streams.worker.handover`): every
hand-over of the fixed-seed scenario crosses as a `sanpalang.hub.Handover` record and comes back
equal, and a case stage fed only what it reads back publishes what the joined correlator does
(docs/decisions/003-correlation-in-stages.md)."""

from datetime import datetime, timedelta, timezone

import pytest

import schemas
from schemas.catalogue import load_catalogue
from streams.events import Event
from streams.worker.case_stage import CaseStage
from streams.worker.correlator import Correlator, Output
from streams.worker.handover import (CLOCK_KEY, HANDOVER_SCHEMA, HANDOVER_TOPIC, LINK_DECISIONS_TOPIC,
                                     handover_output, read_handover)
from streams.worker.lane import FLUSHED, TICK, feed, read
from streams.worker.persons_stage import ActionHandoff, Advance, Matched, MergedHandoff, PersonsStage
from tests.unit.streams.worker.outputs import by_topic

KEY = b"a test key of at least thirty-two bytes"


def persons_with_raw(stage: PersonsStage, value: bytes) -> list:
    """One lane entry into the persons stage alone, each event with the bytes it came in."""
    name, record = read(value)
    if name == FLUSHED:
        return stage.flush()
    if name == TICK:
        return stage.tick(record)
    return stage.event(name, record, raw=value)


@pytest.fixture(scope="module")
def made(ticked_lane) -> list:
    stage = PersonsStage()
    return [item for value in ticked_lane for item in persons_with_raw(stage, value)]


@pytest.fixture(scope="module")
def handed(made) -> list:
    return [item for item in made if not isinstance(item, Output)]


def crossed(item):
    """The hand-over as the case stage reads it off the topic."""
    output = handover_output(item)
    assert output.topic == HANDOVER_TOPIC and output.schema == HANDOVER_SCHEMA
    return read_handover(schemas.encode(output.schema, output.record))


def action_bytes(**changes) -> bytes:
    return schemas.encode("sanpalang.hub.OperatorAction", {**schemas.example("sanpalang.hub.OperatorAction"),
                                                           **changes})


def handover_bytes(kind: str, **fields) -> bytes:
    record = {"kind": kind, "event": None, "event_id": None, "clock_to": None, "person_ids": [], "merges": [],
              "to": None, "action": None, **fields}
    return schemas.encode(HANDOVER_SCHEMA, record)


class TestTheScenarioAcrossTheTopic:
    def test_every_hand_over_comes_back_equal_to_the_one_handed_over(self, handed):
        assert sum(isinstance(h, Matched) for h in handed) > 500 and any(isinstance(h, Advance) for h in handed)
        assert [h for h in handed if crossed(h) != h] == []

    def test_every_event_crosses_with_the_bytes_it_came_in(self, ticked_lane, handed):
        assert {h.raw for h in handed if isinstance(h, Matched)} <= set(ticked_lane)
        assert all(h.raw for h in handed if isinstance(h, Matched))

    def test_a_case_stage_fed_only_what_it_reads_back_publishes_what_the_joined_correlator_does(
            self, ticked_lane, made):
        correlator = Correlator(consumer_key=KEY)
        joined = [o for value in ticked_lane for o in feed(correlator, value)]
        cases = CaseStage(consumer_key=KEY)
        apart = [o for item in made for o in ([item] if isinstance(item, Output) else cases.apply(crossed(item)))]
        assert by_topic(apart) == by_topic(joined)

    def test_an_event_is_keyed_by_its_id_and_a_tick_by_the_clock(self, handed):
        matched = next(h for h in handed if isinstance(h, Matched))
        assert handover_output(matched).key == matched.event.event_id
        assert handover_output(next(h for h in handed if isinstance(h, Advance))).key == CLOCK_KEY


class TestAnEventUnderAnotherAgencysId:
    def test_it_crosses_under_the_id_it_goes_by_with_its_persons_keyed_by_that_id(self, fixed_values):
        police = next(v for v in fixed_values if Event.of(*schemas.decode(v)).agency == "police")
        name, labour = next(schemas.decode(v) for v in fixed_values
                            if Event.of(*schemas.decode(v)).agency == "labour" and Event.of(*schemas.decode(v)).persons)
        labour["envelope"] = {**labour["envelope"], "event_id": schemas.decode(police)[1]["envelope"]["event_id"]}
        same_id = schemas.encode(name, labour)
        stage = PersonsStage(window=timedelta(0))
        stage.event(*schemas.decode(police), raw=police)
        second = next(h for h in stage.event(*schemas.decode(same_id), raw=same_id) if isinstance(h, Matched))
        assert second.event.event_id.startswith("labour:")
        back = crossed(second)
        assert back == second and back.person_ids
        assert {key[0] for key in back.person_ids} == {second.event.event_id}


class TestOperatorsHandOvers:
    def test_an_action_crosses_as_its_own_bytes_keyed_by_its_id(self):
        action = ActionHandoff(action_bytes(action_id="act_77"))
        assert handover_output(action).key == "act_77" and crossed(action) == action

    def test_a_join_crosses_with_the_ids_merged_and_the_survivor(self):
        join = MergedHandoff(("prs_b", "prs_c"), "prs_a")
        assert handover_output(join).key == "prs_a" and crossed(join) == join

    def test_a_case_stage_told_of_a_join_knows_the_merged_id_by_the_survivor(self):
        cases = CaseStage()
        cases.apply(crossed(MergedHandoff(("prs_b",), "prs_a")))
        assert cases.current("prs_b") == "prs_a"


class TestRefusals:
    def test_a_matched_record_without_its_event_bytes_is_refused_with_a_reason(self):
        value = handover_bytes("Matched", clock_to=datetime(2025, 3, 1, tzinfo=timezone.utc))
        with pytest.raises(ValueError, match="Matched hand-over without its event"):
            read_handover(value)

    def test_a_matched_made_without_intake_bytes_is_not_put_on_the_wire(self, handed):
        joined_path = next(h for h in handed if isinstance(h, Matched))
        with pytest.raises(ValueError, match="has none"):
            handover_output(Matched(joined_path.event, joined_path.clock_to, joined_path.person_ids,
                                    joined_path.merges))

    def test_a_tick_without_its_time_is_refused(self):
        with pytest.raises(ValueError, match="Advance hand-over without its to"):
            read_handover(handover_bytes("Advance"))

    def test_an_action_without_its_bytes_is_refused(self):
        with pytest.raises(ValueError, match="Action hand-over without its action"):
            read_handover(handover_bytes("Action"))

    def test_a_join_without_exactly_one_merge_is_refused(self):
        with pytest.raises(ValueError, match="exactly one join"):
            read_handover(handover_bytes("Merged"))

    def test_a_kind_this_build_does_not_know_is_refused(self):
        with pytest.raises(ValueError, match="'Unknown'"):
            read_handover(handover_bytes("Unknown"))

    def test_a_record_of_another_schema_is_refused(self):
        with pytest.raises(ValueError, match="not a hand-over record: sanpalang.hub.OperatorAction"):
            read_handover(action_bytes())

    def test_an_event_that_cannot_be_read_again_is_refused(self):
        value = handover_bytes("Matched", event=b"not avro", clock_to=datetime(2025, 3, 1, tzinfo=timezone.utc))
        with pytest.raises(ValueError, match="cannot be read again"):
            read_handover(value)


class TestTheCatalogue:
    @pytest.mark.parametrize("topic", [HANDOVER_TOPIC, LINK_DECISIONS_TOPIC])
    def test_the_hand_over_topics_are_the_hubs_alone_one_partition_kept_forever(self, topic):
        found = load_catalogue().topic(topic)
        assert (found.writers, found.readers, found.partitions, found.retention_ms) == (("hub",), ("hub",), 1, -1)
