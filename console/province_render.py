"""HTML of the province page (`console.province`): hotspots, prevention work, open cases by stage.

Plain functions of data, everything escaped on the way out, as `console.render`; days in B.E. in
Thai and C.E. in English (`console.dates.format_date`); districts by their gazetteer names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from connectors.normalise import district as district_row
from console.dates import format_date
from console.i18n import file_label, label, province_name, t
from console.labels import rule_title
from console.render import STAGES, esc, message_page, page
from console.roles import Principal
from console.wording import alert_message

if TYPE_CHECKING:
    from console.province import ProvinceView

__all__ = ["province_page", "provinces_index", "denied_page", "district_name", "by_district"]


def district_name(code: str | None, lang: str) -> str:
    """แม่สาย / Mae Sai; no district: province-wide; a code the gazetteer lacks: the code itself."""
    if not code:
        return t("province_wide", lang)
    try:
        row = district_row(code)
    except KeyError:
        return code
    return row.thai if lang == "th" else row.english


def _day(day: date | None, lang: str) -> str:
    if day is None:
        return "—"
    return f'<time datetime="{esc(day.isoformat())}">{esc(format_date(day, lang))}</time>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], lang: str, table_id: str) -> str:
    if not rows:
        return f'<p class="empty" id="{table_id}-empty">{esc(t("none", lang))}</p>'
    head = "".join(f"<th>{esc(t(h, lang))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def by_district(activities: Sequence[Mapping[str, Any]]) -> list[tuple[str | None, int, int, date]]:
    """(district, activities, people reached, latest day) per district, most people reached first."""
    seen: dict[str | None, list[Any]] = {}
    for a in activities:
        entry = seen.setdefault(a["district"], [0, 0, a["held_on"]])
        entry[0] += 1
        entry[1] += a["people_reached"]
        entry[2] = max(entry[2], a["held_on"])
    return sorted(((d, n, people, last) for d, (n, people, last) in seen.items()),
                  key=lambda row: (-row[2], row[0] or ""))


def _raised(alert: Mapping[str, Any], lang: str) -> str:
    at = alert["raised_at"]
    return f'<time datetime="{esc(at.isoformat())}">{esc(format_date(at, lang))}</time>'


def _hotspots(alerts: Sequence[Mapping[str, Any]], lang: str) -> str:
    rows = [(esc(label("severity", a["severity"], lang)), esc(rule_title(a["rule_key"], lang)),
             f'<span class="message">{alert_message(a, lang)}</span>', _raised(a, lang),
             (f'<a href="/cases/{esc(a["case_id"])}"><code translate="no">{esc(a["case_id"])}</code></a>'
              if a.get("case_id") else "—"))
            for a in alerts]
    return _table(("severity", "rule", "message", "raised", "case"), rows, lang, "hotspots")


def _prevention(activities: Sequence[Mapping[str, Any]], lang: str) -> str:
    summary = [(esc(district_name(d, lang)), str(n), f"{people:,}", _day(last, lang))
               for d, n, people, last in by_district(activities)]
    listed = [(_day(a["held_on"], lang), esc(district_name(a["district"], lang)),
               esc(label("prevention_kind", a["activity_kind"], lang)), esc(label("audience", a["audience"], lang)),
               f'{a["people_reached"]:,}', esc(", ".join(file_label("language", x, lang) for x in a["languages"]) or "—"),
               esc(a.get("organiser") or "—"), esc(a.get("title") or "—"))
              for a in activities]
    return (f'<h3>{esc(t("prevention_by_district", lang))}</h3>'
            + _table(("district", "activities", "people_reached", "last_activity"), summary, lang, "prevention-districts")
            + _table(("held_on", "district", "activity_kind", "audience", "people_reached", "languages", "organiser",
                      "title"), listed, lang, "prevention"))


def _open_cases(counts: Mapping[str, int], code: str, lang: str) -> str:
    rows = [(f'<a href="/cases?province={esc(code)}&amp;stage={esc(s)}">{esc(label("stage", s, lang))}</a>',
             str(counts[s])) for s in (*STAGES, *sorted(set(counts) - set(STAGES))) if counts.get(s)]
    if rows:
        rows.append((esc(t("total", lang)), str(sum(counts.values()))))
    return _table(("stage", "count"), rows, lang, "open-cases")


def province_page(view: "ProvinceView", *, principal: Principal, lang: str, csrf: str) -> str:
    name = province_name(view.code, lang)
    warn = (f'<p class="flash" role="status" id="no-prevention">{esc(t("no_prevention_where_hotspot", lang))}</p>'
            if view.hotspots and not view.prevention else "")
    body = (f'{warn}<section id="section-hotspots"><h2>{esc(t("hotspots", lang))}</h2>{_hotspots(view.hotspots, lang)}</section>'
            f'<section id="section-prevention"><h2>{esc(t("prevention", lang))}</h2>{_prevention(view.prevention, lang)}</section>'
            f'<section id="section-cases"><h2>{esc(t("open_cases_by_stage", lang))}</h2>'
            f'{_open_cases(view.open_cases, view.code, lang)}</section>')
    return page(f'{t("province_page", lang)} {name}', body, lang=lang, principal=principal, csrf=csrf,
                path=f"/provinces/{view.code}")


def provinces_index(codes: Sequence[str], *, principal: Principal, lang: str, csrf: str) -> str:
    items = "".join(f'<li><a href="/provinces/{esc(c)}">{esc(province_name(c, lang))}</a> <small translate="no">{esc(c)}</small></li>'
                    for c in codes)
    return page(t("provinces", lang), f'<ul class="provinces">{items}</ul>', lang=lang, principal=principal, csrf=csrf,
                path="/provinces")


def denied_page(status: int, *, lang: str, principal: Principal | None, csrf: str) -> str:
    """403 or 404 in the words of the case pages."""
    return message_page(t("forbidden" if status == 403 else "not_found", lang), lang=lang, principal=principal,
                        csrf=csrf, title=str(status))
