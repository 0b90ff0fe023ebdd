"""``sanpalang connect <agency>``: one connector process, one or several sources, one publisher.

Wires the shells together: the agency's principal (on a SASL cluster), its mapping, the shared
transactional publisher, the sources asked for, and ``/health`` + ``/metrics``. SIGTERM or Ctrl-C
stops the sources first (the batch in hand is finished), then the publisher.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from aiohttp import web

from connectors.metrics import ConnectorMetrics
from connectors.publisher import Publisher
from connectors.sources import FileDropSource, HttpIntake, SourceContext, SqlPollSource
from connectors.sources.http import health_routes
from ops.credentials import principal_password
from ops.kafka.connection import KafkaConnection, resolve_connection
from ops.settings import Settings
from schemas.catalogue import load_catalogue

__all__ = ["ConnectorPlan", "http_token", "run_connector"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectorPlan:
    """What one connector process runs (from the command line)."""

    agency: str
    http: tuple[str, int] | None = None
    watch: Path | None = None
    sql_url: str | None = None
    table: str | None = None
    watermark: str = "updated_at"
    metrics: tuple[str, int] | None = None
    instance: str = "main"

    def check(self) -> None:
        agencies = load_catalogue().agencies
        if self.agency not in agencies:
            raise ValueError(f"unknown agency {self.agency!r}; one of {', '.join(agencies)}")
        if not (self.http or self.watch or self.sql_url):
            raise ValueError("give at least one source: --http HOST:PORT, --watch DIR or --sql URL --table T")
        if bool(self.sql_url) != bool(self.table):
            raise ValueError("--sql and --table go together")


def http_token(settings: Settings, agency: str) -> str:
    """The bearer token an agency's system presents to its HTTP intake (generated once, kept)."""
    return principal_password(settings, f"http:{agency}")


def connector_connection(settings: Settings, agency: str) -> KafkaConnection:
    """The cluster as the agency's own principal when the cluster authenticates, else as is."""
    connection = resolve_connection(settings)
    if connection.uses_sasl:
        return connection.as_principal(agency, principal_password(settings, agency))
    return connection


async def run_connector(settings: Settings, plan: ConnectorPlan, progress: Callable[[str], None],
                        stop: asyncio.Event | None = None) -> None:
    plan.check()
    from connectors.agencies import mapper_for

    stop = stop or asyncio.Event()
    metrics = ConnectorMetrics(plan.agency)
    publisher = Publisher(connector_connection(settings, plan.agency), plan.agency, plan.instance, metrics)
    await publisher.start()
    context = SourceContext(plan.agency, mapper_for(plan.agency), publisher, metrics)
    sources: list = []
    if plan.watch:
        sources.append(FileDropSource(context, plan.watch))
    if plan.sql_url and plan.table:
        sources.append(SqlPollSource(context, plan.sql_url, plan.table, watermark=plan.watermark))
    http = None
    if plan.http:
        tokens = {agency: http_token(settings, agency) for agency in load_catalogue().agencies}
        http = HttpIntake(context, plan.http[0], plan.http[1], tokens)
    metrics_runner = None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    tasks = [asyncio.create_task(source.run(), name=f"{plan.agency}-{source.kind}") for source in sources]
    try:
        if http:
            await http.run()
            progress(f"{plan.agency} HTTP intake on http://{plan.http[0]}:{http.bound_port}/v1/records "
                     "(also /health, /metrics)")
        elif plan.metrics:
            metrics_runner = await _serve_metrics(context, publisher, *plan.metrics)
            progress(f"{plan.agency} metrics on http://{plan.metrics[0]}:{plan.metrics[1]}/metrics")
        for source in sources:
            progress(f"{plan.agency} {source.kind} source running")
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done - {waiter}:
            task.result()  # a source that failed ends the process with its error
    finally:
        for source in sources:
            await source.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        if http:
            await http.stop()
        if metrics_runner:
            await metrics_runner.cleanup()
        await publisher.stop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        progress(f"{plan.agency} connector stopped")


async def _serve_metrics(context: SourceContext, publisher: Publisher, host: str, port: int) -> web.AppRunner:
    app = web.Application()
    app.add_routes(health_routes(context, lambda: publisher.degraded_reason))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
