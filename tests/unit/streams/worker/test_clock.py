"""The hub clock no record can poison (issue 12): one labour record dated a year ahead (B.E. 2569
for 2568) that got past the connectors must not turn a Chiang Rai custody Critical, nor expire the
working set; on the wall clock events never move time past the latest tick."""

from datetime import timedelta

from streams.worker.correlator import ALERTS_TOPIC, Correlator
from streams.worker.reorder import EventTimeBuffer
from tests.unit.streams.cases.builders import at, event, person


def envelope_from(ev, system):
    ev.record["envelope"]["source"] = {"system": system, "record_id": ev.event_id, "record_version": "1"}
    return ev


def custody(hours=0):
    return envelope_from(event("CustodyStarted", at(hours=hours), person("cr-1")), "THAICRIMES")


def year_typo():
    """A Samut Sakhon Ror.Bor.1 dated B.E. 2569 instead of 2568: a year ahead of everything else."""
    return envelope_from(event("RorBor1ScreeningSubmitted", at(days=365, hours=2), person("ss-1", "Worker"),
                               province="TH-74", eid="year-typo"), "DLPW-RORBOR1")


def hotline(hours):
    return envelope_from(event("HotlineReportReceived", at(hours=hours), person(f"hl-{hours}"), province="TH-10",
                               eid=f"hotline-{hours}"), "MSDHS-1300")


def alerts(outputs):
    return {o.key: o.record for o in outputs if o.topic == ALERTS_TOPIC}


def send(correlator, *evs):
    return [o for ev in evs for o in correlator.event(ev.name, ev.record)]


class TestTheEventClock:
    def test_a_record_a_year_ahead_does_not_turn_a_custody_critical(self):
        correlator = Correlator()
        out = send(correlator, custody(), year_typo(), hotline(2)) + correlator.flush()
        custody_alerts = [a for a in alerts(out).values() if a["rule_key"] == "custody-s29-deadline"]
        assert custody_alerts == []
        assert correlator.now <= at(hours=3)

    def test_the_clock_follows_time_that_two_sources_have_reached(self):
        correlator = Correlator()
        out = send(correlator, custody(), year_typo(), hotline(25)) + correlator.flush()
        (alert,) = [a for a in alerts(out).values() if a["rule_key"] == "custody-s29-deadline"]
        assert alert["severity"] == "Critical"

    def test_the_watermark_of_the_reorder_buffer_ignores_a_lone_source_ahead(self):
        buffer = EventTimeBuffer(timedelta(days=30))
        buffer.add("police", at(), "custody")
        buffer.add("labour", at(days=365), "typo")
        assert buffer.frontier() == at() and buffer.watermark() == at()


class TestTheWallClock:
    def test_events_never_move_the_clock_past_the_latest_tick(self):
        correlator = Correlator(window=timedelta(0))
        correlator.tick(at(minutes=-1))
        out = send(correlator, custody(), year_typo())
        out += correlator.tick(at(hours=2))
        assert correlator.now == at(hours=2)
        assert not [a for a in alerts(out).values() if a["rule_key"] == "custody-s29-deadline"]

    def test_the_deadline_falls_due_on_the_tick_that_reaches_it(self):
        correlator = Correlator(window=timedelta(0))
        correlator.tick(at(minutes=-1))
        send(correlator, custody(), year_typo())
        out = correlator.tick(at(hours=18, minutes=1))
        (alert,) = [a for a in alerts(out).values() if a["rule_key"] == "custody-s29-deadline"]
        assert alert["severity"] == "Warning"
