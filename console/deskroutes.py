"""The case page's desk form (issue 13 item 2): POST ``/cases/{case_id}/desk`` with ``verb`` assign,
decide or close (`console.desk.act_on_case`); the JSON API's counterpart is in `console.api`.

Back to the case page with ``?desk=`` saying how it went: 1 sent (the page shows the change once
the worker's case view is in the views), 0 refused (closed case, values that do not fit), busy (the
bus refused: nothing recorded). A case outside the caller's provinces answers 404, a case they see
but do not lead 403, as the other pages do.
"""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from console import pages
from console.acting import ActionError
from console.desk import act_on_case
from console.service import Forbidden
from console.web import principal_of, state_of

__all__ = ["add_routes"]


async def desk_action(request: web.Request) -> web.Response:
    st, principal = state_of(request), principal_of(request)
    case_id = request.match_info["case_id"]
    form = await request.post()
    back = f"/cases/{quote(case_id, safe='')}?desk="
    try:
        await act_on_case(st, principal, case_id, str(form.get("verb", "")), {k: str(v) for k, v in form.items()})
    except Forbidden:
        return pages.denied(request, 403)
    except ActionError as e:
        if e.status == 404:
            return pages.denied(request, 404)
        raise web.HTTPSeeOther(back + ("busy" if e.status == 503 else "0"))
    raise web.HTTPSeeOther(back + "1")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/cases/{case_id}/desk", desk_action)
