"""The endpoint providers' FHIR Subscriptions (R4 rest-hook, R4B/backport) notify: import or queue a pull."""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from openmsk.auth.policy import _bearer
from openmsk.auth.secrets import token_digest
from openmsk.db import SessionDep, session_dependency
from openmsk.deps import QueueDep
from openmsk.errors import BadRequest, Unauthenticated
from openmsk.interop.fhir_api import PREFIX, FhirResponse, FhirRoute
from openmsk.interop.fhir_files import SourcedResource
from openmsk.interop.importer import RECORDS_IMPORTED, Importer
from openmsk.interop.jobs import PULL_JOB
from openmsk.interop.models import ExchangeLog, FeedSubscription
from openmsk.interop.notifications import notification_resources, notification_targets, uncovered_focus
from openmsk.interop.store import load_directory
from openmsk.jobs import emit_after_commit

router = APIRouter(prefix=PREFIX, route_class=FhirRoute, include_in_schema=False)
# A conditional reference (`"reference": "Practitioner?identifier=..."`) needs the provider directory.
_CONDITIONAL = re.compile(rb'"reference"\s*:\s*"[A-Za-z]+\?')


def feed_secret(request: Request, feed_id: str, session: Session = session_dependency) -> FeedSubscription:
    """The feed whose secret the notification carries as a bearer token (or X-Feed-Secret header)."""
    secret = _bearer(request) or request.headers.get("x-feed-secret")
    feed = session.get(FeedSubscription, feed_id)
    if feed is None or not secret or token_digest(secret) != feed.secret_digest:
        raise Unauthenticated("unknown feed or wrong secret")
    return feed


feed_secret.__openmsk_policy__ = "fhir_feed_secret"


def _import_carried(session: Session, queue, feed: FeedSubscription, body, raw: bytes) -> tuple[int, set[str]]:
    """Import the resources a notification carries: (how many, ids of their patients linked to a member)."""
    carried = notification_resources(body)
    if not carried:
        return 0, set()
    importer = Importer(None, session=session, source_system=feed.base_url)
    if _CONDITIONAL.search(raw):
        importer.directory = load_directory(session)

    def emit(by_member: dict[str, list[str]]) -> None:
        # After the request's commit: the in-process worker must be able to read the records.
        for member_id, ids in by_member.items():
            emit_after_commit(session, queue, RECORDS_IMPORTED, {"member_id": member_id, "record_ids": ids})

    importer.on_commit = emit
    items = [SourcedResource(resource, feed.base_url, f"entry {index}", full_url)
             for index, (resource, full_url) in enumerate(carried)]
    importer.import_items(items, label=feed.base_url)
    return len(items), {ref.removeprefix("Patient/") for ref, member in importer.patient_members.items() if member}


def _receive(session: Session, queue, feed: FeedSubscription, body, raw: bytes, patients: set[str],
             focus: list[str]) -> tuple[int, list[str], list[str]]:
    """Import what the notification carries and queue pulls for the rest (database work, off the loop)."""
    imported, linked = _import_carried(session, queue, feed, body, raw)
    # Records of a patient not yet linked to a member wait in the store; the pull links the patient.
    to_pull = sorted(patients - linked)
    focus = uncovered_focus(body, focus)
    for patient_id in to_pull:
        queue.enqueue(PULL_JOB, {"feed_id": feed.id, "patient_id": patient_id})
    for ref in focus:
        queue.enqueue(PULL_JOB, {"feed_id": feed.id, "focus": ref})
    session.add(ExchangeLog(direction="notification", endpoint=feed.base_url, outcome="success",
                            detail=f"{imported} resources imported, {len(to_pull)} patients and "
                                   f"{len(focus)} focus references queued"))
    return imported, to_pull, focus


@router.post("/notifications/{feed_id}")
async def notify(request: Request, feed_id: str, session: SessionDep, queue: QueueDep,
                 feed: FeedSubscription = Depends(feed_secret)) -> FhirResponse:
    """Import the resources a notification carries; queue a fetch-and-import for what it only names."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise BadRequest("notification body is not JSON") from None
    patients, focus = notification_targets(body)
    patients |= {p for p in request.query_params.getlist("patient") if p}
    imported, to_pull, focus = await run_in_threadpool(_receive, session, queue, feed, body, raw, patients, focus)
    return FhirResponse({"resourceType": "OperationOutcome", "issue": [{
        "severity": "information", "code": "informational",
        "diagnostics": f"imported {imported} resources, queued {len(to_pull) + len(focus)} fetches"}]})
