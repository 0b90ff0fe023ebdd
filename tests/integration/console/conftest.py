"""Fixtures of the console tests: a world in a SQLite file, and the console serving it from a
background thread (no broker: operator actions go to a recording sink instead of the bus)."""

from __future__ import annotations

import asyncio
import http.client
import os
import sys
import json
import re
import threading
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from runtime.settings import Settings
from tests.integration.console.world import NOW, PASSWORD, World, build_world, index_names


class RecordingSink:
    """Stands for the action publisher: keeps what would have gone to operator.actions.v1."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send(self, action: dict[str, Any]) -> None:
        self.sent.append(action)


class ServerThread:
    """`start_console(kafka=False)` on its own event loop in a thread."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        from console.server import start_console
        kafka = kwargs.setdefault("kafka", False)
        if not kafka:
            kwargs.setdefault("now", lambda: NOW)
        self.running = self.call(start_console(settings, "127.0.0.1", 0, **kwargs))
        self.sink = RecordingSink()
        if not kafka:
            self.running.state.actions = self.sink
        self.url = self.running.url

    def call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def stop(self) -> None:
        self.call(self.running.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str]
    set_cookies: list[str] = field(default_factory=list)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Browserless:
    """A tiny cookie-keeping HTTP client (no redirects followed), enough for session tests."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, token: str | None = None, json_body: Any = None,
                form: dict[str, str] | None = None, headers: dict[str, str] | None = None) -> Reply:
        u = urlparse(self.base)
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        h = dict(headers or {})
        body = None
        if token:
            h["Authorization"] = f"Bearer {token}"
        if json_body is not None:
            body, h["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        if form is not None:
            body, h["Content-Type"] = urlencode(form).encode(), "application/x-www-form-urlencoded"
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        conn.close()
        return Reply(response.status, data, {k: v for k, v in response.headers.items()},
                     list(response.headers.get_all("Set-Cookie") or []))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    world = build_world(f"sqlite:///{tmp_path_factory.mktemp('console') / 'hub.db'}")
    index_names(world.url)
    return world


@pytest.fixture(scope="module")
def server(world, tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("home"), database_url=world.url)
    running = ServerThread(settings)
    yield running
    running.stop()


@pytest.fixture
def client(server) -> Browserless:
    return Browserless(server.url)


def csrf_token(html: str) -> str:
    """The CSRF value a page's forms carry."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: Browserless, name: str, password: str = PASSWORD):
    form = client.request("GET", "/sign-in")
    return client.request("POST", "/sign-in", form={"csrf_token": csrf_token(form.text), "username": name,
                                                    "password": password, "next": "/"})


def screenshots_dir(name: str, tmp_path: Path) -> Path:
    """Where a browser test writes its screenshots: `$SANPALANG_TEST_ARTEFACTS/<name>` (CI keeps it),
    else the test's temporary directory; printed, so a reader finds them."""
    root = os.environ.get("SANPALANG_TEST_ARTEFACTS")
    path = Path(root) / name if root else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    print(f"\n[{name}] screenshots in {path}", file=sys.__stderr__, flush=True)
    return path
