"""Folding events into cases: the join rule, merges, ids, replays."""

import uuid

from streams.cases import CaseBook, case_id_for, fold, merge_persons
from streams.cases.ids import HUB_NAMESPACE
from tests.unit.streams.cases.builders import Feed, at, event, org, person

A, B = person("A"), person("B")
S = person("S", "Suspect", nationality="THA")


def fold_all(*events, book=None):
    book = book or CaseBook()
    results = []
    for ev in events:
        folded = fold(book, ev.event, ev.person_ids, ev.occurred_at)
        book.apply(folded.delta)
        results.append(folded)
    return book, results


class TestCaseFolding:
    def test_events_sharing_a_person_join_one_case(self):
        book, _ = fold_all(event("RescueConducted", at(0), A), event("CustodyStarted", at(0, 2), A),
                           event("ShelterIntakeRecorded", at(1), A, province="TH-50", shelter_kind="Temporary"))
        assert len(book.cases) == 1
        case = next(iter(book.cases.values()))
        assert [e.event_type for e in case.timeline] == ["RescueConducted", "CustodyStarted", "ShelterIntakeRecorded"]
        assert case.provinces == ("TH-57", "TH-50")

    def test_events_sharing_an_agency_case_reference_join_one_case(self):
        book, _ = fold_all(event("RescueConducted", at(0), A, ref="ATPD/1"),
                           event("CriminalCaseOpened", at(2), S, ref="ATPD/1"))
        assert len(book.cases) == 1
        assert next(iter(book.cases.values())).refs == (("police", "ATPD/1"),)

    def test_the_same_reference_of_another_agency_is_another_case(self):
        book, _ = fold_all(event("RescueConducted", at(0), A, ref="2568/1"),
                           event("HotlineReportReceived", at(1), B, ref="2568/1"))
        assert len(book.cases) == 2

    def test_events_flagging_one_registered_organisation_join_within_the_window(self):
        employer = org("o1", registration="0745560001234")
        book, _ = fold_all(event("InspectionCompleted", at(0), A, orgs=(employer,)),
                           event("RescueConducted", at(20), B, orgs=(org("o9", "Premises", "factory", registration="0-7455-60001234"),)))
        assert len(book.cases) == 1
        assert [o.org_key for o in next(iter(book.cases.values())).orgs] == ["org:0745560001234"]

    def test_events_flagging_one_organisation_months_apart_are_separate_cases(self):
        employer = org("o1", registration="0745560001234")
        book, _ = fold_all(event("InspectionCompleted", at(0), A, orgs=(employer,)),
                           event("RescueConducted", at(60), B, orgs=(employer,)))
        assert len(book.cases) == 2

    def test_an_organisation_known_only_by_name_joins_nothing(self):
        bar = org("o1", "Premises", "Dao Nuea karaoke")
        book, _ = fold_all(event("RescueConducted", at(0), A, orgs=(bar,)),
                           event("HotlineReportReceived", at(1), B, orgs=(bar,)))
        assert len(book.cases) == 2

    def test_a_shared_suspect_does_not_join_cases(self):
        book, _ = fold_all(event("SuspectIdentified", at(0), S, ref="ATPD/1"),
                           event("SuspectIdentified", at(3), S, ref="TH-10/77", province="TH-10"))
        assert len(book.cases) == 2

    def test_a_routine_event_of_a_stranger_opens_no_case(self):
        book, (folded,) = fold_all(event("BorderCrossingRecorded", at(0), A, direction="Out"))
        assert not book.cases and folded.case_id is None

    def test_a_routine_event_of_a_person_in_a_case_joins_it(self):
        book, results = fold_all(event("HotlineReportReceived", at(0), A),
                                 event("BorderCrossingRecorded", at(5), A, direction="Out", province="TH-63"))
        assert results[1].case_id == results[0].case_id
        assert next(iter(book.cases.values())).provinces == ("TH-57", "TH-63")

    def test_an_event_outside_the_person_window_opens_a_new_case(self):
        book, results = fold_all(event("RescueConducted", at(0), A), event("RescueConducted", at(200), A))
        assert len(book.cases) == 2

    def test_a_victim_trafficked_again_after_leaving_gets_a_new_case(self):
        book, results = fold_all(
            event("RescueConducted", at(0), A),
            event("ShelterExitRecorded", at(30), A, exit_reason="Reintegrated"),
            event("BorderCrossingRecorded", at(31), A, direction="Out"),
            event("RescueConducted", at(60), A, eid="second rescue"))
        assert results[2].case_id == results[0].case_id      # a follow-up still joins
        assert results[3].case_id != results[0].case_id      # a new situation does not
        assert book.person_cases["A"] == (results[0].case_id, results[3].case_id)

    def test_a_police_case_of_the_new_rescue_does_not_pull_the_finished_case_in(self):
        """A reintegrated victim rescued again with others: the police case naming all of them
        belongs to the new situation (its other victims are there), not the one that ended."""
        book, results = fold_all(
            event("RescueConducted", at(0), A),
            event("ShelterExitRecorded", at(30), A, exit_reason="Reintegrated"),
            event("RescueConducted", at(40), person("A2"), B, eid="second rescue"),
            event("CriminalCaseOpened", at(41), A, B))
        first, second = results[0].case_id, results[2].case_id
        assert results[3].case_id == second and not results[3].merged
        assert set(book.cases) == {first, second}

    def test_an_event_only_a_finished_case_places_still_joins_it(self):
        book, results = fold_all(
            event("RescueConducted", at(0), A),
            event("ShelterExitRecorded", at(30), A, exit_reason="Reintegrated"),
            event("CriminalCaseOpened", at(35), A))
        assert results[2].case_id == results[0].case_id

    def test_an_event_joining_two_cases_merges_them_into_the_older(self):
        book, results = fold_all(event("RescueConducted", at(0), A), event("HotlineReportReceived", at(1), B),
                                 event("ShelterIntakeRecorded", at(2), A, B, shelter_kind="Temporary"))
        older, younger = results[0].case_id, results[1].case_id
        assert results[2].case_id == older
        assert results[2].merged == ((younger, older),)
        assert list(book.cases) == [older]
        assert book.resolve(younger) == older
        assert {p.person_id for p in book.cases[older].persons} == {"A", "B"}

    def test_a_person_merge_merges_their_cases_into_the_older(self):
        book, results = fold_all(event("RescueConducted", at(0), A), event("RescueConducted", at(1), B, province="TH-10"))
        folded = merge_persons(book, ["B"], "A", at(2))
        book.apply(folded.delta)
        assert folded.merged == ((results[1].case_id, results[0].case_id),)
        case = book.cases[results[0].case_id]
        assert [p.person_id for p in case.persons] == ["A"]
        assert all(m.subject == "A" for m in case.marks)
        assert "B" not in book.person_cases and book.person_cases["A"] == (results[0].case_id,)

    def test_a_person_merge_across_a_finished_case_renames_without_merging(self):
        book, results = fold_all(event("RescueConducted", at(0), A),
                                 event("RepatriationCompleted", at(20), A, destination_country="MMR"),
                                 event("RescueConducted", at(90), B))
        folded = merge_persons(book, ["B"], "A", at(91))
        book.apply(folded.delta)
        assert not folded.merged and len(book.cases) == 2
        assert book.cases[results[2].case_id].person("A") is not None

    def test_a_person_merge_keeps_the_end_of_the_part_the_split_record_held(self):
        """The rescue went to hub person A, the stay and its end to A2 (the matcher split them);
        merged, the person's part in that case ended, as if one record had held it all along:
        their next rescue is a new case (rule 7), not this one."""
        book, results = fold_all(
            event("RescueConducted", at(0), A),
            event("ShelterIntakeRecorded", at(0, 5), A, person("A2"), shelter_kind="Temporary"),
            event("ShelterExitRecorded", at(30), person("A2"), exit_reason="Reintegrated"))
        book.apply(merge_persons(book, ["A2"], "A", at(40)).delta)
        assert book.cases[results[0].case_id].person("A").ended_at == at(30)
        _, (rescue,) = fold_all(event("RescueConducted", at(41), A, eid="rescued again"), book=book)
        assert rescue.case_id != results[0].case_id

    def test_case_id_is_uuid5_of_the_first_event(self):
        ev = event("RescueConducted", at(0), A)
        _, (folded,) = fold_all(ev)
        assert folded.case_id == case_id_for(ev.event_id) == str(uuid.uuid5(HUB_NAMESPACE, f"case:{ev.event_id}"))

    def test_a_redelivered_event_changes_nothing(self):
        ev = event("RescueConducted", at(0), A)
        book, (first, again) = fold_all(ev, ev)
        assert again.duplicate and again.case_id == first.case_id and not again.delta
        joined = event("CustodyStarted", at(1), A)
        book, (_, redelivered) = fold_all(joined, joined, book=book)
        assert redelivered.duplicate and len(book.cases[first.case_id].timeline) == 2

    def test_a_person_without_a_hub_id_gets_a_local_one_that_joins_nothing(self):
        ev = event("RescueConducted", at(0), A)
        ev.person_ids.clear()
        book, (folded,) = fold_all(ev)
        assert book.cases[folded.case_id].persons[0].person_id.startswith("unlinked:")

    def test_an_older_event_arriving_late_moves_the_opening_back(self):
        book, results = fold_all(event("CustodyStarted", at(1), A), event("RescueConducted", at(0), A))
        case = book.cases[results[0].case_id]
        assert case.opened_at == at(0) and case.timeline[0].event_type == "RescueConducted"

    def test_replaying_the_same_events_gives_the_same_case_ids_and_alerts(self):
        events = [event("RescueConducted", at(0), A, ref="R1"), event("CustodyStarted", at(0, 1), A),
                  event("HotlineReportReceived", at(0, 3), B), event("ShelterIntakeRecorded", at(1), A, B, shelter_kind="Temporary"),
                  event("SuspectIdentified", at(2), S, ref="R1"), event("MdtScreeningCompleted", at(20), B,
                                                                        outcome="ActualVictimOfTrafficking")]
        runs = []
        for _ in range(2):
            feed = Feed()
            feed.send(*events)
            feed.tick(at(30))
            runs.append((feed.published, sorted(feed.hub.cases.cases)))
        assert runs[0] == runs[1]
        assert runs[0][0] and any(kind == "sanpalang.hub.Alert" for kind, _ in runs[0][0])
