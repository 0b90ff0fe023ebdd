"""The case file block of the case page (issue 13): what screening and protection work from, per
person - forms of exploitation (forced criminality among them), means of control, the language an
interpreter is needed for, when and where (district) the person was exploited, and who decided
their status. Its own module and one block of the page, so that the page's other parts can change
without touching it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from html import escape
from typing import Any

from connectors.normalise.districts import district
from console.dates import format_date
from console.i18n import file_label, label, province_name, t
from console.present import person_label
from console.roles import Principal

__all__ = ["case_file_block"]


def _esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _day(day: date | None, lang: str) -> str:
    return f'<time datetime="{day.isoformat()}">{_esc(format_date(day, lang))}</time>' if day else "…"


def _as_written(text: str) -> str:
    """A place or a name as the agency wrote it: shown as it is, in any script."""
    return f'<span translate="no">{_esc(text)}</span>'


def _place(period: Mapping[str, Any], lang: str) -> str:
    parts = []
    if period.get("place"):
        parts.append(_as_written(period["place"]))
    if period.get("district"):
        try:
            found = district(period["district"])
            parts.append(f'<span class="district" title="{_esc(found.code)}">'
                         f'{_esc(found.thai if lang == "th" else found.english)}</span>')
        except KeyError:
            parts.append(_as_written(period["district"]))
    if period.get("province"):
        parts.append(_esc(province_name(period["province"], lang)))
    if period.get("country"):
        parts.append(_esc(label("nationality", period["country"], lang)))
    return ", ".join(parts) or "—"


def _person(p: Mapping[str, Any], principal: Principal, lang: str) -> str:
    period = p.get("exploitation_period")
    rows = [
        ("exploitation_types", ", ".join(_esc(file_label("exploitation", x, lang)) for x in p["exploitation_types"])),
        ("means_of_control", ", ".join(_esc(file_label("means", x, lang)) for x in p["means_of_control"])),
        ("interpreter", _esc(file_label("language", p["interpreter_language"], lang))
         if p.get("interpreter_language") else ""),
        ("exploited_when", f'{_day(period.get("started_on"), lang)} – {_day(period.get("ended_on"), lang)}'
         if period and (period.get("started_on") or period.get("ended_on")) else ""),
        ("exploited_where", _place(period, lang) if period else ""),
        ("status_decided_by", " · ".join(x for x in (
            _esc(file_label("decided_by", p["status_decided_by"], lang)) if p.get("status_decided_by") else None,
            _as_written(p["status_decided_by_name"]) if p.get("status_decided_by_name") else None) if x)),
    ]
    facts = "".join(f'<dt>{_esc(t(key, lang))}</dt><dd data-field="{key}">{value}</dd>' for key, value in rows if value)
    return f'<h3><code translate="no">{_esc(person_label(principal, p["person_id"]))}</code></h3><dl class="facts">{facts}</dl>'


def case_file_block(case: Mapping[str, Any], *, principal: Principal, lang: str) -> str:
    """The block, or nothing when the case's records hold none of it."""
    persons = [p for p in case.get("persons", ()) if any(
        p.get(k) for k in ("exploitation_types", "means_of_control", "interpreter_language", "exploitation_period",
                           "status_decided_by", "status_decided_by_name"))]
    kinds = case.get("exploitation_types") or []
    numbers = _numbers(case)
    if not persons and not kinds and not numbers:
        return ""
    head = (f'<dt>{_esc(t("exploitation_types", lang))}</dt><dd data-field="case-exploitation">'
            f'{", ".join(_esc(file_label("exploitation", x, lang)) for x in kinds)}</dd>' if kinds else "")
    facts = "".join(f'<dt>{_esc(t(key, lang))}</dt><dd data-field="{key}">{value}</dd>' for key, value in numbers)
    return (f'<section id="case-file"><h2>{_esc(t("case_file", lang))}</h2><dl class="facts">{facts}{head}</dl>'
            f'{"".join(_person(p, principal, lang) for p in persons)}</section>')


def _numbers(case: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The case's number, the numbers it absorbed, and the case it was merged into."""
    out = []
    if case.get("case_number"):
        out.append(("case_number", f'<strong class="case-number" translate="no">{_esc(case["case_number"])}</strong>'))
    if case.get("absorbed_case_numbers"):
        out.append(("absorbed_numbers", ", ".join(f'<span translate="no">{_esc(n)}</span>'
                                                  for n in case["absorbed_case_numbers"])))
    if case.get("merged_into"):
        out.append(("merged_into", f'<a href="/cases/{_esc(case["merged_into"])}" translate="no">{_esc(case["merged_into"])}</a>'))
    return out
