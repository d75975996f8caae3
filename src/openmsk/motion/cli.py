"""`openmsk motion` commands: analyse recordings from the command line."""

import json
from pathlib import Path

import typer

from openmsk.motion.analysis import analyze
from openmsk.motion.loaders import FORMATS, RecordingFormatError, load
from openmsk.motion.specs import load_specs

app = typer.Typer(help="Movement analysis: reps, joint angles and form feedback.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@app.command("analyze")
def analyze_command(
    paths: list[Path] = typer.Argument(..., help="One or more files, read in order as one recording."),
    fmt: str = typer.Option(..., "--format", help=f"One of: {', '.join(sorted(FORMATS))}"),
    exercise: str = typer.Option(..., "--exercise", help="Exercise id from specs.yaml"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Count reps and judge form for one exercise in a recording."""
    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    if exercise not in load_specs():
        _fail(f"unknown exercise {exercise!r}")
    try:
        recording = load(paths, fmt)
        result = analyze(recording, exercise)
    except RecordingFormatError as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(f"cannot analyse: {exc}")
    doc = result.to_json()
    if as_json:
        typer.echo(json.dumps(doc))
        return
    typer.echo(f"{doc['exercise']}: {doc['reps']} reps, {doc['partial_reps']} partial, {doc['duration_s']} s")
    for i, rep in enumerate(doc["rep_details"], 1):
        typer.echo(f"  {i}. {rep['start_s']}-{rep['end_s']} s rom {rep['rom_deg']} quality {rep['quality']}"
                   f" {'ok' if rep['correct'] else ', '.join(rep['errors']) or 'partial'}")
    for warning in doc["warnings"]:
        typer.echo(f"  warning: {warning}")


@app.command("exercises")
def exercises_command() -> None:
    """List the exercise ids that have motion specs."""
    for exercise_id, spec in sorted(load_specs().items()):
        typer.echo(f"{exercise_id}\t{spec.name}")

GROUPS = {"motion": (app, "Analyze movement recordings.")}
