"""Pulling a patient's record from a provider's FHIR server, and provider feeds that trigger it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.auth.secrets import new_token, token_digest
from openmsk.db import Database
from openmsk.errors import Invalid, NotFound, Unauthenticated
from openmsk.interop import smart
from openmsk.interop.config import InteropConfig, interop_config
from openmsk.interop.exchange import check_endpoint, log_exchange, send_with_retries
from openmsk.interop.fhir_files import ReadProblem, SourcedResource, iter_bundle
from openmsk.interop.importer import Importer, ImportSummary
from openmsk.interop.models import ExchangeLog, FeedSubscription, FhirRevocation
from openmsk.interop.normalize import NORMALIZED_TYPES

PULL_TYPES = tuple(sorted(NORMALIZED_TYPES - {"Patient"}))
FHIR_JSON = "application/fhir+json"
# Our private key for SMART Backend Services against providers (PEM file), when a feed needs a token.
PRIVATE_KEY_ENV = "OPENMSK_FHIR_CLIENT_KEY_FILE"


def backend_token(http: httpx.Client, *, token_url: str, client_id: str, private_key_pem: str,
                  scope: str = "system/*.read") -> str:
    """An access token from a provider's token endpoint (client_credentials + RS384 JWT assertion)."""
    response = http.post(token_url, data={
        "grant_type": "client_credentials", "scope": scope, "client_assertion_type": smart.ASSERTION_TYPE,
        "client_assertion": smart.client_assertion(client_id=client_id, token_url=token_url,
                                                   private_key_pem=private_key_pem)})
    if response.status_code != 200 or "access_token" not in response.json():
        raise Unauthenticated(f"provider token endpoint answered HTTP {response.status_code}")
    return response.json()["access_token"]


def pull_patient(db: Database, *, base_url: str, patient_id: str, http: httpx.Client, queue=None,
                 headers: dict[str, str] | None = None, retries: int = 2, backoff_s: float = 0.2,
                 page_size: int = 100, create_members: bool = False) -> ImportSummary:
    """Import the patient and every supported type searched by patient, following `next` links.

    Each page commits on its own, so a server failing midway keeps what arrived; re-running is safe.
    """
    from openmsk.interop.service import emit_imported

    base = base_url.rstrip("/")
    importer = Importer(db, source_system=base, create_members=create_members,
                        on_commit=lambda by_member: emit_imported(queue, by_member))
    from openmsk.interop.linking import resolve_org
    from openmsk.interop.store import load_directory

    with db.transaction() as session:
        importer.directory = load_directory(session)
        importer.org_id = resolve_org(session, None) if create_members else None
    summary = importer.summary
    request_headers = {"Accept": FHIR_JSON, **(headers or {})}

    def fetch(url: str, what: str) -> dict[str, Any] | None:
        response, _attempts, problem = send_with_retries(lambda: http.get(url, headers=request_headers),
                                                         retries=retries, backoff_s=backoff_s)
        if response is None or not response.is_success:
            summary.rejected.append({"file": base, "resource": what,
                                     "error": problem or f"HTTP {response.status_code}"})
            return None
        try:
            return response.json()
        except ValueError:
            summary.rejected.append({"file": base, "resource": what, "error": "response is not JSON"})
            return None

    patient = fetch(f"{base}/Patient/{patient_id}", f"Patient/{patient_id}")
    if patient is None:
        log_exchange(db, member_id=None, direction="pull", endpoint=base, outcome="failed", detail="patient not read")
        return summary
    summary.files += 1
    importer.import_items([SourcedResource(patient, base, f"Patient/{patient_id}")], label=base)
    for rtype in PULL_TYPES:
        url: str | None = f"{base}/{rtype}?patient=Patient/{patient_id}&_count={page_size}"
        page = 0
        while url:
            page += 1
            bundle = fetch(url, f"{rtype} search page {page}")
            if bundle is None:
                break
            items: list[SourcedResource | ReadProblem] = list(iter_bundle(bundle, base, f"{rtype} page {page} "))
            importer.import_items(items, label=base)
            url = next((link.get("url") for link in bundle.get("link", []) if link.get("relation") == "next"), None)
    member_ids = {m for m in importer.patient_members.values() if m}
    log_exchange(db, member_id=next(iter(member_ids), None), direction="pull", endpoint=base,
                 outcome="failed" if summary.rejected else "success",
                 detail=f"{sum(summary.resources.values())} records, {len(summary.rejected)} problems")
    return summary


# A disabled feed's digest starts with this, which no hex token digest does: its notifications are refused.
DISABLED_PREFIX = "disabled-"


@dataclass(frozen=True)
class FeedView:
    """A feed as the admin sees it: disabled or not, and its latest notifications."""

    feed: FeedSubscription
    disabled: FhirRevocation | None
    notifications: list[ExchangeLog]


def register_feed(session: Session, *, provider: str, base_url: str, client_id: str | None = None,
                  token_url: str | None = None, actor: Principal | None = None) -> tuple[FeedSubscription, str]:
    """A provider feed and the secret its notifications must carry (shown once)."""
    if not provider.strip():
        raise Invalid("provider is required")
    base_url = check_endpoint(base_url, "base_url")
    token_url = check_endpoint(token_url, "token_url") if token_url else None
    if bool(client_id) != bool(token_url):
        raise Invalid("client_id and token_url go together")
    secret = new_token()
    feed = FeedSubscription(provider=provider.strip()[:200], base_url=base_url,
                            secret_digest=token_digest(secret), client_id=client_id, token_url=token_url)
    session.add(feed)
    session.flush()
    audit.record(session, actor, action="create", resource_type="FhirFeed", resource_id=feed.id)
    return feed, secret


def list_feeds(session: Session, *, notifications: int = 5) -> list[FeedView]:
    """Every feed, newest first, with its last notifications from the exchange log."""
    disabled = {r.target_id: r for r in session.scalars(select(FhirRevocation).where(FhirRevocation.kind == "feed"))}
    views = []
    for feed in session.scalars(select(FeedSubscription).order_by(FeedSubscription.created_at.desc(),
                                                                  FeedSubscription.id)):
        recent = list(session.scalars(select(ExchangeLog).where(
            ExchangeLog.direction == "notification", ExchangeLog.endpoint == feed.base_url)
            .order_by(ExchangeLog.created_at.desc(), ExchangeLog.id).limit(notifications)))
        views.append(FeedView(feed, disabled.get(feed.id), recent))
    return views


def disable_feed(session: Session, *, feed_id: str, actor: Principal | None) -> FeedSubscription:
    """Stop accepting a feed's notifications: its secret is destroyed, so re-enabling means registering anew."""
    feed = session.get(FeedSubscription, feed_id)
    if feed is None:
        raise NotFound("no feed with this id")
    if not feed.secret_digest.startswith(DISABLED_PREFIX):
        feed.secret_digest = DISABLED_PREFIX + secrets.token_hex(20)
        session.add(FhirRevocation(kind="feed", target_id=feed.id, revoked_by=actor.user_id if actor else None))
        audit.record(session, actor, action="revoke", resource_type="FhirFeed", resource_id=feed.id)
    return feed


def feed_headers(http: httpx.Client, feed: FeedSubscription, config: InteropConfig | None = None) -> dict[str, str]:
    """Authorization for pulling from the feed's server (SMART Backend Services when configured)."""
    if not (feed.client_id and feed.token_url):
        return {}
    private_key_pem = (config or interop_config()).client_key_pem()
    if not private_key_pem:
        raise Unauthenticated(f"{PRIVATE_KEY_ENV} is not set: cannot sign a client assertion")
    token = backend_token(http, token_url=feed.token_url, client_id=feed.client_id, private_key_pem=private_key_pem)
    return {"Authorization": f"Bearer {token}"}
