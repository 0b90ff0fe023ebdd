"""The console's template engine: Jinja2 with autoescape on, so that escaping is the default on
pages that show victims' data and only a deliberate `Markup` (each one justified where it is made)
enters the markup unescaped. Templates are package data (``console/templates``); missing names
fail loudly (`StrictUndefined`) rather than render as nothing.

Templates are written over several lines for the reader; `OneLine` drops each line break and the
indentation after it at compile time, so the pages come out as compact as the hand-built HTML was
(write a space at the end of a line where one is meant).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined
from jinja2.ext import Extension
from markupsafe import Markup

from connectors.normalise.districts import district

from console.dates import format_countdown, format_date, format_datetime
from console.i18n import file_label, label, province_name, t
from console.labels import referral_text, rule_title
from console.present import person_label
from console.roles import Permission, can, may_decide_on
from console.wording import alert_message, cleared_note
from streams.cases.desk import DECISION_BASES, TRAFFICKING_STATUSES
from streams.cases.model import JOIN_ROLES

__all__ = ["render", "macro", "ALERT_COLUMNS"]

ALERT_COLUMNS = ("severity", "rule", "province", "person", "message", "due", "time_left", "state", "action")

_BREAK = re.compile(r"\n[ \t]*")


class OneLine(Extension):
    """Line breaks and the indentation after them are the template's layout, not the page's."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return _BREAK.sub("", source)


def _district(code: str) -> Any:
    """The gazetteer's row, or None for a code it lacks (then shown as written)."""
    try:
        return district(code)
    except KeyError:
        return None


def _iso(at: datetime | date | None) -> str:
    return at.isoformat() if at else ""


# The filters below build a small element around values; `Markup(...) % (...)` escapes every
# argument (only the literal tags are markup), so nothing from the data is marked safe. Filters,
# not macros, because the board calls them on every row and a filter is a plain function call.
def _when(at: datetime | None, lang: str) -> Markup | str:
    if at is None:
        return "—"
    return Markup('<time datetime="%s">%s</time>') % (at.isoformat(), format_datetime(at, lang))


def _day(on: date | None, lang: str, missing: str = "—") -> Markup | str:
    if on is None:
        return missing
    return Markup('<time datetime="%s">%s</time>') % (on.isoformat(), format_date(on, lang))


def _province(code: str, lang: str) -> Markup:
    return Markup('<span class="prov" title="%s">%s</span>') % (code, province_name(code, lang))


def _time_left(due: datetime | None, now: datetime, lang: str) -> Markup:
    return Markup('<span class="countdown" data-due="%s">%s</span>') % (_iso(due), format_countdown(due, now, lang))


def _message(alert: Mapping[str, Any], lang: str) -> Markup:
    # Safe: `console.wording` escapes every fact and the message itself before joining them with
    # its own tags (tests/unit/console/test_wording.py proves it); the result is HTML, not text.
    return Markup(alert_message(alert, lang))


def _cleared(alert: Mapping[str, Any], lang: str) -> Markup:
    # Safe: as `_message`, `console.wording.cleared_note` returns escaped HTML.
    return Markup(cleared_note(alert, lang))


_ENV = Environment(loader=PackageLoader("console", "templates"), autoescape=True, undefined=StrictUndefined,
                   extensions=[OneLine], finalize=lambda value: "" if value is None else value)
_ENV.filters.update(iso=_iso, when=_when, day=_day, province=_province, time_left=_time_left)
_ENV.globals.update(
    t=t, label=label, file_label=file_label, province_name=province_name, rule_title=rule_title,
    referral_text=referral_text, person_label=person_label, district=_district, can=can, Permission=Permission,
    alert_message=_message, cleared_note=_cleared, urlencode=urlencode, may_decide_on=may_decide_on, join_roles=JOIN_ROLES,
    trafficking_statuses=TRAFFICKING_STATUSES, decision_bases=DECISION_BASES, alert_columns=ALERT_COLUMNS,
    language_names={"en": "English", "th": "ภาษาไทย"})


def render(template: str, **context: Any) -> str:
    """The template filled in; what it prints is escaped unless it is `Markup` made above."""
    return _ENV.get_template(template).render(**context)


def macro(template: str, name: str) -> Callable[..., str]:
    """A template's macro, to render one part of a page alone (an SSE fragment, a block under test)."""
    return getattr(_ENV.get_template(template).module, name)
