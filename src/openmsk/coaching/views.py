"""Coaching routes (API and pages), the nudge job, and the navigation links."""

from fastapi import APIRouter

from openmsk.coaching import jobs  # noqa: F401 - registers the periodic nudge job
from openmsk.coaching.views_api import router as api_router
from openmsk.coaching.views_body import router as body_router
from openmsk.coaching.views_coach import router as coach_router
from openmsk.coaching.views_member import router as member_router
from openmsk.console.nav import add_chart_link, add_nav_link

router = APIRouter()
for sub in (api_router, member_router, body_router, coach_router):
    router.include_router(sub)

add_nav_link("Coaching", "/me/coaching", "member", order=30)
add_nav_link("Coaching panel", "/console/coaching", "clinician", order=30)
add_chart_link("Coaching", "/console/coaching/members/{member_id}", order=50)
