"""The coach's panel: the members of the care team, those needing attention first."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam.models import CareTeamAssignment
from openmsk.coaching.models import CheckIn, DeviceSession, Goal, Note, Nudge
from openmsk.db import utcnow
from openmsk.errors import Forbidden
from openmsk.members.models import Member


@dataclass(frozen=True)
class PanelRow:
    """One member on the panel and why they may need attention."""

    member_id: str
    name: str
    open_handoffs: int
    days_since_activity: int | None
    active_goals: int
    last_contact_at: datetime | None

    @property
    def reasons(self) -> list[str]:
        """Plain reasons shown beside the member (no clinical values)."""
        out = []
        if self.open_handoffs:
            out.append("not responding to nudges")
        if self.days_since_activity is None:
            out.append("nothing logged yet")
        elif self.days_since_activity >= 3:
            out.append(f"no activity for {self.days_since_activity} days")
        if not self.active_goals:
            out.append("no active goal")
        return out


def _latest(session: Session, column, ids: list[str]) -> dict:
    model = column.class_
    return dict(session.execute(select(model.member_id, func.max(column)).where(model.member_id.in_(ids))
                                .group_by(model.member_id)).all())


def _count(session: Session, model, ids: list[str], *where) -> dict:
    return dict(session.execute(select(model.member_id, func.count()).where(model.member_id.in_(ids), *where)
                                .group_by(model.member_id)).all())


def panel(session: Session, *, principal: Principal, now: datetime | None = None) -> list[PanelRow]:
    """Members on the clinician's care team, sorted: open hand-offs, longest without activity, no goal."""
    if not principal.is_clinician:
        raise Forbidden("only clinicians have a panel")
    now = now or utcnow()
    members = list(session.scalars(select(Member).join(CareTeamAssignment, CareTeamAssignment.member_id == Member.id)
                                   .where(CareTeamAssignment.clinician_id == principal.clinician_id,
                                          CareTeamAssignment.ended_at.is_(None), Member.status == "active")
                                   .distinct()))
    ids = [m.id for m in members]
    handoffs = _count(session, Nudge, ids, Nudge.kind == "coach_handoff", Nudge.responded_at.is_(None))
    goals = _count(session, Goal, ids, Goal.status == "active")
    checkins = _latest(session, CheckIn.created_at, ids)
    devices = _latest(session, DeviceSession.created_at, ids)
    contact = _latest(session, Note.created_at, ids)
    rows = []
    for m in members:
        last = max((t for t in (checkins.get(m.id), devices.get(m.id)) if t is not None), default=None)
        days = (now - last).days if last else None
        rows.append(PanelRow(m.id, f"{m.family_name}, {m.given_name}", handoffs.get(m.id, 0), days,
                             goals.get(m.id, 0), contact.get(m.id)))
    rows.sort(key=lambda r: (-r.open_handoffs, -(10_000 if r.days_since_activity is None else r.days_since_activity),
                             r.active_goals > 0, r.name))
    audit.record_reads(session, principal, resource_type="CoachingPanel", member_ids=ids)
    return rows
