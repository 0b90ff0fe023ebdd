"""Rule 1: the s.29 custody clock."""

from streams.cases import CaseBook, fold
from streams.rules import RuleWindows, evaluate, next_deadline, rule
from tests.unit.streams.cases.builders import Feed, at, event, person

A = person("A", dob=None)
KEY = "custody-s29-deadline"


def custody(feed: Feed, when=at(0)):
    feed.send(event("CustodyStarted", when, A))
    return feed


def only(feed: Feed):
    (alert,) = feed.alerts_of(KEY)
    return alert


class TestCustodyDeadline:
    def test_nothing_fires_before_18h(self):
        feed = custody(Feed())
        out = feed.tick(at(0, 17, 59))
        assert not feed.alerts_of(KEY)
        assert out.case_views == [] and out.alerts == []          # a tick that changes nothing publishes nothing

    def test_a_tick_that_raises_an_alert_republishes_the_case_view(self):
        feed = custody(Feed())
        out = feed.tick(at(0, 18))
        assert [v["open_alert_ids"] for v in out.case_views] == [[only(feed)["alert_id"]]]

    def test_warns_at_18h_without_screening(self):
        feed = custody(Feed())
        feed.tick(at(0, 18))
        alert = only(feed)
        assert (alert["severity"], alert["state"], alert["raised_at"], alert["due_at"]) == ("Warning", "Firing", at(0, 18), at(1))
        assert alert["subject"] == "A" and alert["province"] == "TH-57" and alert["rule_number"] == 1

    def test_is_critical_at_24h(self):
        feed = custody(Feed())
        feed.tick(at(0, 18))
        warned = only(feed)["alert_id"]
        feed.tick(at(1))
        assert (only(feed)["alert_id"], only(feed)["severity"], only(feed)["raised_at"]) == (warned, "Critical", at(0, 18))

    def test_an_extension_moves_the_deadline_to_its_end(self):
        feed = custody(Feed())
        feed.tick(at(0, 18))
        feed.send(event("CustodyExtensionGranted", at(0, 20), A, extended_until=at(3)))
        assert only(feed)["state"] == "Resolved" and only(feed)["resolved_at"] == at(0, 20)
        (view,) = feed.views.values()
        assert [(d["rule"], d["due_at"]) for d in view["deadlines"]] == [(KEY, at(3))]
        feed.tick(at(2, 17, 59))
        assert only(feed)["state"] == "Resolved"
        feed.tick(at(2, 18))
        assert (only(feed)["state"], only(feed)["severity"], only(feed)["due_at"]) == ("Firing", "Warning", at(3))
        feed.tick(at(3))
        assert only(feed)["severity"] == "Critical"

    def test_an_extension_beyond_7_days_is_capped(self):
        feed = custody(Feed())
        feed.send(event("CustodyExtensionGranted", at(0, 20), A, extended_until=at(10)))
        feed.tick(at(6, 18))
        assert (only(feed)["severity"], only(feed)["due_at"]) == ("Warning", at(7))

    def test_an_extension_names_its_custody(self):
        feed = custody(Feed())
        first = next(iter(feed.hub.cases.cases.values())).marks[0].value
        feed.send(event("CustodyExtensionGranted", at(0, 20), A, extended_until=at(2), custody_event_id=first))
        feed.tick(at(1))
        assert not feed.firing(KEY)

    def test_resolves_itself_when_the_screening_outcome_arrives(self):
        feed = custody(Feed())
        feed.tick(at(1, 2))
        feed.send(event("MdtScreeningCompleted", at(1, 3), A, outcome="PossibleVictimOfTrafficking"))
        assert (only(feed)["state"], only(feed)["resolved_at"], only(feed)["severity"]) == ("Resolved", at(1, 3), "Critical")

    def test_a_screening_within_18h_raises_nothing(self):
        feed = custody(Feed())
        feed.send(event("MdtScreeningCompleted", at(0, 10), A, outcome="NotAVictimOfTrafficking"))
        feed.tick(at(5))
        assert not feed.alerts_of(KEY)

    def test_a_later_event_advances_the_clock_without_a_timer(self):
        feed = custody(Feed())
        feed.send(event("RightsInformed", at(0, 19), A))
        assert only(feed)["raised_at"] == at(0, 18)

    def test_a_screening_recorded_late_resolves_the_alert_it_would_have_prevented(self):
        feed = custody(Feed())
        feed.tick(at(0, 20))
        feed.send(event("MdtScreeningCompleted", at(0, 10), A, outcome="PossibleVictimOfTrafficking"))
        assert only(feed)["state"] == "Resolved"

    def test_the_windows_are_configurable_within_the_law(self):
        feed = Feed()
        feed.send(event("CustodyStarted", at(0), A), windows=RuleWindows(custody_warn=at(0, 12) - at(0)))
        feed.tick(at(0, 12), windows=RuleWindows(custody_warn=at(0, 12) - at(0)))
        assert only(feed)["severity"] == "Warning"

    def test_evaluate_and_next_deadline_are_pure_functions_of_case_and_now(self):
        book = CaseBook()
        ev = event("CustodyStarted", at(0), A)
        book.apply(fold(book, ev.event, ev.person_ids, at(0)).delta)
        case = next(iter(book.cases.values()))
        assert next_deadline(case, at(0)) == at(0, 18)
        assert next_deadline(case, at(0, 18)) == at(1)
        (state,) = [s for s in evaluate(case, at(0, 18)) if s.rule is rule(1)]
        assert (state.severity.symbol, state.due_at, state.next_at) == ("Warning", at(1), at(1))
        assert evaluate(case, at(0, 18)) == evaluate(case, at(0, 18))
