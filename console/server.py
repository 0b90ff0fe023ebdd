"""Running the console: engines, migrations, Kafka edges and the HTTP server, from settings.

    console = await start_console(settings, "127.0.0.1", 8080)     # returns once it serves
    print(console.url); ...; await console.stop()

    await serve(settings, "127.0.0.1", 8080)                       # until cancelled (the CLI)

``topics`` names the alerts and actions topics (tests use their own); ``kafka=False`` serves the
pages and the API without the bus (no live board, actions answer 503), for a database-only look.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from console.intake_feed import DirectoryFeed
from console.live import ActionPublisher, AlertFeed, Broadcaster, Topics
from console.metrics import ConsoleMetrics
from console.service import Hub
from console.store import migrate
from console.web import ConsoleState, build_app
from ops.kafka.connection import KafkaConnection
from ops.settings import Settings
from streams.views.engine import make_engine
from streams.views.migrations import upgrade

__all__ = ["RunningConsole", "start_console", "serve", "open_hub", "console_connection"]


def console_connection(settings: Settings) -> KafkaConnection:
    """The cluster as the catalogue's `console` principal when the cluster authenticates (its ACLs:
    read alerts and intake, write operator actions), else as is."""
    from ops.credentials import principal_password
    from ops.kafka.connection import resolve_connection
    connection = resolve_connection(settings)
    if connection.uses_sasl:
        return connection.as_principal("console", principal_password(settings, "console"))
    return connection


def open_hub(database_url: str) -> Hub:
    """Engines for the views (reader) and the console's tables (writer), both migrated."""
    writer = make_engine(database_url, writer=True)
    upgrade(writer)                 # the views' tables, so a console started before the worker works
    migrate(writer)
    return Hub(make_engine(database_url), writer)


@dataclass
class RunningConsole:
    url: str
    runner: web.AppRunner
    state: ConsoleState
    feed: AlertFeed | None
    publisher: ActionPublisher | None
    directory: "DirectoryFeed | None" = None

    async def stop(self) -> None:
        if self.feed is not None:
            await self.feed.stop()
        if self.directory is not None:
            await self.directory.stop()
        await self.runner.cleanup()
        if self.publisher is not None:
            await self.publisher.stop()
        self.state.hub.reader.dispose()
        self.state.hub.writer.dispose()


async def start_console(settings: Settings, host: str = "127.0.0.1", port: int = 8080, *, topics: Topics = Topics(),
                        kafka: bool = True, secure_cookies: bool = False,
                        now: Callable[[], datetime] | None = None) -> RunningConsole:
    hub = await asyncio.to_thread(open_hub, settings.db_url)
    broadcaster, metrics = Broadcaster(), ConsoleMetrics()
    metrics.watch(broadcaster)
    hub.on_audit = metrics.audited
    feed = publisher = directory = None
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
        except BaseException:
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
    return RunningConsole(f"http://{host}:{bound}", runner, state, feed, publisher, directory)


async def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080, *, topics: Topics = Topics(),
                kafka: bool = True, secure_cookies: bool = False, on_ready: Callable[[str], None] | None = None) -> None:
    console = await start_console(settings, host, port, topics=topics, kafka=kafka, secure_cookies=secure_cookies)
    try:
        if on_ready:
            on_ready(console.url)
        await asyncio.Event().wait()
    finally:
        await console.stop()

