"""A record is what its topic says (issue 11, item 1), through the real worker on a SASL broker,
the worker connected as the catalogue's `hub` principal and every writer as its own principal.

An agency principal may write its intake topic only, so that is where it attacks: an operator
action resolving an alert, another agency's event type, its own event type claiming another
agency, a clock tick far in the future; another agency sends the police rescue's (predictable)
event id first to suppress it. The console principal's actions are applied only within the
scope they record (item 2). Each refused record is dead-lettered on dlq.hub.v1 with its topic,
offset and reason, never applied and never on the lane."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from kafka import KafkaProducer
from kafka.errors import KafkaError

import schemas
from bench.hub_run import lane_values, latest, read_topic, wait_until
from tests.integration.security.conftest import HubWorker

pytestmark = pytest.mark.broker

RESCUE, SHELTER, ACTION = ("sanpalang.police.RescueConducted", "sanpalang.social.ShelterIntakeRecorded",
                           "sanpalang.hub.OperatorAction")


def send(connection, topic: str, value: bytes, key: bytes = b"k") -> None:
    producer = KafkaProducer(**connection.kafka_python(), acks="all")
    try:
        producer.send(topic, key=key, value=value).get(timeout=30)
    finally:
        producer.close()


def action(alert: dict, **scope) -> dict:
    return {"action_id": f"act-{len(scope)}-{scope.get('role')}-{','.join(scope.get('provinces', []))}",
            "kind": "Resolve", "alert_id": alert["alert_id"], "person_id": None, "candidate_id": None,
            "province": alert["province"], "operator": "someone", "note": None,
            "at": datetime(2025, 3, 2, tzinfo=timezone.utc), **scope}


@pytest.fixture(scope="module")
def attacked(sasl_hub, tmp_path_factory):
    """The worker run through every attack once; what it published."""
    root = tmp_path_factory.mktemp("attacked")
    worker = HubWorker(sasl_hub, f"sqlite:///{root / 'views.db'}", root / "worker.log")
    police, social, console = sasl_hub.as_("police"), sasl_hub.as_("social"), sasl_hub.as_("console")
    rescue = schemas.example(RESCUE)                     # a 17-year-old: rule 4 fires at once
    stolen = copy.deepcopy(schemas.example(SHELTER))
    stolen["envelope"]["event_id"] = rescue["envelope"]["event_id"]
    try:
        send(social, "intake.social.v1", schemas.encode(SHELTER, stolen))        # the rescue's id, first
        send(police, "intake.police.v1", schemas.encode(RESCUE, rescue))
        wait_until(lambda: any(a["state"] == "Firing" for a in latest(read_topic(sasl_hub.admin, ["alerts.v1"]),
                                                                       "alerts.v1").values()),
                   timeout=240, what="the rescue's alert firing")
        alert = next(a for a in latest(read_topic(sasl_hub.admin, ["alerts.v1"]), "alerts.v1").values()
                     if a["state"] == "Firing")
        forged = {
            "operator action on an intake topic": schemas.encode(ACTION, action(alert, role="national")),
            "another agency's event type": schemas.encode(SHELTER, {**stolen, "envelope": {
                **stolen["envelope"], "agency": "police", "event_id": "forged-shelter"}}),
            "own type, another agency in the envelope": schemas.encode(RESCUE, {**rescue, "envelope": {
                **rescue["envelope"], "agency": "social", "event_id": "forged-agency"}}),
            "a clock tick": b"tick:32503680000000",
        }
        for value in forged.values():
            send(police, "intake.police.v1", value)
        with pytest.raises(KafkaError):                   # the catalogue's ACL: only the console writes actions
            send(police, "operator.actions.v1", schemas.encode(ACTION, action(alert, role="national")))
        send(console, "operator.actions.v1", schemas.encode(ACTION, action(alert)), key=b"TH-57")   # no role
        send(console, "operator.actions.v1", schemas.encode(ACTION, action(alert, role="provincial",
                                                                           provinces=["TH-50"])), key=b"TH-57")
        dlq = lambda: read_topic(sasl_hub.admin, ["dlq.hub.v1"])        # noqa: E731
        wait_until(lambda: len(dlq()) >= 6, timeout=240, what="six refusals on dlq.hub.v1")
        return {"alert": alert, "forged": forged, "refused": [r for _, _, r in dlq()],
                "alerts": latest(read_topic(sasl_hub.admin, ["alerts.v1"]), "alerts.v1"),
                "links": latest(read_topic(sasl_hub.admin, ["persons.links.v1"]), "persons.links.v1"),
                "lane": lane_values(sasl_hub.admin), "rescue": rescue}
    finally:
        worker.stop()


class TestARecordIsWhatItsTopicSays:
    def test_each_forged_record_on_an_intake_topic_is_dead_lettered_with_topic_offset_and_reason(self, attacked):
        on_intake = [r for r in attacked["refused"] if r["topic"] == "intake.police.v1"]
        assert sorted(r["reason_code"] for r in on_intake) == ["undecodable", "wrong-agency", "wrong-topic",
                                                              "wrong-topic"]
        assert all(r["offset"] is not None and r["partition"] is not None for r in on_intake)
        assert {r["original"] for r in on_intake} == set(attacked["forged"].values())

    def test_nothing_refused_reaches_the_lane(self, attacked):
        assert not set(attacked["forged"].values()) & set(attacked["lane"])

    def test_the_injected_resolution_did_not_resolve_the_alert(self, attacked):
        assert attacked["alerts"][attacked["alert"]["alert_id"]]["state"] == "Firing"

    def test_another_agency_cannot_suppress_an_event_by_sending_its_id_first(self, attacked):
        event_id = attacked["rescue"]["envelope"]["event_id"]
        assert any(key.startswith("police:") and event_id in key for key in attacked["links"])


class TestOperatorActionsAreCheckedWhereTheyTakeEffect:
    def test_an_action_without_a_consoles_scope_is_refused(self, attacked):
        codes = [r["reason_code"] for r in attacked["refused"] if r["topic"] == "operator.actions.v1"]
        assert sorted(codes) == ["no-authority", "out-of-scope"]
