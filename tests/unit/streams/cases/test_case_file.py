"""The case file (issue 13): each person's forms of exploitation, means of control, interpreter,
when and where they were exploited and who decided their status, carried from the events through
the fold to the CaseView, kept across merges and restarts."""

from datetime import date

import schemas
from tests.unit.streams.cases.builders import Feed, at, event, person

A, B = person("A"), person("B")
MAE_SOT = {"started_on": date(2024, 11, 1), "ended_on": date(2025, 2, 20), "province": "TH-63",
           "district": "6306", "country": None, "place": "KK Park"}


def screened(who, when, **details):
    fields = {"outcome": "ActualVictimOfTrafficking", "exploitation_types": ["ForcedCriminality"],
              "means_of_control": ["WithholdsDocuments", "DebtBondage"], "interpreter_language": "mya",
              "decided_by": "NonPoliceGovernmentalOrganization", "decided_by_name": "MDT เชียงราย",
              "exploitation_period": MAE_SOT, **details}
    return event("MdtScreeningCompleted", when, who, **fields)


def view_person(feed, pid):
    (view,) = [v for v in feed.views.values() if not v["merged_into"]]
    return view, next(p for p in view["persons"] if p["person_id"] == pid)


class TestTheCaseFile:
    def test_an_mdt_outcome_fills_the_persons_case_file_on_the_view(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A, suspected_exploitation=["ForcedLabour"]), screened(A, at(1)))
        view, a = view_person(feed, "A")
        assert view["exploitation_types"] == ["ForcedLabour", "ForcedCriminality"]
        assert a["exploitation_types"] == ["ForcedCriminality"] and a["interpreter_language"] == "mya"
        assert a["means_of_control"] == ["WithholdsDocuments", "DebtBondage"]
        assert a["exploitation_period"] == MAE_SOT
        assert (a["status_decided_by"], a["status_decided_by_name"]) == ("NonPoliceGovernmentalOrganization", "MDT เชียงราย")

    def test_the_view_with_its_case_file_encodes_with_the_contract(self):
        feed = Feed()
        feed.send(screened(A, at(0)))
        (view,) = feed.views.values()
        _, decoded = schemas.decode(schemas.encode("sanpalang.hub.CaseView", view))
        assert decoded["persons"][0]["exploitation_period"]["district"] == "6306"

    def test_a_later_record_adds_to_the_lists_and_fills_only_what_it_knows(self):
        feed = Feed()
        later = {"started_on": None, "ended_on": date(2025, 2, 25), "province": None, "district": None,
                 "country": None, "place": None}
        feed.send(screened(A, at(0)), screened(A, at(1), exploitation_types=["ForcedLabour"], means_of_control=["DebtBondage"],
                                               interpreter_language=None, decided_by=None, decided_by_name=None,
                                               exploitation_period=later))
        _, a = view_person(feed, "A")
        assert a["exploitation_types"] == ["ForcedCriminality", "ForcedLabour"]
        assert a["means_of_control"] == ["WithholdsDocuments", "DebtBondage"] and a["interpreter_language"] == "mya"
        assert a["exploitation_period"] == {**MAE_SOT, "ended_on": date(2025, 2, 25)}
        assert a["status_decided_by_name"] == "MDT เชียงราย"

    def test_a_labour_screenings_indicators_are_the_workers_means_of_control(self):
        feed = Feed()
        feed.send(event("RorBor1ScreeningSubmitted", at(0), person("W", "Worker"), indicators=["DebtBondage"],
                        referred_to_mdt=True, interpreter_language="khm", exploitation_period=MAE_SOT))
        _, w = view_person(feed, "W")
        assert (w["means_of_control"], w["interpreter_language"], w["exploitation_period"]["district"]) == \
            (["DebtBondage"], "khm", "6306")

    def test_merged_cases_keep_both_persons_files(self):
        feed = Feed()
        feed.send(screened(A, at(0)), screened(B, at(1), interpreter_language="lao"),
                  event("ShelterIntakeRecorded", at(2), A, B, shelter_kind="Temporary"))
        view, b = view_person(feed, "B")
        assert b["interpreter_language"] == "lao" and view_person(feed, "A")[1]["interpreter_language"] == "mya"

    def test_a_matcher_merge_of_two_person_ids_combines_their_files(self):
        feed = Feed()
        feed.send(screened(A, at(0)), event("ShelterIntakeRecorded", at(1), B, shelter_kind="Temporary", ref="S1"))
        feed.send(event("RightsInformed", at(1, 1), A, ref="S1"))
        feed.merge(["B"], "A", at(2))
        _, a = view_person(feed, "A")
        assert a["interpreter_language"] == "mya"
