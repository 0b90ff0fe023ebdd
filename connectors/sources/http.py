"""HTTP intake: an agency's system POSTs its records as JSON; the answer comes after the broker's.

``POST /v1/records`` takes one JSON object, a JSON array, or ``{"records": [...]}``. Each agency
authenticates with its own bearer token, of which the intake knows only the digest
(``runtime.credentials.token_digest``); this endpoint belongs to one agency, and another
agency's valid token is refused with 403 (not 401, so the caller knows it is at the wrong door;
naming no agency, so a token's owner is not told to whoever holds it). Every body read ends as
events or dead letters, and the answer is given only once they are committed:

- 202 ``{"request_id", "accepted": [{"index", "event_ids"}], "rejected": [{"index", "errors"}]}``
  when at least one record was accepted (rejected ones are dead-lettered and listed);
- 400 with the same body when none was: every record was invalid (also dead-lettered), or the
  body cannot be read (not JSON, too deep, a number too long, not characters, a bad header: see
  ``http_body``; dead-lettered whole, so even that is accounted for);
- 401 / 403 / 413 before anything is read; 408 when the body does not arrive within
  ``body_timeout_s`` (a connection whose request headers do not arrive within ``header_timeout_s``
  is closed);
- 503 with ``Retry-After`` while the connector cannot commit (``/health`` says degraded) or is
  stopping: nothing of such a request is published, then or later, so sending it again is safe.

``Idempotency-Key`` (optional, 1-200 visible ASCII characters): a request sent again with the
same key within 24 h gets the first answer (header ``Idempotent-Replayed: true``) and publishes
nothing; the same key with another body is refused with 422 (``connectors.receipts``).

The same server answers ``GET /health`` and ``GET /metrics`` for the whole connector process.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from typing import Any, Callable, Mapping, Sequence

from aiohttp import web

from connectors.publisher import PublisherStopped, PublisherUnavailable
from connectors.receipts import KEEP_S, Receipt, Receipts, body_digest, receipts_topic
from connectors.records import Publication
from connectors.routing import route_deferred
from connectors.sources.base import ROUTE_SLICE, SourceContext
from connectors.sources.http_body import PATH, item_json, split_body
from connectors.sources.http_claims import KeyClaims
from connectors.sources.http_receipts import ReceiptsFollower
from runtime.credentials import token_matches

__all__ = ["HttpIntake", "answer", "health_routes", "item_json", "split_body"]

RETRY_AFTER_S = 5
_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,200}")
Answer = tuple[int, dict[str, Any]]


def answer(request_id: str, per_record: Sequence[list[Publication]]) -> Answer:
    """The status and body of the answer to a request whose records were routed into ``per_record``."""
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


def header_problem(headers: Mapping[str, str]) -> str | None:
    """Why the request's own ids cannot be used (they go into keys and origins), or None."""
    for name in ("X-Request-Id", "Idempotency-Key"):
        value = headers.get(name)
        if value is not None and not _HEADER_VALUE.fullmatch(value):
            return f"the {name} header must be 1 to 200 visible ASCII characters"
    return None


def _unavailable(why: str) -> web.Response:
    return web.json_response({"error": f"{why}; nothing of this request was published: send it again later"},
                             status=503, headers={"Retry-After": str(RETRY_AFTER_S)})


class HttpIntake:
    """The HTTP source of one agency's connector; ``run()`` serves until ``stop()``."""

    kind = "http"

    def __init__(self, context: SourceContext, host: str, port: int, token_digests: Mapping[str, str], *,
                 max_body_bytes: int = 1 << 20, max_records: int = 1000, header_timeout_s: float = 10.0,
                 body_timeout_s: float = 30.0, reuse_port: bool = False, claims: KeyClaims | None = None) -> None:
        if context.agency not in token_digests:
            raise ValueError(f"no HTTP token for {context.agency}")
        self.context = context
        self.host, self.port = host, port
        self.reuse_port = reuse_port   # N processes of one agency on one port (SO_REUSEPORT): the kernel spreads connections
        self._claims = claims          # with reuse_port: the keys under way in any of the N processes
        self._token_digests = dict(token_digests)     # agency -> digest of its token (every agency's, for 403)
        self._max_records = max_records
        self._header_timeout_s, self._body_timeout_s = header_timeout_s, body_timeout_s
        self._app = web.Application(client_max_size=max_body_bytes)
        self._app.add_routes([web.post(PATH, self._records),
                              *health_routes(context, lambda: context.publisher.degraded_reason)])
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._receipts = Receipts(now_ms=0)
        self._in_progress: dict[str, asyncio.Future[None]] = {}
        self.bound_port: int | None = None
        self._follower: ReceiptsFollower | None = None   # shared by N processes: the siblings' receipts too

    async def run(self) -> None:
        """Read back the last day's receipts, then serve. (aiohttp's keep-alive timer, armed when a
        connection opens, is what closes one whose request headers never complete.)"""
        now_ms = self._now_ms()
        topic = receipts_topic(self.context.agency)
        if self.reuse_port:     # a retry may come to another process than the first request: follow them all
            self._receipts = Receipts(now_ms=now_ms)
            self._follower = ReceiptsFollower(self.context.publisher.connection, topic, self._learn)
            await self._follower.start()
        else:
            stored = await self.context.publisher.read_back(topic)
            self._receipts = Receipts((Receipt.read(r.key, r.value) for r in stored), now_ms=now_ms)
        self._runner = web.AppRunner(self._app, access_log=None, keepalive_timeout=self._header_timeout_s,
                                     shutdown_timeout=0.5)
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, self.port, reuse_port=self.reuse_port or None)
        await self._site.start()
        self.bound_port = self._site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - port 0 picks one

    async def stop_listening(self) -> None:
        """Take no new connection; requests under way go on until the publisher settles them."""
        if self._site is not None:
            await self._site.stop()
            self._site = None

    async def stop(self) -> None:
        await self.stop_listening()
        if self._follower is not None:
            await self._follower.stop()
            self._follower = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _now_ms(self) -> int:
        return int(self.context.now().timestamp() * 1000)

    def _caller(self, request: web.Request) -> str | None:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        matches = [agency for agency, digest in self._token_digests.items() if token_matches(token, digest)]
        return matches[0] if matches else None

    async def _records(self, request: web.Request) -> web.Response:
        caller = self._caller(request)
        if caller is None:
            return web.json_response({"error": "missing or unknown bearer token"}, status=401,
                                     headers={"WWW-Authenticate": 'Bearer realm="sanpalang"'})
        if caller != self.context.agency:
            return web.json_response({"error": "this token is not valid for this intake"}, status=403)
        if self.context.publisher.degraded_reason:
            return _unavailable("the connector cannot reach its broker")
        try:
            async with asyncio.timeout(self._body_timeout_s):
                body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"error": f"body over {request.app._client_max_size} bytes; "  # noqa: SLF001
                                      "split it into several requests"}, status=413)
        except TimeoutError:
            return web.json_response({"error": f"the body did not arrive within {self._body_timeout_s:g} s"},
                                     status=408)
        problem = header_problem(request.headers)
        key = None if problem else request.headers.get("Idempotency-Key")
        request_id = (None if problem else request.headers.get("X-Request-Id")) or str(uuid.uuid4())
        try:
            if key is not None:
                return await self._once(key, body, request, request_id)
            status, answer_ = await self._intake(request, body, request_id, problem, None)
        except PublisherUnavailable:
            return _unavailable("the connector cannot reach its broker")
        except PublisherStopped:
            return _unavailable("the connector is stopping")
        return web.json_response(answer_, status=status, headers={"X-Request-Id": request_id})

    async def _once(self, key: str, body: bytes, request: web.Request, request_id: str) -> web.Response:
        """The first answer given to ``key`` (waiting for it if that request is under way), or a new one."""
        digest = body_digest(body)
        while (earlier := self._in_progress.get(key)) is not None:
            await asyncio.wait({earlier})
        async with self._claims.held(key) if self._claims is not None else contextlib.nullcontext():
            return await self._claimed(key, digest, body, request, request_id)

    async def _claimed(self, key: str, digest: str, body: bytes, request: web.Request,
                       request_id: str) -> web.Response:
        known = self._receipts.get(key, now_ms=self._now_ms())
        if known is None and self._follower is not None:    # a sibling may have answered it
            await self._follower.caught_up()
            known = self._receipts.get(key, now_ms=self._now_ms())
        if known is not None and known.digest != digest:
            return web.json_response({"error": f"this Idempotency-Key was used for another body within "
                                               f"{KEEP_S // 3600} h; use a new key for a new request"}, status=422)
        if known is not None:
            return web.Response(body=known.answer, status=known.status, content_type="application/json",
                                headers={"X-Request-Id": known.request_id, "Idempotent-Replayed": "true"})
        self._in_progress[key] = asyncio.get_running_loop().create_future()
        try:
            status, answer_ = await self._intake(request, body, request_id, None, (key, digest))
        finally:
            self._in_progress.pop(key).set_result(None)
        return web.json_response(answer_, status=status, headers={"X-Request-Id": request_id})

    def _learn(self, record) -> None:  # noqa: ANN001 - a ConsumerRecord of the receipts topic
        if record.key is not None and record.value is not None:
            self._receipts.add(Receipt.read(record.key, record.value), now_ms=self._now_ms())

    async def _intake(self, request: web.Request, body: bytes, request_id: str, problem: str | None,
                      keyed: tuple[str, str] | None) -> Answer:
        """Route the body's records and publish them (with the receipt of a keyed request)."""
        records = split_body(body, request_id, self._max_records, item_bytes=False, charset=request.charset,
                             problem=problem)
        received_at = self.context.now()
        per_record: list[list[Publication]] = []
        for index, record in enumerate(records):
            if index and index % ROUTE_SLICE == 0:
                await asyncio.sleep(0)  # let earlier requests' commits proceed (see base.route_in_slices)
            per_record.append(route_deferred(self.context.agency, record, self.context.mapper, received_at,
                                             item_json))
        self.context.metrics.record_received(self.kind, len(records))
        status, answer_ = answer(request_id, per_record)
        receipt = None
        if keyed is not None:
            receipt = Receipt.of(keyed[0], keyed[1], status, answer_, int(received_at.timestamp() * 1000))
        await self.context.publisher.publish([p for ps in per_record for p in ps], None, source=self.kind,
                                             extra=[receipt.publication(self.context.agency)] if receipt else (),
                                             waits_out_outage=False)
        if receipt is not None:
            self._receipts.add(receipt, now_ms=self._now_ms())
        return status, answer_
