"""`openmsk exercises` (the library) and `openmsk plan draft` (a plan drafted from an intake document)."""

import json
import sys
from pathlib import Path

import typer

from openmsk.exercise.drafting import draft_json, draft_plan, input_from_intake
from openmsk.exercise.library import exercise_json, load_library

exercises_app = typer.Typer(help="The exercise library.", no_args_is_help=True)
plan_app = typer.Typer(help="Exercise plans.", no_args_is_help=True)


def _print_json(document) -> None:
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@exercises_app.command("list")
def list_command(
    region: str | None = typer.Option(None, help="Only exercises for this body region."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array of entries (each with library_version)."),
) -> None:
    """List the packaged exercise library (id, name, regions, type, difficulty, motion spec)."""
    library = load_library()
    rows = [exercise_json(e) for e in library.exercises.values() if region is None or region in e.regions]
    if as_json:
        _print_json([{**row, "library_version": library.version} for row in rows])
        return
    for row in rows:
        motion = " [motion]" if row["motion"] else ""
        typer.echo(f"{row['id']:<46} d{row['difficulty']} {row['type']:<13} {','.join(row['regions'])}{motion}")


@plan_app.command("draft")
def draft_command(
    intake_file: Path = typer.Option(..., "--intake-file", help="An intake document (docs/intake-document.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print the draft as one JSON document."),
) -> None:
    """Draft a plan from an intake document; a red-flag hold prints a hold and no exercises."""
    from openmsk.intake.document import IntakeError, summarize
    from openmsk.intake.routing import route

    try:
        document = json.loads(intake_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        _fail(f"cannot read {intake_file}")
    except json.JSONDecodeError:
        _fail(f"{intake_file} is not valid JSON")
    if not isinstance(document, dict) or not isinstance(document.get("answers"), dict):
        _fail("the intake document needs an \"answers\" object")
    try:
        summary = summarize(document["answers"], tuple(document.get("psfs_activities") or ()))
    except IntakeError as exc:
        _fail(str(exc))
    decision = route(summary)
    library = load_library()
    draft = draft_plan(input_from_intake(summary, decision), library)
    if as_json:
        _print_json({"risk_level": decision.risk_level, "regions": list(summary.regions), **draft_json(draft)})
        return
    if draft.held:
        typer.echo(draft.hold_reason)
        return
    typer.echo(f"{len(draft.items)} exercises, about {draft.estimated_minutes:g} min, "
               f"{draft.sessions_per_week} sessions a week (risk {decision.risk_level})")
    for item in draft.items:
        typer.echo(f"  {library.get(item.exercise_id).name:<40} {item.dose.label():<16} {item.rationale}")


GROUPS = {"exercises": (exercises_app, "The exercise library."),
          "plan": (plan_app, "Draft exercise plans from an intake document.")}
