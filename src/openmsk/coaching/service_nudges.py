"""Reading nudges for the member's app and recording their responses."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching.kinds import COACH_HANDOFF
from openmsk.coaching.models import Nudge
from openmsk.db import utcnow
from openmsk.errors import NotFound


def member_nudges(session: Session, *, member_id: str, limit: int = 20) -> list[Nudge]:
    """Sent member-facing nudges, newest first (callers audit the read)."""
    return list(session.scalars(select(Nudge).where(Nudge.member_id == member_id, Nudge.status == "sent",
                                                    Nudge.kind != COACH_HANDOFF)
                                .order_by(Nudge.sent_at.desc()).limit(limit)))


def respond(session: Session, *, member_id: str, nudge_id: str, actor: Principal) -> Nudge:
    """The member opened or acted on a nudge: lifts its cool-down and resets the hand-off count."""
    nudge = session.get(Nudge, nudge_id)
    if nudge is None or nudge.member_id != member_id or nudge.kind == COACH_HANDOFF:
        raise NotFound("no nudge with this id")
    if nudge.responded_at is None:
        nudge.responded_at = utcnow()
        audit.record(session, actor, action="update", resource_type="Nudge", resource_id=nudge.id,
                     member_id=member_id, detail={"responded": True})
    return nudge
