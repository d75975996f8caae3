"""Program reports from the database: the cohort, the analytics, withholding and the audit entry."""

from datetime import date

from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.members.models import Organization
from openmsk.outcomes.costs import CostAssumptions, estimate_costs
from openmsk.outcomes.dbcohort import CohortFilter, cohort_from_db
from openmsk.outcomes.definitions import MIN_CELL_SIZE
from openmsk.outcomes.disclosure import withhold_small_counts
from openmsk.outcomes.report import compute_report


def cohort_description(org: Organization, filters: CohortFilter) -> dict:
    """What the report covers, printed at its top."""
    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {"organization": org.name, "body_region": filters.body_region or "all",
            "program_start_from": day(filters.enrolled_from), "program_start_to": day(filters.enrolled_to)}


def database_report(session: Session, *, org: Organization, filters: CohortFilter,
                    actor: Principal | None, cost: CostAssumptions | None = None,
                    min_cell_size: int = MIN_CELL_SIZE) -> dict:
    """The outcomes report of a stored cohort, small counts withheld; audited as one aggregate read."""
    cohort = cohort_from_db(session, filters=filters)
    report = compute_report(cohort, min_cell_size=min_cell_size)
    report["cohort"] = cohort_description(org, filters)
    if cost is not None:
        # An estimate scales with `enrolled`, so it could reveal a small cohort's size.
        if report["enrolled"] >= min_cell_size:
            report["cost_estimate"] = estimate_costs(report, cost)
        else:
            report["cost_estimate_withheld"] = True
    withhold_small_counts(report, min_cell_size)
    audit.record(session, actor, action="read", resource_type="OutcomesReport", resource_id=org.id,
                 detail={"aggregate": True, "body_region": filters.body_region})
    return report
