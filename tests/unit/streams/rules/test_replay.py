"""Determinism: replays, restarts from saved state, live timers versus replay."""

import pickle
from datetime import date

from streams.rules import Hub
from tests.unit.streams.cases.builders import Feed, at, event, org, person

A, B = person("A", dob=date(2008, 5, 1)), person("B")
S = person("S", "Suspect", nationality="THA")
FACTORY = org("o1", "Employer", "Thale Thong", registration="0745560001234")
EVENTS = [
    event("RescueConducted", at(0), A, S, ref="ATPD/1", orgs=(FACTORY,)),
    event("CustodyStarted", at(0, 1), A),
    event("InspectionCompleted", at(0, 2), B, orgs=(FACTORY,)),
    event("CustodyExtensionGranted", at(0, 22), A, extended_until=at(3)),
    event("SuspectIdentified", at(1), S, ref="TH10/4", province="TH-10"),
    event("ShelterIntakeRecorded", at(2), A, B, shelter_kind="Temporary"),
    event("MdtScreeningCompleted", at(4), A, outcome="ActualVictimOfTrafficking"),
    event("RightsInformed", at(20), A),
]


def final(feed: Feed):
    return feed.views, feed.alerts, feed.referrals


def restored(hub: Hub) -> Hub:
    """The hub as a worker restored from its snapshot has it (the snapshot pickles it)."""
    return pickle.loads(pickle.dumps(hub))


class TestReplay:
    def test_replaying_the_same_events_publishes_the_same_records(self):
        one, two = Feed(), Feed()
        one.send(*EVENTS)
        two.send(*EVENTS)
        assert one.published == two.published and one.published

    def test_a_worker_restarted_from_its_saved_state_ends_like_one_that_never_stopped(self):
        straight = Feed()
        straight.send(*EVENTS)
        interrupted = Feed()
        interrupted.send(*EVENTS[:4])
        interrupted.hub = restored(interrupted.hub)
        interrupted.send(*EVENTS[2:])                      # events after the last commit come again
        assert final(interrupted) == final(straight)
        assert interrupted.hub.cases == straight.hub.cases and interrupted.hub.rules == straight.hub.rules

    def test_live_timer_ticks_and_a_replay_end_with_the_same_alerts(self):
        live = Feed()
        for ev in EVENTS:
            while live.now + (at(0, 1) - at(0)) < ev.occurred_at:   # a tick every hour between events
                live.tick(live.now + (at(0, 1) - at(0)))
            live.send(ev)
        replay = Feed()
        replay.send(*EVENTS)
        # the same alerts in the same end states; live ticks may have counted more versions on the way
        unversioned = lambda alerts: {k: {**a, "version": None} for k, a in alerts.items()}  # noqa: E731
        assert unversioned(live.alerts) == unversioned(replay.alerts)
        # a referral asks for action now: a replay that already knows the action came sends none
        assert set(replay.referrals) < set(live.referrals)
        assert all(live.referrals[r] == replay.referrals[r] for r in replay.referrals)
