"""The clinician's task list: API and page (included by openmsk.intake.views)."""

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from openmsk.auth.policy import CurrentClinician
from openmsk.careteam.tasks import STATUSES, set_task_status, tasks_for
from openmsk.console.rendering import render
from openmsk.db import SessionDep, utcnow
from openmsk.errors import ERROR_RESPONSES
from openmsk.intake.schemas import TaskRead, TaskStatusWrite
from openmsk.members import service as members

api = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["care team"])
pages = APIRouter(include_in_schema=False)
Status = Literal["open", "in_progress", "done", "cancelled"]


@api.get("/tasks", response_model=list[TaskRead])
def list_tasks(session: SessionDep, principal: CurrentClinician,
               status: Annotated[list[Status] | None, Query()] = None,
               member_id: str | None = None) -> list[TaskRead]:
    """Your tasks (assigned to you, or to your role for your members), most urgent and soonest due first."""
    statuses = tuple(status or ("open", "in_progress"))
    return [TaskRead.model_validate(t) for t in tasks_for(session, principal=principal, statuses=statuses,
                                                           member_id=member_id)]


@api.patch("/tasks/{task_id}", response_model=TaskRead)
def update_task(task_id: str, body: TaskStatusWrite, session: SessionDep, principal: CurrentClinician) -> TaskRead:
    """Move a task to open, in_progress, done or cancelled."""
    return TaskRead.model_validate(set_task_status(session, task_id=task_id, status=body.status, actor=principal))


@pages.get("/console/tasks", response_class=HTMLResponse)
def task_page(request: Request, session: SessionDep, principal: CurrentClinician, show: str = "open"):
    """The task list page: due times, priorities and states, with buttons to move each along."""
    statuses = ("done", "cancelled") if show == "closed" else ("open", "in_progress")
    tasks = tasks_for(session, principal=principal, statuses=statuses)
    names = {m.id: f"{m.family_name}, {m.given_name}"
             for m in members.visible_members(session, principal=principal, limit=1000, offset=0)}
    return render(request, "careteam_tasks.html", tasks=tasks, names=names, show=show, now=utcnow(),
                  statuses=STATUSES)


@pages.post("/console/tasks/{task_id}/status", response_class=HTMLResponse)
def task_status_submit(task_id: str, session: SessionDep, principal: CurrentClinician,
                       status: Annotated[Status, Form()], back: Annotated[str, Form()] = "/console/tasks"):
    """Change a task's state from the page, then go back."""
    set_task_status(session, task_id=task_id, status=status, actor=principal)
    return RedirectResponse(back if back.startswith("/console") else "/console/tasks", status_code=303)
