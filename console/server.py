"""Running the console: engines, migrations, Kafka edges and the HTTP server, from settings.

    console = await start_console(settings, "127.0.0.1", 8080)     # returns once it serves
    print(console.url); ...; await console.stop()

    await serve(settings, "127.0.0.1", 8080, stop=event)           # until the event is set (the CLI)

``topics`` names the alerts and actions topics (tests use their own); ``kafka=False`` serves the
pages and the API without the bus (no live board, actions answer 503), for a database-only look.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from console.anchors import AuditAnchors
from console.intake_feed import DirectoryFeed
from console.live import ActionPublisher, AlertFeed, Broadcaster, Topics
from console.metrics import ConsoleMetrics
from console.service import Service
from console.store import migrate
from console.app import build_app
from console.web import ConsoleState
from runtime.connection import KafkaConnection
from runtime.settings import Settings
from streams.views.engine import make_engine
from streams.views.migrations import upgrade

__all__ = ["RunningConsole", "start_console", "serve", "open_hub", "console_connection"]

log = logging.getLogger(__name__)


def console_connection(settings: Settings) -> KafkaConnection:
    """The cluster as the catalogue's `console` principal when the cluster authenticates (its ACLs:
    read alerts and intake, write operator actions), else as is."""
    from runtime.credentials import principal_password
    from runtime.connection import resolve_connection
    connection = resolve_connection(settings)
    if connection.uses_sasl:
        return connection.as_principal("console", principal_password(settings, "console"))
    return connection


def open_hub(database_url: str, audit_key: bytes | None = None) -> Service:
    """Engines for the views (reader) and the console's tables (writer), both migrated. Without
    ``audit_key`` (`console.auditlog.audit_key`) the hub may read but appends nothing to the audit log."""
    writer = make_engine(database_url, writer=True)
    upgrade(writer)                 # the views' tables, so a console started before the worker works
    migrate(writer)
    return Service(make_engine(database_url), writer, audit_key)


def settings_audit_key(settings: Settings) -> bytes:
    from console.auditlog import audit_key
    return audit_key(settings.home, settings.audit_key)


@dataclass
class RunningConsole:
    url: str
    runner: web.AppRunner
    state: ConsoleState
    feed: AlertFeed | None
    publisher: ActionPublisher | None
    directory: "DirectoryFeed | None" = None
    stopping: str | None = None          # the step of `stop` under way ("": done), told if it is cut short
    anchors: "AuditAnchors | None" = None

    async def stop(self) -> None:
        """Every step, even after one failed: a step left undone leaves a client or a port open."""
        await self._step("the live alert feed", self.feed.stop if self.feed else None)
        await self._step("the person directory feed (entries not stored are read again from their offsets)",
                         self.directory.stop if self.directory else None)
        await self._step("the HTTP server (requests under way)", self.runner.cleanup)
        await self._step("the audit chain's anchor at shutdown", self.anchors.stop if self.anchors else None)
        await self._step("the operator action publisher", self.publisher.stop if self.publisher else None)
        self.stopping = "the database connections"
        self.state.sign_ins.close()
        self.state.hub.reader.dispose()
        self.state.hub.writer.dispose()
        self.stopping = ""

    async def _step(self, what: str, stop: Callable[[], Awaitable[None]] | None) -> None:
        self.stopping = what
        if stop is None:
            return
        try:
            await stop()
        except (Exception, asyncio.CancelledError) as err:
            # aiokafka's consumer.stop() re-raises its fetcher's cancellation when the broker is gone
            if asyncio.current_task().cancelling():                   # this stop itself is cancelled
                raise
            log.warning("stopping the console: closing %s failed (%r); going on", what, err)


async def start_console(settings: Settings, host: str = "127.0.0.1", port: int = 8080, *, topics: Topics = Topics(),
                        kafka: bool = True, secure_cookies: bool = False,
                        now: Callable[[], datetime] | None = None) -> RunningConsole:
    hub = await asyncio.to_thread(open_hub, settings.db_url, settings_audit_key(settings))
    broadcaster, metrics = Broadcaster(), ConsoleMetrics()
    metrics.watch(broadcaster)
    hub.on_audit = metrics.audited
    feed = publisher = directory = anchors = None
    if kafka:
        connection = console_connection(settings)
        publisher = ActionPublisher(connection, topics.actions)
        await publisher.start()
        feed = AlertFeed(connection, topics.alerts, broadcaster, metrics)
        try:
            await feed.start()
            if topics.intake:
                directory = DirectoryFeed(connection, topics.intake, hub.writer)
                await directory.start()
            if topics.anchors:
                anchors = AuditAnchors(connection, hub.writer, hub.audit_key, topic=topics.anchors)
                await anchors.start()
                hub.latest_anchor = lambda: anchors.published      # the auditor's page checks against it
        except BaseException:
            if directory is not None:
                await directory.stop()
            await feed.stop()
            await publisher.stop()
            raise
    state = ConsoleState(hub, broadcaster, publisher, secure_cookies=secure_cookies, metrics=metrics)
    if now is not None:
        state.now = now
    runner = web.AppRunner(build_app(state), access_log=None, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0][1] if runner.addresses else port
    return RunningConsole(f"http://{host}:{bound}", runner, state, feed, publisher, directory, anchors=anchors)


async def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080, *, topics: Topics = Topics(),
                kafka: bool = True, secure_cookies: bool = False, stop: asyncio.Event | None = None,
                on_ready: Callable[[RunningConsole], None] | None = None) -> None:
    """Serve until `stop` is set (or the task is cancelled), then stop the console."""
    console = await start_console(settings, host, port, topics=topics, kafka=kafka, secure_cookies=secure_cookies)
    try:
        if on_ready:
            on_ready(console)
        await (stop or asyncio.Event()).wait()
    finally:
        await console.stop()

