"""HTTP intake: an agency's system POSTs its records as JSON; the answer comes after the broker's.

``POST /v1/records`` takes one JSON object, a JSON array, or ``{"records": [...]}``. Each agency
authenticates with its own bearer token; this endpoint belongs to one agency, and another
agency's valid token is refused with 403 (not 401) so the caller knows it is at the wrong door.
The answer is given only once every event and dead letter of the request is committed:

- 202 ``{"request_id", "accepted": [{"index", "event_ids"}], "rejected": [{"index", "errors"}]}``
  when at least one record was accepted (rejected ones are dead-lettered and listed);
- 400 with the same body when none was: every record was invalid (also dead-lettered), or the
  body is not JSON (dead-lettered whole, so even that is accounted for);
- 401 / 403 / 413 before anything is read; 503 when the connector is stopping.

The same server answers ``GET /health`` and ``GET /metrics`` for the whole connector process.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import uuid
from typing import Any, Callable, Mapping, Sequence

from aiohttp import web

from connectors.publisher import PublisherStopped
from connectors.records import Origin, Publication, SourceRecord
from connectors.routing import route_deferred
from connectors.sources.base import ROUTE_SLICE, SourceContext

__all__ = ["HttpIntake", "health_routes", "item_json", "split_body"]

PATH = "/v1/records"


def split_body(body: bytes, request_id: str, max_records: int, *, item_bytes: bool = True) -> list[SourceRecord]:
    """The source records of one request body (pure). An unparseable body is one unreadable record.

    Each record's ``raw`` is its item as JSON text; with ``item_bytes=False`` an object item gets
    ``b""`` instead: ``routing.route_deferred`` writes the text only for the items dead-lettered,
    and saves some 10 us an item."""
    def origin(index: int | None) -> Origin:
        where = f"request {request_id}" + ("" if index is None else f" item {index}")
        return Origin("http", f"POST {PATH}", where)

    try:
        parsed: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return [SourceRecord(origin(None), body, None, f"the body is not JSON: {err}")]
    items = parsed.get("records") if isinstance(parsed, dict) and "records" in parsed else parsed
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return [SourceRecord(origin(None), body, None,
                             "the body must be a JSON object, an array of objects, or {\"records\": [...]}")]
    if len(items) > max_records:
        return [SourceRecord(origin(None), body, None,
                             f"{len(items)} records in one request; send at most {max_records} per request")]
    records = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            records.append(SourceRecord(origin(index), item_json(item) if item_bytes else b"", item))
        else:
            records.append(SourceRecord(origin(index), item_json(item), None,
                                        f"item {index} is a JSON {type(item).__name__}, not an object"))
    return records


def item_json(item: Any) -> bytes:
    """An item of a request as the bytes its dead letter carries."""
    return json.dumps(item, ensure_ascii=False).encode()


def _answer(request_id: str, per_record: Sequence[list[Publication]]) -> tuple[int, dict[str, Any]]:
    accepted, rejected = [], []
    for index, publications in enumerate(per_record):
        letters = [p for p in publications if p.dead_letter]
        if letters:
            rejected.append({"index": index, "reason": letters[0].reason_code, "errors": list(letters[0].problems)})
        else:
            accepted.append({"index": index, "event_ids": [p.event_id for p in publications]})
    return (202 if accepted else 400), {"request_id": request_id, "accepted": accepted, "rejected": rejected}


def health_routes(context: SourceContext, degraded: Callable[[], str | None]) -> list[web.RouteDef]:
    """``/health`` (liveness: 200 while the process runs, with its state) and ``/metrics``."""
    async def health(_: web.Request) -> web.Response:
        reason = degraded()
        return web.json_response({"agency": context.agency, "status": "degraded" if reason else "ok",
                                  "reason": reason})

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=context.metrics.exposition(),
                            headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    return [web.get("/health", health), web.get("/metrics", metrics)]


class HttpIntake:
    """The HTTP source of one agency's connector; ``run()`` serves until ``stop()``."""

    kind = "http"

    def __init__(self, context: SourceContext, host: str, port: int, tokens: Mapping[str, str], *,
                 max_body_bytes: int = 1 << 20, max_records: int = 1000) -> None:
        if context.agency not in tokens:
            raise ValueError(f"no HTTP token for {context.agency}")
        self.context = context
        self.host, self.port = host, port
        self._tokens = dict(tokens)
        self._max_records = max_records
        self._app = web.Application(client_max_size=max_body_bytes)
        self._app.add_routes([web.post(PATH, self._records),
                              *health_routes(context, lambda: context.publisher.degraded_reason)])
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    async def run(self) -> None:
        self._runner = web.AppRunner(self._app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.bound_port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - port 0 picks one

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _caller(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        matches = [agency for agency, known in self._tokens.items()
                   if token and hmac.compare_digest(token.encode(), known.encode())]
        return matches[0] if matches else None

    async def _records(self, request: web.Request) -> web.Response:
        caller = self._caller(request)
        if caller is None:
            return web.json_response({"error": "missing or unknown bearer token"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="sanpalang"'})
        if caller != self.context.agency:
            return web.json_response({"error": f"this is the {self.context.agency} intake; "
                                      f"the token belongs to {caller}"}, status=403)
        request_id = request.headers.get("X-Request-Id") or str(uuid.uuid4())
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": f"body over {request.app._client_max_size} bytes; "  # noqa: SLF001
                                      "split it into several requests"}, status=413)
        records = split_body(body, request_id, self._max_records, item_bytes=False)
        received_at = self.context.now()
        per_record: list[list[Publication]] = []
        for index, record in enumerate(records):
            if index and index % ROUTE_SLICE == 0:
                await asyncio.sleep(0)  # let earlier requests' commits proceed (see base.route_in_slices)
            per_record.append(route_deferred(self.context.agency, record, self.context.mapper, received_at,
                                             item_json))
        self.context.metrics.record_received(self.kind, len(records))
        try:
            await self.context.publisher.publish([p for ps in per_record for p in ps], None, source=self.kind)
        except PublisherStopped:
            return web.json_response({"error": "the connector is stopping; send the request again"},
                                     status=503, headers={"Retry-After": "5"})
        status, answer = _answer(request_id, per_record)
        return web.json_response(answer, status=status, headers={"X-Request-Id": request_id})
