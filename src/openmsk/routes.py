"""Walks the app's route table, including routers FastAPI includes lazily."""

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute

from openmsk.auth.policy import declared_policy

# Routes FastAPI itself adds: the schema and its viewers, which show no data.
FRAMEWORK_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


@dataclass(frozen=True)
class RouteInfo:
    """One endpoint: path, methods and the policy it declares (None when it declares none)."""

    path: str
    methods: frozenset[str]
    policy: str | None
    kind: str


def iter_routes(app: FastAPI) -> Iterator[RouteInfo]:
    """Every endpoint of the app with its full path and declared policy."""
    for route in app.routes:
        contexts = route.effective_route_contexts() if hasattr(route, "effective_route_contexts") else [route]
        for ctx in contexts:
            original = getattr(ctx, "original_route", ctx)
            path = getattr(ctx, "path", None) or getattr(original, "path", "")
            if isinstance(original, (APIRoute, APIWebSocketRoute)):
                kind = "websocket" if isinstance(original, APIWebSocketRoute) else "http"
                yield RouteInfo(path, frozenset(getattr(original, "methods", None) or {"WS"}),
                                declared_policy(original.dependant), kind)
            elif path in FRAMEWORK_PATHS:
                yield RouteInfo(path, frozenset(getattr(original, "methods", None) or ()), "framework", "framework")
            elif original.__class__.__name__ == "Mount" and path.startswith("/static"):
                yield RouteInfo(path, frozenset({"GET"}), "static", "static")
            else:
                yield RouteInfo(path, frozenset(), None, type(original).__name__)
