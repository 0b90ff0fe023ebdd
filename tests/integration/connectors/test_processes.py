"""``sanpalang connect AGENCY --processes 2``: two children share the file drop, the SQL table and
the HTTP port without overlap, and one of them killed with SIGKILL mid-run (restarted by the
supervisor) loses and doubles nothing: the events on the topic are those of the input, once each,
by event id. The records are the intake bench's (the agencies' own mappings)."""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.intake import EXAMPLES, crossing_rows, labour_csv, police_records
from connectors.agencies import mapper_for
from connectors.records import Origin, SourceRecord
from connectors.routing import route
from connectors.sources.files import read_bytes
from runtime.credentials import issue_intake_token
from runtime.settings import Settings

from .support import landed

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
RECEIVED = dt.datetime.now(dt.timezone.utc)


class Supervisor:
    """``sanpalang connect AGENCY --processes 2 ...`` in a child process, its output collected."""

    def __init__(self, settings: Settings, agency: str, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANPALANG_")}
        env.update(SANPALANG_HOME=str(settings.home), SANPALANG_CACHE=str(settings.cache),
                   SANPALANG_KAFKA_PORT=str(settings.kafka_port), PYTHONPATH=str(ROOT))
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "ops.cli", "connect", agency, "--processes", "2",
                                         *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()
        self.pids = [int(p) for p in self.wait_for(r"2 processes \(pids (\d+), (\d+)\)", 60).groups()]

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for(self, pattern: str, timeout_s: float) -> re.Match:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=0.2)
            except queue.Empty:
                continue
            if line is None:
                break
            self.output.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.output[-40:]))

    def wait_ready(self, pattern: str) -> None:
        for _ in range(2):
            self.wait_for(pattern, 120)

    def kill_child(self, index: int) -> None:
        os.kill(self.pids[index], signal.SIGKILL)
        self.wait_for(rf"p{index}of2 was killed by signal 9; restarting it", 30)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("the supervisor did not stop within 60 s of SIGTERM:\n" + "\n".join(self.output[-40:]))
        while (line := self._lines.get(timeout=10)) is not None:   # the rest of its output (ends with None)
            self.output.append(line)
        return code


def until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(0.1)


def event_ids(agency: str, records: list[SourceRecord]) -> Counter:
    routed = [p for record in records for p in route(agency, record, mapper_for(agency), RECEIVED)]
    assert not [p for p in routed if p.dead_letter], "the test's records must all map"
    return Counter(p.event_id for p in routed)


def on_topic(connection, agency: str, needle: str, expected: Counter) -> Counter:
    """How often each expected event id is on the agency's intake topic (read committed); with a
    ``needle`` (this test's prefix) its dead letters must be none."""
    result = landed(connection, agency, needle)
    assert not needle or result.letters == []
    return Counter(e["envelope"]["event_id"] for e in result.events if e["envelope"]["event_id"] in expected)


class TestTwoProcessesFileDrop:
    def test_every_file_is_read_by_one_process_and_a_child_killed_mid_run_loses_and_doubles_nothing(
            self, catalogue, kafka_settings, tmp_path, prefix):
        watch = tmp_path / "drop"
        watch.mkdir()
        names = [f"inspection_{prefix}-{n}.csv" for n in range(8)]
        contents = {name: labour_csv(1500, f"{prefix}-{n}", seed=n) for n, name in enumerate(names)}
        expected = event_ids("labour", [r.record for name in names for r in read_bytes(name, contents[name])[1]])
        supervisor = Supervisor(kafka_settings, "labour", "--watch", str(watch))

        def deliver(batch: list[str]) -> None:   # by rename from .part: taken at once
            for name in batch:
                (watch / f"{name}.part").write_bytes(contents[name])
                (watch / f"{name}.part").rename(watch / name)

        try:
            supervisor.wait_ready(r"labour file source running")
            deliver(names[:4])
            supervisor.wait_for(r"(p0of2|p1of2) connectors\.sources\.filedrop: labour file drop: \S+ published", 120)
            supervisor.kill_child(0)
            deliver(names[4:])                  # mid-run by construction: half the files come after the kill
            until(lambda: sorted(p.name for p in (watch / "done").iterdir()) == sorted(names), 240, "every file done")
        finally:
            code = supervisor.stop()
        assert code == 0
        assert not list(watch.glob("*.csv")) and not list((watch / "claimed").rglob("*.csv"))
        assert on_topic(catalogue, "labour", prefix, expected) == expected
        assert set(expected.values()) == {1}
        readers: dict[str, set[str]] = {}
        for line in supervisor.output:
            if m := re.search(r" (p\dof2) .*file drop: (\S+) published", line):
                readers.setdefault(m.group(2), set()).add(m.group(1))
        assert sorted(readers) == sorted(names) and all(len(r) == 1 for r in readers.values()), readers


class TestTwoProcessesSqlPolling:
    def test_every_row_is_published_by_the_process_its_key_hashes_to_and_a_kill_loses_and_doubles_nothing(
            self, catalogue, kafka_settings, tmp_path, prefix):
        rows = crossing_rows(8000, seed=7)
        # watermarks of this run only (now minus a minute, 1 ms apart): checkpoints of the shared
        # topic from earlier runs are behind them, and the event ids (which carry the version) are new
        start = dt.datetime.now() - dt.timedelta(seconds=60)
        for i, row in enumerate(rows):    # timestamps as the text SQLite keeps and the source reads back
            row.update({k: v.isoformat(" ") for k, v in row.items() if isinstance(v, dt.datetime)},
                       updated_at=(start + dt.timedelta(milliseconds=i)).isoformat(" "))
        url = f"sqlite:///{tmp_path / 'immigration.db'}"
        engine = sa.create_engine(url)
        table = sa.table("crossings", *[sa.column(k) for k in rows[0]])
        with engine.begin() as conn:
            conn.exec_driver_sql((EXAMPLES / "immigration.sql").read_text().split("CREATE INDEX")[0])
            conn.execute(table.insert(), rows[:4000])
        expected = event_ids("immigration", [SourceRecord(Origin("sql", "crossings", str(r["id"])), b"", r)
                                             for r in rows])
        supervisor = Supervisor(kafka_settings, "immigration", "--sql", url, "--table", "crossings")
        try:
            supervisor.wait_ready(r"immigration sql source running")
            until(lambda: len(on_topic(catalogue, "immigration", "", expected)) >= 1000, 120, "the first rows")
            supervisor.kill_child(0)
            with engine.begin() as conn:        # mid-run by construction: half the rows come after the kill
                conn.execute(table.insert(), rows[4000:])
            until(lambda: len(on_topic(catalogue, "immigration", "", expected)) == len(expected), 240, "every row")
        finally:
            code = supervisor.stop()
            engine.dispose()
        assert code == 0
        assert on_topic(catalogue, "immigration", "", expected) == expected


class Sender:
    """POSTs keyed batches from a few threads, each request on a new connection (so the kernel
    spreads them over the children), sending a batch again with its key until it gets a 202."""

    def __init__(self, port: int, token: str, batches: list[list[dict]], key_prefix: str, threads: int = 4) -> None:
        self.url, self.token, self.batches, self.key_prefix = f"http://127.0.0.1:{port}/v1/records", token, batches, key_prefix
        self.answered: dict[int, dict] = {}
        self.retries = 0
        self._threads = [threading.Thread(target=self._send, args=(range(i, len(batches), threads),), daemon=True)
                         for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def _send(self, indices: range) -> None:
        for index in indices:
            deadline = time.monotonic() + 120
            while index not in self.answered and time.monotonic() < deadline:
                request = urllib.request.Request(
                    self.url, data=json.dumps(self.batches[index]).encode(), method="POST",
                    headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                             "Idempotency-Key": f"{self.key_prefix}-{index}"})
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        assert response.status == 202
                        self.answered[index] = json.loads(response.read())
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    self.retries += 1    # a killed child's connection, a 503: the same key again
                    time.sleep(0.05)

    def join(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))


class TestTwoProcessesHttpIntake:
    def test_both_processes_serve_one_port_and_a_kill_with_retries_by_key_loses_and_doubles_nothing(
            self, catalogue, kafka_settings, prefix):
        token = issue_intake_token(kafka_settings, "police")
        records = police_records(1200, prefix, seed=9)
        batches = [records[i:i + 20] for i in range(0, len(records), 20)]
        expected = event_ids("police", [SourceRecord(Origin("http", "/v1/records", "0"), b"", r) for r in records])
        supervisor = Supervisor(kafka_settings, "police", "--http", "127.0.0.1:0")
        try:
            ports = {supervisor.wait_for(r"HTTP intake on http://127\.0\.0\.1:(\d+)/", 120).group(1) for _ in range(2)}
            assert len(ports) == 1, "both children on one port"
            port, half = int(ports.pop()), len(batches) // 2
            first = Sender(port, token, batches[:half], f"{prefix}-a")
            until(lambda: len(first.answered) >= 15, 120, "the first answers")
            supervisor.kill_child(0)
            second = Sender(port, token, batches[half:], f"{prefix}-b")   # mid-run by construction: after the kill
            first.join(240)
            second.join(240)
            unanswered = len(batches) - len(first.answered) - len(second.answered)
            assert unanswered == 0, f"{unanswered} batches unanswered"
        finally:
            code = supervisor.stop()
        assert code == 0
        assert on_topic(catalogue, "police", prefix, expected) == expected
        assert set(expected.values()) == {1}
        served = {m.group(1) for line in supervisor.output if (m := re.search(r"(p\dof2) .*HTTP intake on", line))}
        assert served == {"p0of2", "p1of2"}


class TestOneKeyAtBothProcessesAtOnce:
    def test_is_published_once_and_every_caller_gets_the_first_answer(self, catalogue, kafka_settings, prefix):
        """Callers that retry before the first answer came (timed out on a loaded machine): each
        batch is posted by six threads at once with its key, each on a new connection, so the kernel
        gives them to both processes while the first is under way."""
        token = issue_intake_token(kafka_settings, "police")
        records = police_records(240, prefix, seed=11)
        batches = [records[i:i + 20] for i in range(0, len(records), 20)]
        expected = event_ids("police", [SourceRecord(Origin("http", "/v1/records", "0"), b"", r) for r in records])
        supervisor = Supervisor(kafka_settings, "police", "--http", "127.0.0.1:0")
        answers: dict[int, list[dict]] = {i: [] for i in range(len(batches))}
        try:
            ports = {supervisor.wait_for(r"HTTP intake on http://127\.0\.0\.1:(\d+)/", 120).group(1) for _ in range(2)}
            url = f"http://127.0.0.1:{ports.pop()}/v1/records"

            def post(index: int) -> None:
                request = urllib.request.Request(
                    url, data=json.dumps(batches[index]).encode(), method="POST",
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                             "Idempotency-Key": f"{prefix}-once-{index}"})
                with urllib.request.urlopen(request, timeout=120) as response:
                    answers[index].append(json.loads(response.read()))

            for index in range(len(batches)):
                callers = [threading.Thread(target=post, args=(index,)) for _ in range(6)]
                for caller in callers:
                    caller.start()
                for caller in callers:
                    caller.join(150)
        finally:
            code = supervisor.stop()
        assert code == 0
        assert all(len(given) == 6 and all(answer == given[0] for answer in given) for given in answers.values())
        assert on_topic(catalogue, "police", prefix, expected) == expected
        assert set(expected.values()) == {1}
