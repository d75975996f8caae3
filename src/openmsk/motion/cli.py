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


@app.command("extract")
def extract_command(
    video: Path = typer.Argument(..., help="A video file (mp4, mov, ...)."),
    out: Path = typer.Option(..., "--out", help="Landmark CSV to write (.csv or .csv.gz)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON document."),
) -> None:
    """Extract MediaPipe Pose landmarks from a video (needs the optional MediaPipe install)."""
    from openmsk.motion.extract import MissingExtra, mediapipe_estimator, video_frames, write_landmarks

    if not video.is_file():
        _fail(f"no such video file: {video}")
    try:
        stats = write_landmarks(video_frames(video), mediapipe_estimator(), out)
    except MissingExtra as exc:
        _fail(str(exc))
    except ValueError as exc:
        _fail(str(exc))
    doc = {"video": str(video), "out": str(out), "frames": stats.frames, "frames_with_person": stats.detected}
    if stats.frames and not stats.detected:
        typer.echo("warning: no person was found in any frame", err=True)
    typer.echo(json.dumps(doc) if as_json else f"{stats.frames} frames, a person in {stats.detected}: {out}")


@app.command("exercises")
def exercises_command() -> None:
    """List the exercise ids that have motion specs."""
    for exercise_id, spec in sorted(load_specs().items()):
        typer.echo(f"{exercise_id}\t{spec.name}")

GROUPS = {"motion": (app, "Analyze movement recordings.")}
