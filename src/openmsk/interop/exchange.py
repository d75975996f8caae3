"""Sending a member's care summary to a provider: consent per provider, retries, exchange log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database, utcnow
from openmsk.errors import AppError, Forbidden, Invalid, NotFound
from openmsk.interop.models import ExchangeLog, ProviderConsent
from openmsk.interop.summary import care_summary_bundle
from openmsk.jobs.registry import JobContext, emit_after_commit, job, subscribe
from openmsk.members.models import Member

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
FHIR_JSON = "application/fhir+json"
# Plain http only to this machine (a local test or development server); providers are reached over https.
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
SUMMARY_REQUESTED = "interop.summary_requested"
PUSH_JOB = "interop.push_summary"


def check_endpoint(endpoint: str, field: str = "endpoint") -> str:
    """A provider's FHIR base URL without its trailing slash; https (or http to this machine) only."""
    url = endpoint.strip().rstrip("/")
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
    if not parts.hostname or not secure or parts.username or len(url) > 500:
        raise Invalid(f"{field} must be an https URL of at most 500 characters")
    return url


def grant_consent(session: Session, *, member_id: str, provider: str, endpoint: str,
                  actor: Principal | None) -> ProviderConsent:
    """Record the member's permission to send their summary to this provider's endpoint."""
    if session.get(Member, member_id) is None:
        raise NotFound("no member with this id")
    if not provider.strip():
        raise Invalid("provider is required")
    consent = ProviderConsent(member_id=member_id, provider=provider.strip()[:200], endpoint=check_endpoint(endpoint),
                              recorded_by=actor.user_id if actor else None)
    session.add(consent)
    session.flush()
    audit.record(session, actor, action="create", resource_type="Consent", resource_id=consent.id, member_id=member_id)
    return consent


def revoke_consent(session: Session, *, consent_id: str, actor: Principal | None,
                   member_id: str | None = None) -> ProviderConsent:
    """Withdraw a consent (of `member_id`, when given): nothing is sent to that provider afterwards."""
    consent = session.get(ProviderConsent, consent_id)
    if consent is None or (member_id is not None and consent.member_id != member_id):
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


def member_consents(session: Session, *, member_id: str) -> list[ProviderConsent]:
    """Every consent of a member, active and revoked, newest first (the route policy audits the read)."""
    return list(session.scalars(select(ProviderConsent).where(ProviderConsent.member_id == member_id)
                                .order_by(ProviderConsent.granted_at.desc(), ProviderConsent.id)))


def member_exchanges(session: Session, *, member_id: str, limit: int = 50) -> list[ExchangeLog]:
    """The member's latest exchanges with providers, newest first (the route policy audits the read)."""
    return list(session.scalars(select(ExchangeLog).where(ExchangeLog.member_id == member_id)
                                .order_by(ExchangeLog.created_at.desc(), ExchangeLog.id).limit(limit)))


def request_push(session: Session, queue, *, member_id: str, consent_id: str, actor: Principal) -> ProviderConsent:
    """Queue sending the care summary under this active consent, once the request's transaction commits."""
    consent = session.get(ProviderConsent, consent_id)
    if consent is None or consent.member_id != member_id:
        raise NotFound("no consent with this id")
    if consent.revoked_at is not None:
        raise Forbidden("this consent was revoked")
    emit_after_commit(session, queue, SUMMARY_REQUESTED, {
        "member_id": member_id, "endpoint": consent.endpoint, "actor_user_id": actor.user_id,
        "actor_role": actor.acting_role})
    return consent


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


@job(PUSH_JOB)
def push_summary_job(ctx: JobContext, *, member_id: str, endpoint: str, actor_user_id: str | None = None,
                     actor_role: str | None = None, event: str | None = None) -> None:
    """Send the summary a clinician asked for; the exchange log records the outcome, so nothing is re-raised."""
    from openmsk.interop import jobs as interop_jobs  # its http_client factory is the one tests replace

    actor = Principal(user_id=actor_user_id, email="", display_name="", roles=frozenset({actor_role})) \
        if actor_user_id and actor_role else None
    with interop_jobs.http_client() as http:
        try:
            push_summary(ctx.db, member_id=member_id, endpoint=endpoint, http=http, actor=actor)
        except AppError as exc:
            log.warning("care summary not sent", extra={"job": PUSH_JOB, "error_type": type(exc).__name__})


subscribe(SUMMARY_REQUESTED, PUSH_JOB)
