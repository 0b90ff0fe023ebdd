"""`sanpalang console` stops within `SANPALANG_STOP_TIMEOUT` of SIGINT or SIGTERM with its broker
gone, closing every Kafka client and its port, on a broker of the test's own (stopped under it)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from bench.hub_run import wait_until
from ops.kafka import local
from runtime.stopping import EXIT_ABANDONED
from tests.integration.streams.hub import fresh_broker

pytestmark = pytest.mark.broker
ROOT = Path(__file__).resolve().parents[3]
STOP_TIMEOUT_S, MARGIN_S = 3, 12             # the margin is a failure guard, not a measure


@pytest.fixture
def broker(tmp_path, kafka_jar_cache):
    hub = fresh_broker(tmp_path, kafka_jar_cache)
    try:
        yield hub
    finally:
        hub.stop()


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            return True
        except OSError:
            return False


class TestAConsoleWhoseBrokerIsGone:
    @pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
    def test_stops_within_the_stop_timeout_closing_its_clients_and_its_port(self, broker, tmp_path, signum):
        env = {**os.environ, "SANPALANG_HOME": str(broker.settings.home),
               "SANPALANG_KAFKA_PORT": str(broker.settings.kafka_port), "SANPALANG_DATABASE_URL": broker.database_url,
               "SANPALANG_STOP_TIMEOUT": str(STOP_TIMEOUT_S), "PYTHONPATH": str(ROOT)}
        env.pop("SANPALANG_KAFKA_BOOTSTRAP", None)
        out, log = tmp_path / "console.out", tmp_path / "console.log"
        console = subprocess.Popen([sys.executable, "-m", "ops.cli", "console", "--port", "0"], env=env, cwd=ROOT,
                                   stdout=out.open("wb"), stderr=log.open("wb"))
        try:
            wait_until(lambda: out.read_text().strip() != "" or console.poll() is not None, timeout=120,
                       what="the console serving")
            address = urlparse(out.read_text().split()[0])
            local.stop_node(broker.settings, 1)
            console.send_signal(signum)
            started = time.monotonic()
            code = console.wait(timeout=STOP_TIMEOUT_S + MARGIN_S)
            print(f"stopped in {time.monotonic() - started:.1f} s with exit code {code}")
        finally:
            if console.poll() is None:
                console.kill()
                console.wait(timeout=30)
        text = log.read_text(errors="replace")
        assert code in (0, EXIT_ABANDONED), text[-3000:]
        if code == EXIT_ABANDONED:
            assert len(re.findall(rf"not stopped within {STOP_TIMEOUT_S} s .*: abandoned ", text)) == 1
        else:
            assert "console stopped" in text and "Unclosed" not in text, text[-3000:]
        assert _port_free(address.hostname, address.port)
