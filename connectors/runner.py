"""``sanpalang connect <agency>``: one connector process, one or several sources, one publisher.

Wires the shells together: the agency's principal (on a SASL cluster), its mapping, the shared
transactional publisher, the sources asked for, and ``/health`` + ``/metrics``.

SIGTERM or Ctrl-C stops it within ``Settings.stop_timeout_s`` whatever the broker's state: the
sources finish the batch in hand and the HTTP intake stops taking connections while the publisher
commits what it holds; whatever is still uncommitted when the time is up is abandoned, which the
transactional design allows (a source's checkpoint did not move, so it reads those records again
after the restart; an HTTP caller got no answer or a 503 and sends again). One log line says what
was abandoned and the exit code is ``EXIT_ABANDONED`` (75, EX_TEMPFAIL) instead of 0. Should the
event loop itself not come back (a SQL query in a thread cannot be interrupted), the
``runtime.stopping.StopDeadline`` armed by the signal ends the process at the bound, naming the same.
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
from connectors.publisher import Abandoned, Publisher
from connectors.sources import FileDropSource, HttpIntake, SourceContext, SqlPollSource
from connectors.sources.filedrop import STABLE_S
from connectors.sources.http import health_routes
from connectors.sources.http_claims import KeyClaims
from connectors.sources.sharing import Share
from runtime.credentials import intake_token_digest, principal_password
from runtime.connection import KafkaConnection, resolve_connection
from runtime.settings import Settings
from runtime.stopping import EXIT_ABANDONED, StopDeadline
from schemas.catalogue import load_catalogue

__all__ = ["ConnectorPlan", "NoIntakeToken", "run_connector"]

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
    stable_s: float = STABLE_S
    share: Share = Share()      # child i of N processes of this agency (--processes N)

    def check(self) -> None:
        agencies = load_catalogue().agencies
        if self.agency not in agencies:
            raise ValueError(f"unknown agency {self.agency!r}; one of {', '.join(agencies)}")
        if not (self.http or self.watch or self.sql_url):
            raise ValueError("give at least one source: --http HOST:PORT, --watch DIR or --sql URL --table T")
        if bool(self.sql_url) != bool(self.table):
            raise ValueError("--sql and --table go together")


class NoIntakeToken(RuntimeError):
    """The agency's HTTP intake has no token issued: nobody could be let in."""


def intake_digests(settings: Settings, agency: str) -> dict[str, str]:
    """The digests of every agency's intake token that was issued (another agency's token is told
    apart from a wrong one: 403, not 401); this agency's must be among them."""
    digests = {a: d for a in load_catalogue().agencies if (d := intake_token_digest(settings, a))}
    if agency not in digests:
        raise NoIntakeToken(f"no HTTP intake token was issued for {agency}: run `sanpalang connect {agency} "
                            "--new-token` and give the token it prints to the agency's system")
    return digests


def connector_connection(settings: Settings, agency: str) -> KafkaConnection:
    """The cluster as the agency's own principal when the cluster authenticates, else as is."""
    connection = resolve_connection(settings)
    if connection.uses_sasl:
        return connection.as_principal(agency, principal_password(settings, agency))
    return connection


async def run_connector(settings: Settings, plan: ConnectorPlan, progress: Callable[[str], None],
                        stop: asyncio.Event | None = None) -> int:
    """Run until ``stop`` is set or a signal comes; 0, or ``EXIT_ABANDONED`` if work was given up."""
    plan.check()
    from connectors.agencies import mapper_for

    digests = intake_digests(settings, plan.agency) if plan.http else {}

    stop = stop or asyncio.Event()
    metrics = ConnectorMetrics(plan.agency)
    share = plan.share
    publisher = Publisher(connector_connection(settings, plan.agency), plan.agency, share.instance(plan.instance),
                          metrics)
    await publisher.start()
    context = SourceContext(plan.agency, mapper_for(plan.agency), publisher, metrics)
    sources: list = []
    if plan.watch:
        claim = share.claim_folder()
        sources.append(FileDropSource(context, plan.watch, stable_s=plan.stable_s,
                                      claim_dir=plan.watch / claim if claim else None))
    if plan.sql_url and plan.table:
        sources.append(SqlPollSource(context, plan.sql_url, plan.table, watermark=plan.watermark, share=share))
    http = None
    if plan.http:
        claims = KeyClaims(settings.home / "connectors" / plan.agency / "http-claims") if share.shared else None
        http = HttpIntake(context, plan.http[0], plan.http[1], digests, reuse_port=share.shared, claims=claims)
    metrics_runner = None
    loop = asyncio.get_running_loop()

    deadline = StopDeadline(settings.stop_timeout_s, lambda: _uncommitted(publisher.outstanding()), log)

    def on_signal() -> None:
        stop.set()
        deadline.arm()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal)
    tasks = [asyncio.create_task(source.run(), name=f"{plan.agency}-{source.kind}") for source in sources]
    abandoned = Abandoned()
    try:
        if http:
            await http.run()
            progress(f"{plan.agency} HTTP intake on http://{plan.http[0]}:{http.bound_port}/v1/records "
                     "(also /health, /metrics)")
        elif plan.metrics:
            metrics_runner = await _serve_metrics(context, publisher, *plan.metrics, reuse_port=share.shared)
            progress(f"{plan.agency} metrics on http://{plan.metrics[0]}:{plan.metrics[1]}/metrics")
        for source in sources:
            progress(f"{plan.agency} {source.kind} source running")
        waiter = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        for task in done - {waiter}:
            task.result()  # a source that failed ends the process with its error
    finally:
        abandoned = await _stop(settings.stop_timeout_s, sources, tasks, http, publisher)
        if metrics_runner:
            await metrics_runner.cleanup()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        if abandoned.batches:
            log.warning("%s connector: abandoned %s; file and SQL records are read again on restart, HTTP callers "
                        "were not answered and send again", plan.agency, _uncommitted(abandoned))
        progress(f"{plan.agency} connector stopped")
    return EXIT_ABANDONED if abandoned.batches else 0


def _uncommitted(abandoned: Abandoned) -> str:
    return f"{abandoned.batches} uncommitted batches ({abandoned.records} records)"


async def _stop(bound_s: float, sources: list, tasks: list[asyncio.Task], http: HttpIntake | None,
                publisher: Publisher) -> Abandoned:
    """Stop everything within half of ``bound_s``: the rest is the margin for closing the server,
    cancelling what is left and leaving the event loop (measured: 1.4 s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bound_s * 0.5
    stopping = [asyncio.create_task(source.stop()) for source in sources]
    if http:
        stopping.append(asyncio.create_task(http.stop_listening()))
    if stopping:   # the sources finish the batch in hand, committed by the publisher meanwhile
        await asyncio.wait(stopping, timeout=bound_s * 0.2)
    abandoned = await publisher.stop(timeout_s=max(0.1, deadline - loop.time()))
    for task in [*stopping, *tasks]:
        task.cancel()
    if http:
        await http.stop()
    if stopping or tasks:
        await asyncio.wait([*stopping, *tasks], timeout=0.5)
    return abandoned


async def _serve_metrics(context: SourceContext, publisher: Publisher, host: str, port: int,
                         reuse_port: bool = False) -> web.AppRunner:
    app = web.Application()
    app.add_routes(health_routes(context, lambda: publisher.degraded_reason))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port, reuse_port=reuse_port or None).start()
    return runner
