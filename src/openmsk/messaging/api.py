"""REST API for threads, messages, receipts, the inbox and templates under /api/v1."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from openmsk.auth.policy import CareUser, CurrentClinician, member_scope
from openmsk.auth.principal import Principal
from openmsk.db import SessionDep
from openmsk.errors import ERROR_RESPONSES
from openmsk.messaging import inbox as inbox_service, service, text_templates
from openmsk.messaging.models import MessageTemplate
from openmsk.messaging.schemas import (
    InboxItem, MessageCreate, MessageOut, ReceiptRead, ResponseTimes, TemplateCreate, TemplateFilled,
    TemplateRead, ThreadCreate, ThreadDetail, ThreadRead, UnreadCounts,
)

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["messages"])
ThreadAccess = Annotated[Principal, Depends(member_scope("MessageThread"))]


@router.get("/members/{member_id}/threads", response_model=list[ThreadRead])
def list_threads(member_id: str, session: SessionDep, principal: ThreadAccess) -> list[ThreadRead]:
    """The member's message threads, newest first, with your unread counts."""
    return service.list_threads(session, member_id=member_id, actor=principal)


@router.post("/members/{member_id}/threads", response_model=ThreadDetail, status_code=status.HTTP_201_CREATED,
             responses={200: {"model": ThreadDetail, "description": "Repeated idempotency key: the first thread"}})
def create_thread(member_id: str, body: ThreadCreate, response: Response, session: SessionDep,
                  principal: ThreadAccess) -> ThreadDetail:
    """Start a thread with its first message (member or care team); idempotent with `idempotency_key`."""
    thread, created = service.create_thread(
        session, member_id=member_id, subject=body.subject, body=body.body, actor=principal,
        care_role=body.care_role, template_id=body.template_id, idempotency_key=body.idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return service.open_thread(session, thread_id=thread.id, member_id=member_id, actor=principal)


@router.get("/members/{member_id}/threads/{thread_id}", response_model=ThreadDetail)
def read_thread(member_id: str, thread_id: str, session: SessionDep, principal: ThreadAccess,
                mark_read: bool = True) -> ThreadDetail:
    """One thread with messages and read receipts; opening it marks others' messages read for you."""
    return service.open_thread(session, thread_id=thread_id, member_id=member_id, actor=principal,
                               mark_read=mark_read)


@router.post("/members/{member_id}/threads/{thread_id}/messages", response_model=MessageOut,
             status_code=status.HTTP_201_CREATED,
             responses={200: {"model": MessageOut, "description": "Repeated idempotency key: the first message"}})
def send_message(member_id: str, thread_id: str, body: MessageCreate, response: Response, session: SessionDep,
                 principal: ThreadAccess) -> MessageOut:
    """Reply in a thread (a template fills an empty body); idempotent with `idempotency_key`."""
    message, created = service.send_message(
        session, member_id=member_id, thread_id=thread_id, body=body.body, actor=principal,
        template_id=body.template_id, idempotency_key=body.idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return MessageOut.model_validate(message)


@router.get("/members/{member_id}/message-templates/{template_id}", response_model=TemplateFilled)
def fill_template(member_id: str, template_id: str, session: SessionDep, principal: ThreadAccess) -> TemplateFilled:
    """A template filled in for this member, to review before sending (clinicians)."""
    text = text_templates.filled_template(session, template_id=template_id, member_id=member_id, actor=principal)
    return TemplateFilled(template_id=template_id, body=text)


@router.get("/messages/inbox", response_model=list[InboxItem])
def read_inbox(session: SessionDep, principal: CurrentClinician,
               limit: Annotated[int, Query(ge=1, le=500)] = 200, member_id: str | None = None) -> list[InboxItem]:
    """Threads of your members (or of one, with `member_id`): overdue first, then unread, then latest activity."""
    return inbox_service.inbox(session, actor=principal, limit=limit, member_id=member_id)


@router.get("/messages/unread", response_model=UnreadCounts)
def read_unread_counts(session: SessionDep, principal: CareUser) -> UnreadCounts:
    """How many messages others sent that you have not opened."""
    return inbox_service.unread_counts(session, actor=principal)


@router.get("/messages/response-times", response_model=ResponseTimes)
def read_response_times(session: SessionDep, principal: CurrentClinician,
                        days: Annotated[int, Query(ge=1, le=365)] = 30) -> ResponseTimes:
    """Care-team reply times to your members in working hours, against the target."""
    return inbox_service.response_times(session, actor=principal, days=days)


@router.get("/messages/templates", response_model=list[TemplateRead])
def list_templates(session: SessionDep, principal: CurrentClinician) -> list[MessageTemplate]:
    """Your message templates and the clinic's shared ones."""
    return text_templates.list_templates(session, actor=principal)


@router.post("/messages/templates", response_model=TemplateRead, status_code=status.HTTP_201_CREATED)
def create_template(body: TemplateCreate, session: SessionDep, principal: CurrentClinician) -> MessageTemplate:
    """Save a template; `{first_name}`, `{last_name}`, `{clinician_name}`, `{care_role}` are filled when used."""
    return text_templates.create_template(session, title=body.title, body=body.body, shared=body.shared,
                                          actor=principal)


@router.get("/messages/{message_id}/receipts", response_model=list[ReceiptRead])
def read_receipts(message_id: str, session: SessionDep, principal: CareUser) -> list[ReceiptRead]:
    """Who read one message, and when."""
    return service.message_receipts(session, message_id=message_id, actor=principal)
