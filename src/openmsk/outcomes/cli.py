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


@app.command()
def outcomes(
    input: Annotated[Path, typer.Option("--input", help="Longitudinal CSV (member_id, week, pain, ...).")],
    format: Annotated[ReportFormat, typer.Option("--format", help="Output format.")] = ReportFormat.json,
    out: Annotated[str | None, typer.Option("--out", help="Output path; '-' or absent prints to stdout.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Reject the file on any problem.")] = False,
    cost_assumptions: Annotated[Path | None, typer.Option("--cost-assumptions", help="JSON cost assumptions.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")] = False,
    min_cell_size: Annotated[int, typer.Option("--min-cell-size", min=1, help="Suppress cells below this.")] = 11,
) -> None:
    """Compute the 12-week program outcomes report from a CSV."""
    fmt = ReportFormat.json if json_output else format
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
    report = compute_report(cohort, min_cell_size=min_cell_size)
    if cost_assumptions is not None:
        try:
            report["cost_estimate"] = estimate_costs(report, load_cost_assumptions(cost_assumptions))
        except ValueError as error:
            raise _fail(str(error)) from None
    payload = _render(report, fmt)
    if out in (None, "-"):
        if fmt is ReportFormat.pdf:
            raise _fail("PDF output needs --out PATH")
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

GROUPS = {"report": (app, "Program outcome reports.")}
