"""Prevention work from the agency to the team lead's page (issue 13 item 4): a PSDHS export of
prevention activities dropped into the real social connector, the real `sanpalang worker` (its
views loop reads them off intake.social.v1), the SQL views, and the console's province page. A
record naming a district of another province is dead-lettered with its reason; none raises an
alert or opens a case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bench.hub_run import WorkerProcess, read_topic, settled, wait_until
from console import accounts
from console.roles import Role
from console.server import open_hub
from runtime.settings import Settings
from streams.views import make_engine, tables as T
from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC
from tests.integration.console.conftest import Browserless, ServerThread, sign_in
from tests.integration.console.world import NOW, PASSWORD
from tests.integration.streams.hub import fresh_broker
from tests.integration.streams.natives import Natives, Person, at, be, deliver, jsonl_export, police

pytestmark = pytest.mark.broker


def activity(rid: str, days: float, province: str, district: str, reached: str, **own: str) -> dict:
    return {"record_type": "prevention", "record_id": rid, "version": 1, "province": province, "district": district,
            "held_on": be(at(days))[:10], "updated_at": at(days + 1).isoformat(), "activity": "ลงพื้นที่",
            "audience": "แรงงานข้ามชาติ", "people_reached": reached, "organiser": "พมจ.เชียงราย", **own}


ELSEWHERE = Person("Kyaw", "Min", "MMR", "MA0100001", "1990-01-01", "M")     # a rescue in Tak: the HTTP intakes
# take no empty batch, and it shows the worker running beside the prevention work


def natives() -> Natives:
    n = Natives()
    n.police.append(police("rescue", "RSC-63-1", at(1), "TH-63", [ELSEWHERE.police("rescued")]))
    n.hotline.append({"record_type": "hotline", "record_id": "1300-63-9", "version": 1, "received_at": at(1, 2).isoformat(),
                      "province": "TH-63", "channel": "phone_1300", "summary": "Workers cannot leave a factory."})
    n.social_files["prevention_57_flow.jsonl"] = jsonl_export([
        activity("PV-57-1", 2, "เชียงราย", "อ.แม่สาย", "46", languages="ไทย; พม่า"),
        activity("PV-57-2", 3, "Chiang Rai", "Chiang Saen", "1,200", activity="รณรงค์", audience="นักเรียน"),
        activity("PV-57-3", 4, "เชียงราย", "แม่สอด", "30")])       # Mae Sot is in Tak: refused
    return n


@pytest.fixture(scope="module")
def flowed(tmp_path_factory, kafka_jar_cache) -> Iterator[tuple]:
    root = tmp_path_factory.mktemp("prevention-flow")
    broker = fresh_broker(root / "broker", kafka_jar_cache)
    try:
        intake, letters = deliver(broker, natives(), root)
        views = make_engine(broker.database_url)
        worker = WorkerProcess(broker, root / "worker.log")
        try:
            def stored() -> int:
                try:
                    with views.connect() as conn:
                        return conn.execute(sa.select(sa.func.count()).select_from(T.prevention)).scalar_one()
                except sa.exc.OperationalError:      # not migrated yet
                    return 0
            prevention = sum(e["envelope"]["event_type"] == "PreventionActivity" for e in intake)
            wait_until(lambda: settled(broker.connection, len(intake)) and stored() == prevention, timeout=300,
                       what="the prevention activities correlated and in the views")
        finally:
            worker.stop()
            views.dispose()
        outputs = read_topic(broker.connection, [ALERTS_TOPIC, CASES_TOPIC])
        yield broker, intake, letters, outputs, root
    finally:
        broker.stop()


@pytest.fixture(scope="module")
def console(flowed):
    broker, *_, root = flowed
    hub = open_hub(broker.database_url)
    with hub.writer.begin() as conn:
        accounts.add_user(conn, "lead57", Role.PROVINCIAL, PASSWORD, provinces=frozenset({"TH-57"}),
                          at=NOW - timedelta(days=1))
    hub.reader.dispose()
    hub.writer.dispose()
    server = ServerThread(Settings(home=root / "console-home", database_url=broker.database_url))
    yield server
    server.stop()


class TestPreventionFromTheConnectorToTheProvincePage:
    def test_the_connector_publishes_the_good_records_and_dead_letters_the_wrong_district(self, flowed):
        _, intake, letters, _, _ = flowed
        assert sorted(e["envelope"]["source"]["record_id"] for e in intake
                      if e["envelope"]["event_type"] == "PreventionActivity") == ["PV-57-1", "PV-57-2"]
        (letter,) = letters
        assert "line 3" in letter["origin"]["location"] and "not of Chiang Rai" in letter["reason"]

    def test_they_raise_no_alert_and_open_no_case_while_the_rescue_beside_them_does(self, flowed):
        _, _, _, outputs, _ = flowed
        provinces = {(topic, record.get("lead_province") or record.get("province")) for topic, _, record in outputs}
        assert (CASES_TOPIC, "TH-63") in provinces
        assert not {p for _, p in provinces} - {"TH-63"}

    def test_the_team_lead_reads_them_on_the_province_page_in_thai(self, console):
        client = Browserless(console.url)
        client.cookies["spl_lang"] = "th"
        assert sign_in(client, "lead57").status == 303
        reply = client.request("GET", "/provinces/TH-57")
        assert reply.status == 200
        html = reply.text
        assert "แม่สาย" in html and "เชียงแสน" in html and "1,200" in html and "46" in html
        assert f"{at(2).day} " in html and str(at(2).year + 543) in html
        assert "แม่สอด" not in html
