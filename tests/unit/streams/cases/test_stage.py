"""Where a case stands: NRM stage, HTCDS status, lead province."""

from streams.cases import CaseBook, fold
from tests.unit.streams.cases.builders import at, event, person

A, B = person("A"), person("B")


def case_after(*events):
    book = CaseBook()
    for ev in events:
        book.apply(fold(book, ev.event, ev.person_ids, ev.occurred_at).delta)
    assert len(book.cases) == 1
    return next(iter(book.cases.values()))


class TestCaseStage:
    def test_a_hotline_report_is_reported(self):
        case = case_after(event("HotlineReportReceived", at(0), A))
        assert (case.stage, case.status) == ("Reported", "Active")

    def test_moves_through_the_stages_as_events_arrive(self):
        steps = [(event("HotlineReportReceived", at(0), A), "Reported"),
                 (event("RescueConducted", at(1), A), "Screening"),
                 (event("MdtScreeningCompleted", at(2), A, outcome="ActualVictimOfTrafficking"), "Identified"),
                 (event("SupportPlanCreated", at(3), A), "Protection"),
                 (event("CriminalCaseOpened", at(4), A), "Prosecution"),
                 (event("RepatriationApproved", at(40), A), "Repatriation"),
                 (event("RepatriationCompleted", at(45), A), "Repatriation"),
                 (event("FollowUpVisitRecorded", at(120), A, follow_up_complete=False), "Reintegration"),
                 (event("FollowUpVisitRecorded", at(200), A, follow_up_complete=True, eid="fu-2"), "Closed")]
        events = []
        for ev, stage in steps:
            events.append(ev)
            assert case_after(*events).stage == stage, ev.record["envelope"]["event_type"]
        assert case_after(*events).status == "Closed"

    def test_not_a_victim_when_every_outcome_says_so(self):
        case = case_after(event("RescueConducted", at(0), A),
                          event("MdtScreeningCompleted", at(1), A, outcome="NotAVictimOfTrafficking"))
        assert (case.stage, case.status) == ("NotAVictim", "FollowUp")

    def test_one_identified_victim_makes_the_case_identified(self):
        case = case_after(event("RescueConducted", at(0), A, B),
                          event("MdtScreeningCompleted", at(1), A, outcome="ActualVictimOfTrafficking"),
                          event("MdtScreeningCompleted", at(1, 1), B, outcome="NotAVictimOfTrafficking"))
        assert case.stage == "Identified"

    def test_a_temporary_shelter_is_screening_and_a_long_term_one_protection(self):
        assert case_after(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary")).stage == "Screening"
        assert case_after(event("ShelterIntakeRecorded", at(0), A, shelter_kind="LongTerm")).stage == "Protection"

    def test_reintegration_after_a_shelter_exit_is_follow_up_not_closed(self):
        case = case_after(event("MdtScreeningCompleted", at(0), A, outcome="PossibleVictimOfTrafficking"),
                          event("ShelterIntakeRecorded", at(1), A, shelter_kind="LongTerm"),
                          event("ShelterExitRecorded", at(90), A, exit_reason="Reintegrated"))
        assert (case.stage, case.status) == ("Reintegration", "FollowUp")

    def test_an_actual_victim_deported_is_follow_up_not_closed(self):
        case = case_after(event("RescueConducted", at(0), A),
                          event("MdtScreeningCompleted", at(1), A, outcome="ActualVictimOfTrafficking"),
                          event("DeportationExecuted", at(5), A))
        assert (case.stage, case.status) == ("Repatriation", "FollowUp")

    def test_a_private_shelter_before_identification_is_screening(self):
        case = case_after(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Private"))
        assert case.stage == "Screening"
        case = case_after(event("MdtScreeningCompleted", at(0), A, outcome="PossibleVictimOfTrafficking"),
                          event("ShelterIntakeRecorded", at(1), A, shelter_kind="Private"))
        assert case.stage == "Protection"

    def test_the_case_is_led_where_it_was_opened(self):
        case = case_after(event("RescueConducted", at(0), A, province="TH-57"),
                          event("CustodyStarted", at(1), A, province="TH-10"))
        assert case.lead_province == "TH-57" and case.provinces == ("TH-57", "TH-10")

    def test_the_first_psdhs_office_to_take_part_leads(self):
        case = case_after(event("RescueConducted", at(0), A, province="TH-57"),
                          event("ShelterIntakeRecorded", at(1), A, province="TH-50", shelter_kind="Temporary"),
                          event("RightsInformed", at(2), A, province="TH-10"))
        assert case.lead_province == "TH-50"
