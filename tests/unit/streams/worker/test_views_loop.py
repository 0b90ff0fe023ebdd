"""The views loop with a database it cannot write: degraded with the reason, the batch fetched again
after a back-off, nothing committed until it is written; recovered once it is. Fakes for the
consumer and the sink, no sockets, no sleeps."""

import asyncio
from types import SimpleNamespace

import pytest

import schemas
from streams.views import Applied, ViewSinkError
from streams.views.clock import HUB_CLOCK_HEADER, HubClock
from streams.worker.metrics import WorkerMetrics
from streams.worker.views_loop import KINDS, ViewsLoop, ViewsStatus, _report, backoff_s

ALERT = {"alert_id": "a-1"}


class FakeConsumer:
    def __init__(self, batches):
        self.batches, self.seeks, self.commits = list(batches), [], 0

    async def getmany(self, timeout_ms, max_records):
        return self.batches.pop(0) if self.batches else {}

    def seek(self, tp, offset):
        self.seeks.append((tp, offset))

    async def commit(self):
        self.commits += 1


class FakeSink:
    """Fails with each error of `failures` in turn, then applies."""

    def __init__(self, *failures):
        self.failures, self.applied, self.reconnects, self.clocks = list(failures), [], 0, []

    def apply_many(self, records, clock=None):
        if self.failures:
            raise self.failures.pop(0)
        self.applied += records
        self.clocks.append(clock)
        return Applied(alerts=len(records))

    def reconnect(self):
        self.reconnects += 1


def _batch(tp, *offsets, clocks=()):
    """Messages at `offsets`; `clocks`: the hub clock header of each (none by default)."""
    headers = [[(HUB_CLOCK_HEADER, c)] for c in clocks] or [[] for _ in offsets]
    return {tp: [SimpleNamespace(offset=o, value=b"record", headers=h) for o, h in zip(offsets, headers)]}


@pytest.fixture(autouse=True)
def decode(monkeypatch):
    monkeypatch.setattr(schemas, "decode", lambda value: ("sanpalang.hub.Alert", ALERT))


def _loop(sink):
    waits = []

    async def sleep(seconds):
        waits.append(seconds)
    return ViewsLoop(None, sink, ViewsStatus(), sleep=sleep), waits


class TestBackoff:
    def test_doubles_from_a_second_to_at_most_a_minute(self):
        assert [backoff_s(n) for n in (1, 2, 3, 4, 6, 7, 100)] == [1, 2, 4, 8, 32, 60, 60]


class TestAViewsLoopWhoseDatabaseRefusesWrites:
    def test_reports_degraded_with_the_reason_and_fetches_the_batch_again_without_committing(self):
        """The reason is the error's first line: the next ones quote the statement's parameters."""
        sink = FakeSink(ViewSinkError("cannot execute INSERT in a read-only transaction\n"
                                      "[SQL: INSERT INTO persons ...]\n[parameters: {'name': 'Somchai'}]"))
        loop, waits = _loop(sink)
        consumer = FakeConsumer([_batch("alerts.v1-0", 7, 8, 9)])
        asyncio.run(loop.step(consumer))
        assert loop.status.reason == "could not write 3 record(s): cannot execute INSERT in a read-only transaction"
        assert loop.status.failures.value == 1
        assert consumer.seeks == [("alerts.v1-0", 7)] and consumer.commits == 0
        assert sink.applied == [] and sink.reconnects == 1 and waits == [1.0]

    def test_waits_longer_after_each_failure_in_a_row(self):
        sink = FakeSink(*[ViewSinkError("disk full")] * 3)
        loop, waits = _loop(sink)
        consumer = FakeConsumer([_batch("alerts.v1-0", 7)] * 3)
        for _ in range(3):
            asyncio.run(loop.step(consumer))
        assert waits == [1.0, 2.0, 4.0] and loop.status.failures.value == 3

    def test_recovers_once_the_batch_is_written_and_only_then_commits(self):
        sink = FakeSink(ViewSinkError("disk full"))
        loop, waits = _loop(sink)
        consumer = FakeConsumer([_batch("alerts.v1-0", 7, 8), _batch("alerts.v1-0", 7, 8)])
        asyncio.run(loop.step(consumer))
        asyncio.run(loop.step(consumer))
        assert loop.status.reason is None
        assert sink.applied == [("sanpalang.hub.Alert", ALERT)] * 2 and consumer.commits == 1
        assert list(loop.status.rows) == [0, 2, 0, 0, 0]

    def test_a_record_it_cannot_read_degrades_it_too_and_is_retried_rather_than_skipped(self, monkeypatch):
        def decode(value):
            raise schemas.CodecError("unknown fingerprint")
        monkeypatch.setattr(schemas, "decode", decode)
        loop, waits = _loop(FakeSink())
        consumer = FakeConsumer([_batch("cases.provincial.v1-2", 40)])
        asyncio.run(loop.step(consumer))
        assert loop.status.reason == "could not write 1 record(s): unknown fingerprint"
        assert consumer.seeks == [("cases.provincial.v1-2", 40)] and consumer.commits == 0

    def test_a_failed_start_is_retried_until_the_database_answers(self):
        reasons = []

        class Sink(FakeSink):
            def start(self):
                reasons.append(loop.status.reason)
                self.apply_many([])
        loop, waits = _loop(Sink(ViewSinkError("connection refused"), ViewSinkError("connection refused")))
        asyncio.run(loop.start_sink())
        assert reasons == [None, "could not migrate the views: connection refused",
                           "could not migrate the views: connection refused"]
        assert waits == [1.0, 2.0] and loop.status.reason is None


class TestTheHubClock:
    def test_a_batch_stores_the_latest_hub_clock_its_records_carry(self):
        from datetime import datetime, timezone
        sink = FakeSink()
        loop, _ = _loop(sink)
        later, earlier = b"event:1740909600000", b"event:1740906000000"      # 2025-03-02 10:00 and 09:00 UTC
        asyncio.run(loop.step(FakeConsumer([_batch("alerts.v1-0", 7, 8, clocks=(later, earlier))])))
        assert sink.clocks == [HubClock(datetime(2025, 3, 2, 10, tzinfo=timezone.utc), "event")]

    def test_records_without_it_store_none(self):
        sink = FakeSink()
        loop, _ = _loop(sink)
        asyncio.run(loop.step(FakeConsumer([_batch("alerts.v1-0", 7)])))
        assert sink.clocks == [None]


class TestTheWorkersView:
    def test_metrics_and_health_follow_the_views_status(self):
        status, metrics = ViewsStatus(), WorkerMetrics()
        status.failed("could not write 3 record(s): disk full")
        status.applied(Applied(cases=2))
        failures, counted = _report(status, metrics, 0, [0] * len(KINDS))
        assert metrics.health() == {"status": "degraded", "reason": "could not write 3 record(s): disk full"}
        assert metrics.registry.get_sample_value("sanpalang_worker_views_degraded") == 1
        assert metrics.registry.get_sample_value("sanpalang_worker_views_failures_total") == 1
        status.recovered()
        _report(status, metrics, failures, counted)
        assert metrics.health() == {"status": "ok", "reason": None}
        assert metrics.registry.get_sample_value("sanpalang_worker_views_degraded") == 0
        assert metrics.registry.get_sample_value("sanpalang_worker_view_rows_total", {"kind": "cases"}) == 2

    def test_a_long_reason_is_cut_to_what_fits_in_shared_memory(self):
        status = ViewsStatus()
        status.failed("x" * 2000)
        assert 400 < len(status.reason) < 500


class TestTheSocialIntakeInTheViewsLoop:
    def test_its_prevention_activities_are_stored_and_its_other_events_skipped(self, monkeypatch):
        """The loop reads intake.social.v1 for the province page (streams.views.prevention); the
        worker's outputs carry what the other social events mean."""
        decoded = {b"prevention": ("sanpalang.social.PreventionActivity", {"activity": 1}),
                   b"shelter": ("sanpalang.social.ShelterIntakeRecorded", {"stay": 1})}
        monkeypatch.setattr(schemas, "decode", decoded.__getitem__)
        sink = FakeSink()
        loop, _ = _loop(sink)
        messages = [SimpleNamespace(offset=o, value=v, headers=[]) for o, v in enumerate((b"shelter", b"prevention"))]
        consumer = FakeConsumer([{"intake.social.v1-0": messages}])
        asyncio.run(loop.step(consumer))
        assert sink.applied == [("sanpalang.social.PreventionActivity", {"activity": 1})] and consumer.commits == 1

    def test_is_one_of_the_topics_it_reads(self):
        from streams.worker.views_loop import READ_TOPICS
        assert "intake.social.v1" in READ_TOPICS
