"""REST API for consents and exchanges of a member, and the admin's FHIR feeds, clients and match review."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, status
from pydantic import Field

from openmsk.auth.policy import CurrentAdmin, member_scope
from openmsk.auth.principal import Principal
from openmsk.db import SessionDep
from openmsk.deps import QueueDep
from openmsk.errors import ERROR_RESPONSES, Forbidden, NotFound
from openmsk.interop import exchange, pull, service, smart
from openmsk.schemas import Output, StrictInput

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES, tags=["fhir"])
ConsentAccess = Annotated[Principal, Depends(member_scope("Consent"))]
ExchangeAccess = Annotated[Principal, Depends(member_scope("FhirExchange"))]


class ConsentCreate(StrictInput):
    """A provider organization and its FHIR base URL the member allows their summary to go to."""

    provider: str = Field(min_length=1, max_length=200)
    endpoint: str = Field(min_length=1, max_length=500)


class ConsentRead(Output):
    """One consent; `revoked_at` is null while it is active."""

    id: str
    member_id: str
    provider: str
    endpoint: str
    granted_at: datetime
    revoked_at: datetime | None


class ExchangeRead(Output):
    """One exchange with a provider: direction, outcome and counts, never content."""

    id: str
    direction: str
    endpoint: str
    outcome: str
    attempts: int
    detail: str
    created_at: datetime


class PushQueued(Output):
    """The care summary is queued for sending; the exchange log shows the outcome."""

    consent_id: str
    endpoint: str
    queued: bool = True


class FeedCreate(StrictInput):
    """A provider feed; client_id and token_url when pulling needs SMART Backend Services."""

    provider: str = Field(min_length=1, max_length=200)
    base_url: str = Field(min_length=1, max_length=500)
    client_id: str | None = Field(default=None, max_length=200)
    token_url: str | None = Field(default=None, max_length=500)


class FeedRead(Output):
    """A provider feed, whether it is disabled, and its last notifications."""

    id: str
    provider: str
    base_url: str
    client_id: str | None
    token_url: str | None
    created_at: datetime
    disabled_at: datetime | None
    notifications: list[ExchangeRead]


class FeedCreated(FeedRead):
    """A new feed with the secret its notifications carry, shown only in this answer."""

    secret: str


class ClientCreate(StrictInput):
    """A SMART Backend Services client: its public key (PEM or JWKS) and allowed system scopes."""

    client_id: str = Field(min_length=3, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    public_key: str = Field(min_length=1, max_length=20000)
    scopes: str = Field(min_length=1, max_length=500)


class ClientRead(Output):
    """A registered machine client; `revoked_at` is set once revoked."""

    id: str
    client_id: str
    name: str
    scopes: str
    created_at: datetime
    revoked_at: datetime | None


class People(Output):
    """Demographics compared by the matcher."""

    given: str
    family: str
    birth_date: date | None
    sex: str


class MatchRead(Output):
    """An uncertain match: the provider's patient next to the candidate member, with the score."""

    id: str
    source_system: str
    patient_id: str
    score: float | None
    incoming: People | None
    candidate_member_id: str | None
    candidate: People | None


class MatchDecision(Output):
    """The outcome of a review: `linked` (to member_id) or `rejected`."""

    id: str
    status: str
    member_id: str | None


def _feed_read(view: pull.FeedView) -> FeedRead:
    f = view.feed
    return FeedRead(id=f.id, provider=f.provider, base_url=f.base_url, client_id=f.client_id, token_url=f.token_url,
                    created_at=f.created_at, disabled_at=view.disabled.revoked_at if view.disabled else None,
                    notifications=[ExchangeRead.model_validate(n) for n in view.notifications])


def _match_read(item: service.ReviewItem) -> MatchRead:
    c, i = item.candidate, item.incoming
    return MatchRead(id=item.link.id, source_system=item.link.source_system, patient_id=item.link.patient_id,
                     score=item.link.score, candidate_member_id=item.link.candidate_member_id,
                     incoming=People(given=i.given, family=i.family, birth_date=i.birth_date, sex=i.sex) if i else None,
                     candidate=People(given=c.given_name, family=c.family_name, birth_date=c.birth_date, sex=c.sex)
                     if c else None)


def _only_the_member(principal: Principal) -> None:
    # Consent is the member's own decision; a paper consent is recorded with `openmsk fhir consent` (docs/fhir.md).
    if not principal.is_member:
        raise Forbidden("only the member grants or revokes consent")


@router.get("/members/{member_id}/fhir-consents", response_model=list[ConsentRead])
def list_consents(member_id: str, session: SessionDep, _: ConsentAccess):
    """The member's consents to share their care summary, newest first (the member or their care team)."""
    return exchange.member_consents(session, member_id=member_id)


@router.post("/members/{member_id}/fhir-consents", response_model=ConsentRead, status_code=status.HTTP_201_CREATED)
def grant_consent(member_id: str, body: ConsentCreate, session: SessionDep, principal: ConsentAccess):
    """The member allows their care summary to be sent to one provider's FHIR endpoint."""
    _only_the_member(principal)
    return exchange.grant_consent(session, member_id=member_id, provider=body.provider, endpoint=body.endpoint,
                                  actor=principal)


@router.post("/members/{member_id}/fhir-consents/{consent_id}/revoke", response_model=ConsentRead)
def revoke_consent(member_id: str, consent_id: str, session: SessionDep, principal: ConsentAccess):
    """The member withdraws a consent; nothing more is sent to that provider."""
    _only_the_member(principal)
    return exchange.revoke_consent(session, consent_id=consent_id, member_id=member_id, actor=principal)


@router.post("/members/{member_id}/fhir-consents/{consent_id}/push", response_model=PushQueued,
             status_code=status.HTTP_202_ACCEPTED)
def push_summary(member_id: str, consent_id: str, session: SessionDep, queue: QueueDep, principal: ConsentAccess):
    """The care team sends the member's care summary under this active consent (queued)."""
    if not principal.is_clinician:
        raise Forbidden("the care team sends care summaries")
    consent = exchange.request_push(session, queue, member_id=member_id, consent_id=consent_id, actor=principal)
    return PushQueued(consent_id=consent.id, endpoint=consent.endpoint)


@router.get("/members/{member_id}/fhir-exchanges", response_model=list[ExchangeRead])
def list_exchanges(member_id: str, session: SessionDep, _: ExchangeAccess):
    """The member's latest exchanges with providers (pushes, pulls), newest first."""
    return exchange.member_exchanges(session, member_id=member_id)


@router.get("/admin/fhir-feeds", response_model=list[FeedRead])
def list_feeds(session: SessionDep, _: CurrentAdmin):
    """Provider feeds, newest first, with their last notifications."""
    return [_feed_read(v) for v in pull.list_feeds(session)]


@router.post("/admin/fhir-feeds", response_model=FeedCreated, status_code=status.HTTP_201_CREATED)
def register_feed(body: FeedCreate, session: SessionDep, admin: CurrentAdmin):
    """Register a provider feed; the answer carries its notification secret, shown only once."""
    feed, secret = pull.register_feed(session, provider=body.provider, base_url=body.base_url,
                                      client_id=body.client_id or None, token_url=body.token_url or None, actor=admin)
    return FeedCreated(**_feed_read(pull.FeedView(feed, None, [])).model_dump(), secret=secret)


@router.post("/admin/fhir-feeds/{feed_id}/disable", response_model=FeedRead)
def disable_feed(feed_id: str, session: SessionDep, admin: CurrentAdmin):
    """Refuse the feed's notifications from now on (its secret is destroyed)."""
    pull.disable_feed(session, feed_id=feed_id, actor=admin)
    session.flush()
    return _feed_read(next(v for v in pull.list_feeds(session) if v.feed.id == feed_id))


@router.get("/admin/fhir-clients", response_model=list[ClientRead])
def list_clients(session: SessionDep, _: CurrentAdmin):
    """Registered SMART Backend Services clients, newest first."""
    return [ClientRead(id=c.id, client_id=c.client_id, name=c.name, scopes=c.scopes, created_at=c.created_at,
                       revoked_at=r.revoked_at if r else None) for c, r in smart.list_clients(session)]


@router.post("/admin/fhir-clients", response_model=ClientRead, status_code=status.HTTP_201_CREATED)
def register_client(body: ClientCreate, session: SessionDep, admin: CurrentAdmin):
    """Register a machine client from its public key (PEM or JWKS) and allowed `system/` scopes."""
    client = smart.register_client(session, client_id=body.client_id, name=body.name,
                                   public_key_pem=smart.public_key_pem(body.public_key),
                                   scopes=smart.check_scopes(body.scopes), actor=admin)
    return ClientRead(id=client.id, client_id=client.client_id, name=client.name, scopes=client.scopes,
                      created_at=client.created_at, revoked_at=None)


@router.post("/admin/fhir-clients/{client_pk}/revoke", response_model=ClientRead)
def revoke_client(client_pk: str, session: SessionDep, admin: CurrentAdmin):
    """Revoke a machine client: its tokens stop working at once."""
    smart.revoke_client(session, client_pk=client_pk, actor=admin)
    session.flush()
    c, r = next(item for item in smart.list_clients(session) if item[0].id == client_pk)
    return ClientRead(id=c.id, client_id=c.client_id, name=c.name, scopes=c.scopes, created_at=c.created_at,
                      revoked_at=r.revoked_at if r else None)


@router.get("/admin/fhir-matches", response_model=list[MatchRead])
def list_matches(session: SessionDep, admin: CurrentAdmin):
    """Uncertain patient matches awaiting review, oldest first (reads of the candidates are audited)."""
    return [_match_read(i) for i in service.review_items(session, principal=admin)]


@router.post("/admin/fhir-matches/{link_id}/{decision}", response_model=MatchDecision)
def decide_match(link_id: str, decision: str, session: SessionDep, admin: CurrentAdmin):
    """`accept` links the provider's patient to the candidate member; `reject` keeps them apart."""
    if decision not in ("accept", "reject"):
        raise NotFound("no such decision; use accept or reject")
    link = service.resolve_review(session, link_id=link_id, accept=decision == "accept", actor=admin)
    return MatchDecision(id=link.id, status=link.status, member_id=link.member_id)
