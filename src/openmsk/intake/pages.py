"""Pages of the intake: the member's onboarding, results and reassessments; the clinician's intake summary."""

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth.policy import CurrentMember, member_scope
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.console.nav import add_chart_link, add_member_home_gate
from openmsk.console.rendering import render
from openmsk.db import SessionDep, utcnow
from openmsk.deps import QueueDep
from openmsk.errors import AppError, NotFound
from openmsk.intake import questions, reassess, submit
from openmsk.intake.api import emit_signals, intake_read
from openmsk.intake.explain import explain_scores
from openmsk.intake.scoring import get_instrument
from openmsk.members.models import Member

router = APIRouter(include_in_schema=False)
Page = HTMLResponse
IntakePage = Annotated[Principal, Depends(member_scope("Intake"))]
# Reassessments a member answers alone; function scales are licensed and entered with the care team.
MEMBER_FORMS = ("nrs", "phq9", "gad7")


def _member(session, principal: Principal) -> Member:
    return session.get(Member, principal.member_id)


def _intake_first(session, principal: Principal) -> str | None:
    """A member who has not answered the intake starts there."""
    if submit.get_submission(session, member_id=principal.member_id) is None:
        return "/me/intake"
    return None


add_member_home_gate(_intake_first)
add_chart_link("Intake", "intake", order=10)


@router.get("/me/intake", response_class=Page)
def onboarding(request: Request, session: SessionDep, principal: CurrentMember):
    """The onboarding questionnaire: one question per screen, resumable, with a progress bar."""
    if submit.get_submission(session, member_id=principal.member_id) is not None:
        return RedirectResponse("/me/intake/results", status_code=303)
    member = _member(session, principal)
    prefill = {"auditc_sex": member.sex} if member.sex in ("female", "male") else {}
    return render(request, "intake_onboarding.html", member=member,
                  team=careteam.care_team(session, member_id=member.id),
                  config={"member_id": member.id, "screens": questions.screens(), "sizes": questions.sizes(),
                          "prefill": {"lifestyle": prefill}})


@router.get("/me/intake/results", response_class=Page)
def results(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's results in plain words, their care team, and crisis resources when needed."""
    found = submit.get_submission(session, member_id=principal.member_id)
    if found is None:
        return RedirectResponse("/me/intake", status_code=303)
    intake = intake_read(session, found)
    return render(request, "intake_results.html", intake=intake, explained=explain_scores(intake.scores),
                  team=careteam.care_team(session, member_id=principal.member_id),
                  due=reassess.due_for_member(session, member=_member(session, principal), today=utcnow().date()))


@router.get("/me/reassessments", response_class=Page)
def reassessments(request: Request, session: SessionDep, principal: CurrentMember, done: str | None = None):
    """Reassessments due now, each answerable on its own page."""
    due = reassess.due_for_member(session, member=_member(session, principal), today=utcnow().date())
    return render(request, "intake_reassessments.html", due=due, done=done,
                  names={d.instrument: get_instrument(d.instrument).name for d in due})


@router.get("/me/reassessments/{instrument}", response_class=Page)
def reassessment_form(request: Request, instrument: str, principal: CurrentMember):
    """One reassessment questionnaire as a form."""
    _member_answerable(instrument)
    return render(request, "intake_reassessment_form.html", instrument=get_instrument(instrument),
                  key=f"re-{instrument}-{utcnow().strftime('%Y%m%d%H%M%S%f')}")


@router.post("/me/reassessments/{instrument}", response_class=Page)
async def reassessment_submit(request: Request, instrument: str, background: BackgroundTasks, session: SessionDep,
                              queue: QueueDep, principal: CurrentMember):
    """Record the answered form and return to the list."""
    _member_answerable(instrument)
    form = await request.form()
    spec = get_instrument(instrument)
    answers = [_int_or_none(form.get(f"item_{item.id}")) for item in spec.items]
    try:
        assessment = reassess.submit_reassessment(session, member_id=principal.member_id, instrument=instrument,
                                     answers=answers, idempotency_key=str(form.get("idempotency_key", ""))[:64],
                                     actor=principal)
    except AppError as exc:
        return render(request, "intake_reassessment_form.html", status_code=exc.status_code, instrument=spec,
                      key=form.get("idempotency_key"), error=exc.message)
    signal = reassess.signal_payload(assessment)
    if signal:
        background.add_task(emit_signals, queue, [signal])
    crisis = signal is not None
    return RedirectResponse(f"/me/reassessments?done={instrument}{'&crisis=1' if crisis else ''}", status_code=303)


def _member_answerable(instrument: str) -> None:
    if instrument not in MEMBER_FORMS:
        raise NotFound("this questionnaire is answered with your care team")


def _int_or_none(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@router.get("/console/members/{member_id}/intake", response_class=Page)
def intake_summary(request: Request, member_id: str, session: SessionDep, _: IntakePage):
    """The intake summary for the care team: scores, bands, flags, risk and routing reasons, tasks."""
    member = session.get(Member, member_id)
    found = submit.get_submission(session, member_id=member_id)
    intake = intake_read(session, found) if found else None
    return render(request, "intake_summary.html", member=member, intake=intake,
                  answers=found.document.get("answers", {}) if found else {},
                  team=careteam.care_team(session, member_id=member_id))
