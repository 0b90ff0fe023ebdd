"""Rules 7, 8 and 12: across cases, from the per-person and per-organisation index."""

from streams.rules import PersonEntry, evaluate_person
from streams.rules.cross import Seen
from tests.unit.streams.cases.builders import Feed, at, event, org, person

A = person("A")
S = person("S", "Suspect", nationality="THA")
FACTORY = org("o1", "Employer", "Thale Thong Seafood", registration="0745560001234")


def one(feed: Feed, key: str):
    (alert,) = feed.alerts_of(key)
    return alert


class TestRepeatVictim:
    KEY = "repeat-victim"

    def first_case(self, feed: Feed):
        feed.send(event("RescueConducted", at(0), A), event("MdtScreeningCompleted", at(2), A, outcome="ActualVictimOfTrafficking"),
                  event("ShelterExitRecorded", at(60), A, exit_reason="Reintegrated"))
        return feed

    def test_an_identified_victim_rescued_again_within_a_year_fires_on_the_new_case(self):
        feed = self.first_case(Feed())
        out = feed.send(event("RescueConducted", at(200), A, province="TH-10", eid="again"))
        alert = one(feed, self.KEY)
        assert (alert["case_id"], alert["subject"], alert["province"], alert["raised_at"]) == (out.case_id, "A", "TH-10", at(200))
        assert alert["alert_id"] in feed.views[out.case_id]["open_alert_ids"]

    def test_a_person_who_left_a_shelter_and_appears_in_a_hotline_report_fires(self):
        feed = Feed()
        feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="LongTerm"),
                  event("ShelterExitRecorded", at(10), A, exit_reason="Absconded"),
                  event("HotlineReportReceived", at(40), A))
        assert one(feed, self.KEY)["state"] == "Firing"

    def test_a_transfer_between_shelters_is_no_leaving(self):
        feed = Feed()
        feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="LongTerm"),
                  event("ShelterExitRecorded", at(10), A, exit_reason="Transferred"),
                  event("HotlineReportReceived", at(300), A))
        assert not feed.alerts_of(self.KEY)

    def test_more_than_a_year_later_raises_nothing(self):
        feed = self.first_case(Feed())
        feed.send(event("RescueConducted", at(60 + 366), A, eid="again"))   # a year after the shelter exit
        assert not feed.alerts_of(self.KEY)

    def test_events_of_the_same_case_raise_nothing(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A), event("MdtScreeningCompleted", at(2), A, outcome="ActualVictimOfTrafficking"),
                  event("MdtScreeningScheduled", at(5), A, scheduled_at=at(6)))
        assert not feed.alerts_of(self.KEY)

    def test_is_a_rule_over_the_person_history(self):
        entry = PersonEntry("A", (Seen(at(0), "identified", "c1", "TH-57"), Seen(at(100), "appeared", "c2", "TH-10")))
        (state,) = evaluate_person(entry, at(100))
        assert (state.rule.number, state.case_id, state.province, state.severity.symbol) == (7, "c2", "TH-10", "Warning")


class TestMultiAgencyHotspot:
    KEY = "multi-agency-hotspot"

    def test_one_employer_flagged_by_labour_and_police_within_90_days_fires_once(self):
        feed = Feed()
        first = feed.send(event("InspectionCompleted", at(0), person("A", "Worker"), orgs=(FACTORY,)),
                          event("InspectionCompleted", at(10), person("B", "Worker"), orgs=(FACTORY,), eid="second"))
        second = feed.send(event("RescueConducted", at(70), person("C"), orgs=(FACTORY,)))
        feed.send(event("HotlineReportReceived", at(75), person("D"), orgs=(FACTORY,)))
        alert = one(feed, self.KEY)
        assert (alert["subject"], alert["case_id"], alert["raised_at"], alert["severity"]) == (
            "org:0745560001234", second.case_id, at(70), "Warning")
        assert "labour" in alert["message"] and "police" in alert["message"] and first.case_id in alert["message"]
        assert alert["alert_id"] in feed.views[second.case_id]["open_alert_ids"]

    def test_a_pipo_port_in_mismatch_alone_is_no_labour_flag(self):
        vessel = org("o1", "Vessel", "Chor Somboon", vessel="651000123")
        feed = Feed()
        feed.send(event("PipoPortOutReported", at(0), person("A", "Crew"), orgs=(vessel,), voyage_id="V1"),
                  event("PipoPortInReported", at(5), orgs=(vessel,), voyage_id="V1"),
                  event("RescueConducted", at(6), person("A"), orgs=(vessel,)))
        assert not feed.alerts_of(self.KEY)

    def test_one_agency_alone_is_no_hotspot(self):
        feed = Feed()
        feed.send(event("InspectionCompleted", at(0), person("A", "Worker"), orgs=(FACTORY,)),
                  event("RorBor1ScreeningSubmitted", at(5), person("B", "Worker"), orgs=(FACTORY,)))
        assert not feed.alerts_of(self.KEY)

    def test_flags_more_than_90_days_apart_are_no_hotspot(self):
        feed = Feed()
        feed.send(event("InspectionCompleted", at(0), person("A", "Worker"), orgs=(FACTORY,)),
                  event("RescueConducted", at(91), person("C"), orgs=(FACTORY,)))
        assert not feed.alerts_of(self.KEY)

    def test_a_premises_known_by_name_counts_when_the_name_matches(self):
        bar = org("o1", "Premises", "Dao Nuea Karaoke", province="TH-57")
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), A, orgs=(bar,)),
                  event("RescueConducted", at(3), person("B"), orgs=(org("o7", "Premises", "dao nuea  karaoke", province="TH-57"),)))
        assert one(feed, self.KEY)["subject"] == "premises:th-57:dao-nuea-karaoke"


    def test_a_name_flagged_before_the_registration_was_known_counts_for_the_registered_employer(self):
        """The police name the employer only; labour later inspects it with its registration: one
        employer flagged by two agencies, whichever came first."""
        by_name = org("o1", "Employer", "Thale Thong Seafood", province="TH-74")
        registered = org("o1", "Employer", "Thale Thong Seafood", registration="0745560001234", province="TH-74")
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("C"), orgs=(by_name,), province="TH-74"))
        inspection = feed.send(event("InspectionCompleted", at(20), orgs=(registered,), province="TH-74",
                                     indicators=["DebtBondage"]))
        alert = one(feed, self.KEY)
        assert (alert["subject"], alert["case_id"], alert["raised_at"]) == \
            ("org:0745560001234", inspection.case_id, at(20))

    def test_a_hotspot_raised_on_the_name_moves_to_the_registration_when_it_is_learnt(self):
        bar = org("o1", "Premises", "Dao Nuea Karaoke", province="TH-57")
        feed = Feed()
        feed.send(event("HotlineReportReceived", at(0), A, orgs=(bar,)),
                  event("RescueConducted", at(3), person("B"), orgs=(bar,)))
        feed.send(event("InspectionCompleted", at(5), orgs=(org("o1", "Premises", "Dao Nuea Karaoke",
                                                                registration="0575560009999", province="TH-57"),),
                        indicators=["DebtBondage"]))
        current = [a for a in feed.alerts_of(self.KEY) if a.get("resolution") != "merged"]
        assert [a["subject"] for a in current] == ["org:0575560009999"]


class TestSuspectAcrossProvinces:
    KEY = "suspect-across-provinces"

    def test_one_suspect_in_cases_of_two_provinces_fires(self):
        feed = Feed()
        first = feed.send(event("SuspectIdentified", at(0), S, ref="TH57/1"))
        second = feed.send(event("SuspectIdentified", at(40), S, ref="TH10/9", province="TH-10"))
        alert = one(feed, self.KEY)
        assert (alert["subject"], alert["case_id"], alert["province"], alert["raised_at"]) == ("S", second.case_id, "TH-10", at(40))
        assert len(feed.hub.cases.cases) == 2 and first.case_id in alert["message"]

    def test_a_suspect_named_in_a_rescue_counts(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A, S),
                  event("RescueConducted", at(20), person("B"), S, province="TH-10"))
        assert one(feed, self.KEY)["raised_at"] == at(20)

    def test_the_provinces_are_where_the_suspect_was_named(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A, S, province="TH-57", ref="R1"),
                  event("ShelterIntakeRecorded", at(0, 5), A, province="TH-10", shelter_kind="Temporary"),
                  event("SuspectIdentified", at(20), S, province="TH-10", ref="R9"))
        assert one(feed, self.KEY)["province"] == "TH-10"

    def test_cases_of_one_province_raise_nothing(self):
        feed = Feed()
        feed.send(event("SuspectIdentified", at(0), S, ref="TH57/1"), event("SuspectIdentified", at(40), S, ref="TH57/2"))
        assert not feed.alerts_of(self.KEY)

    def test_more_than_180_days_apart_raise_nothing(self):
        feed = Feed()
        feed.send(event("CriminalCaseOpened", at(0), A, S, ref="TH57/1"),
                  event("CriminalCaseOpened", at(181), person("B"), S, ref="TH10/9", province="TH-10"))
        assert not feed.alerts_of(self.KEY)


def test_prune_keeps_the_entry_itself_when_nothing_aged_out_and_drops_what_did():
    from streams.rules import RuleWindows
    from streams.rules.cross import Flag, OrgEntry, prune_org, prune_person

    w = RuleWindows()
    entry = PersonEntry("A", (Seen(at(300), "appeared", "c2", "TH-10"), Seen(at(0), "identified", "c1", "TH-10")))
    assert prune_person(entry, at(300), w) is entry                       # unsorted on purpose: min, not [0]
    assert prune_person(entry, at(200) + w.suspect_provinces, w).seen == (Seen(at(300), "appeared", "c2", "TH-10"),)
    assert prune_person(entry, at(400) + w.repeat_victim, w) is None
    assert prune_person(PersonEntry("B"), at(0), w) is None
    flags = OrgEntry("org:1", "Employer", "X", (Flag(at(50), "police", None, "TH-10"), Flag(at(0), "labour", "c1", "TH-10")))
    assert prune_org(flags, at(60), w) is flags
    assert prune_org(flags, at(25) + w.hotspot, w).flags == (Flag(at(50), "police", None, "TH-10"),)
    assert prune_org(flags, at(60) + w.hotspot, w) is None
