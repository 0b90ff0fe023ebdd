"""Trust boundaries of the worker (issue 11), as pure decisions and through the correlator: a
record is what its topic says, and an operator action takes effect only within the scope it records."""

import copy
from datetime import datetime, timedelta, timezone

import pytest

import schemas
from streams.worker.admission import HUB_DLQ, action_refusal, refusal
from streams.worker.correlator import CASES_TOPIC, Correlator
from tests.unit.streams.worker.test_correlator import KNOWN, MAYBE, _links
from streams.worker.lane import FLUSH, LANE_TOPIC, Refused, feed, refused_output, tick_value

AT = datetime(2025, 6, 1, tzinfo=timezone.utc)


def event(name="sanpalang.police.RescueConducted", **envelope):
    record = schemas.example(name)
    record["envelope"].update(envelope)
    return record


def action(kind="ConfirmLink", *, role="provincial", provinces=("TH-50",), province="TH-50", **fields):
    return {"action_id": "act-x", "kind": kind, "alert_id": None, "person_id": None, "candidate_id": None,
            "province": province, "operator": "prov50", "note": None, "at": AT, "role": role,
            "provinces": list(provinces), **fields}


class TestARecordIsWhatItsTopicSays:
    def test_an_agency_topic_admits_its_own_event_types(self):
        assert refusal("intake.police.v1", "sanpalang.police.RescueConducted", event()) is None

    def test_an_operator_action_on_an_intake_topic_is_refused(self):
        found = refusal("intake.police.v1", "sanpalang.hub.OperatorAction", action())
        assert found.code == "wrong-topic"

    def test_another_agencys_event_type_on_an_intake_topic_is_refused(self):
        record = event("sanpalang.social.ShelterIntakeRecorded")
        assert refusal("intake.police.v1", "sanpalang.social.ShelterIntakeRecorded", record).code == "wrong-topic"

    def test_an_own_event_type_claiming_another_agency_in_its_envelope_is_refused(self):
        assert refusal("intake.police.v1", "sanpalang.police.RescueConducted",
                       event(agency="social")).code == "wrong-agency"

    def test_the_actions_topic_admits_only_operator_actions(self):
        assert refusal("operator.actions.v1", "sanpalang.hub.OperatorAction", action()) is None
        assert refusal("operator.actions.v1", "sanpalang.police.RescueConducted", event()).code == "wrong-topic"

    def test_a_topic_outside_the_catalogue_admits_nothing(self):
        assert refusal("intake.nobody.v1", "sanpalang.police.RescueConducted", event()).code == "unknown-topic"


class TestFeedingByTopic:
    def test_a_tick_from_an_intake_topic_is_refused_and_the_clock_does_not_move(self):
        correlator = Correlator()
        with pytest.raises(Refused) as refused:
            feed(correlator, tick_value(AT + timedelta(days=3650)), "intake.police.v1")
        assert refused.value.refusal.code == "undecodable" and correlator.now is None

    def test_a_flush_is_the_lanes_own(self):
        with pytest.raises(Refused):
            feed(Correlator(), FLUSH, "operator.actions.v1")
        assert feed(Correlator(), FLUSH, LANE_TOPIC) == []

    def test_a_refused_action_changes_nothing_and_becomes_a_dead_letter_naming_topic_offset_and_reason(self):
        value = schemas.encode("sanpalang.hub.OperatorAction", action("Resolve", alert_id="alr_1", role="national"))
        correlator = Correlator()
        with pytest.raises(Refused) as refused:
            feed(correlator, value, "intake.police.v1")
        letter = refused_output("intake.police.v1", 2, 41, value, 1_700_000_000_000, refused.value)
        assert letter.topic == HUB_DLQ and letter.key == "intake.police.v1:2:41"
        assert (letter.record["reason_code"], letter.record["offset"], letter.record["original"]) == ("wrong-topic", 41, value)
        assert schemas.decode(schemas.encode(letter.schema, letter.record))[0] == "sanpalang.hub.RefusedRecord"
        assert correlator._actions == set()

    def test_an_event_id_of_one_agency_does_not_suppress_the_same_id_of_another(self):
        """The social connector sends the police rescue's (predictable) event id first: the rescue is
        still correlated, under its own identity, and a redelivery of either changes nothing."""
        police = schemas.encode("sanpalang.police.RescueConducted", event())
        stolen = event("sanpalang.social.ShelterIntakeRecorded", event_id=event()["envelope"]["event_id"])
        social = schemas.encode("sanpalang.social.ShelterIntakeRecorded", stolen)
        correlator = Correlator()
        out = [o for v, t in ((social, "intake.social.v1"), (police, "intake.police.v1"),
                              (police, "intake.police.v1"), (social, "intake.social.v1"), (FLUSH, LANE_TOPIC))
               for o in feed(correlator, v, t)]
        timeline = {(e["agency"], e["event_type"]) for o in out if o.topic == CASES_TOPIC for e in o.record["timeline"]}
        assert {("police", "RescueConducted"), ("social", "ShelterIntakeRecorded")} <= timeline
        assert len([o for o in out if o.topic == "persons.links.v1" and o.record["agency"] == "police"]) == \
            len(event()["envelope"]["persons"])


class TestActionScope:
    def test_a_provincial_operator_may_change_only_cases_in_their_provinces(self):
        assert action_refusal(action(), touched=[("c50", ("TH-50",))]) is None
        found = action_refusal(action(), touched=[("c50", ("TH-50",)), ("c57", ("TH-57",))])
        assert found.code == "out-of-scope" and "c57" in found.reason

    def test_a_case_that_touches_their_province_is_theirs(self):
        assert action_refusal(action(), touched=[("c57", ("TH-57", "TH-50"))]) is None

    def test_a_national_operator_may_act_everywhere(self):
        assert action_refusal(action(role="national", provinces=()), touched=[("c57", ("TH-57",))]) is None

    def test_an_action_with_no_role_or_a_role_that_may_not_act_is_refused(self):
        assert action_refusal(action(role=None)).code == "no-authority"
        assert action_refusal(action(role="auditor")).code == "no-authority"

    def test_an_alert_outside_their_provinces_is_refused(self):
        assert action_refusal(action("Resolve"), alert_province="TH-57").code == "out-of-scope"
        assert action_refusal(action("Resolve"), alert_province="TH-50") is None

    def test_an_action_in_a_province_not_theirs_is_refused(self):
        assert action_refusal(action(province="TH-57")).code == "out-of-scope"


class TestALinkConfirmationAcrossProvinces:
    @pytest.fixture
    def proposed(self):
        """The TH-57 victim known by passport; a TH-50 record proposed as possibly them."""
        correlator = Correlator()
        elsewhere = copy.deepcopy(MAYBE)        # a TH-50 rescue of its own: another case reference, no employer
        elsewhere["envelope"].update(agency_case_ref="ชม.1/2568/0001", organisations=[])
        known, possible = _links(correlator, KNOWN, elsewhere)
        assert possible["decision"] == "Possible" and possible["candidate_id"] == known["person_id"]
        return correlator, possible

    def test_the_th50_operator_cannot_pull_the_th57_case_into_scope(self, proposed):
        correlator, possible = proposed
        outputs = correlator.action(action(person_id=possible["person_id"], candidate_id=possible["candidate_id"]))
        assert [o.topic for o in outputs] == [HUB_DLQ]
        assert outputs[0].record["reason_code"] == "out-of-scope"
        assert correlator.matcher.join(possible["person_id"], possible["candidate_id"]) is not None, \
            "the persons were still two"

    def test_an_operator_of_both_provinces_may(self, proposed):
        correlator, possible = proposed
        outputs = correlator.action(action(person_id=possible["person_id"], candidate_id=possible["candidate_id"],
                                           provinces=("TH-50", "TH-57")))
        assert any(o.topic == CASES_TOPIC for o in outputs)


class TestConsentWithdrawnOnConsumerTopics:
    def test_a_withdrawal_removes_the_persons_token_from_later_consumer_records(self):
        from streams.privacy import pseudonym
        key = b"a test key of at least thirty-two bytes"
        correlator = Correlator(consumer_key=key)
        rescue = event()
        before = [o for v, t in ((schemas.encode("sanpalang.police.RescueConducted", rescue), "intake.police.v1"),
                                 (FLUSH, LANE_TOPIC)) for o in feed(correlator, v, t)]
        victim = next(o.record for o in before if o.topic == "persons.links.v1" and o.record["person_ref"] == "p1")
        token = pseudonym(key, "person", victim["person_id"])
        assert token in repr([o.record for o in before if o.topic == "cases.consumer.v1"])
        withdrawal = schemas.example("sanpalang.social.ConsentWithdrawn")
        withdrawal["envelope"]["persons"] = [rescue["envelope"]["persons"][0] | {"role": "Victim"}]
        withdrawal["person_ref"] = "p1"
        after = [o for v, t in ((schemas.encode("sanpalang.social.ConsentWithdrawn", withdrawal), "intake.social.v1"),
                                (FLUSH, LANE_TOPIC)) for o in feed(correlator, v, t)]
        assert victim["person_id"] in correlator.consent.withdrawn
        consumer = [o.record for o in after if o.topic in ("cases.consumer.v1", "alerts.consumer.v1")]
        assert token not in repr(consumer)
