"""Progress pages and API for members and their care team; program outcome reports for program admins."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from openmsk.auth.policy import CurrentMember, CurrentProgramAdmin, member_scope
from openmsk.auth.principal import Principal
from openmsk.console.nav import add_chart_link, add_nav_link
from openmsk.console.rendering import render
from openmsk.db import SessionDep, utcnow
from openmsk.errors import ERROR_RESPONSES, AppError, Invalid
from openmsk.intake.instruments.lifestyle import BODY_REGIONS
from openmsk.members.service import list_organizations
from openmsk.outcomes import jobs  # noqa: F401 - registers the periodic not-improving check
from openmsk.outcomes.dbcohort import CohortFilter, resolve_organization
from openmsk.outcomes.filters import ReportForm, parse_report_form
from openmsk.outcomes.reporting import database_report
from openmsk.outcomes.schemas import ProgressRead, progress_read
from openmsk.outcomes.service import member_progress
from openmsk.outcomes.svgchart import chart_svg

router = APIRouter(responses=ERROR_RESPONSES)
ProgressAccess = Annotated[Principal, Depends(member_scope("Progress"))]

add_nav_link("My progress", "/me/progress", "member", order=20)
add_nav_link("Outcomes", "/reports/outcomes", "program_admin", order=20)
add_chart_link("Progress", "progress", order=20)


def _charts(progress) -> list[tuple]:
    """(series, inline SVG) pairs for the template."""
    return [(s, chart_svg(s)) for s in progress.series]


@router.get("/api/v1/members/{member_id}/progress", response_model=ProgressRead, tags=["outcomes"])
def read_progress(member_id: str, session: SessionDep, principal: ProgressAccess) -> ProgressRead:
    """A member's weekly trajectories (pain, function, mood, MME, BMI, sessions)."""
    return progress_read(member_progress(session, member_id=member_id, principal=principal, now=utcnow(),
                                         audited=True))


@router.get("/me/progress", response_class=HTMLResponse, include_in_schema=False)
def my_progress(request: Request, session: SessionDep, principal: CurrentMember):
    """The member's own progress charts."""
    progress = member_progress(session, member_id=principal.member_id, principal=principal, now=utcnow())
    return render(request, "outcomes_progress.html", progress=progress, charts=_charts(progress), own=True)


@router.get("/console/members/{member_id}/progress", response_class=HTMLResponse, include_in_schema=False)
def chart_progress(request: Request, member_id: str, session: SessionDep, principal: ProgressAccess):
    """A member's progress charts in the care team's chart."""
    progress = member_progress(session, member_id=member_id, principal=principal, now=utcnow(), audited=True)
    return render(request, "outcomes_progress.html", progress=progress, charts=_charts(progress), own=False)


def _report(session, form: ReportForm, principal: Principal) -> dict | None:
    """The report for a valid form with an organization chosen; None otherwise (errors on the form)."""
    if form.errors or not form.values["organization"]:
        return None
    try:
        org = resolve_organization(session, form.values["organization"])
    except AppError:
        form.problem("organization", "no such organization")
        return None
    filters = CohortFilter(organization_id=org.id, body_region=form.body_region,
                           enrolled_from=form.enrolled_from, enrolled_to=form.enrolled_to)
    return database_report(session, org=org, filters=filters, actor=principal, cost=form.cost)


@router.get("/reports/outcomes", response_class=HTMLResponse, include_in_schema=False)
def outcomes_report_page(request: Request, session: SessionDep, principal: CurrentProgramAdmin):
    """Pick a cohort and read its outcomes report (aggregate only)."""
    from openmsk.outcomes.render import report_body_html

    form = parse_report_form(dict(request.query_params))
    report = _report(session, form, principal)
    return render(request, "outcomes_report.html", status_code=422 if form.errors else 200, form=form,
                  organizations=list_organizations(session), regions=BODY_REGIONS, report=report,
                  body=report_body_html(report) if report else "", query=request.url.query)


def _download(request: Request, session, principal: Principal) -> dict:
    """The report for a download link, or a 422 naming the bad fields."""
    form = parse_report_form(dict(request.query_params))
    if not form.values["organization"] and not form.errors:
        form.problem("organization", "required")
    report = _report(session, form, principal)
    if report is None:
        raise Invalid("the report parameters are not valid", details=form.errors)
    return report


@router.get("/api/v1/reports/outcomes", tags=["outcomes"])
def outcomes_report_json(request: Request, session: SessionDep, principal: CurrentProgramAdmin) -> dict:
    """The outcomes report as JSON (query: organization, body_region, enrolled_from, enrolled_to)."""
    return _download(request, session, principal)


@router.get("/reports/outcomes.csv", include_in_schema=False)
def outcomes_report_csv(request: Request, session: SessionDep, principal: CurrentProgramAdmin):
    """The outcomes report as CSV."""
    from openmsk.outcomes.render import render_csv

    return Response(render_csv(_download(request, session, principal)), media_type="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="outcomes-report.csv"'})


@router.get("/reports/outcomes.pdf", include_in_schema=False)
def outcomes_report_pdf(request: Request, session: SessionDep, principal: CurrentProgramAdmin):
    """The outcomes report as PDF."""
    from openmsk.outcomes.pdf import render_pdf

    return Response(render_pdf(_download(request, session, principal)), media_type="application/pdf",
                    headers={"Content-Disposition": 'attachment; filename="outcomes-report.pdf"'})
