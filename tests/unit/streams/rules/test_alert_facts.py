"""Alerts carry their message as data (`Alert.facts`), so that a console can word it in Thai."""

from tests.unit.streams.cases.builders import Feed, at, event, person

A = person("A")
NRM = "nrm-reflection-overrun"


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def sheltered() -> Feed:
    feed = Feed()
    feed.send(event("ShelterIntakeRecorded", at(0), A, shelter_kind="Temporary"))
    feed.tick(at(12))
    return feed


class TestAlertFacts:
    def test_a_firing_alert_says_what_holds_since_when_and_what_is_missing(self):
        (alert,) = sheltered().alerts_of(NRM)
        assert alert["facts"] == {"what": "in-shelter", "since": iso(at(0)), "missing": "screening-outcome"}

    def test_a_cleared_alert_says_what_cleared_it(self):
        feed = sheltered()
        feed.send(event("MdtScreeningCompleted", at(13), A, outcome="ActualVictimOfTrafficking"))
        (alert,) = feed.alerts_of(NRM)
        assert (alert["state"], alert["facts"]["cleared_by"]) == ("Resolved", "screening-outcome")

    def test_custody_ended_is_told_apart_from_a_screening(self):
        feed = Feed()
        feed.send(event("CustodyStarted", at(0), A))
        feed.tick(at(0, 19))
        feed.send(event("CustodyEnded", at(0, 20), A, ended_how="Released"))
        (alert,) = feed.alerts_of("custody-s29-deadline")
        assert alert["facts"]["what"] == "custody" and alert["facts"]["cleared_by"] == "custody-ended"

    def test_every_fact_is_a_string_as_the_contract_carries_them(self):
        feed = sheltered()
        feed.send(event("RescueConducted", at(12, 1), A))
        feed.tick(at(14))
        assert all(isinstance(v, str) for a in feed.alerts.values() for v in a["facts"].values())
