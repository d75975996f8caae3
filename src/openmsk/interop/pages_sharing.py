"""Pages: the member's "Sharing with my providers" and the Sharing section of the clinician's member chart."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth import audit
from openmsk.auth.policy import CurrentMember, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import AppError, Forbidden
from openmsk.interop import exchange
from openmsk.members.service import get_member

router = APIRouter(include_in_schema=False)
ChartSharing = Annotated[Principal, Depends(member_scope("Consent"))]
FormText = Annotated[str, Form()]


def _member_page(request: Request, session, principal: Principal, status_code: int = 200, **context):
    member_id = principal.member_id
    audit.record(session, principal, action="read", resource_type="Consent", resource_id=member_id,
                 member_id=member_id)
    sent = [e for e in exchange.member_exchanges(session, member_id=member_id, limit=50) if e.direction == "push"]
    return render(request, "interop_sharing.html", status_code=status_code,
                  consents=exchange.member_consents(session, member_id=member_id), sent=sent[:20], **context)


@router.get("/me/sharing", response_class=HTMLResponse)
def sharing_page(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's consents to send their care summary to other providers, with grant and revoke."""
    return _member_page(request, session, principal)


@router.post("/me/sharing", response_class=HTMLResponse)
def grant(request: Request, session: SessionDep, principal: CurrentMember, provider: FormText = "",
          endpoint: FormText = "", csrf_token: FormText = ""):
    """Grant consent to one provider's endpoint; show the problem with the form otherwise."""
    try:
        with session.begin_nested():
            exchange.grant_consent(session, member_id=principal.member_id, provider=provider, endpoint=endpoint,
                                   actor=principal)
    except AppError as exc:
        return _member_page(request, session, principal, status_code=exc.status_code, error=exc.message,
                            provider=provider, endpoint=endpoint)
    return RedirectResponse("/me/sharing?granted=1", status_code=303)


@router.post("/me/sharing/{consent_id}/revoke", response_class=HTMLResponse)
def revoke(consent_id: str, session: SessionDep, principal: CurrentMember, csrf_token: FormText = ""):
    """Withdraw one of the member's own consents."""
    exchange.revoke_consent(session, consent_id=consent_id, member_id=principal.member_id, actor=principal)
    return RedirectResponse("/me/sharing?revoked=1", status_code=303)


@router.get("/console/members/{member_id}/sharing", response_class=HTMLResponse)
def chart_sharing(request: Request, member_id: str, session: SessionDep, principal: ChartSharing):
    """The member's consents (read-only), a send button per active consent, and the exchange log."""
    if not principal.is_clinician:
        raise Forbidden("this page is for the care team")
    return render(request, "interop_chart_sharing.html", member=get_member(session, member_id=member_id),
                  consents=exchange.member_consents(session, member_id=member_id),
                  exchanges=exchange.member_exchanges(session, member_id=member_id))


@router.post("/console/members/{member_id}/sharing/{consent_id}/send", response_class=HTMLResponse)
def chart_send(member_id: str, consent_id: str, session: SessionDep, queue: QueueDep, principal: ChartSharing,
               csrf_token: FormText = ""):
    """Queue the care summary for the consented provider; the exchange log shows the outcome."""
    if not principal.is_clinician:
        raise Forbidden("the care team sends care summaries")
    exchange.request_push(session, queue, member_id=member_id, consent_id=consent_id, actor=principal)
    return RedirectResponse(f"/console/members/{member_id}/sharing?queued=1", status_code=303)
