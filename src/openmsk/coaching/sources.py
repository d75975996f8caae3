"""Read-only queries on other capabilities' records that the nudge snapshot needs (callers audit)."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.coaching.snapshot import UnreadMessage
from openmsk.members.models import Member


def exercise_session_times(session: Session, *, member_id: str, until: datetime) -> list[datetime]:
    """Completion instants of the sessions the member logged on the exercise page, oldest first."""
    from openmsk.exercise.models import ExerciseSession

    return list(session.scalars(select(ExerciseSession.completed_at)
                                .where(ExerciseSession.member_id == member_id, ExerciseSession.completed_at <= until)
                                .order_by(ExerciseSession.completed_at)))


def plan_sessions_per_week(session: Session, *, member_id: str) -> int | None:
    """Sessions a week the member's approved exercise plan asks for (None without an approved plan)."""
    from openmsk.exercise.service import current_plan

    plan = current_plan(session, member_id=member_id)
    if plan is None or plan.sessions_per_week is None:
        return None
    return min(max(int(plan.sessions_per_week), 0), 7)


def unread_care_team_messages(session: Session, *, member: Member, until: datetime) -> list[UnreadMessage]:
    """Care-team messages in the member's threads that the member has not opened."""
    from openmsk.messaging.models import Message, MessageRead

    query = select(Message.id, Message.created_at).where(
        Message.member_id == member.id, Message.sender_kind != "member", Message.created_at <= until)
    if member.user_id is not None:
        query = query.where(~select(MessageRead.id).where(MessageRead.message_id == Message.id,
                                                          MessageRead.user_id == member.user_id).exists())
    return [UnreadMessage(message_id, created_at) for message_id, created_at in session.execute(query)]


def reassessment_due_dates(session: Session, *, member: Member, today: date) -> tuple[date, ...]:
    """Dates the member's pending reassessments fell due (none before the intake is submitted)."""
    from openmsk.intake.reassess import due_for_member
    from openmsk.intake.submit import get_submission

    # The intake itself comes first; the reassessment schedule counts from it, as the care team's
    # reassessment tasks do.
    if get_submission(session, member_id=member.id) is None:
        return ()
    return tuple(sorted({due.due_on for due in due_for_member(session, member=member, today=today)}))
