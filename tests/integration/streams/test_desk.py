"""The team lead's desk through a real `sanpalang worker` (issue 13 item 2): AssignOwner, DecideStatus
and CloseCase on operator.actions.v1 come back on cases.provincial.v1 and in the SQL views; an
assignment by a provincial operator is dead-lettered on dlq.hub.v1 and changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from kafka import KafkaProducer

import schemas
from bench.hub_run import WorkerProcess as Worker
from bench.hub_run import latest, read_topic, settled, wait_until
from streams.worker.admission import HUB_DLQ
from streams.worker.correlator import CASES_TOPIC

pytestmark = pytest.mark.broker


def _action(kind: str, case_id: str, **fields) -> dict:
    return {"action_id": uuid.uuid4().hex, "kind": kind, "alert_id": None, "person_id": None, "candidate_id": None,
            "province": "TH-57", "operator": "lead.cri", "note": None, "at": datetime.now(timezone.utc),
            "role": "team_lead", "provinces": ["TH-57"], "case_id": case_id, "agency": "social", "owner": None,
            "owner_agency": None, "owner_provinces": [], "trafficking_status": None, "status_basis": None, **fields}


def _send(connection, topic: str, schema: str, *records: dict) -> int:
    producer = KafkaProducer(**connection.kafka_python(), acks="all")
    try:
        for record in records:
            producer.send(topic, key=b"TH-57", value=schemas.encode(schema, record)).get(timeout=30)
    finally:
        producer.close()
    return len(records)


def _case_row(url: str, case_id: str):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("select owner, status, desk from cases where case_id = :c"), {"c": case_id}).first()
    finally:
        engine.dispose()


class TestTheDeskThroughAWorker:
    def test_owner_decision_and_closing_reach_the_views_and_a_provincial_assignment_is_dead_lettered(
            self, hub_broker, tmp_path):
        connection = hub_broker.connection
        worker = Worker(hub_broker, tmp_path / "worker.log")
        try:
            sent = _send(connection, "intake.police.v1", "sanpalang.police.RescueConducted",
                         schemas.example("sanpalang.police.RescueConducted"))
            wait_until(lambda: settled(connection, sent), what="the rescue correlated and in the views")
            (view,) = latest(read_topic(connection, [CASES_TOPIC]), CASES_TOPIC).values()
            case_id, person = view["case_id"], view["persons"][0]["person_id"]
            forged = _action("AssignOwner", case_id, role="provincial", owner="officer.cri", owner_agency="social",
                             owner_provinces=["TH-57"])
            _send(connection, "operator.actions.v1", "sanpalang.hub.OperatorAction", forged,
                  _action("AssignOwner", case_id, owner="officer.cri", owner_agency="social", owner_provinces=["TH-57"]),
                  _action("DecideStatus", case_id, person_id=person, trafficking_status="ActualVictimOfTrafficking",
                          status_basis="NonPoliceGovernmentalOrganization", note="MDT 3/2568"),
                  _action("CloseCase", case_id))

            def closed() -> bool:
                row = _case_row(hub_broker.database_url, case_id)
                return row is not None and row.status == "Closed"
            wait_until(closed, timeout=120, what="the closed case in the SQL views")
            row = _case_row(hub_broker.database_url, case_id)
            desk = json.loads(row.desk) if isinstance(row.desk, str) else row.desk
            assert row.owner == "officer.cri"
            assert [(d["person_id"], d["trafficking_status"], d["basis"], d["decided_by"]) for d in desk["status_decisions"]] \
                == [(person, "ActualVictimOfTrafficking", "NonPoliceGovernmentalOrganization", "lead.cri")]
            assert desk["closed_by"] == "lead.cri" and desk["owner_assigned_by"] == "lead.cri"
            refused = [record for _, _, record in read_topic(connection, [HUB_DLQ])]
            assert [r["reason_code"] for r in refused] == ["no-authority"]
        finally:
            worker.stop()
