"""The province page served by the console (issue 13 item 4): who may open which province, what
it shows from the views, and that every read of it is audited."""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest

import schemas
from console.auditlog import read_page
from console.server import open_hub
from streams.views import ALERT, ViewSink
from streams.views.prevention import PREVENTION
from tests.integration.console.conftest import sign_in
from tests.integration.console.world import CASE_57, alert, build_world, index_names

HOTSPOT_57 = "alr_57_hotspot"


def activity(record_id: str, province: str, district: str | None, reached: int, held: date) -> dict:
    record = copy.deepcopy(schemas.default_registry.example(PREVENTION))
    record["envelope"].update(province=province, occurred_at=datetime(held.year, held.month, held.day, tzinfo=timezone.utc))
    record["envelope"]["source"]["record_id"] = record_id
    record.update(district=district, people_reached=reached, held_on=held)
    return record


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The console tests' world, with a hotspot and prevention work in Chiang Rai and in Mae Sot."""
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('province') / 'hub.db'}")
    index_names(world.url)
    with ViewSink(world.url) as sink:
        sink.apply_many([
            (ALERT, alert(HOTSPOT_57, "TH-57", CASE_57, rule_number=8, rule_key="multi-agency-hotspot",
                          severity="Warning", subject="org:golden-fish")),
            (PREVENTION, activity("PV-57-1", "TH-57", "5709", 46, date(2025, 3, 1))),
            (PREVENTION, activity("PV-57-2", "TH-57", None, 1200, date(2025, 3, 2))),
            (PREVENTION, activity("PV-63-1", "TH-63", "6306", 75, date(2025, 3, 1))),
        ])
    return world


def audited(world, action: str) -> list:
    hub = open_hub(world.url)
    with hub.writer.connect() as conn:
        return [e for e in read_page(conn, limit=500) if e.action == action]


class TestTheProvincePage:
    def test_a_provincial_operator_sees_the_hotspots_prevention_and_open_cases_of_their_province(self, client):
        sign_in(client, "prov57")
        reply = client.request("GET", "/provinces/TH-57")
        assert reply.status == 200
        html = reply.text
        assert f'href="/cases/{CASE_57}"' in html and 'id="hotspots"' in html
        assert "Mae Sai" in html and "1,200" in html and "Mae Sot" not in html
        assert 'id="open-cases"' in html

    def test_in_thai_its_days_are_buddhist_era(self, client):
        client.cookies["spl_lang"] = "th"
        sign_in(client, "prov57")
        html = client.request("GET", "/provinces/TH-57").text
        assert "1 มี.ค. 2568" in html and "แม่สาย" in html and "งานป้องกัน" in html

    def test_another_province_is_not_found_for_them_and_open_to_a_national_operator(self, client, server):
        sign_in(client, "prov57")
        assert client.request("GET", "/provinces/TH-63").status == 404
        assert client.request("GET", "/provinces/TH-99").status == 404
        sign_in(client, "nat")
        reply = client.request("GET", "/provinces/TH-63")
        assert reply.status == 200 and "Mae Sot" in reply.text and HOTSPOT_57 not in reply.text

    @pytest.mark.parametrize("name", ["liaison.police", "auditor"])
    def test_a_liaison_or_an_auditor_may_not_open_it(self, client, name):
        sign_in(client, name)
        assert client.request("GET", "/provinces/TH-57").status == 403

    def test_the_board_links_to_it_and_a_one_province_operator_lands_on_theirs(self, client):
        sign_in(client, "prov57")
        assert 'href="/provinces"' in client.request("GET", "/").text
        reply = client.request("GET", "/provinces")
        assert reply.status == 303 and reply.headers["Location"] == "/provinces/TH-57"

    def test_every_read_is_audited_and_so_is_every_refusal(self, client, world):
        sign_in(client, "prov57")
        client.request("GET", "/provinces/TH-57")
        client.request("GET", "/provinces/TH-63")
        read = [e for e in audited(world, "province.read") if e.actor == "prov57"]
        refused = [e for e in audited(world, "province.read.refused") if e.actor == "prov57"]
        assert read and read[0].target == "TH-57" and read[0].province == "TH-57" and HOTSPOT_57 in read[0].detail
        assert refused and refused[0].target == "TH-63"
