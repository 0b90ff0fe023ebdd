"""CaseView records: encodable, pseudonymised, complete."""

import schemas
from streams.cases import CaseBook, case_view, fold
from tests.unit.streams.cases.builders import Feed, at, event, org, person

A = person("A", dob=None, age=16)
S = person("S", "Suspect", nationality="THA")


class TestCaseView:
    def test_encodes_with_the_contract(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A, S, ref="ATPD/1", orgs=(org("o1", "Premises", "Dao Nuea", registration="1234"),)),
                  event("CustodyStarted", at(0, 1), A))
        (view,) = feed.views.values()
        name, decoded = schemas.decode(schemas.encode("sanpalang.hub.CaseView", view))
        assert decoded["persons"][0] == {"person_id": "A", "roles": ["PotentialVictim"], "trafficking_status": None,
                                         "is_minor": True, "nationality": "MMR", "exploitation_types": [],
                                         "means_of_control": [], "interpreter_language": None, "exploitation_period": None,
                                         "status_decided_by": None, "status_decided_by_name": None}
        assert decoded["organisations"] == [{"org_key": "org:1234", "kind": "Premises", "name": "Dao Nuea"}]
        assert decoded["agency_case_refs"] == [{"agency": "police", "ref": "ATPD/1"}]
        assert [d["rule"] for d in decoded["deadlines"]] == ["care-handoff-missing", "custody-s29-deadline"]   # 12 h for a minor
        assert decoded["open_alert_ids"]           # the minor

    def test_holds_no_name_and_no_identifier(self):
        feed = Feed()
        ev = event("RescueConducted", at(0), A)
        ev.record["envelope"]["persons"][0]["names"] = [{"given": "Aye", "family": None, "full": "Aye Aye Khaing",
                                                        "script": "Latin", "is_official_romanisation": False}]
        feed.send(ev)
        encoded = schemas.encode("sanpalang.hub.CaseView", next(iter(feed.views.values())))
        assert b"Aye" not in encoded and b"XA" not in encoded

    def test_a_merged_case_names_its_survivor(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), person("A")), event("HotlineReportReceived", at(1), person("B")),
                  event("ShelterIntakeRecorded", at(2), person("A"), person("B"), shelter_kind="Temporary"))
        merged = [v for v in feed.views.values() if v["merged_into"]]
        assert len(merged) == 1 and merged[0]["merged_into"] in feed.hub.cases.cases

    def test_a_view_is_built_from_the_case_alone(self):
        book = CaseBook()
        ev = event("HotlineReportReceived", at(0), A)
        folded = fold(book, ev.event, ev.person_ids, at(0))
        view = case_view(folded.delta.cases[folded.case_id])
        schemas.encode("sanpalang.hub.CaseView", view)
        assert view["timeline"][0]["event_id"] == ev.event_id and view["stage"] == "Reported"
