"""Messaging routes: the REST API and the pages, with their navigation links."""

from fastapi import APIRouter

from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.messaging import api, pages

router = APIRouter()
router.include_router(api.router)
router.include_router(pages.router)

add_nav_link("Messages", "/me/messages", "member", order=30)
add_nav_link("Messages", "/console/messages", "clinician", order=30)
add_chart_link("Messages", "/console/messages?member_id={member_id}", order=60)
