"""The team lead's desk (issue 13 item 2): owner, status decisions, closing, as pure values, as
scope decisions of the worker, and through the correlator onto cases.provincial.v1."""

from datetime import datetime, timedelta, timezone

import pytest

import schemas
from streams.cases.desk import (Desk, assign_owner, close_case, decide_status, desk_fields, merge_desks,
                                rename_persons)
from streams.privacy import is_token
from streams.worker.admission import HUB_DLQ, desk_refusal
from streams.worker.correlator import CASES_TOPIC, Correlator
from tests.unit.streams.worker.test_correlator import KEY, _rescue

AT = datetime(2026, 12, 6, 3, 0, tzinfo=timezone.utc)


def desk_action(kind, *, case_id="case-1", role="team_lead", agency="social", provinces=("TH-57",), province="TH-57",
                action_id="desk-1", **fields):
    return {"action_id": action_id, "kind": kind, "alert_id": None, "person_id": None, "candidate_id": None,
            "province": province, "operator": "lead57", "note": None, "at": AT, "role": role,
            "provinces": list(provinces), "case_id": case_id, "agency": agency, "owner": None, "owner_agency": None,
            "owner_provinces": [], "trafficking_status": None, "status_basis": None, **fields}


def assignment(**fields):
    return desk_action("AssignOwner", **{"owner": "officer57", "owner_agency": "social", "owner_provinces": ["TH-57"],
                                         **fields})


class TestTheDeskAsValues:
    def test_an_owner_is_assigned_with_who_assigned_them_and_when(self):
        desk = assign_owner(None, "officer57", by="lead57", at=AT)
        assert (desk.owner, desk.owner_assigned_by, desk.owner_assigned_at) == ("officer57", "lead57", AT)

    def test_assigning_the_same_owner_again_keeps_the_first_assignment(self):
        desk = assign_owner(None, "officer57", by="lead57", at=AT)
        assert assign_owner(desk, "officer57", by="other", at=AT + timedelta(hours=1)) is desk

    def test_decisions_accumulate_with_who_when_and_on_what(self):
        desk = decide_status(None, "p1", "PossibleVictimOfTrafficking", "NonPoliceGovernmentalOrganization",
                             by="lead57", at=AT)
        desk = decide_status(desk, "p1", "ActualVictimOfTrafficking", "CourtOrProsecution", by="lead57",
                             at=AT + timedelta(days=30), note="court ruling 12/2569")
        assert [(d.trafficking_status, d.basis) for d in desk.decisions] == [
            ("PossibleVictimOfTrafficking", "NonPoliceGovernmentalOrganization"), ("ActualVictimOfTrafficking", "CourtOrProsecution")]
        assert desk.decisions[1].note == "court ruling 12/2569"

    @pytest.mark.parametrize("status, basis", [("Unknown", "CourtOrProsecution"), ("ActualVictimOfTrafficking", "Gossip")])
    def test_an_unknown_status_or_basis_is_not_a_decision(self, status, basis):
        with pytest.raises(ValueError):
            decide_status(None, "p1", status, basis, by="lead57", at=AT)

    def test_the_first_closing_stands(self):
        closed = close_case(None, by="lead57", at=AT)
        assert close_case(closed, by="other", at=AT + timedelta(days=1)) is closed and closed.closed

    def test_a_merged_desk_keeps_the_survivors_owner_and_every_decision_in_time_order(self):
        survivor = decide_status(assign_owner(None, "a", by="l", at=AT), "p1", "NotAVictimOfTrafficking", "Police",
                                 by="l", at=AT + timedelta(days=2))
        absorbed = decide_status(assign_owner(None, "b", by="l", at=AT), "p2", "ActualVictimOfTrafficking",
                                 "NonPoliceGovernmentalOrganization", by="l", at=AT + timedelta(days=1))
        merged = merge_desks(survivor, absorbed)
        assert merged.owner == "a" and [d.person_id for d in merged.decisions] == ["p2", "p1"]
        assert merge_desks(Desk(), absorbed).owner == "b"

    def test_a_closed_case_absorbed_into_an_open_one_leaves_it_open(self):
        assert not merge_desks(None, close_case(None, by="l", at=AT)).closed

    def test_a_decision_about_a_merged_person_names_the_survivor(self):
        desks = {"c1": decide_status(None, "p2", "ActualVictimOfTrafficking", "Police", by="l", at=AT), "c2": Desk()}
        rename_persons(desks, ["c1", "c2"], {"p2": "p1"})
        assert [d.person_id for d in desks["c1"].decisions] == ["p1"] and desks["c2"] == Desk()

    def test_no_desk_gives_the_case_views_empty_fields(self):
        assert desk_fields(None) == {"owner": None, "owner_assigned_by": None, "owner_assigned_at": None,
                                     "status_decisions": [], "closed_by": None, "closed_at": None}


class TestWhoMayDecideOnACase:
    def test_a_team_lead_of_the_lead_province_may_assign_a_psdhs_officer_of_it(self):
        assert desk_refusal(assignment(), lead_province="TH-57", closed=False) is None

    @pytest.mark.parametrize("role, agency", [("provincial", "social"), ("national", None), ("team_lead", "police"),
                                              (None, "social")])
    def test_nobody_else_decides_on_a_case(self, role, agency):
        refused = desk_refusal(assignment(role=role, agency=agency), lead_province="TH-57", closed=False)
        assert refused.code == "no-authority"

    def test_a_team_lead_of_another_province_is_refused(self):
        refused = desk_refusal(assignment(provinces=["TH-50"], province="TH-50"), lead_province="TH-57", closed=False)
        assert refused.code == "out-of-scope"

    def test_an_action_that_claims_the_lead_province_without_it_in_the_scope_is_refused(self):
        refused = desk_refusal(assignment(provinces=["TH-50"], province="TH-57"), lead_province="TH-57", closed=False)
        assert refused.code == "out-of-scope"

    @pytest.mark.parametrize("owner_agency, owner_provinces", [("police", ["TH-57"]), ("social", ["TH-50"]),
                                                               (None, [])])
    def test_an_owner_must_be_a_psdhs_officer_of_the_lead_province(self, owner_agency, owner_provinces):
        refused = desk_refusal(assignment(owner_agency=owner_agency, owner_provinces=owner_provinces),
                               lead_province="TH-57", closed=False)
        assert refused.code == "wrong-owner"

    def test_a_closed_case_takes_no_more_decisions_but_closing_again_is_harmless(self):
        assert desk_refusal(assignment(), lead_province="TH-57", closed=True).code == "case-closed"
        assert desk_refusal(desk_action("CloseCase"), lead_province="TH-57", closed=True) is None


@pytest.fixture
def held():
    """A correlator holding one case led in TH-57: (correlator, its case view)."""
    correlator = Correlator(consumer_key=KEY)
    correlator.event("sanpalang.police.RescueConducted", _rescue(1, "Nang Hseng Noom"))
    outputs = correlator.flush()
    (view,) = [o.record for o in outputs if o.topic == CASES_TOPIC]
    return correlator, view


def _views(outputs):
    return [o.record for o in outputs if o.topic == CASES_TOPIC]


class TestTheDeskThroughTheCorrelator:
    def test_an_assigned_owner_is_on_the_next_case_view_and_its_consumer_copy_hides_them(self, held):
        correlator, view = held
        outputs = correlator.action(assignment(case_id=view["case_id"]))
        (published,) = _views(outputs)
        assert (published["owner"], published["owner_assigned_by"]) == ("officer57", "lead57")
        (consumer,) = [o.record for o in outputs if o.topic == "cases.consumer.v1"]
        assert consumer["owner"] is None and consumer["owner_assigned_by"] is None and is_token(consumer["case_id"])
        for output in outputs:
            schemas.encode(output.schema, output.record)

    def test_a_status_decision_is_recorded_with_who_when_and_on_what(self, held):
        correlator, view = held
        person = view["persons"][0]["person_id"]
        outputs = correlator.action(desk_action("DecideStatus", case_id=view["case_id"], person_id=person,
                                                trafficking_status="ActualVictimOfTrafficking",
                                                status_basis="NonPoliceGovernmentalOrganization", note="MDT 3/2569"))
        (published,) = _views(outputs)
        assert published["status_decisions"] == [{
            "person_id": person, "trafficking_status": "ActualVictimOfTrafficking",
            "basis": "NonPoliceGovernmentalOrganization", "decided_by": "lead57", "decided_at": AT, "note": "MDT 3/2569"}]
        schemas.encode("sanpalang.hub.CaseView", published)

    def test_a_decision_about_a_person_not_in_the_case_changes_nothing(self, held):
        correlator, view = held
        assert correlator.action(desk_action("DecideStatus", case_id=view["case_id"], person_id="no-such-person",
                                             trafficking_status="ActualVictimOfTrafficking",
                                             status_basis="CourtOrProsecution")) == []

    def test_a_decision_about_a_suspect_changes_nothing(self):
        correlator = Correlator(consumer_key=KEY)
        correlator.event("sanpalang.police.RescueConducted", schemas.example("sanpalang.police.RescueConducted"))
        (view,) = _views(correlator.flush())
        suspect = next(p["person_id"] for p in view["persons"] if p["roles"] == ["Suspect"])
        assert correlator.action(desk_action("DecideStatus", case_id=view["case_id"], person_id=suspect,
                                             trafficking_status="NotAVictimOfTrafficking",
                                             status_basis="CourtOrProsecution")) == []

    def test_a_decision_without_a_status_is_dead_lettered(self, held):
        correlator, view = held
        (refused,) = correlator.action(desk_action("DecideStatus", case_id=view["case_id"],
                                                   person_id=view["persons"][0]["person_id"]))
        assert refused.topic == HUB_DLQ and refused.record["reason_code"] == "bad-decision"

    def test_a_closed_case_is_published_closed_and_refuses_a_later_owner(self, held):
        correlator, view = held
        (closed,) = _views(correlator.action(desk_action("CloseCase", case_id=view["case_id"])))
        assert (closed["status"], closed["closed_by"], closed["closed_at"]) == ("Closed", "lead57", AT)
        (refused,) = correlator.action(assignment(case_id=view["case_id"], action_id="desk-2"))
        assert refused.topic == HUB_DLQ and refused.record["reason_code"] == "case-closed"

    def test_a_provincial_operators_assignment_is_dead_lettered_and_changes_nothing(self, held):
        correlator, view = held
        (refused,) = correlator.action(assignment(case_id=view["case_id"], role="provincial"))
        assert refused.topic == HUB_DLQ and refused.record["reason_code"] == "no-authority"
        assert correlator.hub.desks == {}

    def test_the_desk_stays_on_the_case_when_a_later_event_updates_it(self, held):
        correlator, view = held
        correlator.action(assignment(case_id=view["case_id"]))
        correlator.event("sanpalang.police.RescueConducted", _rescue(4, "Nang Hseng Noom"))
        later = [v for v in _views(correlator.flush()) if v["case_id"] == view["case_id"]]
        assert later and later[-1]["owner"] == "officer57"

    def test_an_action_on_a_case_the_hub_does_not_hold_changes_nothing(self, held):
        correlator, _ = held
        assert correlator.action(assignment(case_id="no-such-case")) == []
