"""`openmsk escalations`: run the shipped escalation rules over FHIR files, without a database."""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from openmsk.escalation.engine import DEFAULT_LOOKBACK, Engine, Evaluation
from openmsk.escalation.events import SUPPORTED_TYPES, ClinicalEvent, normalize
from openmsk.escalation.fhir_values import parse_datetime
from openmsk.escalation.rules import RuleError, load_rules
from openmsk.interop.fhir_files import ReadProblem, expand_paths, iter_file

app = typer.Typer(help="Escalation-of-care alerts from medical records.", no_args_is_help=True)


@app.callback()
def escalations() -> None:
    """Escalation-of-care alerts from medical records."""


def read_events(paths: list[Path]) -> tuple[list[ClinicalEvent], list[dict[str, str]]]:
    """Normalize the supported resources of every file, one file at a time, with read problems."""
    events: list[ClinicalEvent] = []
    problems: list[dict[str, str]] = []
    for path in expand_paths(paths):
        items = list(iter_file(path))
        full_url_ids = {
            item.full_url: item.resource["id"] for item in items
            if not isinstance(item, ReadProblem) and item.full_url and isinstance(item.resource.get("id"), str)
        }
        for item in items:
            if isinstance(item, ReadProblem):
                problems.append({"path": item.path, "location": item.location, "error": item.error})
            elif item.resource.get("resourceType") in SUPPORTED_TYPES:
                event = normalize(item.resource, full_url_ids)
                events.append(event)
                problems.extend({"path": item.path, "location": item.location, "resource": event.resource,
                                 "error": problem} for problem in event.problems)
    return events, problems


def report(evaluation: Evaluation, problems: list[dict[str, str]]) -> dict[str, Any]:
    """The JSON document printed by `evaluate --json`."""
    alerts = [
        {
            "patient": alert.patient, "category": alert.category, "rule": alert.rule, "severity": alert.severity,
            "resource": alert.resource,
            "occurred_at": alert.occurred_at.isoformat() if alert.occurred_at else None,
            "evidence": alert.evidence, "route_to": alert.route_to, "respond_within": alert.respond_within,
            "dedup_key": alert.dedup_key, "related": list(alert.related),
        }
        for alert in evaluation.alerts
    ]
    summary = dict(sorted(Counter(alert.category for alert in evaluation.alerts).items()))
    return {"alerts": alerts, "summary": summary, "problems": problems}


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def _parse_when(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    parsed = parse_datetime(value) if len(value) >= 10 else None
    if parsed is None:
        raise _fail(f"{option} must be a date (YYYY-MM-DD) or an ISO 8601 date-time")
    return parsed


@app.command()
def evaluate(
    paths: Annotated[list[Path], typer.Argument(help="FHIR .json/.ndjson files (optionally .gz) or folders.")],
    all_history: Annotated[bool, typer.Option("--all-history", help="Ignore the monitoring window.")] = False,
    since: Annotated[str | None, typer.Option(help="Window start (default: 30 days before now).")] = None,
    now: Annotated[str | None, typer.Option(help="Evaluation time (default: the current time).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Evaluate the shipped rules over FHIR files and print the alerts."""
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise _fail(f"path not found: {missing[0]}")
    current = _parse_when(now, "--now") or datetime.now(UTC)
    start = None if all_history else (_parse_when(since, "--since") or current - DEFAULT_LOOKBACK)
    try:
        engine = Engine(load_rules())
    except RuleError as exc:
        raise _fail(str(exc)) from None
    events, problems = read_events(paths)
    typer.echo(f"read {len(events)} events from {len(paths)} path(s)", err=True)
    evaluation = engine.evaluate(events, now=current, since=start)
    document = report(evaluation, problems)
    if as_json:
        sys.stdout.write(json.dumps(document) + "\n")
        return
    for alert in document["alerts"]:
        typer.echo(f"{alert['occurred_at'] or '?':25} {alert['severity']:8} {alert['category']:22} "
                   f"{alert['patient']} {alert['resource']}")
    typer.echo(f"{len(document['alerts'])} alerts, {len(problems)} problems; window start: "
               f"{start.isoformat() if start else 'all history'}")



GROUPS = {"escalations": (app, "Evaluate escalation rules over FHIR files.")}
