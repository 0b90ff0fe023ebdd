"""``sanpalang connect`` stops within SANPALANG_STOP_TIMEOUT whatever the broker's state, and says
what it abandoned (issue 18): a connector whose broker was stopped first, holding a request it
cannot commit, exits after SIGTERM instead of waiting for the broker."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from runtime.credentials import issue_intake_token
from ops.kafka import local
from runtime.connection import resolve_connection
from ops.ports import free_block
from runtime.settings import Settings
from runtime.stopping import EXIT_ABANDONED
from tests.missing import missing

from .conftest import ensure_topics

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
STOP_TIMEOUT_S = 6


@pytest.fixture(scope="module")
def own_broker(kafka_jar_cache):
    """A broker of its own on a private home, which the test stops under the connector."""
    home = Path(tempfile.mkdtemp(prefix="sanpalang-stop-"))
    settings = Settings(home=home, cache=kafka_jar_cache, kafka_port=free_block(2))
    absent = local.missing_packages(settings)
    if absent:
        missing(f"the broker tests need {', '.join(absent)}")
    local.up(settings)
    try:
        ensure_topics(settings, resolve_connection(settings))
        yield settings
    finally:
        local.down(settings, purge=True)
        shutil.rmtree(home, ignore_errors=True)


class Connector:
    """``sanpalang connect police --http 127.0.0.1:0`` in a child process, its output collected."""

    def __init__(self, settings: Settings) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANPALANG_")}
        env.update(SANPALANG_HOME=str(settings.home), SANPALANG_CACHE=str(settings.cache),
                   SANPALANG_KAFKA_PORT=str(settings.kafka_port), SANPALANG_STOP_TIMEOUT=str(STOP_TIMEOUT_S),
                   PYTHONPATH=str(ROOT))
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.process = subprocess.Popen([sys.executable, "-u", "-m", "ops.cli", "connect", "police", "--http",
                                         "127.0.0.1:0"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout_s: float) -> re.Match:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.output.append(line)
            if found := re.search(pattern, line):
                return found
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.output[-30:]))

    def rest_of_output(self) -> str:
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "\n".join(self.output)


def received(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        text = response.read().decode()
    found = re.search(r'sanpalang_connector_records_received_total\{agency="police",source="http"\} (\S+)', text)
    return float(found.group(1)) if found else 0.0


def post_in_background(port: int, token: str, records: list[dict]) -> None:
    """POST ``records``; the request waits on a commit that cannot happen, so no answer is awaited."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/records", data=json.dumps(records).encode(),
                                     headers={"Authorization": f"Bearer {token}"}, method="POST")

    def send() -> None:
        try:
            urllib.request.urlopen(request, timeout=120).read()
        except OSError:
            pass      # the connector closed the connection on its way out: what the test expects

    threading.Thread(target=send, daemon=True).start()


class TestConnectorStop:
    def test_a_connector_whose_broker_is_gone_stops_within_the_bound_and_says_what_it_abandoned(self, own_broker):
        token = issue_intake_token(own_broker, "police")
        connector = Connector(own_broker)
        try:
            port = int(connector.wait_for(r"HTTP intake on http://127\.0\.0\.1:(\d+)/", 120).group(1))
            local.stop_node(own_broker, 1)
            post_in_background(port, token, [{"record_id": f"r{i}"} for i in range(3)])
            deadline = time.monotonic() + 60
            while received(port) < 3:
                assert time.monotonic() < deadline, "the request never reached the connector"
                time.sleep(0.1)
            connector.process.send_signal(signal.SIGTERM)
            try:   # a failure guard only (3x the bound), not a measure of speed
                code = connector.process.wait(timeout=3 * STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise AssertionError("still running 3x the stop bound after SIGTERM:\n" + connector.rest_of_output())
        finally:
            if connector.process.poll() is None:
                connector.process.kill()
                connector.process.wait()
            local.start_node(own_broker, 1)
        output = connector.rest_of_output()
        assert code == EXIT_ABANDONED, output
        assert "abandoned 1 uncommitted batches (3 records)" in output, output

    def test_a_connector_with_nothing_pending_stops_cleanly_with_exit_0(self, own_broker):
        connector = Connector(own_broker)
        try:
            connector.wait_for(r"HTTP intake on http://", 120)
            connector.process.send_signal(signal.SIGTERM)
            code = connector.process.wait(timeout=3 * STOP_TIMEOUT_S)   # a failure guard only
        finally:
            if connector.process.poll() is None:
                connector.process.kill()
                connector.process.wait()
        output = connector.rest_of_output()
        assert code == 0, output
        assert "abandoned" not in output and "police connector stopped" in output
