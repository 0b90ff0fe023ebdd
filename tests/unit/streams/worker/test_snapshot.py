"""Snapshots of the correlator: restored, it goes on exactly as one that never stopped; anything
that is not certainly this code's state of this lane is refused."""

import os
import pickle
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from streams.aggregates import AggregateCounts
from streams.worker.correlator import CASES_TOPIC, Correlator
from streams.worker.lane import FLUSH, encoded, feed
from streams.worker.snapshot import Snapshot, SnapshotWriter, code_fingerprint, entry_digest, read_snapshot

KEY = b"a test key of at least thirty-two bytes"
WINDOW = timedelta(days=2)
LANE = "sanpalang-hub-lane"
ROOT = Path(__file__).resolve().parents[4]
CONTINUE_ELSEWHERE = """
import pickle, sys
from datetime import timedelta
from pathlib import Path
from streams.worker.lane import encoded, feed
from streams.worker.snapshot import code_fingerprint, read_snapshot
key, window = sys.argv[3].encode(), timedelta(days=2)
correlator = read_snapshot(Path(sys.argv[1]), code_fingerprint(key, window), "sanpalang-hub-lane", key).correlator
with open(sys.argv[2], "rb") as file:
    rest = pickle.load(file)
sys.stdout.buffer.write(pickle.dumps(encoded([o for v in rest for o in feed(correlator, v)])))
"""


@pytest.fixture(scope="module")
def values(lifecycle_publications):
    return [p.value for p in lifecycle_publications]


def written(tmp_path, snapshot: Snapshot):
    writer = SnapshotWriter(tmp_path / "worker" / "correlator.snapshot", every_seconds=0)
    assert writer.due()
    writer.write(snapshot)                      # a forked child writes it
    writer.close()
    return writer.path


def snapshot_of(correlator, aggregates=None, offset=10, last=b"last entry", fingerprint=None, lane=LANE):
    return Snapshot(fingerprint or code_fingerprint(KEY, WINDOW), lane, offset, entry_digest(last), correlator,
                    aggregates or AggregateCounts())


class TestARestoredCorrelator:
    def test_publishes_for_the_rest_of_the_lane_what_one_that_never_stopped_publishes(self, values, tmp_path):
        half = len(values) // 2
        running = Correlator(consumer_key=KEY, window=WINDOW)
        before = [o for v in values[:half] for o in feed(running, v)]
        aggregates = AggregateCounts()
        for output in before:
            if output.topic == CASES_TOPIC:
                aggregates.add(output.record)
        path = written(tmp_path, snapshot_of(running, aggregates))
        restored = read_snapshot(path, code_fingerprint(KEY, WINDOW), LANE, KEY)
        assert restored is not None and restored.next_offset == 10
        assert restored.aggregates.tables() == aggregates.tables()
        rest = [*values[half:], FLUSH]
        went_on = encoded([o for v in rest for o in feed(running, v)])
        assert before and went_on
        assert encoded([o for v in rest for o in feed(restored.correlator, v)]) == went_on

    def test_goes_on_the_same_in_another_process(self, values, tmp_path):
        """Another process hashes strings with another seed: nothing in the state may depend on it."""
        half = len(values) // 2
        running = Correlator(consumer_key=KEY, window=WINDOW)
        for v in values[:half]:
            feed(running, v)
        path = written(tmp_path, snapshot_of(running))
        rest = tmp_path / "rest"
        rest.write_bytes(pickle.dumps([*values[half:], FLUSH]))
        went_on = encoded([o for v in pickle.loads(rest.read_bytes()) for o in feed(running, v)])
        elsewhere = subprocess.run(
            [sys.executable, "-c", CONTINUE_ELSEWHERE, str(path), str(rest), KEY.decode()], capture_output=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": "12345"}, cwd=ROOT)
        assert pickle.loads(elsewhere.stdout) == went_on

    def test_does_not_hold_the_pseudonym_key(self, tmp_path):
        running = Correlator(consumer_key=KEY, window=WINDOW)
        path = written(tmp_path, snapshot_of(running))
        assert KEY not in path.read_bytes()
        assert running.consumer_key == KEY                  # only the writing child's copy went without

    def test_is_readable_by_the_workers_user_only(self, tmp_path):
        path = written(tmp_path, snapshot_of(Correlator(consumer_key=KEY, window=WINDOW)))
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        assert [p.name for p in path.parent.iterdir()] == [path.name]      # no temporary file left


class TestASnapshotIsRefused:
    @pytest.fixture
    def path(self, tmp_path):
        return written(tmp_path, snapshot_of(Correlator(consumer_key=KEY, window=WINDOW)))

    def test_when_there_is_none(self, tmp_path):
        assert read_snapshot(tmp_path / "none", code_fingerprint(KEY, WINDOW), LANE, KEY) is None

    def test_when_another_key_or_window_made_it(self, path):
        assert read_snapshot(path, code_fingerprint(b"another key of at least thirty-two bytes", WINDOW), LANE, KEY) is None
        assert read_snapshot(path, code_fingerprint(KEY, timedelta(0)), LANE, KEY) is None

    def test_when_it_is_of_another_lane(self, path):
        assert read_snapshot(path, code_fingerprint(KEY, WINDOW), "another-lane", KEY) is None

    def test_when_others_may_write_it(self, path):
        os.chmod(path, 0o620)
        assert read_snapshot(path, code_fingerprint(KEY, WINDOW), LANE, KEY) is None

    def test_when_it_is_truncated(self, path):
        path.write_bytes(path.read_bytes()[:100])
        assert read_snapshot(path, code_fingerprint(KEY, WINDOW), LANE, KEY) is None


class TestTheWriter:
    def test_waits_its_interval_between_snapshots(self, tmp_path):
        writer = SnapshotWriter(tmp_path / "s", every_seconds=3600)
        assert not writer.due()
