"""What every request of the console goes through: who is calling (session cookie or bearer
token), CSRF, security headers and counting; the state the pages and the API share, and its
cookies. The routes are wired in `console.app`, above the pages and the API that import this.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import urlencode, urlparse

from aiohttp import web

from console import accounts, csrf
from console.credentials import new_secret
from console.i18n import normalise_lang
from console.live import Broadcaster
from console.metrics import UNMATCHED_ROUTE, ConsoleMetrics
from console.roles import Principal
from console.service import Service
from console.signin_gate import SignInGate
from console.throttle import SignInThrottles

__all__ = ["ConsoleState", "MIDDLEWARES", "STATE", "PRINCIPAL", "SESSION", "BEARER", "SESSION_COOKIE", "PRESIGN_COOKIE", "LANG_COOKIE",
           "principal_of", "state_of", "lang_of", "safe_next", "ActionSink"]

SESSION_COOKIE, PRESIGN_COOKIE, LANG_COOKIE = "spl_session", "spl_presign", "spl_lang"
PUBLIC_PREFIXES = ("/static/", "/lang/")
# /metrics is public like /health: counts only, no names or ids (console.metrics); Prometheus
# scrapes it without a session. A proxy facing the internet need not forward it.
PUBLIC_PATHS = frozenset({"/sign-in", "/api/openapi.json", "/health", "/metrics"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class ActionSink(Protocol):
    async def send(self, action: dict[str, Any]) -> None: ...


@dataclass
class ConsoleState:
    hub: Service
    broadcaster: Broadcaster
    actions: ActionSink | None
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    secure_cookies: bool = False
    metrics: ConsoleMetrics = field(default_factory=ConsoleMetrics)
    throttles: SignInThrottles = field(default_factory=SignInThrottles)     # failed sign-ins per address, name
    sign_ins: SignInGate = field(default_factory=SignInGate)                # password checks off the pages' pool


STATE: web.AppKey[ConsoleState] = web.AppKey("console_state", ConsoleState)
PRINCIPAL: web.RequestKey[Principal | None] = web.RequestKey("console_principal", object)  # type: ignore[arg-type]
SESSION: web.RequestKey[accounts.Session | None] = web.RequestKey("console_session", object)  # type: ignore[arg-type]
BEARER: web.RequestKey[bool] = web.RequestKey("console_bearer", bool)


def state_of(request: web.Request) -> ConsoleState:
    return request.app[STATE]


def principal_of(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def lang_of(request: web.Request) -> str:
    return normalise_lang(request.cookies.get(LANG_COOKIE))


def safe_next(value: str | None) -> str:
    """Only a local path: an open redirect would turn the sign-in page into a phishing aid."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parsed = urlparse(value)
    return value if not parsed.scheme and not parsed.netloc else "/"


def _is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def _public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@web.middleware
async def _headers(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as e:
        response = e
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    if isinstance(response, web.HTTPException):
        raise response
    return response


def _route(request: web.Request) -> str:
    """The route template (``/cases/{case_id}``), never the path: ids stay out of the labels."""
    resource = request.match_info.route.resource          # None for a 404 / 405 of the router
    return resource.canonical if resource is not None else UNMATCHED_ROUTE


@web.middleware
async def _count(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    """Outermost: counts what the caller got, redirects to sign-in and refusals included."""
    metrics, route = state_of(request).metrics, _route(request)
    try:
        response = await handler(request)
    except web.HTTPException as e:
        metrics.request(route, request.method, e.status)
        raise
    except Exception:
        metrics.request(route, request.method, 500)
        raise
    metrics.request(route, request.method, response.status)
    return response


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def _auth(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    st = state_of(request)
    request[PRINCIPAL], request[SESSION], request[BEARER] = None, None, False
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        principal = await asyncio.to_thread(_token_principal, st.hub, header[7:].strip())
        if principal is None:
            return _json_error(401, "unknown or revoked API token")
        request[PRINCIPAL], request[BEARER] = principal, True
    elif (sid := request.cookies.get(SESSION_COOKIE)):
        session = await asyncio.to_thread(_session, st.hub, sid, st.now())
        if session is not None:
            request[PRINCIPAL], request[SESSION] = session.principal, session
    if request[PRINCIPAL] is None and not _public(request.path):
        if _is_api(request):
            return _json_error(401, "sign in or present an API token (Authorization: Bearer ...)")
        target = request.path_qs if request.method == "GET" else "/"
        raise web.HTTPSeeOther(f"/sign-in?{urlencode({'next': target})}")
    if csrf.needs_token(request.method, bearer=request[BEARER]) and request.path != "/sign-in":
        expected = request[SESSION].csrf_token if request[SESSION] else None
        given = request.headers.get(csrf.HEADER)
        if given is None and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            given = (await request.post()).get(csrf.FIELD)
        if not csrf.token_matches(expected, given if isinstance(given, str) else None):
            if _is_api(request):
                return _json_error(403, "missing or wrong CSRF token (X-CSRF-Token)")
            raise web.HTTPForbidden(text="CSRF token missing or wrong: reload the page and try again.")
    return await handler(request)


def _token_principal(hub: Service, token: str) -> Principal | None:
    with hub.writer.connect() as conn:
        return accounts.principal_of_token(conn, token)


def _session(hub: Service, sid: str, at: datetime) -> accounts.Session | None:
    with hub.writer.connect() as conn:
        return accounts.session_of(conn, sid, at=at)


def set_session_cookie(response: web.StreamResponse, request: web.Request, session_id: str) -> None:
    st = state_of(request)
    response.set_cookie(SESSION_COOKIE, session_id, httponly=True, samesite="Strict", path="/",
                        secure=st.secure_cookies or request.secure, max_age=int(accounts.SESSION_TTL.total_seconds()))


def presign_token(request: web.Request, response: web.StreamResponse) -> str:
    """The sign-in form's double-submit value: reuse the cookie's, or set a new one."""
    token = request.cookies.get(PRESIGN_COOKIE) or new_secret()
    response.set_cookie(PRESIGN_COOKIE, token, httponly=True, samesite="Strict", path="/sign-in",
                        secure=state_of(request).secure_cookies or request.secure)
    return token


MIDDLEWARES = (_count, _headers, _auth)
"""In this order: every request counted, then given security headers, then authenticated."""
