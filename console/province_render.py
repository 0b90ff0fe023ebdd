"""HTML of the province page (`console.province`): hotspots, prevention work, open cases by stage.

Plain functions of data into ``templates/province.html`` (autoescaped, as `console.render`); days
in B.E. in Thai and C.E. in English (`console.dates.format_date`); districts by their gazetteer names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from connectors.normalise import district as district_row
from console.i18n import province_name, t
from console.render import STAGES, page_context
from console.roles import Principal
from console.templating import render

if TYPE_CHECKING:
    from console.province import ProvinceView

__all__ = ["province_page", "provinces_index", "district_name", "by_district"]


def district_name(code: str | None, lang: str) -> str:
    """แม่สาย / Mae Sai; no district: province-wide; a code the gazetteer lacks: the code itself."""
    if not code:
        return t("province_wide", lang)
    try:
        row = district_row(code)
    except KeyError:
        return code
    return row.thai if lang == "th" else row.english


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


def open_cases(counts: Mapping[str, int]) -> list[tuple[str | None, int]]:
    """(stage, open cases) in the stages' order, stages outside the contract after them; then
    (None, the total) when there are any."""
    rows: list[tuple[str | None, int]] = [(s, counts[s]) for s in (*STAGES, *sorted(set(counts) - set(STAGES)))
                                          if counts.get(s)]
    return rows + [(None, sum(counts.values()))] if rows else rows


def province_page(view: "ProvinceView", *, principal: Principal, lang: str, csrf: str) -> str:
    return render("province.html", view=view, districts=by_district(view.prevention), open_cases=open_cases(view.open_cases),
                  district_name=district_name,
                  **page_context(f'{t("province_page", lang)} {province_name(view.code, lang)}', lang=lang,
                                 principal=principal, csrf=csrf, path=f"/provinces/{view.code}"))


def provinces_index(codes: Sequence[str], *, principal: Principal, lang: str, csrf: str) -> str:
    return render("provinces.html", codes=codes,
                  **page_context(t("provinces", lang), lang=lang, principal=principal, csrf=csrf, path="/provinces"))

