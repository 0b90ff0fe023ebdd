"""HTML of the console's pages: plain functions of data into Jinja2 templates (``console/templates``,
autoescaped: `console.templating`). Every form carries the session's CSRF token; the page's
``<meta name="csrf-token">`` gives it to the JavaScript. No external resource is linked: the style
sheet and the script are served by the console itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from console.audit import AuditEntry, ChainBreak
from console.casefile import file_persons
from console.i18n import label, province_name, t
from console.roles import AGENCIES, Permission, Principal, can
from console.templating import macro, render
from streams.views.clock import HubClock

__all__ = ["page_context", "sign_in_page", "board_page", "alert_row", "case_group", "case_page", "cases_page",
           "links_page", "referrals_page", "audit_page", "message_page"]

STAGES = ("Reported", "Screening", "Identified", "NotAVictim", "Protection", "Prosecution", "Repatriation",
          "Reintegration", "Closed", "Unknown")


def page_context(title: str, *, lang: str, principal: Principal | None, csrf: str, path: str = "/",
                 live: bool = False) -> dict[str, Any]:
    """What the layout (``base.html``) needs of every page."""
    return {"title": title, "lang": lang, "principal": principal, "csrf": csrf, "path": path, "live": live}


def message_page(text: str, *, lang: str, principal: Principal | None, csrf: str, title: str) -> str:
    return render("message.html", text=text, **page_context(title, lang=lang, principal=principal, csrf=csrf))


def sign_in_page(*, lang: str, csrf: str, error: str | None = None, next_path: str = "/") -> str:
    # The layout's csrf (meta, sign-out form) is empty: nobody is signed in; the form carries the
    # double-submit value the sign-in POST is checked against.
    return render("sign_in.html", error=error, next_path=next_path, token=csrf,
                  **page_context(t("sign_in", lang), lang=lang, principal=None, csrf="", path="/sign-in"))


# --- alerts -------------------------------------------------------------------------------------
def alert_row(alert: Mapping[str, Any], *, lang: str, csrf: str, now: datetime, can_act: bool) -> str:
    return str(macro("alerts.html", "alert_row")(alert, lang, csrf, now, can_act))


def case_group(case_id: str | None, *, lang: str, head: Mapping[str, Any] | None = None) -> str:
    """The board's group of one case's alerts (a ``tbody``, empty: the live board fills it), with its
    heading row: the case by its number, and its owner (`head`: `console.desk.case_heads`)."""
    return str(macro("alerts.html", "case_group")(case_id, lang, head))


def by_case(alerts: Sequence[Mapping[str, Any]]) -> list[tuple[str | None, list[Mapping[str, Any]]]]:
    """Alerts in board order under their case, the cases in the order of their most urgent alert."""
    groups: dict[str | None, list[Mapping[str, Any]]] = {}
    for a in alerts:
        groups.setdefault(a.get("case_id"), []).append(a)
    return list(groups.items())


def clock_data(clock: HubClock | None) -> dict[str, str]:
    """The hub clock for the page's script (SSE data): it counts down from it on event time."""
    return {"hub_now": clock.at.isoformat() if clock.at else "", "hub_mode": clock.mode} if clock is not None else {}


def board_page(alerts: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str, now: datetime,
               flash: str | None = None, live_since: float | None = None, clock: HubClock | None = None,
               heads: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    return render("board.html", alerts=alerts, groups=by_case(alerts), heads=heads or {}, now=now, flash=flash,
                  live_since=live_since, clock=clock, can_act=can(principal, Permission.ALERTS_ACT),
                  **page_context(t("board", lang), lang=lang, principal=principal, csrf=csrf, live=True))


# --- cases --------------------------------------------------------------------------------------
def case_page(case: Mapping[str, Any], *, principal: Principal, lang: str, csrf: str, now: datetime,
              clock: HubClock | None = None, candidates: Sequence[str] = (), flash: str | None = None) -> str:
    number = case.get("case_number") or case["case_id"]
    return render("case.html", case=case, number=number, now=now, clock=clock, candidates=candidates, flash=flash,
                  can_act=can(principal, Permission.ALERTS_ACT), file_persons=file_persons(case),
                  person_ids=[f'person-{p["person_id"]}' for p in case["persons"]],
                  **page_context(f'{t("case", lang)} {number}', lang=lang, principal=principal, csrf=csrf,
                                 path=f'/cases/{case["case_id"]}'))


def cases_page(cases: Sequence[Mapping[str, Any]], total: int, *, principal: Principal, lang: str, csrf: str,
               query: Mapping[str, str], provinces: Sequence[str], page_no: int, per_page: int) -> str:
    return render("cases.html", cases=cases, total=total, query=query, page_no=page_no, per_page=per_page,
                  provinces=[(p, province_name(p, lang)) for p in provinces],
                  stages=[(s, label("stage", s, lang)) for s in STAGES],
                  agencies=[(a, label("agency", a, lang)) for a in AGENCIES],
                  base={k: v for k, v in query.items() if v and k != "page"},
                  **page_context(t("cases", lang), lang=lang, principal=principal, csrf=csrf, path="/cases"))


def links_page(links: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str) -> str:
    return render("links.html", links=links,
                  **page_context(t("links", lang), lang=lang, principal=principal, csrf=csrf, path="/links"))


def referrals_page(referrals: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str) -> str:
    return render("referrals.html", referrals=referrals,
                  **page_context(t("referrals", lang), lang=lang, principal=principal, csrf=csrf, path="/referrals"))


def audit_page(entries: Sequence[AuditEntry], *, principal: Principal, lang: str, csrf: str,
               checked: int, broken: ChainBreak | None, head: tuple[int, str]) -> str:
    return render("audit.html", entries=entries, checked=checked, broken=broken, head=head,
                  **page_context(t("audit", lang), lang=lang, principal=principal, csrf=csrf, path="/audit"))
