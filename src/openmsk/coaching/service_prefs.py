"""Member nudge preferences: the only writer of coaching_preferences."""

from datetime import time

from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.coaching.localtime import QuietHours
from openmsk.coaching.models import NudgePreferences
from openmsk.coaching.policy import Preferences
from openmsk.coaching.schemas import PreferencesBody
from openmsk.coaching.service_common import member_or_404
from openmsk.db import utcnow


def get_preferences(session: Session, *, member_id: str) -> NudgePreferences:
    """The stored settings, or the defaults (not stored) when the member never changed them."""
    row = session.get(NudgePreferences, member_id)
    if row is not None:
        return row
    defaults = PreferencesBody()
    return NudgePreferences(member_id=member_id, **defaults.model_dump())


def set_preferences(session: Session, *, member_id: str, data: PreferencesBody,
                    actor: Principal | None) -> NudgePreferences:
    """Replace the settings; an opt-out applies at once (pending nudges are cancelled by the job)."""
    member_or_404(session, member_id)
    row = session.get(NudgePreferences, member_id)
    if row is None:
        row = NudgePreferences(member_id=member_id)
        session.add(row)
    for key, value in data.model_dump().items():
        setattr(row, key, list(dict.fromkeys(value)) if isinstance(value, list) else value)
    row.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, action="update", resource_type="NudgePreferences", resource_id=member_id,
                 member_id=member_id)
    return row


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def policy_preferences(row: NudgePreferences, available_channels: frozenset[str]) -> Preferences:
    """The pure policy's preferences, keeping only channels that can deliver here."""
    channels = tuple(c for c in (row.channels or ["in_app"]) if c in available_channels) or ("in_app",)
    return Preferences(quiet_hours=QuietHours(_clock(row.quiet_start), _clock(row.quiet_end)),
                       max_per_day=row.max_per_day, max_per_week=row.max_per_week,
                       opted_out_kinds=frozenset(row.opted_out_kinds or ()),
                       opted_out_channels=frozenset(row.opted_out_channels or ()), channels=channels)
