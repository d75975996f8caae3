"""The endpoint providers' FHIR Subscriptions (R4 rest-hook, R4B/backport) notify; it queues a pull."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from openmsk.auth.policy import _bearer
from openmsk.auth.secrets import token_digest
from openmsk.db import SessionDep, session_dependency
from openmsk.deps import QueueDep
from openmsk.errors import BadRequest, Unauthenticated
from openmsk.interop.fhir_api import PREFIX, FhirResponse, FhirRoute
from openmsk.interop.jobs import PULL_JOB
from openmsk.interop.models import ExchangeLog, FeedSubscription
from openmsk.interop.notifications import notification_targets

router = APIRouter(prefix=PREFIX, route_class=FhirRoute, include_in_schema=False)


def feed_secret(request: Request, feed_id: str, session: Session = session_dependency) -> FeedSubscription:
    """The feed whose secret the notification carries as a bearer token (or X-Feed-Secret header)."""
    secret = _bearer(request) or request.headers.get("x-feed-secret")
    feed = session.get(FeedSubscription, feed_id)
    if feed is None or not secret or token_digest(secret) != feed.secret_digest:
        raise Unauthenticated("unknown feed or wrong secret")
    return feed


feed_secret.__openmsk_policy__ = "fhir_feed_secret"


@router.post("/notifications/{feed_id}")
async def notify(request: Request, feed_id: str, session: SessionDep, queue: QueueDep,
                 feed: FeedSubscription = Depends(feed_secret)) -> FhirResponse:
    """Accept a notification, queue a fetch-and-import per patient it concerns, answer at once."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else None
    except ValueError:
        raise BadRequest("notification body is not JSON") from None
    patients, focus = notification_targets(body)
    patients |= {p for p in request.query_params.getlist("patient") if p}
    for patient_id in sorted(patients):
        queue.enqueue(PULL_JOB, {"feed_id": feed.id, "patient_id": patient_id})
    for ref in focus:
        queue.enqueue(PULL_JOB, {"feed_id": feed.id, "focus": ref})
    session.add(ExchangeLog(direction="notification", endpoint=feed.base_url, outcome="success",
                            detail=f"{len(patients)} patients, {len(focus)} focus references queued"))
    return FhirResponse({"resourceType": "OperationOutcome", "issue": [{
        "severity": "information", "code": "informational",
        "diagnostics": f"queued {len(patients) + len(focus)} fetches"}]})
