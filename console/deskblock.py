"""The team lead's desk block of the case page (issue 13 item 2): the owner, the status decisions
(who recorded them, when, on what), whether the case is closed; and, for the PSDHS team lead of the
case's lead province only, the forms that change them (each a POST with the session's CSRF token,
to ``/cases/{case_id}/desk``). Its own template (``templates/desk.html``) and one block of the page,
like the case file; this renders it alone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from console.roles import Principal
from console.templating import macro

__all__ = ["desk_block"]


def desk_block(case: Mapping[str, Any], *, principal: Principal, lang: str, csrf: str,
               candidates: Sequence[str] = ()) -> str:
    """``candidates``: user names who may own the case (`console.desk.owner_candidates`), for the form."""
    return str(macro("desk.html", "block")(case, principal, lang, csrf, candidates))
