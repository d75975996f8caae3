"""Clinicians' message templates: the only reader and writer of the message_templates table."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.errors import ErrorDetail, Forbidden, Invalid, NotFound
from openmsk.members.models import Member
from openmsk.messaging.access import identity
from openmsk.messaging.models import MessageTemplate
from openmsk.messaging.placeholders import FIELDS, fill, unknown_placeholders


def _clinician(principal: Principal) -> None:
    if not principal.is_clinician:
        raise Forbidden("only clinicians use message templates")


def create_template(session: Session, *, title: str, body: str, shared: bool, actor: Principal) -> MessageTemplate:
    """Save a template; placeholders other than the known member and clinician fields are refused."""
    _clinician(actor)
    unknown = unknown_placeholders(body)
    if unknown:
        raise Invalid(f"unknown placeholder; use only {', '.join('{' + f + '}' for f in FIELDS)}",
                      details=[ErrorDetail(location=["body", "body"], message=f"unknown placeholder {{{name}}}")
                               for name in unknown[:5]])
    template = MessageTemplate(title=title, body=body, shared=shared, owner_user_id=actor.user_id)
    session.add(template)
    session.flush()
    audit.record(session, actor, action="create", resource_type="MessageTemplate", resource_id=template.id)
    return template


def list_templates(session: Session, *, actor: Principal) -> list[MessageTemplate]:
    """The caller's own templates and the clinic's shared ones, by title."""
    _clinician(actor)
    return list(session.scalars(select(MessageTemplate).where(
        MessageTemplate.is_active.is_(True),
        or_(MessageTemplate.shared.is_(True), MessageTemplate.owner_user_id == actor.user_id),
    ).order_by(MessageTemplate.title)))


def get_template(session: Session, *, template_id: str, actor: Principal) -> MessageTemplate:
    """One template the caller may use."""
    _clinician(actor)
    template = session.get(MessageTemplate, template_id)
    if template is None or not template.is_active or not (template.shared or template.owner_user_id == actor.user_id):
        raise NotFound("no message template with this id")
    return template


def filled_template(session: Session, *, template_id: str, member_id: str, actor: Principal) -> str:
    """The template's text with the member's and the sender's fields filled in (the caller checked access)."""
    template = get_template(session, template_id=template_id, actor=actor)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    me = identity(session, actor)
    audit.record(session, actor, action="read", resource_type="MessageTemplate", resource_id=template.id,
                 member_id=member_id)
    return fill(template.body, {"first_name": member.given_name, "last_name": member.family_name,
                                "clinician_name": me.name, "care_role": me.role.replace("_", " ")})
