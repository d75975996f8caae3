"""Demo data from other providers: records, consents, a feed, a FHIR client and matches awaiting review."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from openmsk.db import utcnow
from openmsk.demo.context import DemoContext
from openmsk.interop import smart, synthetic
from openmsk.interop.exchange import grant_consent
from openmsk.interop.fhir_files import SourcedResource
from openmsk.interop.importer import Importer
from openmsk.interop.models import ExchangeLog
from openmsk.interop.pull import register_feed

DEMO_MEMBERS = 4
CONSENTING_MEMBERS = 3
REVIEW_MEMBERS = 2
# Reserved example domain (RFC 2606): the demo never reaches a real provider.
PROVIDER = ("Riverside Orthopedics", "https://fhir.riverside-ortho.example/r4")


def _bundle(key: str, member, start: datetime, scenario: int) -> dict:
    resources = [synthetic.patient(key, given=member.given_name, family=member.family_name,
                                   birth_date=member.birth_date, sex=member.sex)]
    if scenario in (0, 2):
        resources += synthetic.er_visit(key, start + timedelta(days=9, hours=22))
        resources.append(synthetic.opioid_prescription(key, start + timedelta(days=9, hours=23)))
        resources.append(synthetic.pain_score(key, start + timedelta(days=9, hours=22), 8))
    if scenario in (1, 2):
        resources.append(synthetic.mri_study(key, start + timedelta(days=16, hours=14)))
    if scenario == 3:
        resources += synthetic.er_visit(key, start - timedelta(days=40), reason=("44465007", "Sprain of ankle"))
    return synthetic.transaction(resources)


def seed_demo(ctx: DemoContext) -> None:
    """Import synthetic provider bundles (made here, not copied) for the first few active demo members."""
    importer = Importer(None, session=ctx.session, source_system=synthetic.DEMO_SYSTEM)
    chosen = [member for member, _demo in ctx.members if member.status == "active"][:DEMO_MEMBERS]
    for scenario, member in enumerate(chosen):
        # Anchored on today so that every record lies in the past, inside the program.
        start = datetime.combine(ctx.today, time(9), tzinfo=UTC) - timedelta(days=21)
        bundle = _bundle(f"demo-{member.id}", member, start, scenario)
        items = [SourcedResource(e["resource"], "demo", f"entry {i}", e["fullUrl"])
                 for i, e in enumerate(bundle["entry"])]
        importer.import_items(items, label="demo")
    ctx.notes.append(f"interop: imported synthetic provider records for {len(chosen)} members "
                     "(see Records in their chart)")
    active = [member for member, _demo in ctx.members if member.status == "active"]
    _seed_sharing(ctx, active[:CONSENTING_MEMBERS])
    _seed_reviews(ctx, active[DEMO_MEMBERS:DEMO_MEMBERS + REVIEW_MEMBERS])


def _seed_sharing(ctx: DemoContext, members: list) -> None:
    """Consents with one sent summary, the provider's feed with a notification, and one FHIR API client."""
    name, base = PROVIDER
    now = utcnow()
    for index, member in enumerate(members):
        grant_consent(ctx.session, member_id=member.id, provider=name, endpoint=base, actor=None)
        if index == 0:
            ctx.session.add(ExchangeLog(member_id=member.id, direction="push", endpoint=base, outcome="success",
                                        attempts=1, detail="HTTP 200", created_at=now - timedelta(days=2)))
    feed, _secret = register_feed(ctx.session, provider=name, base_url=base)  # the secret is never shown here
    ctx.session.add(ExchangeLog(direction="notification", endpoint=feed.base_url, outcome="success",
                                detail="1 patients, 0 focus references queued", created_at=now - timedelta(hours=5)))
    # A throwaway key: the demo client exists to be listed and revoked, not to sign assertions.
    public = ec.generate_private_key(ec.SECP384R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    smart.register_client(ctx.session, client_id="riverside-ehr", name=f"{name} EHR", public_key_pem=public,
                          scopes="system/Patient.read system/Observation.read system/Condition.read")
    ctx.notes.append(f"interop: {len(members)} members consented to sharing with {name}; one provider feed and "
                     "one FHIR API client registered (Admin: Provider feeds, FHIR clients)")


def _seed_reviews(ctx: DemoContext, members: list) -> None:
    """Provider patients known only by an initial: their match scores 0.65-0.75, so they wait for review."""
    importer = Importer(None, session=ctx.session, source_system=PROVIDER[1])
    for member in members:
        key = f"review-{member.id}"
        patient = synthetic.patient(key, given=f"{member.given_name[:1]}.", family=member.family_name,
                                    birth_date=member.birth_date, sex=member.sex)
        importer.import_items([SourcedResource(patient, "demo", "review", None)], label="demo")
    ctx.notes.append(f"interop: {importer.summary.review} patient matches await review (Admin: Patient matches)")
