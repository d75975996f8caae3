"""Authorization in one place: every route declares one of these policies as a dependency."""

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.auth.service import principal_for
from openmsk.db import session_dependency
from openmsk.careteam.service import is_on_care_team
from openmsk.errors import Forbidden, NotFound, Unauthenticated
from openmsk.members.models import Member

SESSION_COOKIE = "openmsk_session"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def current_principal(request: Request, session: Session = session_dependency) -> Principal | None:
    """The principal of the request, if it carries valid credentials."""
    if "principal" in request.state._state:
        return request.state.principal
    principal = principal_for(session, cookie_token=request.cookies.get(SESSION_COOKIE),
                              bearer_token=_bearer(request))
    request.state.principal = principal
    request.scope.setdefault("state", {})["user_id"] = principal.user_id if principal else None
    return principal


async def _check_csrf(request: Request, principal: Principal) -> None:
    """Cookie-authenticated writes must echo the session's CSRF token (header or form field)."""
    if principal.via != "cookie" or request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent and request.headers.get("content-type", "").startswith(FORM_TYPES):
        sent = (await request.form()).get("csrf_token")  # Starlette caches the parsed form
    if not sent or not hmac.compare_digest(str(sent), principal.csrf_token or ""):
        raise Forbidden("missing or invalid CSRF token")


def policy(name: str, allowed: Callable[[Principal], bool] | None) -> Callable[..., Principal | None]:
    """A dependency enforcing `allowed` on the principal; `None` means the route is public."""

    async def dependency(request: Request,
                         principal: Principal | None = Depends(current_principal)) -> Principal | None:
        if allowed is None:
            return principal
        if principal is None:
            raise Unauthenticated("sign in to continue")
        await _check_csrf(request, principal)
        if not allowed(principal):
            raise Forbidden("your role does not allow this")
        return principal

    dependency.__openmsk_policy__ = name
    dependency.__name__ = f"policy_{name}"
    return dependency


public = policy("public", None)
authenticated = policy("authenticated", lambda p: True)
member_only = policy("member", lambda p: p.is_member)
clinician_only = policy("clinician", lambda p: p.is_clinician)
admin_only = policy("admin", lambda p: p.is_admin)
program_admin_only = policy("program_admin", lambda p: p.is_program_admin or p.is_admin)
care_access = policy("care_access", lambda p: p.is_member or p.is_clinician)

PublicPrincipal = Annotated[Principal | None, Depends(public)]
AnyUser = Annotated[Principal, Depends(authenticated)]
CurrentMember = Annotated[Principal, Depends(member_only)]
CurrentClinician = Annotated[Principal, Depends(clinician_only)]
CurrentAdmin = Annotated[Principal, Depends(admin_only)]
CurrentProgramAdmin = Annotated[Principal, Depends(program_admin_only)]
CareUser = Annotated[Principal, Depends(care_access)]


def can_access_member(session: Session, principal: Principal, member_id: str) -> bool:
    """A member reaches only their own record; a clinician only members on their care team."""
    if principal.is_member and principal.member_id == member_id:
        return True
    if principal.is_clinician:
        return is_on_care_team(session, clinician_id=principal.clinician_id, member_id=member_id)
    return False


def member_scope(resource_type: str) -> Callable[..., Principal]:
    """A dependency for `/members/{member_id}/...` routes: checks access and audits the access."""

    def dependency(request: Request, member_id: str,
                   principal: Principal = Depends(care_access),
                   session: Session = session_dependency) -> Principal:
        action = _ACTIONS.get(request.method, "read")
        if session.get(Member, member_id) is None:
            raise NotFound("no member with this id")
        if not can_access_member(session, principal, member_id):
            audit.record_denied(request.app.state.db, principal, action=action,
                                resource_type=resource_type, member_id=member_id)
            raise Forbidden("this member is not in your care")
        if action == "read":  # writes are audited by the service function that makes them
            audit.record(session, principal, action=action, resource_type=resource_type,
                         resource_id=member_id, member_id=member_id)
        return principal

    dependency.__openmsk_policy__ = f"member_scope:{resource_type}"
    return dependency


_ACTIONS = {"GET": "read", "HEAD": "read", "POST": "create", "PUT": "update", "PATCH": "update",
            "DELETE": "delete"}


def declared_policy(dependant) -> str | None:
    """The policy a route declares somewhere in its dependency tree (used by the route-table test)."""
    call = getattr(dependant, "call", None)
    if call is not None and hasattr(call, "__openmsk_policy__"):
        return call.__openmsk_policy__
    for sub in dependant.dependencies:
        found = declared_policy(sub)
        if found:
            return found
    return None
