"""Demo records from other providers: an ER visit, an opioid prescription and an MRI for a few members."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from openmsk.demo.context import DemoContext
from openmsk.interop import synthetic
from openmsk.interop.fhir_files import SourcedResource
from openmsk.interop.importer import Importer

DEMO_MEMBERS = 4


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
