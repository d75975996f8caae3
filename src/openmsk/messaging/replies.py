"""Response-time tracking: a member's message starts the clock and opens a reply task; a care-team reply stops both."""

from datetime import datetime

from sqlalchemy.orm import Session

from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.careteam.models import Task
from openmsk.careteam.tasks import create_task, set_task_status
from openmsk.messaging.business_time import business_time_between, response_due_at
from openmsk.messaging.config import MessagingConfig
from openmsk.messaging.models import Message, MessageThread

TASK_KIND = "respond_to_message"
DEFAULT_TIMEZONE = "America/New_York"


def _responsible_timezone(session: Session, *, member_id: str, role: str) -> str:
    """The time zone of the clinician who answers for the role (their working hours set the clock)."""
    team = careteam.care_team(session, member_id=member_id)
    for assignment, clinician in team:
        if assignment.role == role:
            return clinician.timezone or DEFAULT_TIMEZONE
    return DEFAULT_TIMEZONE


def member_wrote(session: Session, *, thread: MessageThread, message: Message, config: MessagingConfig,
                 actor: Principal | None) -> None:
    """Start the response clock and open one reply task per waiting period of the thread."""
    if thread.awaiting_since is not None:
        return  # the clock already runs from the first unanswered message
    tz = _responsible_timezone(session, member_id=thread.member_id, role=thread.care_role)
    due = response_due_at(message.created_at, config.calendar(tz), config.response_target_business_days)
    thread.awaiting_since, thread.response_due_at, thread.response_timezone = message.created_at, due, tz
    task = create_task(
        session, member_id=thread.member_id, assignee_role=thread.care_role, kind=TASK_KIND,
        title="Reply to the member's message", priority="routine", due_at=due,
        detail=f"Open the thread at /console/messages/{thread.id}", source=f"messaging:thread:{thread.id}",
        dedup_key=f"messaging:reply:{thread.id}:{message.id}", actor=actor)
    thread.open_task_id = task.id


def care_team_replied(session: Session, *, thread: MessageThread, message: Message, config: MessagingConfig,
                      actor: Principal) -> None:
    """Record how long the member waited in working time, stop the clock and close the reply task."""
    if thread.awaiting_since is None:
        return
    calendar = config.calendar(thread.response_timezone or DEFAULT_TIMEZONE)
    waited = business_time_between(thread.awaiting_since, message.created_at, calendar)
    message.response_seconds = int(waited.total_seconds())
    message.response_within_target = message.created_at <= thread.response_due_at
    thread.awaiting_since = thread.response_due_at = None
    if thread.open_task_id:
        task = session.get(Task, thread.open_task_id)
        if task is not None and task.status in ("open", "in_progress"):
            set_task_status(session, task_id=task.id, status="done", actor=actor)
        thread.open_task_id = None


def is_overdue(thread: MessageThread, now: datetime) -> bool:
    """True while a member's message waits past its reply target."""
    return thread.awaiting_since is not None and thread.response_due_at is not None and thread.response_due_at < now
