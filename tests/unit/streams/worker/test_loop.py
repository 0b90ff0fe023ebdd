"""The correlate loop on an in-memory broker (`fakes`): what it commits, and that a crash, a fenced
worker, a takeover or a restart from a snapshot publish exactly what one undisturbed worker does."""

import asyncio
import gc
from datetime import timedelta

import pytest
from aiokafka.errors import KafkaConnectionError

from streams.worker.aggregating import AGGREGATES_TOPIC
from streams.worker.lane import FLUSH, LANE_TOPIC
from streams.worker.loop import CorrelateLoop
from streams.worker.metrics import WorkerMetrics
from tests.unit.streams.worker.fakes import FakeBroker, FakeClients, Killed

LIVE = timedelta(0)          # events correlated as they come (--order-days 0)


@pytest.fixture(autouse=True)
def _unfrozen_heap():
    yield
    gc.unfreeze()            # the loop freezes the heap out of the collector: not the test session's


@pytest.fixture(scope="module")
def feed(lifecycle_publications):
    return lifecycle_publications[:240]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Worker:
    """One `sanpalang worker` process: its loop, its member of the group."""

    def __init__(self, broker: FakeBroker, **options) -> None:
        self.broker, self.clients = broker, FakeClients(broker)
        options.setdefault("window", LIVE)
        self.loop = CorrelateLoop(self.clients, metrics=WorkerMetrics(), **options)
        self.group = asyncio.run(self.clients.lane_group([LANE_TOPIC], self.loop.assignment))

    def turns(self, count: int = 1) -> None:
        async def turning():
            for _ in range(count):
                await self.loop.turn(self.group)
        asyncio.run(turning())

    def until_drained(self) -> None:
        """Turns until every source record is committed (a bounded number of them)."""
        for _ in range(50):
            self.turns()
            if all(self.broker.offsets.get(tp, 0) == len(log) for tp, log in self.broker.logs.items()
                   if tp.topic.startswith("intake.")):
                return
        raise AssertionError("the sources were not drained in 50 turns")


def publish(broker: FakeBroker, publications) -> None:
    for i, p in enumerate(publications):
        broker.append(p.topic, p.value, p.key, timestamp=1_700_000_000_000 + i)


def owner(broker: FakeBroker, **options) -> Worker:
    worker = Worker(broker, **options)
    broker.give_lane(worker.group)
    return worker


@pytest.fixture(scope="module")
def undisturbed(feed):
    broker = FakeBroker()
    publish(broker, feed)
    owner(broker).until_drained()
    return broker.published(), broker.values(LANE_TOPIC)


class TestAWorkerThatHasTheLane:
    def test_commits_each_record_onto_the_lane_with_its_outputs_and_its_source_offset(self, feed, undisturbed):
        broker = FakeBroker()
        publish(broker, feed)
        owner(broker).until_drained()
        assert sorted(broker.values(LANE_TOPIC)) == sorted(p.value for p in feed)
        assert {topic for topic, _, _ in broker.published()} >= {"alerts.v1", "cases.provincial.v1",
                                                                 "persons.links.v1"}
        assert broker.published() == undisturbed[0]
        assert broker.offsets == {tp: len(log) for tp, log in broker.logs.items()   # positions, one per partition
                                  if tp.topic.startswith("intake.") and log}

    def test_does_nothing_while_another_worker_has_it(self, feed):
        broker = FakeBroker()
        publish(broker, feed)
        owner(broker)
        bystander = Worker(broker)
        bystander.turns(5)
        assert broker.values(LANE_TOPIC) == [] and broker.offsets == {}


class TestACrashBetweenTheSendsAndTheCommit:
    def test_an_aborted_transaction_is_redone_from_the_last_commit_and_nothing_is_doubled(self, feed, undisturbed):
        broker = FakeBroker()
        publish(broker, feed)
        worker = owner(broker, batch=50)
        worker.turns(3)
        broker.at_commit = KafkaConnectionError("the broker went away")
        worker.turns()
        assert worker.loop.correlator is None                # the state dropped with the transaction
        worker.until_drained()
        assert broker.values(LANE_TOPIC) == undisturbed[1]
        assert broker.published() == undisturbed[0]

    def test_a_worker_killed_there_is_replaced_by_one_that_publishes_the_rest_once(self, feed, undisturbed):
        broker = FakeBroker()
        publish(broker, feed)
        killed = owner(broker, batch=50)
        killed.turns(3)
        broker.at_commit = Killed()
        with pytest.raises(Killed):
            killed.turns()
        owner(broker).until_drained()
        assert broker.values(LANE_TOPIC) == undisturbed[1]
        assert broker.published() == undisturbed[0]


class TestAFencedWorker:
    @pytest.mark.parametrize("refused", [False, True], ids=["at-its-commit", "at-its-sends"])
    def test_commits_nothing_once_its_successor_has_the_transactional_id_and_the_successor_goes_on(
            self, feed, undisturbed, refused):
        broker = FakeBroker(refuse_fenced_sends=refused)
        publish(broker, feed)
        zombie = owner(broker, batch=50)
        zombie.turns(3)
        zombie.group.zombie = True                          # it misses the rebalance that takes the lane away
        successor = owner(broker, batch=50)
        successor.turns(2)                                  # its producer fences the zombie's
        lane = list(broker.values(LANE_TOPIC))
        zombie.turns()
        assert broker.values(LANE_TOPIC) == lane and zombie.loop.correlator is None
        successor.until_drained()
        assert broker.values(LANE_TOPIC) == undisturbed[1]
        assert broker.published() == undisturbed[0]


class TestATakeover:
    def test_replays_the_lane_to_its_committed_end_and_publishes_nothing_for_it(self, feed):
        alone = FakeBroker()                                # one worker all along, for comparison
        worker = owner(alone, batch=40)
        for part in feed[:150], feed[150:]:
            publish(alone, part)
            worker.until_drained()
        broker = FakeBroker()
        publish(broker, feed[:150])
        owner(broker, batch=40).until_drained()
        published = broker.published()
        successor = owner(broker)
        successor.turns(2)
        assert broker.published() == published              # the replay published nothing
        assert successor.loop.correlator is not None
        publish(broker, feed[150:])
        successor.until_drained()
        assert broker.published() == alone.published()


class TestARestartFromASnapshot:
    def test_replays_only_the_lane_after_the_snapshot_and_goes_on_as_one_that_never_stopped(
            self, feed, undisturbed, tmp_path):
        path = tmp_path / "worker" / "correlator.snapshot"
        broker = FakeBroker()
        publish(broker, feed)
        first = owner(broker, batch=40, snapshot_path=path, snapshot_seconds=1e-9)
        first.turns(3)
        first.loop.snapshots.close()                         # the forked child has written it
        taken = first.loop.snapshots.offset
        assert path.exists() and 0 < taken <= len(broker.values(LANE_TOPIC))
        restarted = owner(broker, snapshot_path=path, snapshot_seconds=1e-9)
        restarted.turns(2)
        assert restarted.loop.snapshots.written == taken     # rebuilt from it, not from the lane's start
        restarted.until_drained()
        restarted.loop.snapshots.close()
        assert broker.published() == undisturbed[0]


class TestAnIdleLane:
    def test_events_held_for_event_time_order_are_released_by_a_flush_once_the_sources_are_quiet(self, feed):
        broker, clock = FakeBroker(), Clock()
        publish(broker, feed[:60])
        worker = owner(broker, window=timedelta(days=2), flush_seconds=3.0, clock=clock)
        worker.until_drained()
        held = broker.published()
        clock.now += 2.9
        worker.turns()
        assert broker.values(LANE_TOPIC)[-1] != FLUSH and broker.published() == held
        clock.now += 0.2
        worker.turns()
        assert broker.values(LANE_TOPIC)[-1] == FLUSH
        assert len(broker.published()) > len(held)
        assert worker.loop.correlator is not None and not len(worker.loop.correlator.buffer)



class TestTheAggregates:
    def test_are_published_once_cases_changed_and_then_at_most_every_aggregate_seconds(self, feed):
        broker, clock = FakeBroker(), Clock()
        publish(broker, feed[:120])
        worker = owner(broker, aggregate_seconds=60.0, clock=clock)
        worker.until_drained()
        worker.turns()
        first = broker.values(AGGREGATES_TOPIC)
        assert first
        publish(broker, feed[120:])
        worker.until_drained()
        worker.turns()
        assert broker.values(AGGREGATES_TOPIC) == first
        clock.now += 60.0
        worker.turns()
        assert len(broker.values(AGGREGATES_TOPIC)) > len(first)


class TestALongRebuild:
    def test_leaves_the_event_loop_to_the_group_heartbeats_while_it_replays(self, feed):
        """A rebuild can take minutes; the lane group's heartbeats run on the same event loop, and a
        loop held past the session timeout loses the lane (and starts the rebuild again)."""
        from streams.worker.correlator import Correlator
        from streams.worker.replay import YIELD_EVERY, replay

        broker = FakeBroker()
        publish(broker, feed)
        owner(broker).until_drained()
        entries = len(broker.values(LANE_TOPIC))

        async def scene() -> tuple[int, int]:
            beats = 0

            async def heartbeat() -> None:
                nonlocal beats
                while True:
                    beats += 1
                    await asyncio.sleep(0)

            beating = asyncio.create_task(heartbeat())
            await asyncio.sleep(0)
            fed = await replay(FakeClients(broker), Correlator(window=LIVE), lane=LANE_TOPIC)
            beating.cancel()
            return fed, beats

        fed, beats = asyncio.run(scene())
        assert fed == entries
        assert beats >= entries // YIELD_EVERY
