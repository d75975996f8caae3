"""Pages of the intake: the member's onboarding, results and reassessments; the clinician's intake summary."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from openmsk.auth.policy import CurrentMember, member_scope
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.console.nav import add_chart_link, add_member_home_gate
from openmsk.console.rendering import render
from openmsk.db import SessionDep, utcnow
from openmsk.errors import NotFound
from openmsk.intake import questions, reassess, submit
from openmsk.intake.api import intake_read
from openmsk.intake.explain import explain_scores, function_rows
from openmsk.intake.scoring import get_instrument
from openmsk.members.models import Member

router = APIRouter(include_in_schema=False)
Page = HTMLResponse
IntakePage = Annotated[Principal, Depends(member_scope("Intake"))]
# Reassessment screens reuse the onboarding's section headings.
SECTIONS = dict((*questions.PAIN, *questions.MOOD_AND_SAFETY))


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
                  config={"mode": "intake", "member_id": member.id, "screens": questions.screens(),
                          "sizes": questions.sizes(), "prefill": {"lifestyle": prefill},
                          "draft_url": f"/api/v1/members/{member.id}/intake/draft",
                          "submit_url": f"/api/v1/members/{member.id}/intake", "done_url": "/me/intake/results"})


@router.get("/me/intake/results", response_class=Page)
def results(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's results in plain words, their care team, and crisis resources when needed."""
    found = submit.get_submission(session, member_id=principal.member_id)
    if found is None:
        return RedirectResponse("/me/intake", status_code=303)
    intake = intake_read(session, found)
    explained = explain_scores(intake.scores, found.document.get("psfs_activities") or ())
    return render(request, "intake_results.html", intake=intake, explained=explained,
                  team=careteam.care_team(session, member_id=principal.member_id),
                  due=reassess.due_for_member(session, member=_member(session, principal), today=utcnow().date()))


@router.get("/me/reassessments", response_class=Page)
def reassessments(request: Request, session: SessionDep, principal: CurrentMember, done: str | None = None):
    """Reassessments due now, each answerable on its own page."""
    due = reassess.due_for_member(session, member=_member(session, principal), today=utcnow().date())
    return render(request, "intake_reassessments.html", due=due, done=done,
                  names={d.instrument: get_instrument(d.instrument).name for d in due})


@router.get("/me/reassessments/{instrument}", response_class=Page)
def reassessment_form(request: Request, instrument: str, session: SessionDep, principal: CurrentMember):
    """One reassessment, one question per screen, resumable, with a progress bar."""
    if instrument not in reassess.REASSESSABLE:
        raise NotFound("no reassessment with this name")
    if instrument == "psfs":
        activities = reassess.psfs_activities(submit.get_submission(session, member_id=principal.member_id))
        if not activities:
            raise NotFound("no activities were named at intake")
        screens = questions.psfs_screens(activities)
    else:
        screens = questions.instrument_screens(instrument, SECTIONS.get(instrument))
    member_id = principal.member_id
    config = {"mode": "reassessment", "member_id": member_id, "instrument": instrument, "screens": screens,
              "sizes": {instrument: len(screens)}, "key": f"re-{instrument}-{utcnow().strftime('%Y%m%d%H%M%S%f')}",
              "draft_url": f"/api/v1/members/{member_id}/reassessments/{instrument}/draft",
              "submit_url": f"/api/v1/members/{member_id}/assessments"}
    return render(request, "intake_reassessment_form.html", instrument=get_instrument(instrument), config=config)


@router.get("/console/members/{member_id}/intake", response_class=Page)
def intake_summary(request: Request, member_id: str, session: SessionDep, _: IntakePage):
    """The intake summary for the care team: scores, bands, flags, risk and routing reasons, tasks."""
    member = session.get(Member, member_id)
    found = submit.get_submission(session, member_id=member_id)
    intake = intake_read(session, found) if found else None
    document = found.document if found else {}
    return render(request, "intake_summary.html", member=member, intake=intake,
                  answers=document.get("answers", {}),
                  function=function_rows(intake.scores, document.get("psfs_activities") or (),
                                         document.get("answers", {})) if intake else [],
                  team=careteam.care_team(session, member_id=member_id))
