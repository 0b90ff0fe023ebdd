"""The console's pages: thin handlers that ask `service.Service` (scoped and audited) and render.

Out-of-scope case ids answer 404 exactly like unknown ones (no hint that the case exists); a
page the role may not open answers 403.
"""

from __future__ import annotations

import asyncio
import json
import math
import time

from aiohttp import web

import schemas
from connectors.normalise.provinces import provinces as all_provinces
from console import accounts, auditlog, render
from console import csrf as C
from console.acting import ActionError, act_on_alert, review_link
from console.dates import day_bound
from console.i18n import t
from console.present import board_order
from console.desk import case_heads, owner_candidates
from console.roles import Permission, Principal, Role, can, may_decide_on, sees_province
from console.service import CaseFilters, Forbidden
from console.signin_gate import SignInsBusy
from console.web import (LANG_COOKIE, PRESIGN_COOKIE, PRINCIPAL, SESSION, SESSION_COOKIE, lang_of, presign_token,
                         principal_of, safe_next, set_session_cookie, state_of)
from streams.views.clock import HubClock, countdown_now, latest

__all__ = ["add_routes"]

PER_PAGE = 25
FLASH = {"1": "done", "0": "desk_refused", "busy": "action_unavailable"}    # ?desk= after a desk form (deskroutes)


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, content_type="text/html", charset="utf-8", status=status)


def csrf_of(request: web.Request) -> str:
    return request[SESSION].csrf_token if request.get(SESSION) else ""


def denied(request: web.Request, status: int) -> web.Response:
    lang = lang_of(request)
    key = "forbidden" if status == 403 else "not_found"
    return html(render.message_page(t(key, lang), lang=lang, principal=request[PRINCIPAL], csrf=csrf_of(request),
                                     title=str(status)), status)


# --- sign-in ------------------------------------------------------------------------------------
async def sign_in_form(request: web.Request) -> web.Response:
    response = html("")
    token = presign_token(request, response)
    response.text = render.sign_in_page(lang=lang_of(request), csrf=token, next_path=safe_next(request.query.get("next")))
    return response


def _throttled(st, wait: float) -> web.Response:
    """429 for a flood, as cheap as an answer can be: no form parsed, no page rendered, no database."""
    st.metrics.signed_in("locked")
    return web.Response(status=429, text="Too many failed sign-ins: wait and try again.",
                        headers={"Retry-After": str(max(1, math.ceil(wait)))})


async def sign_in(request: web.Request) -> web.Response:
    st, lang = state_of(request), lang_of(request)
    address = request.remote or ""
    if (wait := st.throttles.per_address_wait(address, time.monotonic())) is not None:
        return _throttled(st, wait)
    form = await request.post()
    next_path = safe_next(str(form.get("next", "/")))
    if not C.token_matches(request.cookies.get(PRESIGN_COOKIE), str(form.get(C.FIELD, ""))):
        raise web.HTTPForbidden(text="CSRF token missing or wrong: reload the sign-in page.")
    name, password = str(form.get("username", "")).strip().lower(), str(form.get("password", ""))
    at = st.now()
    if (wait := st.throttles.retry_after(address, name, time.monotonic())) is not None:
        return _throttled(st, wait)     # a flood: refused before the database and the password hash

    def check() -> tuple[accounts.SignIn, accounts.Session | None]:
        result = accounts.sign_in(st.hub.writer, name, password, at=at)     # the hash outside any write transaction
        with st.hub.writer.begin() as conn:
            session = accounts.open_session(conn, result.principal, at=at) if result.principal else None
            auditlog.append(conn, st.hub.audit_key, at=at, actor=name or "?",
                            role=result.principal.role.value if result.principal else "-",
                            action=_SIGN_IN_AUDIT[_outcome(result, session)], target=name or "?",
                            detail={"address": address})
            return result, session
    try:
        result, session = await st.sign_ins.run(check)     # its own thread: the pages' pool stays free
    except SignInsBusy:
        return _throttled(st, 1.0)
    if session is None:
        st.throttles.failed(address, name, time.monotonic())
    outcome = _outcome(result, session)
    st.metrics.signed_in(outcome)
    st.metrics.audited(_SIGN_IN_AUDIT[outcome])
    if session is None:
        response = html("", status=429 if result.locked_until else 401)
        token = presign_token(request, response)
        response.text = render.sign_in_page(lang=lang, csrf=token, next_path=next_path,
                                            error=t("locked" if result.locked_until else "bad_credentials", lang))
        return response
    response = web.HTTPSeeOther(next_path if next_path != "/" else _home(session.principal))
    set_session_cookie(response, request, session.session_id)
    response.del_cookie(PRESIGN_COOKIE, path="/sign-in")
    raise response


_SIGN_IN_AUDIT = {"success": "sign_in", "failure": "sign_in.failed", "locked": "sign_in.locked"}


def _outcome(result: accounts.SignIn, session: accounts.Session | None) -> str:
    return "success" if session else ("locked" if result.locked_until else "failure")


async def sign_out(request: web.Request) -> web.Response:
    st = state_of(request)
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        def close() -> None:
            with st.hub.writer.begin() as conn:
                accounts.close_session(conn, sid)
        await asyncio.to_thread(close)
    response = web.HTTPSeeOther("/sign-in")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


async def switch_lang(request: web.Request) -> web.Response:
    """The language is a display preference kept in a cookie, not server state: a GET is fine."""
    lang = "th" if request.match_info["lang"] == "th" else "en"
    response = web.HTTPSeeOther(safe_next(request.query.get("next")))
    response.set_cookie(LANG_COOKIE, lang, samesite="Strict", path="/", max_age=365 * 86400,
                        secure=state_of(request).secure_cookies or request.secure)
    raise response


def _home(principal: Principal) -> str:
    return {Role.LIAISON: "/referrals", Role.AUDITOR: "/audit"}.get(principal.role, "/")


# --- alerts -------------------------------------------------------------------------------------
async def board(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    if not can(principal, Permission.ALERTS_READ):
        raise web.HTTPSeeOther(_home(principal))
    mark = st.broadcaster.mark()                             # before SQL: a change after it is replayed
    alerts = await asyncio.to_thread(st.hub.board, principal, at=st.now())
    known = {a["alert_id"] for a in alerts}
    for alert in list(st.broadcaster.latest.values()):      # arrived on the bus, not yet in SQL
        if alert["alert_id"] not in known and alert["state"] != "Resolved" and sees_province(principal, alert["province"]):
            alerts.append(dict(alert, acknowledged=alert.get("acknowledged_at") is not None))
    alerts.sort(key=board_order)
    await asyncio.to_thread(st.hub.name_persons, principal, alerts)
    heads = await asyncio.to_thread(case_heads, st.hub, principal, [a["case_id"] for a in alerts if a.get("case_id")])
    clock = await _hub_clock(st)
    flash = {"1": "done", "0": "action_failed", "busy": "action_unavailable"}.get(request.query.get("done", ""))
    flash_text = t(flash, lang_of(request)) if flash else None
    return html(render.board_page(alerts, principal=principal, lang=lang_of(request), csrf=csrf_of(request),
                                   now=countdown_now(clock, st.now()), flash=flash_text, live_since=mark, clock=clock,
                                   heads=heads))


async def _hub_clock(st) -> HubClock | None:
    """The hub's clock: the newest of what the views stored and what the live alerts carried."""
    return latest((await asyncio.to_thread(st.hub.hub_clock), st.broadcaster.hub_clock))


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: each alert the caller may see, as a rendered board row."""
    st, principal = state_of(request), principal_of(request)
    if not can(principal, Permission.ALERTS_READ):
        return denied(request, 403)
    lang, token = lang_of(request), csrf_of(request)
    await asyncio.to_thread(st.hub.audit_subscription, principal, st.now())   # a live feed is a read, too
    sub = st.broadcaster.subscribe(principal)
    try:
        mark = float(request.query.get("since", ""))
    except ValueError:
        mark = st.broadcaster.mark()
    for alert in st.broadcaster.since(principal, mark):      # changed while the page was on its way
        try:
            sub.queue.put_nowait(alert)
        except asyncio.QueueFull:
            break
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store",
                                           "X-Accel-Buffering": "no"})
    try:
        await response.prepare(request)
        await response.write(b"retry: 2000\n: connected\n\n")
        while True:
            try:
                async with asyncio.timeout(15):       # not wait_for: on 3.11 it can swallow a cancel
                    alert = await sub.queue.get()
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if alert is None:
                break
            shown = dict(alert, acknowledged=alert.get("acknowledged_at") is not None)
            await asyncio.to_thread(st.hub.name_persons, principal, [shown])
            clock = st.broadcaster.hub_clock
            row = render.alert_row(shown, lang=lang, csrf=token, now=countdown_now(clock, st.now()),
                                   can_act=can(principal, Permission.ALERTS_ACT))
            case_id = alert.get("case_id")
            head = (await asyncio.to_thread(case_heads, st.hub, principal, [case_id])).get(case_id) if case_id else None
            data = json.dumps({**schemas.jsonable({k: alert.get(k) for k in ("alert_id", "state", "severity", "due_at",
                                                                               "province", "case_id")}), "html": row,
                               "group": render.case_group(case_id, lang=lang, head=head),
                               **render.clock_data(clock)}, ensure_ascii=False)
            await response.write(f"event: alert\ndata: {data}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        st.broadcaster.unsubscribe(sub)
    return response


async def alert_action(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    form = await request.post()
    try:
        await act_on_alert(st, principal, request.match_info["alert_id"], str(form.get("verb", "")),
                           str(form.get("note", "")))
    except Forbidden:
        return denied(request, 403)
    except ActionError as e:
        if e.status == 404:
            return denied(request, 404)
        raise web.HTTPSeeOther("/?done=busy" if e.status == 503 else "/?done=0")
    raise web.HTTPSeeOther("/?done=1")


# --- cases --------------------------------------------------------------------------------------
async def case(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    try:
        detail = await asyncio.to_thread(st.hub.case, principal, request.match_info["case_id"], st.now())
    except Forbidden:
        return denied(request, 403)
    if detail is None:
        return denied(request, 404)
    clock = await _hub_clock(st)
    candidates: list[str] = []
    if may_decide_on(principal, detail["lead_province"]):
        candidates = [u.name for u in await asyncio.to_thread(owner_candidates, st.hub, detail["lead_province"])]
    flash = FLASH.get(request.query.get("desk", ""))
    return html(render.case_page(detail, principal=principal, lang=lang_of(request), csrf=csrf_of(request),
                                  now=countdown_now(clock, st.now()), clock=clock, candidates=candidates,
                                  flash=t(flash, lang_of(request)) if flash else None))


async def cases(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    if not can(principal, Permission.CASES_READ):
        return denied(request, 403)
    q = {k: request.query.get(k, "") for k in ("province", "stage", "agency", "since", "until", "page", "number")}
    page_no = max(1, int(q["page"])) if q["page"].isdigit() else 1
    filters = CaseFilters(province=q["province"] or None, stage=q["stage"] or None, agency=q["agency"] or None,
                          since=day_bound(q["since"]), until=day_bound(q["until"], end=True), number=q["number"] or None)
    found, total = await asyncio.to_thread(st.hub.cases, principal, filters, limit=PER_PAGE,
                                           offset=(page_no - 1) * PER_PAGE, at=st.now())
    codes = ([p.code for p in all_provinces()] if principal.role is Role.NATIONAL else sorted(principal.provinces))
    return html(render.cases_page(found, total, principal=principal, lang=lang_of(request), csrf=csrf_of(request),
                                   query=q, provinces=codes, page_no=page_no, per_page=PER_PAGE))


async def links(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    try:
        found = await asyncio.to_thread(st.hub.links, principal, at=st.now(), limit=200, offset=0)
    except Forbidden:
        return denied(request, 403)
    return html(render.links_page(found, principal=principal, lang=lang_of(request), csrf=csrf_of(request)))


async def link_action(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    form = await request.post()
    next_path = safe_next(str(form.get("next", "/links")))
    try:
        await review_link(st, principal, str(form.get("source_key", "")), str(form.get("verb", "")))
    except Forbidden:
        return denied(request, 403)
    except ActionError as e:
        if e.status == 404:
            return denied(request, 404)
    raise web.HTTPSeeOther(next_path)


async def referrals(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    try:
        found = await asyncio.to_thread(st.hub.referrals, principal, at=st.now(), limit=200, offset=0)
    except Forbidden:
        return denied(request, 403)
    return html(render.referrals_page(found, principal=principal, lang=lang_of(request), csrf=csrf_of(request)))


async def audit(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    before = request.query.get("before", "")
    try:
        entries = await asyncio.to_thread(st.hub.audit_page, principal, before=int(before) if before.isdigit() else None,
                                          limit=100)
        checked, broken, head = await asyncio.to_thread(st.hub.audit_verify, principal)
    except Forbidden:
        return denied(request, 403)
    return html(render.audit_page(entries, principal=principal, lang=lang_of(request), csrf=csrf_of(request),
                                   checked=checked, broken=broken, head=head))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/sign-in", sign_in_form)
    app.router.add_post("/sign-in", sign_in)
    app.router.add_post("/sign-out", sign_out)
    app.router.add_get("/lang/{lang}", switch_lang)
    app.router.add_get("/", board)
    app.router.add_get("/events", events)
    app.router.add_post("/alerts/{alert_id}/act", alert_action)
    app.router.add_get("/cases", cases)
    app.router.add_get("/cases/{case_id}", case)
    app.router.add_get("/links", links)
    app.router.add_post("/links/act", link_action)
    app.router.add_get("/referrals", referrals)
    app.router.add_get("/audit", audit)
