"""The `openmsk` command: serve, worker, demo, db, users (and each capability's own group)."""

import json
import sys
from typing import Annotated

import typer

from openmsk.config import get_settings

app = typer.Typer(help="OpenMSK: a whole-person digital clinic for musculoskeletal pain.",
                  no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")


def _add_capability_groups() -> None:
    """Each capability's cli.py exposes GROUPS: {command group name: (Typer app, help)}."""
    from openmsk.capabilities import modules

    for module in modules("cli"):
        for name, (group, help_text) in module.GROUPS.items():
            app.add_typer(group, name=name, help=help_text)


_add_capability_groups()


def emit_json(document) -> None:
    """Print exactly one JSON document on stdout."""
    sys.stdout.write(json.dumps(document, default=str, indent=2) + "\n")


def fail(message: str, code: int = 2) -> None:
    """Explain the problem on stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers_in_process: bool = True) -> None:
    """Serve the web app and APIs (migrate first with `openmsk db upgrade`)."""
    import uvicorn

    from openmsk.app import create_app

    # Live-update streams stay open for minutes; do not let them hold a restart hostage.
    uvicorn.run(create_app(get_settings(), run_scheduler=workers_in_process), host=host, port=port,
                access_log=False, log_config=None, timeout_graceful_shutdown=5)


@app.command()
def worker(threads: int = 4) -> None:
    """Consume background jobs from Redis (needs OPENMSK_REDIS_URL) and run periodic schedules."""
    import signal
    import threading

    from openmsk.app import build_services
    from openmsk.jobs.scheduler import Scheduler, redis_claim
    from openmsk.logs import configure_logging
    from openmsk.memory import keep_freed_memory

    settings = get_settings()
    if not settings.redis_url:
        fail("OPENMSK_REDIS_URL is not set; without Redis, jobs run inside `openmsk serve`")
    configure_logging(settings.log_level)
    keep_freed_memory()  # a long-running process, as the server
    services = build_services(settings)
    running = services.queue.worker(threads)
    scheduler = Scheduler(services.queue, claim=redis_claim(settings.redis_url)).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    scheduler.stop()
    running.stop()


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads",
               url: Annotated[str, typer.Option(help="database URL (default: settings)")] = "") -> None:
    """Apply the schema migrations."""
    from openmsk.dbmigrate import upgrade

    upgrade(url or get_settings().resolved_database_url(), revision)
    typer.echo("database is up to date", err=True)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="sign-in email")],
    name: Annotated[str, typer.Option(help="display name")],
    role: Annotated[list[str], typer.Option(help="role; repeat for several")],
    password_stdin: Annotated[bool, typer.Option(help="read the password from stdin")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Create a staff account (clinical roles get a clinician profile)."""
    from openmsk.auth.roles import CLINICAL_ROLES
    from openmsk.auth.service import create_user
    from openmsk.careteam.service import create_clinician
    from openmsk.db import Database
    from openmsk.errors import AppError

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    db = Database(get_settings().resolved_database_url())
    try:
        with db.transaction() as session:
            user = create_user(session, email=email, display_name=name, roles=set(role), password=password)
            clinical = sorted(set(role) & CLINICAL_ROLES)
            if clinical:
                create_clinician(session, user_id=user.id, role=clinical[0], display_name=name)
            result = {"id": user.id, "email": user.email, "roles": sorted(user.roles),
                      "has_password": password is not None}
    except AppError as exc:
        fail(exc.message)
    if as_json:
        emit_json(result)
    else:
        typer.echo(f"created {result['email']} ({', '.join(result['roles'])})")


@users_app.command("list")
def users_list(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """List accounts."""
    from openmsk.auth.accounts import list_users, user_read
    from openmsk.db import Database

    db = Database(get_settings().resolved_database_url())
    with db.transaction() as session:
        users = [user_read(u).model_dump(mode="json") for u in list_users(session, limit=100_000, offset=0)]
    if as_json:
        emit_json(users)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("email", "name", "roles", "active")
    for u in users:
        table.add_row(u["email"], u["display_name"], ", ".join(u["roles"]), "yes" if u["is_active"] else "no")
    Console().print(table)


@app.command()
def demo(host: str = "127.0.0.1", port: int = 8000,
         seed_only: Annotated[bool, typer.Option(help="seed, print the logins, do not serve")] = False) -> None:
    """Migrate, seed the synthetic demo clinic (once), print the demo logins and serve."""
    from openmsk.dbmigrate import upgrade
    from openmsk.demo.seed import ensure_demo

    settings = get_settings()
    upgrade(settings.resolved_database_url())
    logins = ensure_demo(settings)
    typer.echo("\nOpenMSK demo clinic (synthetic data). Sign in at "
               f"http://{host}:{port}/login with any of:", err=True)
    for login in logins:
        typer.echo(f"  {login['role']:<28} {login['email']:<44} {login['password']}", err=True)
    if not seed_only:
        serve(host=host, port=port)


def main() -> None:
    """Entry point of the console script."""
    app()
