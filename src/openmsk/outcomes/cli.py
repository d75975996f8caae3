"""`openmsk report ...`: program outcome reports from a longitudinal CSV."""

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from openmsk.outcomes.cohort import CohortFileError
from openmsk.outcomes.costs import estimate_costs, load_cost_assumptions
from openmsk.outcomes.loader import load_cohort_csv
from openmsk.outcomes.report import compute_report

app = typer.Typer(help="Program outcome reports (aggregate only, small cells suppressed).", no_args_is_help=True)


class ReportFormat(str, Enum):
    """Output formats of the outcomes report."""

    json = "json"
    html = "html"
    pdf = "pdf"
    csv = "csv"


@app.callback()
def main() -> None:
    """Program outcome reports."""


def _fail(message: str, problems=()) -> typer.Exit:
    """Print a message and any problems on stderr; return the exit to raise (code 2)."""
    typer.echo(f"error: {message}", err=True)
    for problem in problems:
        typer.echo(f"  {problem}", err=True)
    return typer.Exit(2)


def _render(report: dict, fmt: ReportFormat) -> bytes:
    """The report in the requested format, as bytes."""
    if fmt is ReportFormat.json:
        return (json.dumps(report, indent=2, sort_keys=False) + "\n").encode()
    if fmt is ReportFormat.csv:
        from openmsk.outcomes.render import render_csv
        return render_csv(report).encode()
    if fmt is ReportFormat.html:
        from openmsk.outcomes.render import render_html
        return render_html(report).encode()
    from openmsk.outcomes.pdf import render_pdf
    return render_pdf(report)


def _database_session():
    """A transaction on the configured database."""
    from openmsk.config import get_settings
    from openmsk.db import Database

    return Database(get_settings().resolved_database_url()).transaction()


def _filters(session, org_ref: str, body_region: str | None, start_from: str | None, start_to: str | None):
    """(organization, CohortFilter) from the command line, or a clear exit 2."""
    from datetime import date

    from openmsk.errors import AppError
    from openmsk.outcomes.dbcohort import CohortFilter, resolve_organization

    try:
        org = resolve_organization(session, org_ref)
        dates = [date.fromisoformat(d) if d else None for d in (start_from, start_to)]
    except AppError as error:
        raise _fail(error.message) from None
    except ValueError:
        raise _fail("--enrolled-from/--enrolled-to must be dates like 2026-01-31") from None
    return org, CohortFilter(organization_id=org.id, body_region=body_region,
                             enrolled_from=dates[0], enrolled_to=dates[1])


OrgOption = Annotated[str | None, typer.Option("--org", help="Organization id or exact name (reads the database).")]
RegionOption = Annotated[str | None, typer.Option("--body-region", help="Only members with this body region.")]
FromOption = Annotated[str | None, typer.Option("--enrolled-from", help="Program start on or after (YYYY-MM-DD).")]
ToOption = Annotated[str | None, typer.Option("--enrolled-to", help="Program start on or before (YYYY-MM-DD).")]


def _costs(path: Path | None):
    """Cost assumptions from a JSON file, or None."""
    if path is None:
        return None
    try:
        return load_cost_assumptions(path)
    except ValueError as error:
        raise _fail(str(error)) from None


def _from_csv(input: Path, strict: bool, min_cell_size: int) -> dict:
    """The report of a CSV file; problems on stderr."""
    if not input.is_file():
        raise _fail(f"input file not found: {input}")
    try:
        cohort = load_cohort_csv(input, strict=strict)
    except CohortFileError as error:
        raise _fail(f"{input.name} rejected: {error}", error.problems) from None
    except (UnicodeDecodeError, OSError) as error:
        raise _fail(f"cannot read {input.name}: {type(error).__name__}") from None
    if cohort.problems:
        typer.echo(f"{cohort.rows_excluded} row(s) excluded, {len(cohort.problems)} problem(s):", err=True)
        for problem in cohort.problems:
            typer.echo(f"  {problem}", err=True)
    return compute_report(cohort, min_cell_size=min_cell_size)


@app.command()
def outcomes(
    input: Annotated[Path | None, typer.Option("--input", help="Longitudinal CSV (member_id, week, pain, ...).")] = None,
    org: OrgOption = None,
    body_region: RegionOption = None,
    enrolled_from: FromOption = None,
    enrolled_to: ToOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.json,
    out: Annotated[str | None, typer.Option("--out", help="Output path; '-' or absent prints to stdout.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Reject the file on any problem.")] = False,
    cost_assumptions: Annotated[Path | None, typer.Option("--cost-assumptions", help="JSON cost assumptions.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
    min_cell_size: Annotated[int, typer.Option("--min-cell-size", min=1, help="Suppress cells below this.")] = 11,
) -> None:
    """Compute the 12-week program outcomes report from a CSV (--input) or the database (--org)."""
    fmt = ReportFormat.json if json_output else format
    if (input is None) == (org is None):
        raise _fail("give exactly one of --input FILE.csv or --org ORGANIZATION")
    if out in (None, "-") and fmt is ReportFormat.pdf:
        raise _fail("PDF output needs --out PATH")
    cost = _costs(cost_assumptions)
    if org is not None:
        from openmsk.outcomes.reporting import database_report

        with _database_session() as session:
            organization, filters = _filters(session, org, body_region, enrolled_from, enrolled_to)
            report = database_report(session, org=organization, filters=filters, actor=None, cost=cost,
                                     min_cell_size=min_cell_size)
    else:
        report = _from_csv(input, strict, min_cell_size)
        if cost is not None:
            report["cost_estimate"] = estimate_costs(report, cost)
    payload = _render(report, fmt)
    if out in (None, "-"):
        sys.stdout.write(payload.decode())
        sys.stdout.flush()
        return
    Path(out).write_bytes(payload)
    typer.echo(f"wrote {fmt.value} report to {out}", err=True)


@app.command()
def synthetic(
    out: Annotated[Path, typer.Option("--out", help="CSV path to write.")],
    members: Annotated[int, typer.Option("--members", min=1)] = 1000,
    seed: Annotated[int, typer.Option("--seed")] = 0,
) -> None:
    """Write a deterministic SYNTHETIC cohort CSV (for demos; no real people)."""
    from openmsk.outcomes.synthetic import generate_cohort, write_cohort_csv

    rows = write_cohort_csv(generate_cohort(members, seed), out)
    typer.echo(f"wrote {rows} synthetic rows for {members} members to {out}", err=True)

export_app = typer.Typer(help="De-identified data exports.", no_args_is_help=True)


@export_app.callback()
def export_main() -> None:
    """De-identified data exports."""


@export_app.command("cohort")
def export_cohort(
    org: Annotated[str, typer.Option("--org", help="Organization id or exact name.")],
    out: Annotated[Path, typer.Option("--out", help="CSV path to write.")],
    body_region: RegionOption = None,
    enrolled_from: FromOption = None,
    enrolled_to: ToOption = None,
    age_band_years: Annotated[int | None, typer.Option("--age-band-years", min=2,
                                                       help="Write ages as the lower bound of N-year bands.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")] = False,
) -> None:
    """Write the organization's cohort as a de-identified longitudinal CSV (random keys, no names or dates)."""
    from openmsk.auth import audit
    from openmsk.outcomes.dbcohort import cohort_rows
    from openmsk.outcomes.export import deidentify, write_rows

    with _database_session() as session:
        organization, filters = _filters(session, org, body_region, enrolled_from, enrolled_to)
        rows, synthetic = cohort_rows(session, filters=filters)
        audit.record(session, None, action="export", resource_type="OutcomesCohort", resource_id=organization.id,
                     detail={"deidentified": True, "rows": len(rows)})
    written = write_rows(deidentify(rows, band_years=age_band_years), out)
    members = len({r["member_id"] for r in rows})
    if json_output:
        sys.stdout.write(json.dumps({"rows": written, "members": members, "synthetic": synthetic,
                                     "out": str(out)}) + "\n")
    typer.echo(f"wrote {written} de-identified rows for {members} members to {out}", err=True)


GROUPS = {"report": (app, "Program outcome reports."), "export": (export_app, "De-identified data exports.")}
