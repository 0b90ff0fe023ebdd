"""Rules 2-6, 9-11 and 14, one class each."""

from datetime import date

from tests.unit.streams.cases.builders import Feed, at, event, org, person

A, B, C = person("A"), person("B"), person("C")
ADULT = person("A", dob=date(1990, 1, 1))
CHILD = person("K", "Child", dob=date(2010, 6, 1))


def one(feed: Feed, key: str):
    (alert,) = feed.alerts_of(key)
    return alert


class TestNrmReflection:
    KEY = "nrm-reflection-overrun"

    def intake(self):
        feed = Feed()
        feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary"))
        return feed

    def test_nothing_before_day_12(self):
        feed = self.intake()
        feed.tick(at(11, 23, 59))
        assert not feed.alerts_of(self.KEY)

    def test_warns_on_day_12(self):
        feed = self.intake()
        feed.tick(at(12))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Warning", at(15))

    def test_is_critical_on_day_15(self):
        feed = self.intake()
        feed.tick(at(15))
        assert one(feed, self.KEY)["severity"] == "Critical"

    def test_resolves_itself_when_the_screening_is_completed(self):
        feed = self.intake()
        feed.tick(at(13))
        feed.send(event("MdtScreeningCompleted", at(14), A, outcome="ActualVictimOfTrafficking"))
        assert (one(feed, self.KEY)["state"], one(feed, self.KEY)["resolved_at"]) == ("Resolved", at(14))

    def test_leaving_the_shelter_unscreened_does_not_clear_it(self):
        feed = self.intake()
        feed.tick(at(13))
        feed.send(event("ShelterExitRecorded", at(13, 5), A, shelter_kind="Temporary", exit_reason="LeftVoluntarily"))
        feed.tick(at(15))
        assert (one(feed, self.KEY)["state"], one(feed, self.KEY)["severity"]) == ("Firing", "Critical")

    def test_a_transfer_does_not_restart_the_clock(self):
        feed = self.intake()
        feed.send(event("ShelterExitRecorded", at(10), A, shelter_kind="Temporary", exit_reason="Transferred"),
                  event("ShelterIntakeRecorded", at(10, 3), A, shelter_kind="Temporary", eid="second-intake"))
        feed.tick(at(15))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["raised_at"]) == ("Critical", at(12))

    def test_a_private_shelter_starts_the_clock_too(self):
        feed = Feed()
        feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Private"))
        feed.tick(at(12))
        assert one(feed, self.KEY)["severity"] == "Warning"

    def test_a_long_term_shelter_starts_no_clock(self):
        feed = Feed()
        feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="LongTerm"))
        feed.tick(at(20))
        assert not feed.alerts_of(self.KEY)

    def test_a_person_screened_before_the_intake_starts_no_clock(self):
        feed = Feed()
        feed.send(event("MdtScreeningCompleted", at(0), A, outcome="PossibleVictimOfTrafficking"),
                  event("ShelterIntakeRecorded", at(1), A, shelter_kind="Temporary"))
        feed.tick(at(20))
        assert not feed.alerts_of(self.KEY)


class TestCareHandoff:
    KEY = "care-handoff-missing"

    def test_warns_24h_after_a_rescue(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT))
        feed.tick(at(0, 23, 59))
        assert not feed.alerts_of(self.KEY)
        feed.tick(at(1))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Warning", at(1))
        feed.tick(at(5))
        assert one(feed, self.KEY)["severity"] == "Warning"          # one window, one step

    def test_a_minor_warns_at_12h(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), CHILD))
        feed.tick(at(0, 11, 59))
        assert not feed.alerts_of(self.KEY)
        feed.tick(at(0, 12))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Warning", at(0, 12))

    def test_a_possible_victim_outcome_starts_the_clock(self):
        feed = Feed()
        feed.send(event("MdtScreeningCompleted", at(0), ADULT, outcome="PossibleVictimOfTrafficking"))
        feed.tick(at(1))
        assert one(feed, self.KEY)["state"] == "Firing"

    def test_resolves_itself_on_a_shelter_intake_a_support_plan_or_a_refusal(self):
        for handoff in (event("ShelterIntakeRecorded", at(1, 2), ADULT, shelter_kind="Private"),
                        event("SupportPlanCreated", at(1, 2), ADULT),
                        event("ConsentRecorded", at(1, 2), ADULT, consent_given=False, scopes=["ShelterAndAssistance"])):
            feed = Feed()
            feed.send(event("RescueConducted", at(0), ADULT))
            feed.tick(at(1, 1))
            feed.send(handoff)
            assert (one(feed, self.KEY)["state"], one(feed, self.KEY)["resolved_at"]) == ("Resolved", at(1, 2))

    def test_a_refusal_of_an_interview_is_no_handoff(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT),
                  event("ConsentRecorded", at(0, 2), ADULT, consent_given=False, scopes=["Interview"]))
        feed.tick(at(1))
        assert one(feed, self.KEY)["state"] == "Firing"

    def test_a_not_a_victim_outcome_clears_it(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT))
        feed.tick(at(1, 1))
        feed.send(event("MdtScreeningCompleted", at(1, 3), ADULT, outcome="NotAVictimOfTrafficking"))
        assert one(feed, self.KEY)["state"] == "Resolved"


class TestMinor:
    KEY = "minor-involved"

    def test_fires_at_once_as_a_warning(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), CHILD))
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["raised_at"], alert["subject"], alert["due_at"]) == ("Warning", at(0), "K", None)

    def test_age_is_taken_at_exploitation_to_the_day(self):
        turns_18_next_day = person("A", dob=date(2007, 3, 2))
        turned_18_that_day = person("B", dob=date(2007, 3, 1))
        feed = Feed()
        feed.send(event("RescueConducted", at(0), turns_18_next_day), event("RescueConducted", at(0, 1), turned_18_that_day))
        assert [a["subject"] for a in feed.alerts_of(self.KEY)] == ["A"]

    def test_a_later_event_after_the_birthday_keeps_the_minor(self):
        feed = Feed()
        seventeen = person("A", dob=date(2007, 3, 10))
        feed.send(event("HotlineReportReceived", at(0), seventeen), event("RescueConducted", at(30), seventeen))
        assert one(feed, self.KEY)["state"] == "Firing"

    def test_a_year_of_birth_alone_is_treated_as_possibly_under_18(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("A", dob=date(2007, 1, 1), precision="Year")))
        assert one(feed, self.KEY)["severity"] == "Warning"

    def test_escalates_to_critical_in_custody(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), CHILD))
        warned = one(feed, self.KEY)["alert_id"]
        feed.send(event("CustodyStarted", at(0, 3), CHILD))
        assert (one(feed, self.KEY)["alert_id"], one(feed, self.KEY)["severity"]) == (warned, "Critical")

    def test_is_critical_in_an_immigration_detention_centre(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), CHILD), event("DetentionAdmitted", at(0, 2), CHILD))
        assert one(feed, self.KEY)["severity"] == "Critical"

    def test_a_minor_admitted_to_an_idc_opens_a_case_and_is_critical(self):
        feed = Feed()
        out = feed.send(event("DetentionAdmitted", at(0), person("K", "Other", age=14)))
        alert = one(feed, self.KEY)
        assert (alert["case_id"], alert["severity"], alert["raised_at"]) == (out.case_id, "Critical", at(0))

    def test_an_adult_raises_nothing(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT), event("CustodyStarted", at(0, 1), ADULT))
        assert not feed.alerts_of(self.KEY)


class TestVictimDetained:
    KEY = "victim-detained-or-deported"

    def test_a_rescued_person_admitted_to_detention_is_critical_at_once(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT), event("DetentionAdmitted", at(1), ADULT))
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["raised_at"]) == ("Critical", at(1))
        (referral,) = [r for r in feed.referrals.values() if r["from_rule_key"] == self.KEY]
        assert (referral["to_agency"], referral["reason_code"], referral["person_ids"]) == (
            "immigration", "MigrationOrChangeOfLocation", ["A"])

    def test_a_scheduled_deportation_of_a_possible_victim_fires(self):
        feed = Feed()
        feed.send(event("MdtScreeningCompleted", at(0), ADULT, outcome="PossibleVictimOfTrafficking"),
                  event("DeportationScheduled", at(1), ADULT, scheduled_at=at(3)))
        assert one(feed, self.KEY)["state"] == "Firing"

    def test_a_person_screened_not_a_victim_may_be_deported(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT),
                  event("MdtScreeningCompleted", at(1), ADULT, outcome="NotAVictimOfTrafficking"),
                  event("DeportationExecuted", at(2), ADULT, destination_country="MMR"))
        assert not feed.alerts_of(self.KEY)

    def test_resolves_itself_when_the_person_moves_to_a_shelter(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT), event("DetentionAdmitted", at(1), ADULT),
                  event("ShelterIntakeRecorded", at(2), ADULT, shelter_kind="Temporary"))
        assert (one(feed, self.KEY)["state"], one(feed, self.KEY)["resolved_at"]) == ("Resolved", at(2))

    def test_a_detained_stranger_raises_nothing(self):
        feed = Feed()
        feed.send(event("DetentionAdmitted", at(0), person("X", "Other")))
        assert not feed.alerts

    def test_a_detained_stranger_named_in_a_hotline_report_while_held_is_critical(self):
        """The IDC saw a stranger; the family's call to 1300 opens a screening while they are held."""
        feed = Feed()
        feed.send(event("DetentionAdmitted", at(0), person("A", "Other")), event("HotlineReportReceived", at(3), A))
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["raised_at"], alert["subject"]) == ("Critical", at(3), "A")

    def test_a_stranger_released_before_the_report_raises_nothing(self):
        feed = Feed()
        feed.send(event("DetentionAdmitted", at(0), person("A", "Other")),
                  event("DetentionReleased", at(1), person("A", "Other")), event("HotlineReportReceived", at(3), A))
        assert not feed.alerts_of(self.KEY)

    def test_a_detainee_later_joined_to_a_rescued_person_is_critical_from_the_detention(self):
        """The matcher (or an operator confirming the link) finds that the stranger in the IDC is the
        person rescued the day before: the detention counts, at its own time."""
        feed = Feed()
        feed.send(event("RescueConducted", at(0), ADULT), event("DetentionAdmitted", at(1), person("X", "Other")))
        assert not feed.alerts_of(self.KEY)
        feed.merge(["X"], "A", at(2))
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["raised_at"], alert["subject"]) == ("Critical", at(1), "A")


class TestLabourScreening:
    KEY = "labour-screening-not-referred"

    def form(self, **details):
        feed = Feed()
        feed.send(event("RorBor1ScreeningSubmitted", at(0), person("A", "Worker"), orgs=(org("o1"),), **details))
        return feed

    def test_warns_at_24h_and_is_critical_at_48h(self):
        feed = self.form()
        feed.tick(at(1))
        assert one(feed, self.KEY)["severity"] == "Warning"
        feed.tick(at(2))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Critical", at(2))

    def test_resolves_itself_when_the_screening_is_scheduled(self):
        feed = self.form()
        feed.tick(at(1, 1))
        feed.send(event("MdtScreeningScheduled", at(1, 2), person("A", "Worker"), scheduled_at=at(3)))
        assert one(feed, self.KEY)["state"] == "Resolved"

    def test_a_form_with_indicators_and_no_referral_fires_too(self):
        feed = self.form(referred_to_mdt=False)
        feed.tick(at(2))
        assert one(feed, self.KEY)["severity"] == "Critical"
        assert "not referred" in one(feed, self.KEY)["message"]

    def test_a_form_without_indicators_starts_no_clock(self):
        feed = self.form(indicators=[])
        feed.tick(at(3))
        assert not feed.alerts_of(self.KEY)


class TestPipoCrewMismatch:
    KEY = "pipo-crew-mismatch"
    VESSEL = org("o1", "Vessel", "Chor Somboon Nawa 7", vessel="651000123")

    def voyage(self, port_in_crew, **port_in):
        crew = [person(p, "Crew") for p in ("A", "B", "C")]
        feed = Feed()
        feed.send(event("PipoPortOutReported", at(0), *crew, orgs=(self.VESSEL,), voyage_id="V1"))
        arriving = [person(p, "Crew") for p in port_in_crew]
        return feed, feed.send(event("PipoPortInReported", at(20), *arriving, orgs=(self.VESSEL,), voyage_id="V1", **port_in))

    def test_a_crew_member_missing_at_port_in_fires_at_once_due_within_the_hour(self):
        feed, out = self.voyage(["A", "B"])
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["subject"], alert["raised_at"], alert["due_at"]) == (
            "Warning", "vessel:651000123", at(20), at(20, 1))
        case = feed.hub.cases.cases[out.case_id]
        assert [p.person_id for p in case.persons] == ["C"]
        assert [e.event_type for e in case.timeline] == ["PipoPortOutReported", "PipoPortInReported"]
        assert "CrewMissing" in alert["message"]

    def test_the_same_crew_opens_no_case(self):
        feed, out = self.voyage(["C", "B", "A"])
        assert out.case_id is None and not feed.hub.cases.cases and not feed.hub.cases.voyages

    def test_a_different_vms_tracker_is_a_mismatch(self):
        feed, _ = self.voyage(["A", "B", "C"], vms_tracker_id="VMS-OTHER")
        assert "VmsMismatch" in one(feed, self.KEY)["message"]

    def test_the_inspection_finding_after_the_port_in_is_the_same_alert(self):
        feed, out = self.voyage(["A", "B"])
        feed.send(event("PipoInspectionFindingRecorded", at(20, 2), person("C", "Crew"), orgs=(self.VESSEL,), voyage_id="V1",
                        vessel_registration="651000123", mismatch_kinds=["CrewMissing"]))
        assert one(feed, self.KEY)["case_id"] == out.case_id and len(feed.hub.cases.cases) == 1

    def test_a_minor_on_a_crew_list_opens_a_case(self):
        feed = Feed()
        feed.send(event("PipoPortOutReported", at(0), person("A", "Crew"), person("K", "Crew", age=15), voyage_id="V2"))
        (case,) = feed.hub.cases.cases.values()
        assert [p.person_id for p in case.persons] == ["K"] and feed.alerts_of("minor-involved")

    def test_an_inspection_finding_with_a_mismatch_fires(self):
        feed = Feed()
        feed.send(event("PipoInspectionFindingRecorded", at(0), person("A", "Crew"), voyage_id="V9",
                        vessel_registration="651 000 123", mismatch_kinds=["IdentityMismatch"]))
        assert one(feed, self.KEY)["subject"] == "vessel:651000123"

    def test_a_port_in_without_its_port_out_raises_nothing(self):
        feed = Feed()
        feed.send(event("PipoPortInReported", at(0), person("A", "Crew"), voyage_id="V404"))
        assert not feed.alerts and not feed.hub.cases.cases


class TestCrossBorder:
    KEY = "cross-border-movement"

    def test_a_reported_person_leaving_within_30_days_fires_at_the_exit(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), A),
                  event("BorderCrossingRecorded", at(10), A, direction="Out", province="TH-63"))
        alert = one(feed, self.KEY)
        assert (alert["severity"], alert["raised_at"]) == ("Warning", at(10))

    def test_a_deportation_is_an_exit(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), A), event("DeportationExecuted", at(3), A, destination_country="MMR"))
        assert one(feed, self.KEY)["raised_at"] == at(3)

    def test_leaving_after_30_days_or_entering_raises_nothing(self):
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), A), event("BorderCrossingRecorded", at(5), A, direction="In"),
                  event("BorderCrossingRecorded", at(31), A, direction="Out"))
        assert not feed.alerts_of(self.KEY)

    def test_an_approved_repatriation_without_exit_warns_after_30_days(self):
        feed = Feed()
        feed.send(event("RepatriationApproved", at(0), A, destination_country="MMR"))
        feed.tick(at(29, 23))
        assert not feed.alerts_of(self.KEY)
        feed.tick(at(30))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Warning", at(30))
        feed.send(event("RepatriationCompleted", at(32), A, destination_country="MMR"))
        assert one(feed, self.KEY)["state"] == "Resolved"

    def test_an_exit_within_30_days_clears_the_repatriation_clock(self):
        feed = Feed()
        feed.send(event("RepatriationApproved", at(0), A, destination_country="MMR"),
                  event("BorderCrossingRecorded", at(12), A, direction="Out"))
        feed.tick(at(40))
        assert not feed.alerts_of(self.KEY)


class TestRightsAndPolice:
    KEY = "rights-prosecution-handoff"

    def identified(self, *before):
        feed = Feed()
        feed.send(*before, event("MdtScreeningCompleted", at(0), A, outcome="ActualVictimOfTrafficking"))
        return feed

    def test_warns_24h_after_identification_without_rights_informed(self):
        feed = self.identified(event("ShelterIntakeRecorded", at(-1), A, shelter_kind="Temporary"))
        feed.tick(at(1))
        assert (one(feed, self.KEY)["severity"], one(feed, self.KEY)["due_at"]) == ("Warning", at(1))

    def test_resolves_when_told_their_rights_if_a_police_case_exists(self):
        feed = self.identified(event("CriminalCaseOpened", at(-1), A))
        feed.tick(at(1, 1))
        feed.send(event("RightsInformed", at(1, 2), A))
        assert one(feed, self.KEY)["state"] == "Resolved"

    def test_warns_after_7_days_without_a_police_case(self):
        feed = self.identified(event("RightsInformed", at(-1), A))
        feed.tick(at(6, 23))
        assert not feed.alerts_of(self.KEY)
        feed.tick(at(7))
        assert one(feed, self.KEY)["state"] == "Firing"
        feed.send(event("CriminalCaseOpened", at(8), A, person("S", "Suspect")))
        assert one(feed, self.KEY)["state"] == "Resolved"

    def test_identification_refers_the_victim_to_the_police_at_once(self):
        feed = self.identified()
        (referral,) = [r for r in feed.referrals.values() if r["from_stage"] == "Identified"]
        assert (referral["to_agency"], referral["person_ids"], referral["created_at"]) == ("police", ["A"], at(0))

    def test_no_police_referral_when_a_case_is_already_open(self):
        feed = self.identified(event("CriminalCaseOpened", at(-1), A))
        assert not [r for r in feed.referrals.values() if r["from_stage"] == "Identified"]
