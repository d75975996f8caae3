"""Imported FHIR records, patient links and the match review queue, consents, exchange log, FHIR clients, revocations."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from openmsk.db import Base, UTCDateTime, utcnow
from openmsk.ids import new_id


class ClinicalRecord(Base):
    """One FHIR resource from a provider, as received (references resolved), with its provenance."""

    __tablename__ = "clinical_records"
    __table_args__ = (
        UniqueConstraint("source_system", "resource_type", "source_id", name="uq_clinical_records_source"),
        Index("ix_clinical_records_member_type", "member_id", "resource_type", "effective"),
        Index("ix_clinical_records_patient", "source_system", "patient_ref"),
    )

    # Deterministic (uuid5 of source, type, id) so that a restarted import computes the same ids.
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    resource_type: Mapped[str] = mapped_column(String(64))
    source_system: Mapped[str] = mapped_column(String(255))
    source_id: Mapped[str] = mapped_column(String(255))
    patient_ref: Mapped[str | None] = mapped_column(String(255))
    version_id: Mapped[str | None] = mapped_column(String(64))
    last_updated: Mapped[str | None] = mapped_column(String(40))
    code: Mapped[str | None] = mapped_column(String(255))
    display: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str | None] = mapped_column(String(64))
    effective: Mapped[str | None] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(40))
    resource_json: Mapped[str] = mapped_column(Text)
    provenance: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PatientLink(Base):
    """A provider's Patient and the member it was matched to (or the candidate awaiting review)."""

    __tablename__ = "fhir_patient_links"
    __table_args__ = (UniqueConstraint("source_system", "patient_id", name="uq_fhir_patient_links_source"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    source_system: Mapped[str] = mapped_column(String(255))
    patient_id: Mapped[str] = mapped_column(String(255))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    candidate_member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))  # linked | review | unmatched | rejected
    method: Mapped[str] = mapped_column(String(16))  # identifier | demographics | created | manual | none
    score: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MemberIdentifier(Base):
    """An identifier (system|value) that providers use for a member: the first matching key."""

    __tablename__ = "fhir_member_identifiers"
    __table_args__ = (UniqueConstraint("system", "value", name="uq_fhir_member_identifiers_system"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    system: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(String(255))


class DirectoryEntry(Base):
    """A provider-directory resource's identifier, so conditional references resolve in later imports."""

    __tablename__ = "fhir_directory_entries"
    __table_args__ = (UniqueConstraint("query", name="uq_fhir_directory_entries_query"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    query: Mapped[str] = mapped_column(String(512))  # e.g. Practitioner?identifier=system|value
    reference: Mapped[str] = mapped_column(String(255))  # e.g. Practitioner/123


class ProviderConsent(Base):
    """The member's permission to send their care summary to one provider's endpoint; revocable."""

    __tablename__ = "fhir_consents"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(36))


class ExchangeLog(Base):
    """One exchange with a provider (push, pull, notification): outcome and counts, never content."""

    __tablename__ = "fhir_exchange_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))  # push | pull | notification
    endpoint: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(16))  # success | failed | refused
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FhirClient(Base):
    """A registered machine client (SMART Backend Services): its public key and allowed scopes."""

    __tablename__ = "fhir_clients"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key_pem: Mapped[str] = mapped_column(Text)
    scopes: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FhirClientToken(Base):
    """An access token issued to a machine client (stored as a digest) with its granted scopes."""

    __tablename__ = "fhir_client_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    client_pk: Mapped[str] = mapped_column(ForeignKey("fhir_clients.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(500))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedSubscription(Base):
    """A provider feed we listen to: notifications carry its secret; we pull from its server."""

    __tablename__ = "fhir_feed_subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(200))
    base_url: Mapped[str] = mapped_column(String(500))
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str | None] = mapped_column(String(200))
    token_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FhirRevocation(Base):
    """A revoked machine client (`client`) or disabled provider feed (`feed`); one row per target."""

    __tablename__ = "fhir_revocations"
    __table_args__ = (UniqueConstraint("kind", "target_id", name="uq_fhir_revocations_target"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16))  # client | feed
    target_id: Mapped[str] = mapped_column(String(36))
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_by: Mapped[str | None] = mapped_column(String(36))
