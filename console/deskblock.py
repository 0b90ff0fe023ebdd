"""The team lead's desk block of the case page (issue 13 item 2): the owner, the status decisions
(who recorded them, when, on what), whether the case is closed; and, for the PSDHS team lead of the
case's lead province only, the forms that change them (each a POST with the session's CSRF token,
to ``/cases/{case_id}/desk``). Its own module and one block of the page, like the case file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from console.dates import format_datetime
from console.i18n import file_label, label, t
from console.present import person_label
from console.roles import Principal, may_decide_on
from streams.cases.desk import DECISION_BASES, TRAFFICKING_STATUSES
from streams.cases.model import JOIN_ROLES

__all__ = ["desk_block", "owner_cell"]


def _esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _when(at: Any, lang: str) -> str:
    return f'<time datetime="{_esc(at.isoformat())}">{_esc(format_datetime(at, lang))}</time>' if at else "—"


def owner_cell(owner: str | None, lang: str) -> str:
    """The owner as the board and the case page show them."""
    if not owner:
        return f'<span class="owner muted">{_esc(t("no_owner", lang))}</span>'
    return f'<span class="owner" translate="no">{_esc(owner)}</span>'


def _options(values: Sequence[tuple[str, str]]) -> str:
    return "".join(f'<option value="{_esc(v)}">{_esc(text)}</option>' for v, text in values)


def _form(case_id: str, verb: str, csrf: str, inner: str, button: str) -> str:
    return (f'<form method="post" action="/cases/{_esc(case_id)}/desk" class="desk" id="desk-{verb}">'
            f'<input type="hidden" name="csrf_token" value="{_esc(csrf)}"><input type="hidden" name="verb" value="{verb}">'
            f'{inner}<button type="submit" id="desk-{verb}-submit">{_esc(button)}</button></form>')


def _forms(case: Mapping[str, Any], principal: Principal, lang: str, csrf: str, candidates: Sequence[str]) -> str:
    cid = case["case_id"]
    if candidates:
        owners = _options([(name, name) for name in candidates])
        assign = _form(cid, "assign", csrf, f'<label>{_esc(t("owner", lang))}<select name="owner" id="owner">{owners}</select></label>',
                       t("assign_owner", lang))
    else:
        assign = f'<p class="empty">{_esc(t("no_candidates", lang))}</p>'
    persons = _options([(p["person_id"], person_label(principal, p["person_id"])) for p in case["persons"]
                        if JOIN_ROLES.intersection(p["roles"])])
    statuses = _options([(s, label("trafficking_status", s, lang)) for s in TRAFFICKING_STATUSES])
    bases = _options([(b, file_label("basis", b, lang)) for b in DECISION_BASES])
    decide = _form(cid, "decide", csrf,
                   f'<label>{_esc(t("person", lang))}<select name="person_id" id="decision-person">{persons}</select></label>'
                   f'<label>{_esc(t("trafficking_status", lang))}<select name="trafficking_status" id="decision-status">'
                   f'{statuses}</select></label>'
                   f'<label>{_esc(t("basis", lang))}<select name="basis" id="decision-basis">{bases}</select></label>'
                   f'<label>{_esc(t("note", lang))}<input name="note" id="decision-note" maxlength="2000"></label>',
                   t("record_decision", lang))
    close = _form(cid, "close", csrf, f'<input name="note" placeholder="{_esc(t("note", lang))}" maxlength="2000">',
                  t("close_case", lang))
    return assign + decide + close


def desk_block(case: Mapping[str, Any], *, principal: Principal, lang: str, csrf: str,
               candidates: Sequence[str] = ()) -> str:
    """``candidates``: user names who may own the case (`console.desk.owner_candidates`), for the form."""
    owner = owner_cell(case.get("owner"), lang)
    if case.get("owner_assigned_by"):
        owner += (f' <small>({_esc(t("assigned_by", lang))} <span translate="no">{_esc(case["owner_assigned_by"])}</span>, '
                  f'{_when(case.get("owner_assigned_at"), lang)})</small>')
    facts = f'<dl class="facts"><dt>{_esc(t("owner", lang))}</dt><dd id="case-owner">{owner}</dd>'
    if case.get("closed_at"):
        facts += (f'<dt>{_esc(t("closed_by", lang))}</dt><dd id="case-closed"><span translate="no">'
                  f'{_esc(case.get("closed_by"))}</span>, {_when(case["closed_at"], lang)}</dd>')
    facts += "</dl>"
    decisions = case.get("status_decisions") or []
    if decisions:
        head = "".join(f"<th>{_esc(t(k, lang))}</th>" for k in ("person", "trafficking_status", "basis", "decided_by",
                                                                "when", "note"))
        rows = "".join(
            f'<tr><td><code translate="no">{_esc(person_label(principal, d["person_id"]))}</code></td>'
            f'<td class="decision-status">{_esc(label("trafficking_status", d["trafficking_status"], lang))}</td>'
            f'<td class="decision-basis">{_esc(file_label("basis", d["basis"], lang))}</td>'
            f'<td translate="no">{_esc(d["decided_by"])}</td><td>{_when(d["decided_at"], lang)}</td>'
            f'<td>{_esc(d.get("note") or "")}</td></tr>' for d in decisions)
        table = f'<table id="status-decisions"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    else:
        table = f'<p class="empty" id="status-decisions">{_esc(t("none", lang))}</p>'
    forms = ""
    if may_decide_on(principal, case["lead_province"]) and not case.get("closed_at"):
        forms = _forms(case, principal, lang, csrf, candidates)
    return (f'<section id="desk"><h2>{_esc(t("desk", lang))}</h2>{facts}'
            f'<h3>{_esc(t("status_decisions", lang))}</h3>{table}{forms}</section>')
