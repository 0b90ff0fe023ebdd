"""The console's aiohttp application: the request pipeline of `console.web`, the pages, the API,
static files, health and metrics. `build_app` takes its collaborators (the `Service`, the
`Broadcaster`, an action publisher, a clock) so that tests can run it without a broker;
`console.server` builds the real ones from settings.
"""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from console import api, deskroutes, pages, province
from console.metrics import CONTENT_TYPE
from console.web import MIDDLEWARES, STATE, ConsoleState, state_of

__all__ = ["build_app"]


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "boards": state_of(request).broadcaster.boards})


async def _metrics(request: web.Request) -> web.Response:
    return web.Response(body=state_of(request).metrics.exposition(), headers={"Content-Type": CONTENT_TYPE})


def build_app(state: ConsoleState) -> web.Application:
    app = web.Application(middlewares=list(MIDDLEWARES), client_max_size=256 * 1024)
    app[STATE] = state
    static = resources.files("console") / "static"
    app.router.add_static("/static/", str(static), show_index=False, append_version=False)
    app.router.add_get("/health", _health)
    app.router.add_get("/metrics", _metrics)
    pages.add_routes(app)
    deskroutes.add_routes(app)
    province.add_routes(app)
    api.add_routes(app)

    async def _close_boards(_app: web.Application) -> None:
        state.broadcaster.close()
    app.on_shutdown.append(_close_boards)
    return app
