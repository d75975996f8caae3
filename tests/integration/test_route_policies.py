"""Every route declares an authorization policy: a new route without one fails this test."""

from fastapi import APIRouter

from openmsk.app import create_app
from openmsk.auth.policy import member_scope
from openmsk.routes import iter_routes

PUBLIC_ALLOWED = {
    "/healthz", "/", "/login", "/password-reset", "/password-reset/{token}", "/invitations/{token}",
    "/api/v1/auth/token", "/api/v1/auth/login", "/api/v1/auth/password-reset",
    "/api/v1/auth/password-reset/confirm", "/api/v1/auth/invitations/accept",
}


def _undeclared(app) -> list[str]:
    return [f"{sorted(r.methods)} {r.path}" for r in iter_routes(app) if r.policy is None]


def test_every_route_declares_a_policy(app_settings):
    app = create_app(app_settings)
    routes = list(iter_routes(app))
    assert len(routes) > 30
    assert _undeclared(app) == []


def test_only_the_sign_in_pages_and_health_check_are_public(app_settings):
    public = {r.path for r in iter_routes(create_app(app_settings)) if r.policy == "public"}
    assert public <= PUBLIC_ALLOWED


def test_member_routes_are_scoped_to_the_member(app_settings):
    for route in iter_routes(create_app(app_settings)):
        if "{member_id}" in route.path and route.policy != "admin":
            assert route.policy.startswith("member_scope"), route.path


def test_the_check_catches_a_route_without_a_policy(app_settings):
    app = create_app(app_settings)
    router = APIRouter()

    @router.get("/api/v1/leaky")
    def leaky() -> dict:
        return {}

    @router.get("/api/v1/members/{member_id}/fine")
    def fine(member_id: str, _=__import__("fastapi").Depends(member_scope("Thing"))) -> dict:
        return {}

    app.include_router(router)
    assert _undeclared(app) == ["['GET'] /api/v1/leaky"]
