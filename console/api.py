"""The JSON API for partner systems: the same `Service` calls as the pages, so the same scope.

Authentication: ``Authorization: Bearer spl_...`` (an API token from `sanpalang users token`) or
the console's session cookie (then state-changing calls need ``X-CSRF-Token``). 401 without
either, 403 when the role may not use the endpoint at all, 404 for anything outside the caller's
provinces (the same answer as for an unknown id). Lists page with ``limit`` (1-200) and an opaque
``cursor``; the answer's ``next_cursor`` is null on the last page.
"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from aiohttp import web

import schemas
from console.acting import ActionError, act_on_alert, review_link
from console.desk import act_on_case
from console.openapi import openapi_document
from console.dates import day_bound
from console.roles import Permission, can
from console.service import CaseFilters, Forbidden
from console.web import principal_of, state_of

__all__ = ["add_routes", "encode_cursor", "decode_cursor"]

MAX_LIMIT, DEFAULT_LIMIT = 200, 50


class BadRequest(Exception):
    pass


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["o"]
    except (ValueError, KeyError, TypeError) as e:
        raise BadRequest("cursor is not one this API gave out") from e
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest("cursor is not one this API gave out")
    return offset


def _paging(request: web.Request) -> tuple[int, int]:
    raw = request.query.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be 1-{MAX_LIMIT}")
    return int(raw), decode_cursor(request.query.get("cursor"))


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(schemas.jsonable(data), status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _page(found: list[dict[str, Any]], limit: int, offset: int, **extra: Any) -> web.Response:
    more = len(found) > limit
    return _json({"items": found[:limit], "next_cursor": encode_cursor(offset + limit) if more else None, **extra})


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def handler(fn):
    """Map the domain's refusals to HTTP answers, one place for every endpoint."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await fn(request)
        except Forbidden as e:
            return _error(403, str(e))
        except BadRequest as e:
            return _error(400, str(e))
        except ActionError as e:
            return _error(e.status, e.message)
    wrapped.__name__ = fn.__name__
    return wrapped


@handler
async def me(request: web.Request) -> web.Response:
    p = principal_of(request)
    return _json({"name": p.name, "role": p.role.value, "provinces": sorted(p.provinces), "agency": p.agency,
                   "permissions": sorted(perm.value for perm in Permission if can(p, perm))})


@handler
async def list_cases(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    limit, offset = _paging(request)
    q = request.query
    filters = CaseFilters(province=q.get("province") or None, stage=q.get("stage") or None,
                          agency=q.get("agency") or None, since=day_bound(q.get("since")),
                          until=day_bound(q.get("until"), end=True), number=q.get("number") or None)
    found, total = await asyncio.to_thread(st.hub.cases, p, filters, limit=limit + 1, offset=offset,
                                           at=st.now())
    return _page(found, limit, offset, total=total)


@handler
async def get_case(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    detail = await asyncio.to_thread(st.hub.case, p, request.match_info["case_id"], st.now())
    if detail is None:
        return _error(404, "no such case in your provinces")
    return _json(detail)


@handler
async def list_alerts(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    limit, offset = _paging(request)
    found = await asyncio.to_thread(st.hub.board, p, at=st.now(), limit=offset + limit + 1)
    return _page(found[offset:], limit, offset)


@handler
async def get_alert(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    found = await asyncio.to_thread(st.hub.alert, p, request.match_info["alert_id"], at=st.now())
    if found is None:
        return _error(404, "no such alert in your provinces")
    found.pop("record_digest", None)
    for internal in ("severity_rank", "state_rank"):
        found.pop(internal, None)
    return _json(found)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest("the body must be a JSON object") from e
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


@handler
async def alert_action(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    body = await _body(request)
    note = body.get("note")
    if note is not None and not isinstance(note, str):
        raise BadRequest("note must be a string")
    action = await act_on_alert(st, p, request.match_info["alert_id"], request.match_info["verb"], note)
    return _json({"action_id": action["action_id"], "kind": action["kind"], "at": action["at"]}, status=202)


@handler
async def list_links(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    limit, offset = _paging(request)
    found = await asyncio.to_thread(st.hub.links, p, at=st.now(), limit=limit + 1, offset=offset)
    return _page(found, limit, offset)


@handler
async def link_action(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    action = await review_link(st, p, request.match_info["source_key"], request.match_info["verb"])
    return _json({"action_id": action["action_id"], "kind": action["kind"], "at": action["at"]}, status=202)


@handler
async def case_desk_action(request: web.Request) -> web.Response:
    """A team lead's decision on a case (issue 13): assign (``owner``), decide (``person_id``,
    ``trafficking_status``, ``basis``), close; ``note`` with any of them."""
    st, p = state_of(request), principal_of(request)
    body = await _body(request)
    if any(v is not None and not isinstance(v, str) for v in body.values()):
        raise BadRequest("every field of the body is a string")
    action = await act_on_case(st, p, request.match_info["case_id"], request.match_info["verb"], body)
    return _json({"action_id": action["action_id"], "kind": action["kind"], "at": action["at"]}, status=202)


@handler
async def list_referrals(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    limit, offset = _paging(request)
    found = await asyncio.to_thread(st.hub.referrals, p, at=st.now(), limit=limit + 1, offset=offset)
    return _page(found, limit, offset)


@handler
async def list_audit(request: web.Request) -> web.Response:
    """Newest first; the cursor carries the sequence number to continue below."""
    st, p = state_of(request), principal_of(request)
    limit, before = _paging(request)
    entries = await asyncio.to_thread(st.hub.audit_page, p, before=before or None, limit=limit + 1,
                                      actor=request.query.get("actor"), target=request.query.get("target"))
    items = [{**e.__dict__, "detail": json.loads(e.detail)} for e in entries[:limit]]
    more = len(entries) > limit
    return _json({"items": items, "next_cursor": encode_cursor(items[-1]["seq"]) if more else None})


@handler
async def verify_audit(request: web.Request) -> web.Response:
    st, p = state_of(request), principal_of(request)
    checked, broken, head = await asyncio.to_thread(st.hub.audit_verify, p)
    return _json({"entries": checked, "intact": broken is None, "first_bad_entry": broken.seq if broken else None,
                  "reason": str(broken) if broken else None, "head": {"seq": head[0], "digest": head[1]}})


async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())


ROUTES: tuple[tuple[str, str, Any], ...] = (
    ("GET", "/api/me", me),
    ("GET", "/api/cases", list_cases),
    ("GET", "/api/cases/{case_id}", get_case),
    ("POST", "/api/cases/{case_id}/desk/{verb}", case_desk_action),
    ("GET", "/api/alerts", list_alerts),
    ("GET", "/api/alerts/{alert_id}", get_alert),
    ("POST", "/api/alerts/{alert_id}/{verb}", alert_action),
    ("GET", "/api/persons-for-review", list_links),
    ("POST", "/api/persons-for-review/{source_key}/{verb}", link_action),
    ("GET", "/api/referrals", list_referrals),
    ("GET", "/api/audit", list_audit),
    ("GET", "/api/audit/verify", verify_audit),
    ("GET", "/api/openapi.json", openapi),
)


def add_routes(app: web.Application) -> None:
    for method, path, fn in ROUTES:
        app.router.add_route(method, path, fn)
