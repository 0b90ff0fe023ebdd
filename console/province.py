"""The province page (issue 13 item 4): the provincial team lead's desk, `/provinces/TH-57`.

The 2018 policy makes each PSDHS office its province's anti-trafficking data hub and team lead:
it leads prevention, above all in border and tourist provinces. The page sets on one map what the
lead weighs against each other: the hotspots (open alerts of rule 8, an organisation flagged by
several agencies), the prevention work done there (`streams.views.prevention`), and the open
cases by stage.

Who: the operators of the province (provincial) and national operators; a liaison or an auditor
gets 403, a province outside the caller's scope or no province at all 404, as the case pages
answer. Every read is audited (`province.read`, or `province.read.refused`), like a case read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

from connectors.normalise.provinces import province as province_row, provinces as all_provinces
from console import pages, province_render
from console.roles import Permission, Principal, Role, can
from console.service import Forbidden, Service
from console.web import lang_of, principal_of, state_of
from streams.views.prevention import open_cases_by_stage, prevention_activities
from streams.views.queries import open_alerts

__all__ = ["ProvinceView", "read_province", "add_routes", "HOTSPOT_RULE"]

HOTSPOT_RULE = 8


@dataclass(frozen=True)
class ProvinceView:
    code: str
    hotspots: list[dict[str, Any]] = field(default_factory=list)
    prevention: list[dict[str, Any]] = field(default_factory=list)
    open_cases: dict[str, int] = field(default_factory=dict)


def _require(principal: Principal) -> None:
    if not (can(principal, Permission.CASES_READ) and can(principal, Permission.ALERTS_READ)):
        raise Forbidden(f"{principal.role.value} users may not open a province page")


def in_scope(principal: Principal, code: str) -> bool:
    """A real province the caller reads: any for a national operator, their own for a provincial one."""
    try:
        province_row(code)
    except KeyError:
        return False
    return principal.role is Role.NATIONAL or code in principal.provinces


def read_province(hub: Service, principal: Principal, code: str, at: datetime) -> ProvinceView | None:
    """The page's data, read in the province only; None (404) outside the caller's scope."""
    _require(principal)
    if not in_scope(principal, code):
        hub.audit(principal, "province.read.refused", code, at)
        return None
    provinces = frozenset({code})
    with hub.reader.connect() as conn:
        hotspots = [a for a in open_alerts(conn, provinces, limit=5000) if a["rule_number"] == HOTSPOT_RULE]
        view = ProvinceView(code, hotspots, prevention_activities(conn, provinces), open_cases_by_stage(conn, provinces))
    hub.audit(principal, "province.read", code, at, province=code,
              hotspots=[a["alert_id"] for a in hotspots][:200], prevention=len(view.prevention),
              open_cases=sum(view.open_cases.values()))
    return view


def _visible(principal: Principal) -> list[str]:
    return [p.code for p in all_provinces()] if principal.role is Role.NATIONAL else sorted(principal.provinces)


async def province_page(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    try:
        view = await asyncio.to_thread(read_province, st.hub, principal, request.match_info["code"].upper(), st.now())
    except Forbidden:
        return pages.denied(request, 403)
    if view is None:
        return pages.denied(request, 404)
    return pages.html(province_render.province_page(view, principal=principal, lang=lang_of(request), csrf=pages.csrf_of(request)))


async def provinces_index(request: web.Request) -> web.Response:
    """The provinces the caller may open (no victim data: names and links only, so not audited)."""
    principal = principal_of(request)
    try:
        _require(principal)
    except Forbidden:
        return pages.denied(request, 403)
    codes = _visible(principal)
    if len(codes) == 1:
        raise web.HTTPSeeOther(f"/provinces/{codes[0]}")
    return pages.html(province_render.provinces_index(codes, principal=principal, lang=lang_of(request), csrf=pages.csrf_of(request)))


def add_routes(app: web.Application) -> None:
    app.router.add_get("/provinces", provinces_index)
    app.router.add_get("/provinces/{code}", province_page)
