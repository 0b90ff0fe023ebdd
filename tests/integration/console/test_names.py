"""Names of persons on a case: for the operators who act on it, as the agencies spelt them, with
identifiers masked; the full identifier is never stored by the console."""

from __future__ import annotations

import sqlalchemy as sa

from tests.integration.console.world import CASE_57, VICTIM

PINK_CARD = "00-1234-567890-1"


def _victim(case: dict) -> dict:
    return next(p for p in case["persons"] if p["person_id"] == VICTIM)


class TestNamesOnTheCase:
    def test_an_operator_sees_every_spelling_of_the_victims_name(self, client, world):
        case = client.request("GET", f"/api/cases/{CASE_57}", token=world.tokens["prov57"]).json()
        assert _victim(case)["names"] == ["Aye Aye Khaing", "အေးအေးခိုင်"]

    def test_identifiers_are_masked_to_their_last_four(self, client, world):
        case = client.request("GET", f"/api/cases/{CASE_57}", token=world.tokens["nat"]).json()
        assert _victim(case)["identifiers"] == [["PinkCard", "•" * 12 + "90-1"]]

    def test_the_full_identifier_is_nowhere_in_the_answer_or_the_database(self, client, world):
        reply = client.request("GET", f"/api/cases/{CASE_57}", token=world.tokens["nat"])
        assert PINK_CARD not in reply.text
        engine = sa.create_engine(world.url)
        with engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT identifiers FROM console_person_entries").scalars().all()
        engine.dispose()
        assert stored and not any(PINK_CARD in s for s in stored)

    def test_persons_without_a_known_name_have_none(self, client, world):
        case = client.request("GET", f"/api/cases/{CASE_57}", token=world.tokens["nat"]).json()
        suspect = next(p for p in case["persons"] if p["person_id"] != VICTIM)
        assert suspect["names"] == [] and suspect["identifiers"] == []

    def test_the_case_page_shows_the_names(self, client):
        from tests.integration.console.test_sessions_and_pages import sign_in
        sign_in(client, "prov57")
        assert "Aye Aye Khaing" in client.request("GET", f"/cases/{CASE_57}").text
