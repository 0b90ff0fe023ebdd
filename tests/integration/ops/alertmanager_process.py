"""A real Alertmanager (Debian `prometheus-alertmanager`) on a free loopback port, for one test module.

Its configuration routes every alert, grouped per hub alert id, to a webhook served by the test
process itself, with `send_resolved`, so that a test can see resolutions as a receiver would: the
v2 API lists active alerts only. Clustering is off (no port 9094 taken). Without the binary the
tests are skipped, or fail under CI=true.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

from ops.ports import free_port
from tests.missing import missing

BINARY = "prometheus-alertmanager"
START_ATTEMPTS = 3


def require_binary(name: str, package: str) -> str:
    """The tool's path; without it, skip (fail under CI=true), naming the package to install."""
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if path:
        return path
    message = f"{name} not found: sudo apt-get install -y {package}"
    missing(message)


@dataclass
class Webhook:
    """Notifications Alertmanager sent, as decoded JSON bodies."""

    received: list[dict[str, Any]] = field(default_factory=list)

    def alerts(self) -> list[dict[str, Any]]:
        return [alert for note in list(self.received) for alert in note["alerts"]]


def _serve_webhook() -> tuple[ThreadingHTTPServer, Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            hook.received.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hook


def _config(webhook_port: int) -> str:
    # JSON is YAML: no YAML library needed.
    return json.dumps({
        "route": {"receiver": "hub", "group_by": ["alert_id"], "group_wait": "0s", "group_interval": "1s",
                  "repeat_interval": "1h"},
        "receivers": [{"name": "hub", "webhook_configs": [
            {"url": f"http://127.0.0.1:{webhook_port}/hook", "send_resolved": True}]}],
    }, indent=2)


@dataclass
class Alertmanager:
    url: str
    webhook: Webhook

    def alerts(self, **filters: str) -> list[dict[str, Any]]:
        """`GET /api/v2/alerts`: the active (firing, silenced or inhibited) alerts."""
        query = "&".join(f"filter={k}%3D%22{v}%22" for k, v in filters.items())
        with urllib.request.urlopen(f"{self.url}/api/v2/alerts?{query}", timeout=5) as response:
            return json.loads(response.read())


def _ready(url: str, process: subprocess.Popen, deadline_s: float) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def run_alertmanager(root: Path, port: int | None = None) -> Iterator[Alertmanager]:
    """Alertmanager on `port` (else a free one) until the generator is closed."""
    binary = require_binary(BINARY, "prometheus-alertmanager")
    server, hook = _serve_webhook()
    config = root / "alertmanager.yml"
    config.write_text(_config(server.server_address[1]))
    process = None
    try:
        for attempt in range(START_ATTEMPTS if port is None else 1):  # a free port may be taken meanwhile
            listen = port or free_port()
            log = open(root / f"alertmanager-{attempt}.log", "wb")
            process = subprocess.Popen(
                [binary, f"--config.file={config}", f"--storage.path={root / 'data'}",
                 f"--web.listen-address=127.0.0.1:{listen}", "--cluster.listen-address=", "--log.level=warn"],
                stdout=log, stderr=subprocess.STDOUT)
            url = f"http://127.0.0.1:{listen}"
            if _ready(url, process, 20):
                yield Alertmanager(url, hook)
                return
            _stop(process)
        raise RuntimeError(f"Alertmanager did not start; see {root}/alertmanager-*.log")
    finally:
        if process is not None:
            _stop(process)
        server.shutdown()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def eventually(check: Callable[[], Any], timeout_s: float = 10.0, interval_s: float = 0.1) -> Any:
    """The first truthy result of `check` (run in a thread: it may block), polled until
    `timeout_s` without stopping the event loop; AssertionError after it."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"still {result!r} after {timeout_s} s")
        await asyncio.sleep(interval_s)
