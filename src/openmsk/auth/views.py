"""HTTP routes for sign-in, tokens, password links, accounts and the audit log."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import AwareDatetime

from openmsk.auth import accounts, links, service
from openmsk.auth.policy import SESSION_COOKIE, AnyUser, CurrentAdmin, PublicPrincipal
from openmsk.auth.schemas import (
    AuditRead, Credentials, LinkRedeem, LoginRead, MeRead, ResetRequest, TokenRead, UserCreate,
    UserRead, UserUpdate,
)
from openmsk.db import SessionDep
from openmsk.deps import DatabaseDep, QueueDep, SettingsDep, SignerDep, SignInThrottle
from openmsk.errors import ERROR_RESPONSES, BadRequest

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def set_session_cookie(response: Response, token: str, settings) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure whenever served over HTTPS."""
    response.set_cookie(SESSION_COOKIE, token, max_age=settings.session_hours * 3600, httponly=True,
                        samesite="lax", secure=settings.secure_cookies, path="/")


@router.post("/auth/token", response_model=TokenRead, tags=["auth"], dependencies=[SignInThrottle])
def issue_token(body: Credentials, session: SessionDep, db: DatabaseDep, settings: SettingsDep,
                _: PublicPrincipal) -> TokenRead:
    """Exchange email and password for a bearer token."""
    user_id = service.authenticate(db, email=body.email, password=body.password, settings=settings)
    token = service.issue_api_token(session, user_id=user_id, settings=settings)
    return TokenRead(access_token=token, expires_in=settings.token_hours * 3600)


@router.delete("/auth/token", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
def revoke_token(request: Request, session: SessionDep, principal: AnyUser) -> Response:
    """Revoke the bearer token used for this request."""
    if principal.via != "bearer":
        raise BadRequest("this request was not made with a bearer token")
    service.revoke_api_token(session, token=request.headers["authorization"].split(" ", 1)[1].strip())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/login", response_model=LoginRead, tags=["auth"], dependencies=[SignInThrottle])
def login(body: Credentials, response: Response, session: SessionDep, db: DatabaseDep,
          settings: SettingsDep, _: PublicPrincipal) -> LoginRead:
    """Start a browser session (sets the session cookie; send the CSRF token on writes)."""
    user_id = service.authenticate(db, email=body.email, password=body.password, settings=settings)
    token, csrf = service.start_login_session(session, user_id=user_id, settings=settings)
    set_session_cookie(response, token, settings)
    return LoginRead(user_id=user_id, csrf_token=csrf)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
def logout(request: Request, session: SessionDep, _: AnyUser) -> Response:
    """End the browser session."""
    if token := request.cookies.get(SESSION_COOKIE):
        service.end_login_session(session, token=token)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/me", response_model=MeRead, tags=["auth"])
def me(principal: AnyUser) -> MeRead:
    """Who am I."""
    return MeRead(user_id=principal.user_id, email=principal.email,
                  display_name=principal.display_name, roles=sorted(principal.roles),
                  member_id=principal.member_id, clinician_id=principal.clinician_id)


@router.post("/auth/password-reset", status_code=status.HTTP_202_ACCEPTED, tags=["auth"],
             dependencies=[SignInThrottle])
def request_reset(body: ResetRequest, session: SessionDep, queue: QueueDep, signer: SignerDep,
                  settings: SettingsDep, _: PublicPrincipal) -> dict:
    """Email a reset link if the account exists (the answer is the same either way)."""
    links.request_password_reset(session, email=body.email, queue=queue, signer=signer, settings=settings)
    return {"status": "if the account exists, a reset link has been sent"}


@router.post("/auth/password-reset/confirm", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"],
             dependencies=[SignInThrottle])
def confirm_reset(body: LinkRedeem, session: SessionDep, signer: SignerDep, settings: SettingsDep,
                  _: PublicPrincipal) -> Response:
    """Set a new password with a reset link's token."""
    links.redeem_link(session, token=body.token, purpose=links.RESET, password=body.password,
                      signer=signer, settings=settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/auth/invitations/accept", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"],
             dependencies=[SignInThrottle])
def accept_invitation(body: LinkRedeem, session: SessionDep, signer: SignerDep, settings: SettingsDep,
                      _: PublicPrincipal) -> Response:
    """Choose a first password with an invitation link's token."""
    links.redeem_link(session, token=body.token, purpose=links.INVITE, password=body.password,
                      signer=signer, settings=settings)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/users", response_model=list[UserRead], tags=["accounts"])
def list_users(session: SessionDep, _: CurrentAdmin, limit: Limit = 100, offset: Offset = 0) -> list[UserRead]:
    """All accounts (admins)."""
    return [accounts.user_read(u) for u in accounts.list_users(session, limit=limit, offset=offset)]


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED, tags=["accounts"])
def create_user(body: UserCreate, session: SessionDep, queue: QueueDep, signer: SignerDep,
                settings: SettingsDep, admin: CurrentAdmin) -> UserRead:
    """Create a staff account and email its invitation (admins)."""
    user = accounts.create_staff_user(session, data=body, actor=admin)
    links.invite_user(session, user=user, queue=queue, signer=signer, settings=settings)
    return accounts.user_read(user)


@router.patch("/users/{user_id}", response_model=UserRead, tags=["accounts"])
def update_user(user_id: str, body: UserUpdate, session: SessionDep, admin: CurrentAdmin) -> UserRead:
    """Activate, deactivate or rename an account (admins)."""
    return accounts.user_read(accounts.update_user(session, user_id=user_id, data=body, actor=admin))


@router.get("/audit", response_model=list[AuditRead], tags=["accounts"])
def audit_log(session: SessionDep, _: CurrentAdmin, member_id: str | None = None,
              actor_user_id: str | None = None, action: str | None = None,
              since: AwareDatetime | None = None, limit: Limit = 100, offset: Offset = 0) -> list[AuditRead]:
    """The audit trail, newest first (admins; read-only)."""
    rows = accounts.audit_trail(session, member_id=member_id, actor_user_id=actor_user_id,
                                action=action, since=since, limit=limit, offset=offset)
    return [AuditRead.model_validate(r) for r in rows]
