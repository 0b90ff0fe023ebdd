"""The case file block of the case page (issue 13): what screening and protection work from, per
person - forms of exploitation (forced criminality among them), means of control, the language an
interpreter is needed for, when and where (district) the person was exploited, and who decided
their status. Its own template (``templates/casefile.html``) and one block of the page, so that the
page's other parts can change without touching it; this renders it alone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.roles import Principal
from console.templating import macro

__all__ = ["case_file_block", "file_persons"]

_FILE_FIELDS = ("exploitation_types", "means_of_control", "interpreter_language", "exploitation_period",
                "status_decided_by", "status_decided_by_name")


def file_persons(case: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The case's persons whose records hold any of the case file."""
    return [p for p in case.get("persons", ()) if any(p.get(k) for k in _FILE_FIELDS)]


def case_file_block(case: Mapping[str, Any], *, principal: Principal, lang: str) -> str:
    """The block, or nothing when the case's records hold none of it."""
    return str(macro("casefile.html", "block")(case, file_persons(case), principal, lang))
