"""Care-team tasks: the only writer of the tasks table."""

from datetime import datetime, timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.careteam.models import CareTeamAssignment, Task
from openmsk.db import utcnow
from openmsk.errors import Forbidden, Invalid, NotFound

PRIORITIES = ("urgent", "high", "routine")
STATUSES = ("open", "in_progress", "done", "cancelled")
# Default response times per priority; programs can pass their own due time.
DEFAULT_DUE = {"urgent": timedelta(hours=1), "high": timedelta(hours=8), "routine": timedelta(days=1)}


def create_task(session: Session, *, member_id: str, assignee_role: str, kind: str, title: str,
                priority: str = "routine", detail: str = "", due_at: datetime | None = None,
                source: str = "", dedup_key: str | None = None, actor: Principal | None = None) -> Task:
    """Open a task for the member's clinician in a role; with a dedup key, an existing task is returned."""
    if priority not in PRIORITIES:
        raise Invalid(f"unknown priority {priority!r}")
    if dedup_key:
        existing = session.scalar(select(Task).where(Task.dedup_key == dedup_key))
        if existing is not None:
            return existing
    clinician_id = session.scalar(select(CareTeamAssignment.clinician_id).where(
        CareTeamAssignment.member_id == member_id, CareTeamAssignment.role == assignee_role,
        CareTeamAssignment.ended_at.is_(None)))
    now = utcnow()
    task = Task(member_id=member_id, assignee_role=assignee_role, assignee_clinician_id=clinician_id,
                kind=kind, priority=priority, title=title, detail=detail,
                due_at=due_at or now + DEFAULT_DUE[priority], created_at=now, source=source,
                dedup_key=dedup_key)
    session.add(task)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Task", resource_id=task.id,
                 member_id=member_id, detail={"kind": kind, "priority": priority})
    return task


def tasks_for(session: Session, *, principal: Principal, statuses: tuple[str, ...] = ("open", "in_progress"),
              member_id: str | None = None, limit: int = 200) -> list[Task]:
    """A clinician's tasks: assigned to them, or to their role for members of their care team."""
    if not principal.is_clinician:
        raise Forbidden("only clinicians have task lists")
    team = select(CareTeamAssignment.member_id).where(
        CareTeamAssignment.clinician_id == principal.clinician_id, CareTeamAssignment.ended_at.is_(None))
    mine = (Task.assignee_clinician_id == principal.clinician_id) | (
        Task.assignee_clinician_id.is_(None) & Task.member_id.in_(team))
    order = case({"urgent": 0, "high": 1, "routine": 2}, value=Task.priority)
    query = select(Task).where(mine, Task.status.in_(statuses)).order_by(order, Task.due_at).limit(limit)
    if member_id:
        query = query.where(Task.member_id == member_id)
    tasks = list(session.scalars(query))
    audit.record_reads(session, principal, resource_type="Task", member_ids=sorted({t.member_id for t in tasks}))
    return tasks


def set_task_status(session: Session, *, task_id: str, status: str, actor: Principal) -> Task:
    """Move a task along (open, in_progress, done, cancelled); only its care team may."""
    from openmsk.auth.policy import can_access_member

    if status not in STATUSES:
        raise Invalid(f"unknown status {status!r}")
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("no task with this id")
    if not actor.is_clinician or not can_access_member(session, actor, task.member_id):
        raise Forbidden("this task belongs to another care team")
    task.status = status
    if status in ("done", "cancelled"):
        task.completed_at = utcnow()
        task.completed_by = actor.user_id
    audit.record(session, actor, action="update", resource_type="Task", resource_id=task.id,
                 member_id=task.member_id, detail={"status": status})
    return task
