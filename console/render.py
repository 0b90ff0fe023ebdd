"""HTML of the console's pages: plain functions of data, everything escaped on the way out.

Server-rendered, no template engine (one less dependency, and Python's f-strings with `esc` make
it obvious where a value enters the markup). Every form carries the session's CSRF token; the
page's ``<meta name="csrf-token">`` gives it to the JavaScript. No external resource is linked:
the style sheet and the script are served by the console itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlencode

from console.audit import AuditEntry, ChainBreak
from console.casefile import case_file_block
from console.dates import format_countdown, format_datetime
from console.deskblock import desk_block, owner_cell
from console.i18n import label, province_name, t
from console.labels import referral_text, rule_title
from console.present import person_label
from console.roles import AGENCIES, Permission, Principal, can
from console.wording import alert_message, cleared_note
from streams.views.clock import HubClock

__all__ = ["esc", "page", "sign_in_page", "board_page", "alert_row", "case_group", "case_page", "cases_page", "links_page",
           "referrals_page", "audit_page", "message_page"]

STAGES = ("Reported", "Screening", "Identified", "NotAVictim", "Protection", "Prosecution", "Repatriation",
          "Reintegration", "Closed", "Unknown")


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def _when(at: datetime | None, lang: str) -> str:
    if at is None:
        return "—"
    return f'<time datetime="{esc(_iso(at))}">{esc(format_datetime(at, lang))}</time>'


def _province(code: str, lang: str) -> str:
    return f'<span class="prov" title="{esc(code)}">{esc(province_name(code, lang))}</span>'


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="csrf_token" value="{esc(token)}">'


def _nav(principal: Principal | None, lang: str, csrf: str, path: str) -> str:
    if principal is None:
        links = []
    else:
        links = [(href, t(key, lang)) for perm, href, key in (
            (Permission.ALERTS_READ, "/", "board"), (Permission.CASES_READ, "/cases", "cases"),
            (Permission.CASES_READ, "/provinces", "provinces"),
            (Permission.LINKS_REVIEW, "/links", "links"), (Permission.REFERRALS_READ, "/referrals", "referrals"),
            (Permission.AUDIT_READ, "/audit", "audit")) if can(principal, perm)]
    other = "en" if lang == "th" else "th"
    items = "".join(f'<a href="{esc(h)}">{esc(label)}</a>' for h, label in links)
    switch = (f'<a class="lang" id="lang-switch" href="/lang/{other}?{urlencode({"next": path})}" '
              f'lang="{other}" translate="no">{"English" if other == "en" else "ภาษาไทย"}</a>')
    who = ""
    if principal is not None:
        scope = ", ".join(province_name(p, lang) for p in sorted(principal.provinces)) or principal.agency or ""
        who = (f'<span class="who"><span translate="no">{esc(principal.name)}</span> · '
               f'{esc(label("console_role", principal.role.value, lang))}'
               f'{" · " + esc(scope) if scope else ""}</span>'
               f'<form method="post" action="/sign-out" class="inline">{_csrf(csrf)}'
               f'<button type="submit">{esc(t("sign_out", lang))}</button></form>')
    return f'<nav><strong>{esc(t("app", lang))}</strong>{items}<span class="spacer"></span>{switch}{who}</nav>'


def page(title: str, body: str, *, lang: str, principal: Principal | None = None, csrf: str = "",
         path: str = "/", live: bool = False, heading: str | None = None, head: str = "") -> str:
    """A whole page; ``heading``: the title as HTML (already escaped) when part of it is an id;
    ``head``: more of the document's head (already escaped)."""
    return (f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="csrf-token" content="{esc(csrf)}"><meta name="lang" content="{esc(lang)}">'
            f'<title>{esc(title)} · Sanpalang</title><link rel="stylesheet" href="/static/console.css">'
            f'<script src="/static/console.js" defer></script>{head}</head>'
            f'<body{" data-live=1" if live else ""}>{_nav(principal, lang, csrf, path)}'
            f'<main><h1>{heading if heading is not None else esc(title)}</h1>{body}</main></body></html>')


def message_page(text: str, *, lang: str, principal: Principal | None, csrf: str, title: str) -> str:
    return page(title, f'<p class="message">{esc(text)}</p>', lang=lang, principal=principal, csrf=csrf)


def sign_in_page(*, lang: str, csrf: str, error: str | None = None, next_path: str = "/") -> str:
    err = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    body = (f'{err}<form method="post" action="/sign-in" class="signin">{_csrf(csrf)}'
            f'<input type="hidden" name="next" value="{esc(next_path)}">'
            f'<label>{esc(t("user", lang))}<input name="username" id="username" autocomplete="username" required></label>'
            f'<label>{esc(t("password", lang))}<input name="password" id="password" type="password" '
            f'autocomplete="current-password" required></label>'
            f'<button type="submit" id="sign-in">{esc(t("sign_in", lang))}</button></form>')
    return page(t("sign_in", lang), body, lang=lang, path="/sign-in")


# --- alerts -------------------------------------------------------------------------------------
def _person(alert: Mapping[str, Any]) -> str:
    """Whom the alert is about (`Service.name_persons`), linked to them on the case page."""
    person = alert.get("person")
    if not person:
        return "—"
    name = f'<span class="names" translate="no">{esc(person["label"])}</span>'
    if not alert.get("case_id"):
        return name
    return f'<a class="person" href="/cases/{esc(alert["case_id"])}#person-{esc(person["id"])}">{name}</a>'


def _clock(alert: Mapping[str, Any], now: datetime, lang: str) -> str:
    """The time-left cell: a countdown while the alert is open; when it was closed and why once resolved."""
    if alert.get("state") == "Resolved":
        return (f'<span class="cleared">{esc(t("cleared", lang))} {_when(alert.get("resolved_at"), lang)}: '
                f'{cleared_note(alert, lang)}</span>')
    due = alert.get("due_at")
    return f'<span class="countdown" data-due="{esc(_iso(due))}">{esc(format_countdown(due, now, lang))}</span>'


def alert_row(alert: Mapping[str, Any], *, lang: str, csrf: str, now: datetime, can_act: bool) -> str:
    aid = alert["alert_id"]
    due = alert.get("due_at") if alert.get("state") != "Resolved" else None
    acked = alert.get("acknowledged") or alert.get("state") == "Acknowledged"
    actions = ""
    if can_act and alert.get("state") != "Resolved":
        actions = (f'<form method="post" action="/alerts/{esc(aid)}/act" class="act">{_csrf(csrf)}'
                   f'<input name="note" placeholder="{esc(t("note", lang))}" maxlength="2000">'
                   + "".join(f'<button name="verb" value="{v}" type="submit">{esc(t(v, lang))}</button>'
                             for v in ("acknowledge", "resolve", "escalate")) + '</form>')
    state = t("acknowledged", lang) if acked and alert.get("state") != "Resolved" else label("state", alert.get("state"), lang)
    return (f'<tr id="alert-{esc(aid)}" class="alert sev-{esc(alert["severity"]).lower()}{" acked" if acked else ""}" '
            f'data-alert-id="{esc(aid)}" data-case-id="{esc(alert.get("case_id") or "")}" '
            f'data-severity="{esc(alert["severity"])}" data-due="{esc(_iso(due))}">'
            f'<td class="sev">{esc(label("severity", alert["severity"], lang))}</td>'
            f'<td class="rule" title="{esc(alert["rule_key"])}">{esc(rule_title(alert["rule_key"], lang))}</td>'
            f'<td>{_province(alert["province"], lang)}</td><td class="person">{_person(alert)}</td>'
            f'<td class="message">{alert_message(alert, lang)}</td>'
            f'<td>{_when(alert.get("due_at"), lang)}</td><td>{_clock(alert, now, lang)}</td>'
            f'<td class="state">{esc(state)}</td><td>{actions}</td></tr>')


_ALERT_COLUMNS = ("severity", "rule", "province", "person", "message", "due", "time_left", "state", "action")


def case_group(case_id: str | None, *, lang: str, head: Mapping[str, Any] | None = None) -> str:
    """The board's group of one case's alerts (a ``tbody``), with its heading row: the case by its
    number (its id until the views have it), and its owner (`head`: `console.desk.case_heads`)."""
    if case_id:
        number = (head or {}).get("case_number") or case_id
        text = (f'{esc(t("case", lang))} <a href="/cases/{esc(case_id)}"><code translate="no" class="case-number">'
                f'{esc(number)}</code></a> · {esc(t("owner", lang))}: {owner_cell((head or {}).get("owner"), lang)}')
    else:
        text = esc(t("no_case", lang))
    return (f'<tbody class="case-group" data-case-id="{esc(case_id or "")}"><tr class="group">'
            f'<th colspan="{len(_ALERT_COLUMNS)}">{text}</th></tr></tbody>')


def _alert_table(alerts: Sequence[Mapping[str, Any]], *, lang: str, csrf: str, now: datetime, can_act: bool,
                 table_id: str = "board", grouped: bool = True,
                 heads: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """Alerts in board order; ``grouped``: under their case, the cases in the order of their most
    urgent alert (the board), else one plain list (a case page: one case already)."""
    head = "".join(f"<th>{esc(t(k, lang))}</th>" for k in _ALERT_COLUMNS)
    if grouped:
        groups: dict[str | None, list[str]] = {}
        for a in alerts:
            groups.setdefault(a.get("case_id"), []).append(alert_row(a, lang=lang, csrf=csrf, now=now, can_act=can_act))
        body = "".join(case_group(cid, lang=lang, head=(heads or {}).get(cid or "")).replace("</tbody>", "".join(rows) + "</tbody>")
                       for cid, rows in groups.items())
    else:
        body = "<tbody>" + "".join(alert_row(a, lang=lang, csrf=csrf, now=now, can_act=can_act) for a in alerts) + "</tbody>"
    empty = f'<p class="empty" id="{table_id}-empty"{" hidden" if alerts else ""}>{esc(t("no_alerts", lang))}</p>'
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead>{body}</table>{empty}'


def clock_data(clock: HubClock | None) -> dict[str, str]:
    """The hub clock for the page's script (SSE data): it counts down from it on event time."""
    return {"hub_now": _iso(clock.at), "hub_mode": clock.mode} if clock is not None else {}


def _hub_clock(clock: HubClock | None, lang: str) -> tuple[str, str]:
    """(head, body) of a page whose countdowns run on the hub's clock: the script's meta, and a
    line saying which clock it is when that is event time (a replay, the demo), not the wall."""
    if clock is None:
        return "", ""
    meta = f'<meta name="hub-clock" content="{esc(_iso(clock.at))}" data-mode="{esc(clock.mode)}">'
    if clock.mode != "event":
        return meta, ""
    return meta, f'<p class="hub-clock" id="hub-clock">{esc(t("hub_clock", lang))} {_when(clock.at, lang)}</p>'


def board_page(alerts: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str, now: datetime,
               flash: str | None = None, live_since: float | None = None, clock: HubClock | None = None,
               heads: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    since = f' data-since="{live_since!r}"' if live_since is not None else ""
    status = (f'<p id="live-status" class="live" data-offline="{esc(t("offline", lang))}"{since}>'
              f'{esc(t("live", lang))}</p>')
    note = f'<p class="flash" role="status">{esc(flash)}</p>' if flash else ""
    head, told = _hub_clock(clock, lang)
    body = note + status + told + _alert_table(alerts, lang=lang, csrf=csrf, now=now,
                                               can_act=can(principal, Permission.ALERTS_ACT), heads=heads)
    return page(t("board", lang), body, lang=lang, principal=principal, csrf=csrf, path="/", live=True, head=head)


# --- cases --------------------------------------------------------------------------------------
def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], *, lang: str, cls: str = "",
           row_ids: Sequence[str] = ()) -> str:
    """``row_ids``: the rows' element ids (links point at them), in order; none when empty."""
    rows = list(rows)
    if not rows:
        return f'<p class="empty">{esc(t("none", lang))}</p>'
    head = "".join(f"<th>{esc(t(h, lang))}</th>" for h in headers)
    ids = [f' id="{esc(i)}"' for i in row_ids] or [""] * len(rows)
    body = "".join(f"<tr{i}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for i, r in zip(ids, rows))
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _names(person: Mapping[str, Any], lang: str) -> str:
    """Names as the agencies spelt them and masked identifiers; absent for a role without the right."""
    if "names" not in person:
        return f'<span class="muted">{esc(t("hidden", lang))}</span>'
    names = " / ".join(person["names"]) or "—"
    ids = " ".join(f'<small>{esc(label("identifier", kind, lang))} <code translate="no">{esc(value)}</code></small>'
                   for kind, value in person.get("identifiers", []))
    return f'<span class="names" translate="no">{esc(names)}</span> {ids}'


def case_page(case: Mapping[str, Any], *, principal: Principal, lang: str, csrf: str, now: datetime,
              clock: HubClock | None = None, candidates: Sequence[str] = (), flash: str | None = None) -> str:
    facts = (f'<dl class="facts"><dt>{esc(t("nrm_stage", lang))}</dt><dd id="stage">{esc(label("stage", case["stage"], lang))}</dd>'
             f'<dt>{esc(t("status", lang))}</dt><dd>{esc(label("case_status", case["status"], lang))}</dd>'
             f'<dt>{esc(t("province", lang))}</dt><dd>{_province(case["lead_province"], lang)}'
             f'{"".join(" · " + _province(p, lang) for p in case["provinces"] if p != case["lead_province"])}</dd>'
             f'<dt>{esc(t("opened", lang))}</dt><dd>{_when(case["opened_at"], lang)}</dd>'
             f'<dt>{esc(t("updated", lang))}</dt><dd>{_when(case["updated_at"], lang)}</dd>'
             + "".join(f'<dt>{esc(label("agency", r["agency"], lang))}</dt><dd translate="no">{esc(r["ref"])}</dd>'
                     for r in case["agency_case_refs"])
             + '</dl>')
    timeline = _table(("when", "agency", "event", "province"), (
        (_when(e["occurred_at"], lang), esc(label("agency", e["agency"], lang)),
         f'<span title="{esc(e["event_type"])}">{esc(label("event", e["event_type"], lang))}</span>',
         _province(e["province"], lang))
        for e in case["timeline"]), lang=lang, cls="timeline")
    persons = _table(("person", "name", "roles", "screening", "minor", "nationality"), (
        (f'<code translate="no">{esc(person_label(principal, p["person_id"]))}</code>', _names(p, lang),
         esc(", ".join(label("role", r, lang) for r in p["roles"])), esc(label("trafficking_status", p["trafficking_status"], lang)),
         "✔" if p["is_minor"] else "", esc(label("nationality", p["nationality"], lang)))
        for p in case["persons"]), lang=lang, row_ids=[f'person-{p["person_id"]}' for p in case["persons"]])
    orgs = _table(("kind", "name"), ((esc(label("org_kind", o["kind"], lang)), f'<span class="names" translate="no">{esc(o["name"])}</span>')
                                     for o in case["organisations"]), lang=lang)
    deadlines = _table(("rule", "due", "time_left"), (
        (esc(rule_title(d["rule"], lang)), _when(d["due_at"], lang),
         f'<span class="countdown" data-due="{esc(_iso(d["due_at"]))}">{esc(format_countdown(d["due_at"], now, lang))}</span>')
        for d in case["deadlines"]), lang=lang)
    alerts = (_alert_table(case["alerts"], lang=lang, csrf=csrf, now=now, can_act=can(principal, Permission.ALERTS_ACT),
                           table_id="case-alerts", grouped=False) if case["alerts"] else f'<p class="empty">{esc(t("none", lang))}</p>')
    links = _table(("person", "candidate", "weight", "when", "action"), (
        (f'<code translate="no">{esc(person_label(principal, link["person_id"]))}</code>',
         f'<code translate="no">{esc(link.get("candidate_id") or "—")}</code>', f'{link["weight"]:.1f}', _when(link["decided_at"], lang),
         f'<form method="post" action="/links/act" class="inline">{_csrf(csrf)}'
         f'<input type="hidden" name="source_key" value="{esc(link["source_key"])}">'
         f'<input type="hidden" name="next" value="/cases/{esc(case["case_id"])}">'
         f'<button name="verb" value="confirm">{esc(t("confirm", lang))}</button>'
         f'<button name="verb" value="reject">{esc(t("reject", lang))}</button></form>')
        for link in case.get("possible_links", [])), lang=lang)
    head, told = _hub_clock(clock, lang)
    note = f'<p class="flash" role="status">{esc(flash)}</p>' if flash else ""
    desk = desk_block(case, principal=principal, lang=lang, csrf=csrf, candidates=candidates)
    body = (note + facts + told + desk + f'<h2>{esc(t("alerts", lang))}</h2>{alerts}<h2>{esc(t("deadlines", lang))}</h2>{deadlines}'
            f'<h2>{esc(t("timeline", lang))}</h2>{timeline}<h2>{esc(t("persons", lang))}</h2>{persons}'
            f'<h2>{esc(t("organisations", lang))}</h2>{orgs}<h2>{esc(t("possible_links", lang))}</h2>{links}')
    body += case_file_block(case, principal=principal, lang=lang)   # issue 13's case file: its own block
    number = case.get("case_number") or case["case_id"]
    return page(f'{t("case", lang)} {number}', body, lang=lang, principal=principal, csrf=csrf,
                path=f'/cases/{case["case_id"]}', head=head,
                heading=f'{esc(t("case", lang))} <code translate="no">{esc(number)}</code>')


def _select(name: str, options: Iterable[tuple[str, str]], chosen: str | None, lang: str) -> str:
    opts = f'<option value="">{esc(t("any", lang))}</option>' + "".join(
        f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{esc(label)}</option>' for v, label in options)
    return f'<select name="{esc(name)}">{opts}</select>'


def cases_page(cases: Sequence[Mapping[str, Any]], total: int, *, principal: Principal, lang: str, csrf: str,
               query: Mapping[str, str], provinces: Sequence[str], page_no: int, per_page: int) -> str:
    province = _select("province", ((p, province_name(p, lang)) for p in provinces), query.get("province"), lang)
    stage = _select("stage", ((s, label("stage", s, lang)) for s in STAGES), query.get("stage"), lang)
    agency = _select("agency", ((a, label("agency", a, lang)) for a in AGENCIES), query.get("agency"), lang)
    form = (f'<form method="get" action="/cases" class="search">'
            f'<label>{esc(t("province", lang))}{province}</label><label>{esc(t("stage", lang))}{stage}</label>'
            f'<label>{esc(t("agency", lang))}{agency}</label>'
            f'<label>{esc(t("case_number", lang))}<input type="search" name="number" placeholder="TH57-2569-0042" '
            f'value="{esc(query.get("number", ""))}"></label>'
            f'<label>{esc(t("from", lang))}<input type="date" name="since" value="{esc(query.get("since", ""))}"></label>'
            f'<label>{esc(t("until", lang))}<input type="date" name="until" value="{esc(query.get("until", ""))}"></label>'
            f'<button type="submit">{esc(t("search", lang))}</button></form>')
    rows = _table(("case", "province", "stage", "status", "owner", "opened", "updated"), (
        (f'<a href="/cases/{esc(c["case_id"])}" translate="no">{esc(c.get("case_number") or c["case_id"])}</a>',
         ", ".join(_province(p, lang) for p in (c["provinces"] or [c["lead_province"]])), esc(label("stage", c["stage"], lang)),
         esc(label("case_status", c["status"], lang)), owner_cell(c.get("owner"), lang), _when(c["opened_at"], lang),
         _when(c["updated_at"], lang)) for c in cases), lang=lang)
    base = {k: v for k, v in query.items() if v and k != "page"}
    pager = ""
    if page_no > 1:
        pager += f'<a href="/cases?{esc(urlencode({**base, "page": page_no - 1}))}">{esc(t("previous", lang))}</a> '
    if page_no * per_page < total:
        pager += f'<a href="/cases?{esc(urlencode({**base, "page": page_no + 1}))}">{esc(t("next", lang))}</a>'
    return page(t("cases", lang), f'{form}<p>{total}</p>{rows}<p class="pager">{pager}</p>', lang=lang,
                principal=principal, csrf=csrf, path="/cases")


def links_page(links: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str) -> str:
    rows = _table(("person", "candidate", "agency", "weight", "when", "case", "action"), (
        (f'<code>{esc(person_label(principal, link["person_id"]))}</code>', f'<code>{esc(link.get("candidate_id") or "—")}</code>',
         esc(label("agency", link["agency"], lang)), f'{link["weight"]:.1f}', _when(link["decided_at"], lang),
         " ".join(f'<a href="/cases/{esc(c)}">{esc(c)}</a>' for c in link["case_ids"]),
         f'<form method="post" action="/links/act" class="inline">{_csrf(csrf)}'
         f'<input type="hidden" name="source_key" value="{esc(link["source_key"])}"><input type="hidden" name="next" value="/links">'
         f'<button name="verb" value="confirm">{esc(t("confirm", lang))}</button>'
         f'<button name="verb" value="reject">{esc(t("reject", lang))}</button></form>') for link in links), lang=lang)
    return page(t("links", lang), rows, lang=lang, principal=principal, csrf=csrf, path="/links")


def referrals_page(referrals: Sequence[Mapping[str, Any]], *, principal: Principal, lang: str, csrf: str) -> str:
    rows = _table(("created", "to_agency", "province", "case", "reason", "requested_action"), (
        (_when(r["created_at"], lang), esc(label("agency", r["to_agency"], lang)), _province(r["province"], lang), esc(r["case_id"]),
         esc(referral_text(r["reason"], lang)), esc(referral_text(r["requested_action"], lang))) for r in referrals), lang=lang)
    return page(t("referrals", lang), rows, lang=lang, principal=principal, csrf=csrf, path="/referrals")


def audit_page(entries: Sequence[AuditEntry], *, principal: Principal, lang: str, csrf: str,
               checked: int, broken: ChainBreak | None, head: tuple[int, str]) -> str:
    status = (f'<p class="ok" id="chain">{esc(t("chain_ok", lang))}: {checked} · head {head[0]} {esc(head[1][:16])}…</p>'
              if broken is None else f'<p class="error" id="chain">{esc(t("chain_bad", lang))} {esc(str(broken))}</p>')
    rows = _table(("when", "actor", "action", "target", "province", "note"), (
        (f'{e.seq} · {_when(e.at, lang)}', f'{esc(e.actor)} ({esc(label("console_role", e.role, lang))})', esc(e.action), esc(e.target),
         _province(e.province, lang) if e.province else "—", f'<code>{esc(e.detail)}</code>') for e in entries), lang=lang)
    more = (f'<p class="pager"><a href="/audit?before={entries[-1].seq}">{esc(t("next", lang))}</a></p>'
            if entries and entries[-1].seq > 1 else "")
    return page(t("audit", lang), status + rows + more, lang=lang, principal=principal, csrf=csrf, path="/audit")

