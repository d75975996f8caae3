"""Sending a member's care summary to a provider: consent per provider, retries, exchange log."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database, utcnow
from openmsk.errors import Forbidden, NotFound
from openmsk.interop.models import ExchangeLog, ProviderConsent
from openmsk.interop.summary import care_summary_bundle
from openmsk.members.models import Member

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FHIR_JSON = "application/fhir+json"


def grant_consent(session: Session, *, member_id: str, provider: str, endpoint: str,
                  actor: Principal | None) -> ProviderConsent:
    """Record the member's permission to send their summary to this provider's endpoint."""
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    consent = ProviderConsent(member_id=member_id, provider=provider[:200], endpoint=endpoint.rstrip("/")[:500],
                              recorded_by=actor.user_id if actor else None)
    session.add(consent)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Consent", resource_id=consent.id, member_id=member_id)
    return consent


def revoke_consent(session: Session, *, consent_id: str, actor: Principal | None) -> ProviderConsent:
    """Withdraw a consent: nothing is sent to that provider afterwards."""
    consent = session.get(ProviderConsent, consent_id)
    if consent is None:
        raise NotFound("no consent with this id")
    consent.revoked_at = consent.revoked_at or utcnow()
    audit.record(session, actor, action="revoke", resource_type="Consent", resource_id=consent.id,
                 member_id=consent.member_id)
    return consent


def active_consent(session: Session, *, member_id: str, endpoint: str) -> ProviderConsent | None:
    """The member's unrevoked consent for this endpoint, if any."""
    return session.scalar(select(ProviderConsent).where(
        ProviderConsent.member_id == member_id, ProviderConsent.endpoint == endpoint.rstrip("/"),
        ProviderConsent.revoked_at.is_(None)).order_by(ProviderConsent.granted_at.desc()))


def export_summary(session: Session, *, member_id: str, actor: Principal | None, base_url: str) -> dict:
    """The member's care summary Bundle, audited as an export."""
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound("no member with this id")
    bundle = care_summary_bundle(session, member, base_url=base_url)
    audit.record(session, actor, action="export", resource_type="CareSummary", member_id=member_id,
                 detail={"resources": len(bundle["entry"])})
    return bundle


def log_exchange(db: Database, *, member_id: str | None, direction: str, endpoint: str, outcome: str,
                 attempts: int = 1, detail: str = "") -> None:
    """Write one exchange log row in its own transaction (it must survive a failed request)."""
    with db.transaction() as session:
        session.add(ExchangeLog(member_id=member_id, direction=direction, endpoint=endpoint[:500], outcome=outcome,
                                attempts=attempts, detail=detail[:2000]))


def send_with_retries(send: Callable[[], httpx.Response], *, retries: int, backoff_s: float) -> tuple[httpx.Response | None, int, str]:
    """Call `send` until a non-retryable answer; returns (response or None, attempts, last problem)."""
    problem = ""
    for attempt in range(1, retries + 2):
        try:
            response = send()
        except httpx.HTTPError as exc:
            problem = f"transport error {type(exc).__name__}"
        else:
            if response.status_code not in RETRY_STATUSES:
                return response, attempt, ""
            problem = f"HTTP {response.status_code}"
        if attempt <= retries:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return None, retries + 1, problem


def push_summary(db: Database, *, member_id: str, endpoint: str, http: httpx.Client, actor: Principal | None = None,
                 retries: int = 3, backoff_s: float = 0.5, headers: dict[str, str] | None = None) -> dict:
    """POST the care summary transaction to a provider, only under the member's active consent."""
    endpoint = endpoint.rstrip("/")
    with db.transaction() as session:
        member = session.get(Member, member_id)
        if member is None:
            raise NotFound("no member with this id")
        consent = active_consent(session, member_id=member_id, endpoint=endpoint)
        if consent is None:
            audit.record(session, actor, action="export", resource_type="CareSummary", member_id=member_id,
                         outcome="denied", detail={"reason": "no consent"})
        else:
            bundle = care_summary_bundle(session, member, base_url=endpoint)
            audit.record(session, actor, action="export", resource_type="CareSummary", member_id=member_id,
                         detail={"resources": len(bundle["entry"])})
    if consent is None:
        log_exchange(db, member_id=member_id, direction="push", endpoint=endpoint, outcome="refused",
                     attempts=0, detail="no active consent for this provider")
        raise Forbidden("the member has not consented to sharing with this provider")
    response, attempts, problem = send_with_retries(
        lambda: http.post(endpoint, json=bundle, headers={"Content-Type": FHIR_JSON, "Accept": FHIR_JSON,
                                                          **(headers or {})}),
        retries=retries, backoff_s=backoff_s)
    ok = response is not None and response.is_success
    detail = problem or (f"HTTP {response.status_code}" if response is not None else "")
    log_exchange(db, member_id=member_id, direction="push", endpoint=endpoint, outcome="success" if ok else "failed",
                 attempts=attempts, detail=detail)
    return {"sent": ok, "attempts": attempts, "status": response.status_code if response is not None else None,
            "resources": len(bundle["entry"]), "response": response.json() if ok and response.content else None}
