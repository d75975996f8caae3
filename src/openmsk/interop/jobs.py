"""Background jobs of the interop capability: pull a patient's record when a provider's feed says so."""

from __future__ import annotations

import logging

import httpx

from openmsk.jobs import JobContext, job
from openmsk.interop.models import FeedSubscription
from openmsk.interop.notifications import _patient_of
from openmsk.interop.pull import DISABLED_PREFIX, feed_headers, pull_patient

log = logging.getLogger(__name__)
PULL_JOB = "interop.pull_member"
TIMEOUT_S = 15.0


def http_client() -> httpx.Client:
    """The HTTP client for provider servers (tests replace this factory with a fake transport)."""
    return httpx.Client(timeout=TIMEOUT_S)


@job(PULL_JOB)
def pull_member(ctx: JobContext, *, feed_id: str, patient_id: str | None = None, focus: str | None = None,
                event: str | None = None) -> None:
    """Fetch the patient (named, or found through a focus resource) from the feed's server and import."""
    with ctx.db.transaction() as session:
        feed = session.get(FeedSubscription, feed_id)
        if feed is None or feed.secret_digest.startswith(DISABLED_PREFIX):
            return  # a feed disabled after the notification was queued is not pulled any more
        base, feed_copy = feed.base_url, feed
    with http_client() as http:
        headers = feed_headers(http, feed_copy)
        if patient_id is None and focus:
            response = http.get(f"{base}/{focus}", headers={"Accept": "application/fhir+json", **headers})
            patient_id = _patient_of(response.json()) if response.is_success else None
        if patient_id is None:
            log.warning("notification named no patient", extra={"job": PULL_JOB})
            return
        pull_patient(ctx.db, base_url=base, patient_id=patient_id, http=http, queue=ctx.queue, headers=headers)
