"""Server-rendered pages for members, the care team and administrators."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth import accounts, links, service as auth
from openmsk.auth.policy import (
    SESSION_COOKIE, AnyUser, CurrentAdmin, CurrentClinician, CurrentMember, CurrentProgramAdmin,
    PublicPrincipal, member_scope,
)
from openmsk.auth.principal import Principal
from openmsk.auth.views import set_session_cookie
from openmsk.careteam import service as careteam
from openmsk.console.nav import member_home_gate
from openmsk.console.rendering import check_form_token, render
from openmsk.console import reports
from openmsk.db import SessionDep
from openmsk.deps import DatabaseDep, QueueDep, SettingsDep, SignerDep, SignInThrottle
from openmsk.errors import AppError
from openmsk.members import service as members
from fastapi import Depends

router = APIRouter(include_in_schema=False)
Page = HTMLResponse
MemberPage = Annotated[Principal, Depends(member_scope("Member"))]


def _home_for(principal: Principal) -> str:
    if principal.is_clinician:
        return "/console"
    if principal.is_member:
        return "/me"
    if principal.is_admin:
        return "/admin/users"
    return "/reports"


@router.get("/", response_class=Page)
def home(request: Request, principal: PublicPrincipal):
    """Send each user to their own start page."""
    return RedirectResponse(_home_for(principal) if principal else "/login", status_code=303)


@router.get("/login", response_class=Page)
def login_page(request: Request, _: PublicPrincipal, next: str = "/"):
    """The sign-in form."""
    return render(request, "login.html", next=next if next.startswith("/") else "/")


@router.post("/login", response_class=Page, dependencies=[SignInThrottle])
def login_submit(request: Request, session: SessionDep, db: DatabaseDep, settings: SettingsDep,
                 _: PublicPrincipal, email: Annotated[str, Form()], password: Annotated[str, Form()],
                 csrf_token: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/"):
    """Check the credentials and start a session."""
    check_form_token(request, csrf_token)
    try:
        user_id = auth.authenticate(db, email=email, password=password, settings=settings)
    except AppError as exc:
        return render(request, "login.html", status_code=exc.status_code, error=exc.message,
                      email=email, next=next)
    token, _csrf = auth.start_login_session(session, user_id=user_id, settings=settings)
    response = RedirectResponse(next if next.startswith("/") and not next.startswith("//") else "/",
                                status_code=303)
    set_session_cookie(response, token, settings)
    return response


@router.post("/logout", response_class=Page)
def logout_submit(request: Request, session: SessionDep, _: AnyUser):
    """End the session and return to the sign-in page."""
    if token := request.cookies.get(SESSION_COOKIE):
        auth.end_login_session(session, token=token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_class=Page)
def member_home(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's own page: profile, program sections and care team (after any first steps)."""
    if target := member_home_gate(session, principal):
        return RedirectResponse(target, status_code=303)
    member = members.visible_members(session, principal=principal, limit=1, offset=0)[0]
    team = careteam.care_team(session, member_id=member.id)
    return render(request, "member_home.html", member=member, team=team)


@router.get("/console", response_class=Page)
def clinician_home(request: Request, session: SessionDep, principal: CurrentClinician):
    """The clinician's members."""
    mine = members.visible_members(session, principal=principal, limit=500, offset=0)
    return render(request, "console_members.html", members=mine)


@router.get("/console/members/{member_id}", response_class=Page)
def member_chart(request: Request, member_id: str, session: SessionDep, _: MemberPage):
    """One member's chart for their care team."""
    member = members.get_member(session, member_id=member_id)
    return render(request, "member_chart.html", member=member,
                  team=careteam.care_team(session, member_id=member_id))


@router.get("/admin/users", response_class=Page)
def admin_users(request: Request, session: SessionDep, _: CurrentAdmin):
    """Accounts (admins)."""
    users = [accounts.user_read(u) for u in accounts.list_users(session, limit=500, offset=0)]
    return render(request, "admin_users.html", users=users)


@router.get("/admin/audit", response_class=Page)
def admin_audit(request: Request, session: SessionDep, _: CurrentAdmin, member_id: str | None = None):
    """The audit trail (admins, read-only)."""
    return render(request, "admin_audit.html", events=accounts.audit_trail(session, member_id=member_id,
                                                                           limit=200), member_id=member_id)


@router.get("/reports", response_class=Page)
def program_reports(request: Request, session: SessionDep, _: CurrentProgramAdmin):
    """Aggregate enrollment by organization and status, small cells suppressed."""
    return render(request, "reports.html", rows=reports.enrollment_counts(session))


@router.get("/password-reset", response_class=Page)
def reset_request_page(request: Request, _: PublicPrincipal):
    """Ask for a reset link."""
    return render(request, "reset_request.html")


@router.post("/password-reset", response_class=Page, dependencies=[SignInThrottle])
def reset_request_submit(request: Request, session: SessionDep, queue: QueueDep, signer: SignerDep,
                         settings: SettingsDep, _: PublicPrincipal, email: Annotated[str, Form()],
                         csrf_token: Annotated[str, Form()] = ""):
    """Send the link if the account exists; say the same either way."""
    check_form_token(request, csrf_token)
    links.request_password_reset(session, email=email, queue=queue, signer=signer, settings=settings)
    return render(request, "reset_request.html", sent=True)


@router.get("/password-reset/{token}", response_class=Page)
@router.get("/invitations/{token}", response_class=Page)
def link_page(request: Request, token: str, _: PublicPrincipal):
    """The choose-a-password form behind a reset or invitation link."""
    return render(request, "link_password.html", token=token, invite=request.url.path.startswith("/invitations"))


@router.post("/password-reset/{token}", response_class=Page, dependencies=[SignInThrottle])
@router.post("/invitations/{token}", response_class=Page, dependencies=[SignInThrottle])
def link_submit(request: Request, token: str, session: SessionDep, signer: SignerDep,
                settings: SettingsDep, _: PublicPrincipal, password: Annotated[str, Form()],
                csrf_token: Annotated[str, Form()] = ""):
    """Set the password, then go to sign-in."""
    check_form_token(request, csrf_token)
    invite = request.url.path.startswith("/invitations")
    try:
        links.redeem_link(session, token=token, purpose=links.INVITE if invite else links.RESET,
                          password=password, signer=signer, settings=settings)
    except AppError as exc:
        return render(request, "link_password.html", status_code=exc.status_code, token=token,
                      invite=invite, error=exc.message)
    return RedirectResponse("/login?done=1", status_code=303)
