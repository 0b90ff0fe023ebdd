"""The case file's fields as agencies record them: who decided the status, when and where (district
by the gazetteer) the person was exploited, forced criminality among the forms of exploitation."""

from datetime import date

from connectors.agencies import labour, social
from connectors.records import Origin

from .examples import example, records

FILE = Origin("file", "mdt_57_25680303.jsonl", "line 3 (record 3)")


def mdt(**changes):
    fields = next(dict(r.fields) for r in records("social") if r.fields.get("record_id") == "MDT-57-2568-0043")
    translation = social.translate({**fields, **changes}, FILE)
    return translation.events[0].record, translation.notes


def rorbor1(changes):
    record = example("labour", "ร.บ.1/74/2568/0077")
    translation = labour.translate({**record.fields, **changes}, record.origin)
    return translation.events[0].record, translation.notes


class TestScreeningOutcomeFile:
    def test_the_example_names_who_decided_and_when_and_where_in_thai(self):
        record, _ = mdt()
        assert (record["decided_by"], record["decided_by_name"]) == ("NonPoliceGovernmentalOrganization",
                                                                     "MDT จังหวัดเชียงราย")
        assert record["exploitation_period"] == {"started_on": date(2024, 12, 1), "ended_on": date(2025, 2, 28),
                                          "province": "TH-57", "district": "5709", "country": None,
                                          "place": "ร้านคาราโอเกะ"}

    def test_a_court_decision_and_forced_criminality_in_a_scam_compound_abroad(self):
        record, _ = mdt(decided_by="ศาล", exploitation="แก๊งคอลเซ็นเตอร์", exploitation_country="Myanmar",
                        exploitation_district=None, exploited_from=None, exploited_until=None)
        assert record["decided_by"] == "CourtOrProsecution" and record["exploitation_types"] == ["ForcedCriminality"]
        assert record["exploitation_period"]["country"] == "MMR" and record["exploitation_period"]["district"] is None

    def test_a_district_the_gazetteer_does_not_know_is_dropped_with_a_note_and_the_outcome_kept(self):
        record, notes = mdt(exploitation_district="อ.ไม่มีจริง")
        assert record["outcome"] == "PossibleVictimOfTrafficking" and record["exploitation_period"]["district"] is None
        assert any("exploitation_district" in n and "not a Thai district" in n for n in notes)

    def test_an_end_before_the_start_is_dropped_with_a_note(self):
        record, notes = mdt(exploited_until="01/11/2567")
        assert record["exploitation_period"]["ended_on"] is None and any("exploited_until" in n for n in notes)


class TestLabourScreeningFile:
    def test_hat_yai_and_mae_sot_are_districts_now(self):
        record, _ = rorbor1({"อำเภอที่ถูกแสวงประโยชน์": "หาดใหญ่", "เริ่มถูกแสวงประโยชน์": "02/08/67"})
        assert record["exploitation_period"]["district"] == "9011" and record["exploitation_period"]["province"] == "TH-90"
        assert record["exploitation_period"]["started_on"] == date(2024, 8, 2)
        record, _ = rorbor1({"อำเภอที่ถูกแสวงประโยชน์": "แม่สอด", "จังหวัดที่ถูกแสวงประโยชน์": "ตาก"})
        assert (record["exploitation_period"]["district"], record["exploitation_period"]["province"]) == ("6306", "TH-63")

    def test_a_row_without_the_columns_has_no_period(self):
        record, _ = rorbor1({})
        assert record["exploitation_period"] is None
