"""Pushes the hub's case alerts to Alertmanager (`POST /api/v2/alerts`) without ever holding up the
worker.

`push(record)` only notes the record's latest version (a dict per alert id, so a burst of changes
to one alert costs one entry, and memory is bounded by the alerts, not by the changes); a
background task sends what changed, and re-sends the open alerts every `resend_interval` so that
their `endsAt` never runs out while they are open. When Alertmanager is down or slow the task
backs off (1 s doubling to `max_backoff`) and keeps the latest states for the next attempt; it
counts failures in `sanpalang_alertmanager_push_failures_total` and logs, but never raises into
the worker. Alertmanager answering 400 or 422 means the payload itself is wrong: retrying cannot help,
so that batch is dropped and counted. Other answers (a wrong URL's 404, a proxy's 401, 5xx) are
retried like an unreachable Alertmanager.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from streams.worker.alertmanager.payload import (DEFAULT_FIRING_TTL, AlertRecordError, PostableAlert, is_active,
                                  postable_alerts)
from runtime.settings import Settings

__all__ = ["AlertmanagerPusher", "PushMetrics", "Transport", "aiohttp_transport"]

log = logging.getLogger(__name__)

# Alertmanager's answers to a payload it will never accept (validation). Anything else that is not
# 2xx - 404 or 401 from a wrong URL or proxy, 429, 5xx - is worth retrying: the alerts are kept.
REJECTED = frozenset({400, 422})

# (payloads) -> HTTP status; raises OSError / asyncio.TimeoutError / aiohttp.ClientError when unreachable.
Transport = Callable[[list[PostableAlert]], Awaitable[int]]


class PushMetrics:
    """Counters of the pusher, registered in the registry the worker serves on /metrics."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.pushed = Counter("sanpalang_alertmanager_alerts_pushed", "Alert payloads Alertmanager accepted.",
                              ["status"], registry=registry)
        self.failures = Counter("sanpalang_alertmanager_push_failures",
                                "Pushes to Alertmanager that failed (unreachable, timeout, 5xx, 4xx).",
                                registry=registry)
        self.dropped = Counter("sanpalang_alertmanager_alerts_dropped",
                               "Alert records never pushed: invalid, rejected by Alertmanager, or over the limit.",
                               ["reason"], registry=registry)
        self.pending = Gauge("sanpalang_alertmanager_pending_alerts", "Alert changes waiting to be pushed.",
                             registry=registry)


def aiohttp_transport(url: str, timeout_s: float) -> tuple[Transport, Callable[[], Awaitable[None]]]:
    """A transport over one aiohttp session, and the coroutine function that closes it."""
    import aiohttp

    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s))
    endpoint = f"{url.rstrip('/')}/api/v2/alerts"

    async def send(payloads: list[PostableAlert]) -> int:
        async with session.post(endpoint, json=payloads) as response:
            if response.status >= 400:
                log.warning("Alertmanager answered %s: %s", response.status, (await response.text())[:500])
            return response.status

    return send, session.close


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class AlertmanagerPusher:
    """Keeps one Alertmanager up to date with the alert records the worker publishes.

    Lifecycle: `await start()` in the running loop, `push(record)` for every published
    `sanpalang.hub.Alert` record (Firing, Acknowledged and Resolved alike), from that loop's thread,
    `await stop()`. One pusher per registry: its metrics are registered when it is built.
    """

    def __init__(self, url: str, *, registry: CollectorRegistry | None = None,
                 resend_interval: timedelta = timedelta(minutes=1), firing_ttl: timedelta = DEFAULT_FIRING_TTL,
                 timeout_s: float = 5.0, max_backoff_s: float = 60.0, max_pending: int = 10_000,
                 transport: Transport | None = None, clock: Callable[[], datetime] = _utc_now) -> None:
        if firing_ttl <= resend_interval * 2:
            raise ValueError("firing_ttl must outlast two resend intervals, or open alerts flap when a push fails")
        self.url = url
        self.metrics = PushMetrics(registry or CollectorRegistry())
        self._resend, self._ttl, self._timeout_s = resend_interval, firing_ttl, timeout_s
        self._max_backoff_s, self._max_pending = max_backoff_s, max_pending
        self._transport, self._close_transport = transport, None
        self._clock = clock
        self._pending: dict[str, Mapping[str, Any]] = {}   # alert id -> latest record not yet pushed
        self._open: dict[str, Mapping[str, Any]] = {}      # alert id -> latest record of an open alert
        self._pushed: dict[str, PostableAlert] = {}        # alert id -> payload last accepted
        self._next_resend: datetime | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, registry: CollectorRegistry | None = None,
                      **options: Any) -> "AlertmanagerPusher | None":
        """A pusher to `SANPALANG_ALERTMANAGER_URL`, or None when it is not set."""
        return cls(settings.alertmanager_url, registry=registry, **options) if settings.alertmanager_url else None

    def push(self, record: Mapping[str, Any]) -> None:
        """Note an alert record for the next push. Never blocks, never raises."""
        try:
            alert_id = str(record["alert_id"])
            known = self._pending.get(alert_id) or self._open.get(alert_id)
            if known is not None and int(record.get("version", 1)) < int(known.get("version", 1)):
                return  # an older version arriving late
            if alert_id not in self._pending and len(self._pending) >= self._max_pending:
                self.metrics.dropped.labels("overflow").inc()
                log.error("%d alert changes wait for Alertmanager already; dropping %s", self._max_pending, alert_id)
                return
            self._pending[alert_id] = record
        except Exception as err:  # a malformed record must not reach the worker's loop
            self.metrics.dropped.labels("invalid").inc()
            # the error, not the record: its message describes a victim's situation
            log.error("cannot queue an alert record for Alertmanager: %s: %s", type(err).__name__, err)
            return
        self.metrics.pending.set(len(self._pending))
        self._wake.set()

    async def start(self) -> None:
        if self._transport is None:
            self._transport, self._close_transport = aiohttp_transport(self.url, self._timeout_s)
        self._task = asyncio.create_task(self._run(), name="alertmanager-pusher")

    async def stop(self, flush_timeout_s: float = 2.0) -> None:
        """Stop the background task after one last, short, attempt to send what is pending."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._pending:
            try:
                async with asyncio.timeout(flush_timeout_s):
                    await self.flush()
            except TimeoutError:
                log.warning("%d alert changes not pushed to Alertmanager at shutdown", len(self._pending))
        if self._close_transport is not None:
            await self._close_transport()
            self._close_transport = None

    async def flush(self) -> bool:
        """One push of everything due now; True when Alertmanager took it (or nothing was due)."""
        now = self._clock()
        resend = self._next_resend is None or now >= self._next_resend
        records = dict(self._open) if resend else {}
        records.update(self._pending)
        batch: list[PostableAlert] = []
        for alert_id, record in list(records.items()):
            try:
                batch.extend(postable_alerts(record, now, self._pushed.get(alert_id), self._ttl))
            except (AlertRecordError, KeyError, TypeError, ValueError) as err:
                self.metrics.dropped.labels("invalid").inc()
                log.error("alert %s cannot be pushed to Alertmanager: %s", alert_id, err)
                del records[alert_id]
                self._forget(alert_id, record, everything=True)
        if not batch:
            return True
        status = await self._send(batch)
        if status is None or (status >= 300 and status not in REJECTED):
            self.metrics.failures.inc()
            return False
        if status in REJECTED:
            self.metrics.failures.inc()
            self.metrics.dropped.labels("rejected").inc(len(records))
            for alert_id, record in records.items():
                self._forget(alert_id, record, everything=True)
            return True
        for payload in batch:
            self.metrics.pushed.labels("firing" if is_active(payload, now) else "resolved").inc()
        sent = {payload["labels"]["alert_id"]: payload for payload in batch}  # the last one per alert
        for alert_id, record in records.items():
            self._accepted(alert_id, record, sent[alert_id])
        if resend:
            self._next_resend = now + self._resend
        return True

    async def _send(self, batch: list[PostableAlert]) -> int | None:
        assert self._transport is not None, "start() the pusher, or give it a transport"
        try:
            async with asyncio.timeout(self._timeout_s):
                return await self._transport(batch)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # unreachable, refused, timed out, TLS...: all mean "try later"
            log.warning("cannot push %d alert(s) to Alertmanager at %s: %s", len(batch), self.url, err or type(err))
            return None

    def _accepted(self, alert_id: str, record: Mapping[str, Any], payload: PostableAlert) -> None:
        """Alertmanager has `payload`; a newer record pushed meanwhile stays pending."""
        newer = self._pending.get(alert_id) not in (None, record)
        if not newer:
            self._pending.pop(alert_id, None)
        if record["state"] == "Resolved":
            self._pushed.pop(alert_id, None)
            if not newer:
                self._open.pop(alert_id, None)
        else:
            self._pushed[alert_id] = payload
            if not newer:
                self._open[alert_id] = record
        self.metrics.pending.set(len(self._pending))

    def _forget(self, alert_id: str, record: Mapping[str, Any], everything: bool = False) -> None:
        """Drop a record that cannot be pushed (and, when Alertmanager refused it, the alert, so
        that it does not come back in every later re-send of the open alerts)."""
        if self._pending.get(alert_id) is record:
            del self._pending[alert_id]
        if everything:
            self._open.pop(alert_id, None)
            self._pushed.pop(alert_id, None)
        self.metrics.pending.set(len(self._pending))

    async def _run(self) -> None:
        backoff = 0.0
        while True:
            if backoff:
                await asyncio.sleep(backoff)
            else:
                await self._idle()
            self._wake.clear()
            try:
                ok = await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug here must not kill the task: the next push retries
                log.exception("Alertmanager push failed unexpectedly")
                ok = False
            backoff = 0.0 if ok else min(max(backoff * 2, 1.0), self._max_backoff_s)

    async def _idle(self) -> None:
        """Until something is pushed, or the open alerts are due again. (Timeouts here and in
        `_send` are `asyncio.timeout`, not `wait_for`: on Python 3.11 a `wait_for` cancelled just as
        its inner await completes swallows the cancellation, and `stop()` then waited for ever;
        seen in the tests about one run in three.)"""
        if self._next_resend is None or not self._open:
            await self._wake.wait()
            return
        try:
            async with asyncio.timeout(max(0.0, (self._next_resend - self._clock()).total_seconds())):
                await self._wake.wait()
        except TimeoutError:
            pass
