"""Routes of the intake capability and the care-team task list, gathered for the convention loader."""

from fastapi import APIRouter

from openmsk.careteam import tasks_views
from openmsk.console.nav import add_nav_link
from openmsk.intake import admin_pages, api, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(tasks_views.api)
router.include_router(tasks_views.pages)
router.include_router(pages.router)
router.include_router(admin_pages.router)

add_nav_link("My questionnaire", "/me/intake/results", "member", order=20)
add_nav_link("Check-ins", "/me/reassessments", "member", order=25)
add_nav_link("Tasks", "/console/tasks", "clinician", order=15)
add_nav_link("Routing", "/admin/routing", "admin", order=30)
