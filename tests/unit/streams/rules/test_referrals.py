"""Referrals to other agencies: once each, deterministic, encodable."""

import schemas
from streams.cases import referral_id_for
from tests.unit.streams.cases.builders import Feed, at, event, org, person

A = person("A")


class TestReferrals:
    def test_a_rule_sends_its_referral_once_when_its_alert_first_fires(self):
        feed = Feed()
        feed.send(event("CustodyStarted", at(0), A))
        feed.tick(at(0, 18))
        feed.tick(at(1))
        feed.send(event("RightsInformed", at(1, 1), A))
        sent = [r for kind, r in feed.published if kind == "sanpalang.hub.Referral"]
        assert [(r["to_agency"], r["from_rule_key"], r["created_at"]) for r in sent] == [
            ("social", "custody-s29-deadline", at(0, 18))]

    def test_the_referral_id_is_deterministic(self):
        feed = Feed()
        out = feed.send(event("RescueConducted", at(0), A), event("DeportationScheduled", at(0, 3), A, scheduled_at=at(2)))
        (referral,) = feed.referrals.values()
        assert referral["referral_id"] == referral_id_for("victim-detained-or-deported:held", out.case_id, "immigration", "A")

    def test_every_referral_encodes_with_the_contract(self):
        feed = Feed()
        feed.send(event("RorBor1ScreeningSubmitted", at(0), person("W", "Worker"), orgs=(org("o1"),)),
                  event("PipoPortOutReported", at(0), person("C1", "Crew"), voyage_id="V1"),
                  event("PipoPortInReported", at(3), voyage_id="V1"),
                  event("MdtScreeningCompleted", at(4), A, outcome="ActualVictimOfTrafficking"))
        feed.tick(at(6))
        assert {r["to_agency"] for r in feed.referrals.values()} == {"social", "labour", "police"}
        for record in feed.referrals.values():
            assert schemas.decode(schemas.encode("sanpalang.hub.Referral", record))[1]["case_id"] == record["case_id"]

    def test_a_merged_case_does_not_refer_again(self):
        feed = Feed()
        feed.send(event("RescueConducted", at(0), A), event("DetentionAdmitted", at(0, 1), A),
                  event("HotlineReportReceived", at(0, 2), person("B")))
        feed.send(event("ShelterIntakeRecorded", at(0, 3), A, person("B"), shelter_kind="Temporary"))
        feed.send(event("DetentionAdmitted", at(0, 5), A, eid="again"))
        sent = [r for kind, r in feed.published if kind == "sanpalang.hub.Referral"]
        assert [r["from_rule_key"] for r in sent] == ["victim-detained-or-deported"]
