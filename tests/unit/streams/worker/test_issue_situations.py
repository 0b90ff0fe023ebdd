"""The situations of issue 12, each through the pure correlator on the wall clock (ticks), as the
worker runs live: persons matched, cases folded, rules evaluated, alerts published."""

from datetime import timedelta

from streams.worker.correlator import ALERTS_TOPIC, CASES_TOPIC, Correlator
from tests.unit.streams.cases.builders import at, event, person

A = person("A")
SUSPECT_A = person("A", "Suspect")


class Lane:
    """The correlator fed as the live worker feeds it: the wall clock ticks to each event's time."""

    def __init__(self):
        self.correlator = Correlator(window=timedelta(0))
        self.alerts, self.views = {}, {}

    def _take(self, outputs):
        for o in outputs:
            if o.topic == ALERTS_TOPIC:
                self.alerts[o.key] = o.record
            elif o.topic == CASES_TOPIC:
                self.views[o.key] = o.record

    def send(self, *evs):
        for ev in evs:
            self._take(self.correlator.tick(ev.occurred_at))
            self._take(self.correlator.event(ev.name, ev.record))
        return self

    def tick(self, when):
        self._take(self.correlator.tick(when))
        return self

    def of(self, rule_key):
        return [a for a in self.alerts.values() if a["rule_key"] == rule_key and a.get("resolution") != "merged"]

    def one(self, rule_key):
        (alert,) = self.of(rule_key)
        return alert

    def statuses(self):
        return {v["status"] for v in self.views.values() if not v.get("merged_into")}


class TestOpenScreeningsBeforeDetention:
    KEY = "victim-detained-or-deported"

    def test_a_person_in_custody_sent_to_an_idc_before_screening_is_critical(self):
        lane = Lane().send(event("CustodyStarted", at(0), A),
                           event("CustodyEnded", at(0, 6), A, ended_how="HandedToImmigration"),
                           event("DetentionAdmitted", at(0, 8), A))
        assert (lane.one(self.KEY)["severity"], lane.one(self.KEY)["raised_at"]) == ("Critical", at(0, 8))

    def test_a_person_named_in_a_hotline_report_then_detained_is_critical(self):
        lane = Lane().send(event("HotlineReportReceived", at(0), A), event("DetentionAdmitted", at(2), A))
        assert lane.one(self.KEY)["severity"] == "Critical"

    def test_a_tip_an_inspection_a_complaint_or_a_ror_bor_1_opens_a_screening_too(self):
        worker = person("A", "Worker")
        for first in (event("TicacTipReceived", at(0), person("A", "Child")),
                      event("InspectionCompleted", at(0), worker, indicators=["DebtBondage"]),
                      event("WorkerComplaintFiled", at(0), worker, indicators=["DebtBondage"]),
                      event("RorBor1ScreeningSubmitted", at(0), worker, referred_to_mdt=False)):
            lane = Lane().send(first, event("DetentionAdmitted", at(1), A))
            assert lane.one(self.KEY)["severity"] == "Critical", first.name

    def test_an_approved_repatriation_carried_out_through_the_idc_raises_nothing(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("MdtScreeningCompleted", at(2), A, outcome="ActualVictimOfTrafficking"),
                           event("RepatriationApproved", at(20), A, destination_country="MMR"),
                           event("DetentionAdmitted", at(25), A),
                           event("DeportationScheduled", at(26), A, destination_country="MMR", scheduled_at=at(28)),
                           event("DeportationExecuted", at(28), A, destination_country="MMR"))
        assert lane.of(self.KEY) == []

    def test_a_deportation_to_another_country_than_the_approved_one_is_critical(self):
        lane = Lane().send(event("MdtScreeningCompleted", at(0), A, outcome="ActualVictimOfTrafficking"),
                           event("RepatriationApproved", at(1), A, destination_country="MMR"),
                           event("DeportationScheduled", at(2), A, destination_country="KHM", scheduled_at=at(4)))
        assert lane.one(self.KEY)["severity"] == "Critical"

    def test_a_held_deportation_clears_it(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("DeportationScheduled", at(1), A, destination_country="MMR", scheduled_at=at(4)),
                           event("DeportationHalted", at(1, 5), A, halt="Held"))
        assert (lane.one(self.KEY)["state"], lane.one(self.KEY)["resolved_at"]) == ("Resolved", at(1, 5))


class TestClocksThatStop:
    def test_custody_handed_to_a_shelter_after_6h_never_goes_critical(self):
        lane = Lane().send(event("CustodyStarted", at(0), A),
                           event("CustodyEnded", at(0, 6), A, ended_how="HandedToShelter"),
                           event("ShelterIntakeRecorded", at(0, 7), A, shelter_kind="Temporary"))
        lane.tick(at(2))
        assert lane.of("custody-s29-deadline") == []

    def test_custody_released_after_the_warning_resolves_it(self):
        lane = Lane().send(event("CustodyStarted", at(0), A))
        lane.tick(at(0, 19))
        lane.send(event("CustodyEnded", at(0, 20), A, ended_how="Released"))
        lane.tick(at(2))
        alert = lane.one("custody-s29-deadline")
        assert (alert["severity"], alert["state"], alert["resolved_at"]) == ("Warning", "Resolved", at(0, 20))

    def test_the_nrm_clock_survives_a_transfer_on_day_10(self):
        lane = Lane().send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary"),
                           event("ShelterExitRecorded", at(10), A, shelter_kind="Temporary", exit_reason="Transferred"),
                           event("ShelterIntakeRecorded", at(10, 4), A, shelter_kind="Temporary", eid="transfer-in"))
        lane.tick(at(16))
        alert = lane.one("nrm-reflection-overrun")
        assert (alert["severity"], alert["raised_at"]) == ("Critical", at(12))

    def test_a_private_shelter_intake_starts_the_nrm_clock_and_the_case_is_in_screening(self):
        lane = Lane().send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Private"))
        lane.tick(at(12, 1))
        assert lane.one("nrm-reflection-overrun")["severity"] == "Warning"
        assert {v["stage"] for v in lane.views.values()} == {"Screening"}

    def test_a_victim_who_absconds_unscreened_raises_rule_14_and_keeps_the_nrm_alert(self):
        lane = Lane().send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary"))
        lane.tick(at(13))
        lane.send(event("ShelterExitRecorded", at(13, 2), A, shelter_kind="Temporary", exit_reason="Absconded"))
        lane.tick(at(16))
        assert lane.one("absconded-unscreened")["raised_at"] == at(13, 2)
        assert (lane.one("nrm-reflection-overrun")["state"], lane.one("nrm-reflection-overrun")["severity"]) == \
            ("Firing", "Critical")

    def test_an_absconded_person_screened_later_resolves_rule_14(self):
        lane = Lane().send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary"),
                           event("ShelterExitRecorded", at(3), A, shelter_kind="Temporary", exit_reason="Absconded"),
                           event("MdtScreeningCompleted", at(5), A, outcome="PossibleVictimOfTrafficking"))
        assert (lane.one("absconded-unscreened")["state"], lane.one("absconded-unscreened")["resolved_at"]) == \
            ("Resolved", at(5))


class TestCasesDoNotCloseWrongly:
    def test_an_actual_victim_deported_is_in_follow_up(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("MdtScreeningCompleted", at(1), A, outcome="ActualVictimOfTrafficking"),
                           event("CriminalCaseOpened", at(2), A),
                           event("DeportationExecuted", at(5), A, destination_country="MMR"))
        assert lane.statuses() == {"FollowUp"}

    def test_a_victim_leaving_a_shelter_while_the_police_case_is_open_is_not_closed(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("ShelterIntakeRecorded", at(0, 5), A, shelter_kind="Temporary"),
                           event("MdtScreeningCompleted", at(1), A, outcome="ActualVictimOfTrafficking"),
                           event("CriminalCaseOpened", at(2), A),
                           event("ShelterExitRecorded", at(30), A, shelter_kind="Temporary", exit_reason="LeftVoluntarily"))
        assert "Closed" not in lane.statuses()

    def test_the_case_closes_when_the_team_lead_records_the_follow_up_complete(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("MdtScreeningCompleted", at(1), A, outcome="ActualVictimOfTrafficking"),
                           event("RepatriationCompleted", at(40), A, destination_country="MMR"),
                           event("FollowUpVisitRecorded", at(200), A, follow_up_complete=True))
        assert lane.statuses() == {"Closed"}


class TestBlindSpots:
    def test_a_ror_bor_1_with_indicators_and_no_referral_fires_rule_6(self):
        lane = Lane().send(event("RorBor1ScreeningSubmitted", at(0), person("A", "Worker"), referred_to_mdt=False))
        lane.tick(at(2))
        assert lane.one("labour-screening-not-referred")["severity"] == "Critical"

    def test_a_possible_victim_named_as_suspect_is_critical(self):
        lane = Lane().send(event("RescueConducted", at(0), A),
                           event("MdtScreeningCompleted", at(1), A, outcome="PossibleVictimOfTrafficking"),
                           event("SuspectIdentified", at(3), SUSPECT_A, arrested=True))
        alert = lane.one("victim-treated-as-offender")
        assert (alert["severity"], alert["raised_at"], alert["rule_number"]) == ("Critical", at(3), 13)

    def test_a_suspect_later_identified_as_a_victim_is_critical(self):
        lane = Lane().send(event("SuspectIdentified", at(0), SUSPECT_A, arrested=True),
                           event("MdtScreeningCompleted", at(4), A, outcome="ActualVictimOfTrafficking"))
        assert lane.one("victim-treated-as-offender")["raised_at"] == at(4)

    def test_a_person_screened_not_a_victim_may_be_charged(self):
        lane = Lane().send(event("MdtScreeningCompleted", at(0), A, outcome="NotAVictimOfTrafficking"),
                           event("SuspectIdentified", at(3), SUSPECT_A, arrested=True))
        assert lane.of("victim-treated-as-offender") == []


class TestOverdueVessels:
    KEY = "pipo-vessel-overdue"

    def port_out(self, back):
        return event("PipoPortOutReported", at(0), person("c1", "Crew"), voyage_id="651000123-007",
                     vessel_registration="651000123", expected_return_at=back)

    def test_a_vessel_not_back_at_the_end_of_its_trip_warns_and_at_twice_it_is_critical(self):
        lane = Lane().send(self.port_out(at(10)))
        lane.tick(at(10, 1))
        assert (lane.one(self.KEY)["severity"], lane.one(self.KEY)["raised_at"]) == ("Warning", at(10))
        lane.tick(at(20, 1))
        assert (lane.one(self.KEY)["severity"], lane.one(self.KEY)["rule_number"]) == ("Critical", 9)
        assert lane.one(self.KEY)["subject"] == "vessel:651000123"

    def test_the_port_in_clears_it(self):
        lane = Lane().send(self.port_out(at(10)))
        lane.tick(at(11))
        lane.send(event("PipoPortInReported", at(12), person("c1", "Crew"), voyage_id="651000123-007",
                        vessel_registration="651000123"))
        assert (lane.one(self.KEY)["state"], lane.one(self.KEY)["resolved_at"]) == ("Resolved", at(12))

    def test_a_vessel_back_in_time_or_declaring_no_return_raises_nothing(self):
        lane = Lane().send(self.port_out(at(10)),
                           event("PipoPortInReported", at(9), person("c1", "Crew"), voyage_id="651000123-007",
                                 vessel_registration="651000123"))
        lane.tick(at(30))
        assert lane.of(self.KEY) == []
        lane = Lane().send(self.port_out(None))
        lane.tick(at(30))
        assert lane.of(self.KEY) == []
