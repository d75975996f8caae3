"""`openmsk fhir import|export|review`: FHIR R4 data exchange from the command line."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="FHIR R4 data exchange with in-person care.", no_args_is_help=True)
GROUPS = {"fhir": (app, "FHIR R4 import, export and review of patient matches.")}


def _services():
    from openmsk.app import build_services
    from openmsk.config import get_settings

    return build_services(get_settings())


@app.command("import")
def import_command(
    paths: Annotated[list[str], typer.Argument(help="Bundle (.json[.gz]) or NDJSON files, or folders")],
    create_members: Annotated[bool, typer.Option(help="enroll unmatched patients as members")] = False,
    org: Annotated[str, typer.Option(help="organization (id or name) for enrolled patients")] = "",
    source: Annotated[str, typer.Option(help="source system URI recorded as provenance")] = "",
    json_output: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Import FHIR R4 Bundles and Bulk Data NDJSON into the clinical record (idempotent)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from openmsk.cli import emit_json
    from openmsk.interop.fhir_files import expand_paths
    from openmsk.interop.service import import_paths

    services = _services()
    total = sum(1 for _ in expand_paths(paths))
    progress = Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=json_output)
    try:
        with progress:
            task = progress.add_task("files", total=total)
            summary = import_paths(services.db, paths, queue=services.queue, create_members=create_members,
                                   org=org or None, source_system=source or None,
                                   on_file=lambda _path: progress.advance(task))
    finally:
        services.queue.close()
        services.db.dispose()
    document = summary.as_dict()
    if json_output:
        emit_json(document)
    else:
        typer.echo(f"{document['files']} files, {sum(document['resources'].values())} records, "
                   f"{len(document['rejected'])} rejected")
    if document["rejected"]:
        raise typer.Exit(1)


@app.command("export")
def export_command(
    member: Annotated[str, typer.Option(help="member id")],
    push: Annotated[str, typer.Option(help="provider FHIR base URL to POST the transaction to (needs consent)")] = "",
    json_output: Annotated[bool, typer.Option("--json", help="print the Bundle (or the push result) as JSON")] = False,
) -> None:
    """Print a member's care summary as a validated FHIR R4 transaction Bundle, or push it to a provider."""
    import httpx

    from openmsk.cli import emit_json, fail
    from openmsk.errors import AppError
    from openmsk.interop.exchange import export_summary, push_summary

    services = _services()
    try:
        if push:
            with httpx.Client(timeout=30) as http:
                result = push_summary(services.db, member_id=member, endpoint=push, http=http)
            document = {k: v for k, v in result.items() if k != "response"}
        else:
            with services.db.transaction() as session:
                document = export_summary(session, member_id=member, actor=None,
                                          base_url=services.settings.base_url.rstrip("/") + "/fhir/R4")
    except AppError as exc:
        fail(exc.message)
    finally:
        services.queue.close()
        services.db.dispose()
    if json_output or not push:
        emit_json(document)
    else:
        typer.echo(f"sent {document['resources']} resources in {document['attempts']} attempts: {document['sent']}")
    if push and not document["sent"]:
        raise typer.Exit(1)


@app.command("consent")
def consent_command(
    member: Annotated[str, typer.Option(help="member id")],
    provider: Annotated[str, typer.Option(help="provider or organization name")] = "",
    endpoint: Annotated[str, typer.Option(help="provider FHIR base URL")] = "",
    revoke: Annotated[str, typer.Option(help="consent id to revoke")] = "",
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record (or revoke) a member's consent to send their care summary to one provider."""
    from openmsk.cli import emit_json, fail
    from openmsk.errors import AppError
    from openmsk.interop.exchange import grant_consent, revoke_consent

    services = _services()
    try:
        with services.db.transaction() as session:
            if revoke:
                consent = revoke_consent(session, consent_id=revoke, member_id=member, actor=None)
            elif provider and endpoint:
                consent = grant_consent(session, member_id=member, provider=provider, endpoint=endpoint, actor=None)
            else:
                fail("give --provider and --endpoint, or --revoke")
            document = {"id": consent.id, "member_id": consent.member_id, "endpoint": consent.endpoint,
                        "revoked": consent.revoked_at is not None}
    except AppError as exc:
        fail(exc.message)
    finally:
        services.queue.close()
        services.db.dispose()
    emit_json(document) if json_output else typer.echo(f"consent {document['id']} revoked={document['revoked']}")


@app.command("review")
def review_command(
    accept: Annotated[str, typer.Option(help="link id to accept (link to the candidate member)")] = "",
    reject: Annotated[str, typer.Option(help="link id to reject")] = "",
    json_output: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List uncertain patient matches awaiting review, or accept/reject one."""
    from openmsk.cli import emit_json, fail
    from openmsk.errors import AppError
    from openmsk.interop.service import resolve_review, review_queue

    services = _services()
    try:
        with services.db.transaction() as session:
            if accept or reject:
                link = resolve_review(session, link_id=accept or reject, accept=bool(accept), actor=None)
                document = {"id": link.id, "status": link.status, "member_id": link.member_id}
            else:
                document = [{"id": q.id, "source_system": q.source_system, "patient_id": q.patient_id,
                             "candidate_member_id": q.candidate_member_id, "score": q.score}
                            for q in review_queue(session)]
    except AppError as exc:
        fail(exc.message)
    finally:
        services.queue.close()
        services.db.dispose()
    emit_json(document) if json_output else typer.echo(json.dumps(document, indent=2))
