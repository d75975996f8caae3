"""Pages: the member's messages (/me/messages), the clinician's inbox (/console/messages), thread views."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth import audit
from openmsk.auth.policy import CurrentClinician, CurrentMember, can_access_member
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.careteam.models import Clinician
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import AppError, Forbidden
from openmsk.ids import new_id
from openmsk.members import service as members
from openmsk.messaging import inbox as inbox_service, service, text_templates
from openmsk.messaging.access import thread_for

router = APIRouter(include_in_schema=False)
Page = HTMLResponse
FormText = Annotated[str, Form()]


def _clock(tz: str, pattern: str = "%a %d %b %Y, %H:%M %Z") -> Callable[[datetime | None], str]:
    zone = ZoneInfo(tz)
    return lambda moment: moment.astimezone(zone).strftime(pattern) if moment else ""


def _member_page(request: Request, session, principal: Principal, name: str, status_code: int = 200, **context):
    member = members.get_member(session, member_id=principal.member_id)
    return render(request, name, status_code=status_code, member=member, when=_clock(member.timezone),
                  new_key=new_id(), **context)


def _clinician_page(request: Request, session, principal: Principal, name: str, status_code: int = 200, **context):
    clinician = session.get(Clinician, principal.clinician_id)
    return render(request, name, status_code=status_code, when=_clock(clinician.timezone),
                  short=_clock(clinician.timezone, "%a %d %b, %H:%M"), new_key=new_id(), **context)


def _guarded(request: Request, principal: Principal, thread_id: str, call: Callable):
    """Run a thread call; a refusal is written to the audit trail in its own transaction."""
    try:
        return call()
    except Forbidden:
        audit.record_denied(request.app.state.db, principal, action="read", resource_type="MessageThread",
                            resource_id=thread_id)
        raise


@router.get("/me/messages", response_class=Page)
def member_messages(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's threads and a form to write to the care team."""
    threads = service.list_threads(session, member_id=principal.member_id, actor=principal)
    team = careteam.care_team(session, member_id=principal.member_id)
    return _member_page(request, session, principal, "messaging_member_threads.html", threads=threads, team=team,
                        form={})


@router.post("/me/messages", response_class=Page)
def member_new_thread(request: Request, session: SessionDep, principal: CurrentMember, subject: FormText = "",
                      body: FormText = "", care_role: FormText = "", idempotency_key: FormText = ""):
    """Start a thread; a refusal shows the form again with what was typed."""
    try:
        thread, _ = service.create_thread(session, member_id=principal.member_id, subject=subject, body=body,
                                          actor=principal, care_role=care_role or None,
                                          idempotency_key=idempotency_key or None)
    except AppError as exc:
        threads = service.list_threads(session, member_id=principal.member_id, actor=principal)
        team = careteam.care_team(session, member_id=principal.member_id)
        return _member_page(request, session, principal, "messaging_member_threads.html", exc.status_code,
                            threads=threads, team=team, error=exc.message,
                            form={"subject": subject, "body": body, "care_role": care_role})
    return RedirectResponse(f"/me/messages/{thread.id}", status_code=303)


@router.get("/me/messages/{thread_id}", response_class=Page)
def member_thread(request: Request, thread_id: str, session: SessionDep, principal: CurrentMember):
    """One thread: who answered (name and role), read receipts, and a reply box."""
    detail = service.open_thread(session, thread_id=thread_id, member_id=principal.member_id, actor=principal)
    return _member_page(request, session, principal, "messaging_thread.html", thread=detail, viewer="member",
                        action=f"/me/messages/{thread_id}", back="/me/messages", draft="")


@router.post("/me/messages/{thread_id}", response_class=Page)
def member_reply(request: Request, thread_id: str, session: SessionDep, principal: CurrentMember,
                 body: FormText = "", idempotency_key: FormText = ""):
    """Send a reply and return to the thread."""
    try:
        service.send_message(session, member_id=principal.member_id, thread_id=thread_id, body=body,
                             actor=principal, idempotency_key=idempotency_key or None)
    except AppError as exc:
        if exc.status_code not in (409, 422):
            raise
        detail = service.open_thread(session, thread_id=thread_id, member_id=principal.member_id, actor=principal)
        return _member_page(request, session, principal, "messaging_thread.html", exc.status_code, thread=detail,
                            viewer="member", action=f"/me/messages/{thread_id}", back="/me/messages",
                            draft=body, error=exc.message)
    return RedirectResponse(f"/me/messages/{thread_id}#latest", status_code=303)


def _inbox_page(request: Request, session, principal: Principal, member_id: str | None, status_code: int = 200,
                **context):
    member = None
    if member_id:
        member = members.get_member(session, member_id=member_id)
        if not can_access_member(session, principal, member_id):
            audit.record_denied(request.app.state.db, principal, action="read", resource_type="MessageThread",
                                member_id=member_id)
            raise Forbidden("this member is not in your care")
    items = inbox_service.inbox(session, actor=principal, member_id=member_id)
    stats = inbox_service.response_times(session, actor=principal)
    return _clinician_page(request, session, principal, "messaging_inbox.html", status_code, items=items,
                           stats=stats, member=member, form=context.pop("form", {}), **context)


@router.get("/console/messages", response_class=Page)
def clinician_inbox(request: Request, session: SessionDep, principal: CurrentClinician, member_id: str | None = None):
    """The clinician's inbox: overdue and unread threads first; `?member_id=` shows one member's and lets you write."""
    return _inbox_page(request, session, principal, member_id)


@router.post("/console/messages", response_class=Page)
def clinician_new_thread(request: Request, session: SessionDep, principal: CurrentClinician,
                         member_id: FormText = "", subject: FormText = "", body: FormText = "",
                         idempotency_key: FormText = ""):
    """Start a thread with one of your members."""
    try:
        thread, _ = service.create_thread(session, member_id=member_id, subject=subject, body=body, actor=principal,
                                          idempotency_key=idempotency_key or None)
    except AppError as exc:
        if exc.status_code not in (409, 422):
            raise
        return _inbox_page(request, session, principal, member_id, exc.status_code, error=exc.message,
                           form={"subject": subject, "body": body})
    return RedirectResponse(f"/console/messages/{thread.id}", status_code=303)


def _clinician_thread(request, session, principal, thread_id, *, draft="", error=None, status_code=200):
    detail = _guarded(request, principal, thread_id,
                      lambda: service.open_thread(session, thread_id=thread_id, actor=principal))
    member = members.get_member(session, member_id=detail.member_id)
    return _clinician_page(
        request, session, principal, "messaging_thread.html", status_code, thread=detail, viewer="clinician",
        member=member, action=f"/console/messages/{thread_id}", back="/console/messages", draft=draft,
        error=error, templates=text_templates.list_templates(session, actor=principal))


@router.get("/console/messages/{thread_id}", response_class=Page)
def clinician_thread(request: Request, thread_id: str, session: SessionDep, principal: CurrentClinician,
                     template: str | None = None):
    """One thread for the care team; `?template=ID` puts a filled template into the reply box."""
    draft = ""
    if template:
        thread = _guarded(request, principal, thread_id,
                          lambda: thread_for(session, thread_id=thread_id, principal=principal))
        draft = text_templates.filled_template(session, template_id=template, member_id=thread.member_id,
                                               actor=principal)
    return _clinician_thread(request, session, principal, thread_id, draft=draft)


@router.post("/console/messages/{thread_id}", response_class=Page)
def clinician_reply(request: Request, thread_id: str, session: SessionDep, principal: CurrentClinician,
                    body: FormText = "", idempotency_key: FormText = ""):
    """Answer the member; the reply task closes and the response time is recorded."""
    thread = _guarded(request, principal, thread_id,
                      lambda: thread_for(session, thread_id=thread_id, principal=principal))
    try:
        service.send_message(session, member_id=thread.member_id, thread_id=thread_id, body=body,
                             actor=principal, idempotency_key=idempotency_key or None)
    except AppError as exc:
        if exc.status_code not in (409, 422):
            raise
        return _clinician_thread(request, session, principal, thread_id, draft=body, error=exc.message,
                                 status_code=exc.status_code)
    return RedirectResponse(f"/console/messages/{thread_id}#latest", status_code=303)
