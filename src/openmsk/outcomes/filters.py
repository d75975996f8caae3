"""Parse the report form (query strings) into a cohort filter and optional cost assumptions."""

import math
from dataclasses import dataclass, field
from datetime import date

from openmsk.errors import ErrorDetail
from openmsk.intake.instruments.lifestyle import BODY_REGIONS
from openmsk.outcomes.costs import REQUIRED, CostAssumptions

COST_FIELDS = REQUIRED + ("source_note",)


@dataclass
class ReportForm:
    """The parsed form: values to echo back, and the problems found (by field, never by value)."""

    values: dict[str, str]
    body_region: str | None = None
    enrolled_from: date | None = None
    enrolled_to: date | None = None
    cost: CostAssumptions | None = None
    errors: list[ErrorDetail] = field(default_factory=list)

    def problem(self, name: str, message: str) -> None:
        """Record one problem with a field."""
        self.errors.append(ErrorDetail(location=["query", name], message=f"{name}: {message}"))


def _date(form: ReportForm, name: str) -> date | None:
    """A YYYY-MM-DD date or None when blank."""
    text = form.values.get(name, "")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        form.problem(name, "use a date like 2026-01-31")
        return None


def _cost(form: ReportForm) -> CostAssumptions | None:
    """Cost assumptions when any cost field is filled: then every one is required."""
    given = {k: form.values.get(k, "") for k in COST_FIELDS}
    if not any(given[k] for k in REQUIRED):
        return None
    numbers = {}
    for key in REQUIRED[1:]:
        try:
            numbers[key] = float(given[key])
            if not math.isfinite(numbers[key]) or numbers[key] < 0:
                raise ValueError
        except ValueError:
            form.problem(key, "enter a non-negative number (every cost assumption is required)")
    if not given["currency"]:
        form.problem("currency", "required with the cost assumptions")
    if form.errors:
        return None
    return CostAssumptions(currency=given["currency"], source_note=given["source_note"], **numbers)


def parse_report_form(query: dict[str, str]) -> ReportForm:
    """The report form from query parameters (blank fields are unset)."""
    values = {k: (query.get(k) or "").strip() for k in ("organization", "body_region", "enrolled_from",
                                                        "enrolled_to", *COST_FIELDS)}
    form = ReportForm(values=values)
    region = values["body_region"]
    if region and region not in BODY_REGIONS:
        form.problem("body_region", "unknown body region")
    form.body_region = region or None
    form.enrolled_from, form.enrolled_to = _date(form, "enrolled_from"), _date(form, "enrolled_to")
    if form.enrolled_from and form.enrolled_to and form.enrolled_from > form.enrolled_to:
        form.problem("enrolled_to", "must not be before enrolled_from")
    form.cost = _cost(form)
    return form
