"""Routes of the interop capability: the FHIR R4 API, notifications, the Records and Sharing pages, admin pages."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from openmsk.auth.policy import member_scope
from openmsk.auth.principal import Principal
from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.console.rendering import render
from openmsk.db import SessionDep
from openmsk.interop import feeds_views, fhir_api, pages_admin, pages_api, pages_sharing, service
from openmsk.members.service import get_member

router = APIRouter()
pages = APIRouter(include_in_schema=False)
RecordsPage = Annotated[Principal, Depends(member_scope("ClinicalRecord"))]

add_chart_link("Records", "records", order=45)
add_chart_link("Sharing", "sharing", order=46)
add_nav_link("Sharing with my providers", "/me/sharing", "member", order=60)
add_nav_link("Provider feeds", "/admin/fhir-feeds", "admin", order=40)
add_nav_link("FHIR clients", "/admin/fhir-clients", "admin", order=41)
add_nav_link("Patient matches", "/admin/fhir-matches", "admin", order=42)


@pages.get("/console/members/{member_id}/records", response_class=HTMLResponse)
def records_page(request: Request, member_id: str, session: SessionDep, principal: RecordsPage):
    """Records imported from the member's other providers, newest first."""
    member = get_member(session, member_id=member_id)
    records = service.member_records(session, member_id=member_id, principal=principal, limit=500)
    return render(request, "interop_records.html", member=member, records=records)


router.include_router(pages_api.router)
router.include_router(feeds_views.router)
router.include_router(fhir_api.router)
router.include_router(pages)
router.include_router(pages_sharing.router)
router.include_router(pages_admin.router)
