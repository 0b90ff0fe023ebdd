"""The case page's case-file block: each person's HTCDS fields in Thai or English, districts named
from the gazetteer, dates in the Buddhist Era in Thai; nothing when the case holds none of it."""

import json
from datetime import date

from console.casefile import case_file_block
from console.i18n import CASE_FILE_LABELS, file_label
from console.roles import Principal, Role
import schemas

OPERATOR = Principal("prov63", Role.PROVINCIAL, frozenset({"TH-63"}))
PERSON = {"person_id": "prs_1", "exploitation_types": ["ForcedCriminality"], "means_of_control": ["DebtBondage"],
          "interpreter_language": "mya", "status_decided_by": "NonPoliceGovernmentalOrganization",
          "status_decided_by_name": "MDT จังหวัดตาก",
          "exploitation_period": {"started_on": date(2024, 11, 1), "ended_on": date(2025, 2, 20), "province": "TH-63",
                           "district": "6306", "country": None, "place": None}}
CASE = {"exploitation_types": ["ForcedCriminality"], "persons": [PERSON, {"person_id": "prs_2",
        "exploitation_types": [], "means_of_control": [], "interpreter_language": None, "exploitation_period": None,
        "status_decided_by": None, "status_decided_by_name": None}]}


class TestCaseFileBlock:
    def test_shows_a_persons_file_in_thai_with_the_district_and_buddhist_era_dates(self):
        html = case_file_block(CASE, principal=OPERATOR, lang="th")
        for shown in ("แฟ้มคดี", "บังคับให้กระทำความผิด", "หนี้ผูกมัด", "พม่า", "แม่สอด", "ตาก", "1 พ.ย. 2567",
                      "20 ก.พ. 2568", "ทีมสหวิชาชีพ", "MDT จังหวัดตาก"):
            assert shown in html, shown

    def test_shows_it_in_english(self):
        html = case_file_block(CASE, principal=OPERATOR, lang="en")
        for shown in ("Case file", "Forced criminality", "Debt bondage", "Burmese", "Mae Sot", "Tak", "1 Nov 2024"):
            assert shown in html, shown

    def test_lists_only_persons_with_a_file(self):
        assert "prs_2" not in case_file_block(CASE, principal=OPERATOR, lang="en")

    def test_is_empty_for_a_case_without_any_of_it(self):
        assert case_file_block({"exploitation_types": [], "persons": [CASE["persons"][1]]}, principal=OPERATOR,
                               lang="th") == ""

    def test_escapes_what_the_agencies_wrote(self):
        person = {**PERSON, "status_decided_by_name": "<script>x</script>"}
        assert "<script>" not in case_file_block({**CASE, "persons": [person]}, principal=OPERATOR, lang="en")


class TestCaseFileLabels:
    def test_every_symbol_of_the_contracts_vocabularies_has_a_label_in_both_languages(self):
        for kind, enum in (("exploitation", "sanpalang.htcds.TypeOfExploitation"),
                           ("means", "sanpalang.htcds.MeansOfControl"),
                           ("decided_by", "sanpalang.htcds.StatusDecisionMaker")):
            symbols = json.loads(schemas.schema_json(enum))["symbols"]
            assert set(symbols) <= set(CASE_FILE_LABELS[kind]), kind
            assert all(en and th and en != th for en, th in CASE_FILE_LABELS[kind].values()), kind

    def test_an_unknown_value_shows_as_itself(self):
        assert file_label("language", "tgl", "th") == "tgl"
