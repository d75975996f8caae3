"""Motion routes: live WebSocket, session API, the member's exercise page and the PT's motion view."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from openmsk.auth.policy import CurrentMember, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.errors import ERROR_RESPONSES
from openmsk.members import service as members
from openmsk.motion import service
from openmsk.motion.live_view import live_router
from openmsk.motion.plot import session_plot_png
from openmsk.motion.progress import by_exercise, session_stats
from openmsk.motion.schemas import MotionExerciseRead, MotionSessionRead
from openmsk.motion.specs import load_specs

router = APIRouter()
api = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["motion"])
pages = APIRouter(include_in_schema=False)
MotionAccess = Annotated[Principal, Depends(member_scope(service.RESOURCE))]

add_nav_link("Exercise camera", "/me/motion", "member", order=40)
add_chart_link("Movement", "motion", order=35)


@api.get("/members/{member_id}/motion/sessions", response_model=list[MotionSessionRead])
def list_sessions(member_id: str, session: SessionDep, _: MotionAccess,
                  limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list:
    """The member's stored motion sessions, newest first."""
    return service.member_sessions(session, member_id=member_id, limit=limit)


@api.get("/members/{member_id}/motion/exercises", response_model=list[MotionExerciseRead])
def list_trackable(member_id: str, session: SessionDep, _: MotionAccess) -> list:
    """Exercises the member can track with the camera (their plan's, when plans exist)."""
    return service.trackable_exercises(session, member_id=member_id)


@pages.get("/me/motion", response_class=HTMLResponse)
def member_motion_home(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's list of camera-tracked exercises and recent sessions."""
    exercises = service.trackable_exercises(session, member_id=principal.member_id)
    recent = service.member_sessions(session, member_id=principal.member_id, limit=10)
    return render(request, "motion_member_home.html", exercises=exercises, recent=recent,
                  specs=load_specs(), stats=session_stats)


@pages.get("/me/motion/{exercise_id}", response_class=HTMLResponse)
def member_exercise_page(request: Request, exercise_id: str, session: SessionDep, principal: CurrentMember,
                         target_reps: Annotated[int, Query(ge=1, le=100)] = 10,
                         exercise_session: Annotated[str | None, Query(max_length=64)] = None):
    """The live exercise page: pose estimation runs in the browser and only landmarks are sent.

    `exercise_session` names the logged session the set is stored with (default: today's log, if any).
    """
    spec = service.live_exercise(session, member_id=principal.member_id, exercise_id=exercise_id)
    return render(request, "motion_exercise.html", spec=spec, member_id=principal.member_id,
                  target_reps=target_reps, exercise_session=exercise_session)


@pages.get("/console/members/{member_id}/motion", response_class=HTMLResponse)
def pt_motion_view(request: Request, member_id: str, session: SessionDep, principal: MotionAccess):
    """Motion sessions for the care team: reps, quality, ROM trend, cues and angle plots."""
    member = members.get_member(session, member_id=member_id)
    sessions = service.member_sessions(session, member_id=member_id)
    return render(request, "motion_console.html", member=member, sessions=sessions,
                  progress=by_exercise(sessions), specs=load_specs(), stats=session_stats,
                  logged=service.exercise_log_links(session, member_id=member_id, actor=principal))


@pages.get("/console/members/{member_id}/motion/{session_id}/plot.png")
def session_plot(member_id: str, session_id: str, session: SessionDep, _: MotionAccess) -> Response:
    """PNG of the session's tracked angle with its reps marked."""
    row = service.get_session(session, member_id=member_id, session_id=session_id)
    spec = load_specs().get(row.exercise_id)
    unit = "deg" if spec is None or spec.signal.kind in ("angle", "imu_angle") else "fraction of segment"
    png = session_plot_png(row.trace, row.rep_details, title=spec.name if spec else row.exercise_id, unit=unit)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, no-store"})


router.include_router(api)
router.include_router(pages)
router.include_router(live_router)
