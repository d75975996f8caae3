"""`openmsk nudges`: simulate the nudge engine over a scripted member history."""

import json
from pathlib import Path

import typer

from openmsk.coaching import jobs  # noqa: F401 - `openmsk worker` loads CLI groups: registers the nudge job
from openmsk.coaching.scenario import parse_scenario
from openmsk.coaching.scenario_fields import ScenarioError
from openmsk.coaching.simulator import simulate

app = typer.Typer(help="Health-coaching nudges: rules, delivery policy and simulation.", no_args_is_help=True)


@app.callback()
def main() -> None:
    """Health-coaching nudges."""


@app.command("simulate")
def simulate_command(
    scenario: Path = typer.Option(..., "--scenario", help="Scenario JSON file (format: docs/nudges.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print the sent nudges as one JSON document."),
) -> None:
    """Run the rules and delivery policy over a scenario and list every nudge that would be sent."""
    try:
        raw = json.loads(scenario.read_text(encoding="utf-8"))
    except OSError as exc:
        typer.echo(f"error: cannot read scenario file ({exc.__class__.__name__})", err=True)
        raise typer.Exit(2) from exc
    except json.JSONDecodeError as exc:
        typer.echo(f"error: scenario is not valid JSON (line {exc.lineno}, column {exc.colno})", err=True)
        raise typer.Exit(2) from exc
    try:
        parsed = parse_scenario(raw)
    except ScenarioError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    nudges = simulate(parsed)
    if as_json:
        typer.echo(json.dumps([n.to_json() for n in nudges], indent=2))
        return
    for nudge in nudges:
        typer.echo(f"{nudge.local_time.isoformat()}  {nudge.kind:<17} {nudge.channel:<10} {nudge.reason}")
    typer.echo(f"{len(nudges)} nudge(s) over {parsed.weeks} week(s)", err=True)

GROUPS = {"nudges": (app, "Simulate coaching nudges.")}
