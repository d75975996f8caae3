"""Hot routers first (`app.HOT_FIRST`) changes how fast a request finds its route, never which route it finds."""

import re

from fastapi.routing import _IncludedRouter, iter_route_contexts
from starlette.routing import Match

from openmsk import app as app_module
from openmsk.app import create_app
from openmsk.config import Settings

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _resolved(app, path: str, method: str):
    scope = {"type": "http", "path": path, "method": method, "root_path": "", "headers": [], "query_string": b""}
    found = partial = None
    for route in app.router.routes:
        match, _ = route.matches(dict(scope))
        if match == Match.FULL:
            found = route
            break
        if match == Match.PARTIAL and partial is None:
            partial = route
    route = found or partial
    while isinstance(route, _IncludedRouter):
        _, _, route, _ = route._match(dict(scope))
    endpoint = getattr(route, "endpoint", None)
    return ("full" if found else "partial" if partial else "none",
            f"{endpoint.__module__}.{endpoint.__qualname__}" if endpoint else type(route).__name__ if route else None)


def _table(app) -> dict[str, tuple]:
    paths = {re.sub(r"\{[^}]+\}", "x1", context.path_format or context.path)
             for context in iter_route_contexts(app.routes) if context.path_format or context.path}
    return {f"{method} {path}": _resolved(app, path, method) for path in sorted(paths) for method in METHODS}


def test_every_route_resolves_as_in_plain_capability_order(tmp_path, monkeypatch):
    hot = _table(create_app(Settings(var_dir=tmp_path / "hot")))
    monkeypatch.setattr(app_module, "HOT_FIRST", ())
    plain = _table(create_app(Settings(var_dir=tmp_path / "plain")))
    assert len(hot) > 500
    assert hot == plain


def test_the_feed_endpoint_is_among_the_first_routes_tried(tmp_path):
    app = create_app(Settings(var_dir=tmp_path))
    assert _resolved(app, "/fhir/R4/notifications/f1", "POST")[1].endswith("feeds_views.notify")
    position = next(i for i, route in enumerate(app.router.routes) if route.matches(
        {"type": "http", "path": "/fhir/R4/notifications/f1", "method": "POST", "root_path": "", "headers": [],
         "query_string": b""})[0] == Match.FULL)
    # Only FastAPI's own documentation routes and the health check come before the interop capability's.
    assert sum(isinstance(route, _IncludedRouter) for route in app.router.routes[:position]) == 1
