"""`openmsk intake`: score questionnaire answer files and list the instruments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from openmsk.intake.instruments.base import ScoringError
from openmsk.intake.scoring import get_instrument, instrument_ids, score

SEQUENCE_INSTRUMENTS = tuple(i for i in instrument_ids() if get_instrument(i).answer_shape == "sequence")

app = typer.Typer(
    help="Whole-person intake questionnaires: scoring and instrument catalogue. "
    "The lifestyle instrument takes named answers and is scored through the Python API only.",
    no_args_is_help=True,
)


@app.command("score")
def score_command(
    instrument: str = typer.Argument(..., help=f"One of: {', '.join(SEQUENCE_INSTRUMENTS)}."),
    answers_file: Path = typer.Option(
        ..., "--answers-file", help="One JSON array of item answers per line (null = missing; blank lines ignored)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON array, one result object per input line."),
) -> None:
    """Score every answer line in a file; invalid lines are reported, not fatal."""
    if instrument not in SEQUENCE_INSTRUMENTS:
        typer.echo(f"unknown instrument {instrument!r}; expected one of: {', '.join(SEQUENCE_INSTRUMENTS)}", err=True)
        raise typer.Exit(2)
    try:
        text = answers_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        typer.echo(f"cannot read answers file {answers_file}: {type(exc).__name__}", err=True)
        raise typer.Exit(2) from None
    results = [
        score_line(instrument, number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    if as_json:
        typer.echo(json.dumps(results))
        return
    for result in results:
        typer.echo(_human(result))


def score_line(instrument: str, number: int, line: str) -> dict[str, Any]:
    """The result object for one input line: valid/total/severity/flags/error."""
    try:
        answers = json.loads(line)
    except json.JSONDecodeError:
        return _invalid(f"line {number}: not valid JSON")
    if not isinstance(answers, list):
        return _invalid(f"line {number}: not a JSON array")
    try:
        result = score(instrument, answers)
    except ScoringError as exc:
        return _invalid(f"line {number}: {exc}")
    return {"valid": True, "total": result.total, "severity": result.severity, "flags": list(result.flags),
            "error": None}


@app.command("instruments")
def instruments_command(
    as_json: bool = typer.Option(False, "--json", help="Print the catalogue as one JSON array."),
) -> None:
    """List the instruments: id, name, item count, LOINC codes and licence status."""
    rows = []
    for instrument_id in instrument_ids():
        instrument = get_instrument(instrument_id)
        rows.append({
            "id": instrument.id,
            "name": instrument.name,
            "items": len(instrument.items),
            "loinc": {"panel": instrument.loinc_panel, "total": instrument.loinc_total},
            "licence": instrument.licence,
        })
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        typer.echo(f"{row['id']:<10} {row['items']:>2} items  {row['name']}")


def _invalid(error: str) -> dict[str, Any]:
    return {"valid": False, "total": None, "severity": None, "flags": [], "error": error}


def _human(result: dict[str, Any]) -> str:
    if not result["valid"]:
        return f"invalid  {result['error']}"
    flags = ",".join(result["flags"]) or "-"
    return f"total={result['total']}  severity={result['severity'] or '-'}  flags={flags}"

GROUPS = {"intake": (app, "Score questionnaires.")}
