"""Importing FHIR R4 files: real Synthea bundles, idempotency, versions, references, matching, bad input."""

import gzip
import json
from collections import Counter
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from openmsk.interop import synthetic
from openmsk.jobs import job, subscribe
from openmsk.interop.models import ClinicalRecord, PatientLink
from openmsk.interop.normalize import NORMALIZED_TYPES
from openmsk.interop.service import import_paths, records_by_ids, resolve_review, review_queue
from openmsk.interop.store import counts_by_type
from openmsk.members.models import Member
from tests.integration.clinic import build_clinic



@job("test.interop.capture")
def _capture(ctx, **payload) -> None:
    """A subscriber that does nothing: the tests read what was enqueued for it."""


subscribe("clinical.records_imported", "test.interop.capture")
SOURCE2 = "Alva958_Dickinson688_742fc10a-c565-f636-3c05-5dcd28672194.json.gz"
DIRECTORIES = ("hospitalInformation1633536936158.json.gz", "practitionerInformation1633536936158.json.gz")


def _file_counts(paths) -> Counter:
    counts = Counter()
    for path in paths:
        with gzip.open(path, "rt") as handle:
            counts.update(e["resource"]["resourceType"] for e in json.load(handle)["entry"])
    return counts


def _references(value):
    """Every Reference.reference anywhere in a parsed resource."""
    if isinstance(value, dict):
        if isinstance(value.get("reference"), str):
            yield value["reference"]
        for child in value.values():
            yield from _references(child)
    elif isinstance(value, list):
        for child in value:
            yield from _references(child)


def _write(tmp_path, name, document) -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


@pytest.fixture
def synthea(shared_data_dir):
    folder = shared_data_dir / "fhir" / "synthea"
    smallest = sorted((p for p in folder.glob("*-bundle.json.gz")), key=lambda p: p.stat().st_size)[:2]
    return folder, smallest


def test_synthea_counts_per_type_equal_the_files_and_reimport_writes_nothing(db, synthea):
    folder, patients = synthea
    paths = patients
    first = import_paths(db, paths, create_members=True)
    expected = _file_counts(paths)
    assert first.rejected == []
    assert dict(first.resources) == {t: n for t, n in expected.items() if t in NORMALIZED_TYPES}
    assert dict(first.skipped) == {t: n for t, n in expected.items() if t not in NORMALIZED_TYPES}
    assert first.patients == 2 and first.unresolved_references == 0
    with db.transaction() as session:
        assert counts_by_type(session) == dict(first.resources)
        assert session.scalar(select(func.count()).select_from(Member)) == 2
    again = import_paths(db, paths, create_members=True)
    assert again.written == 0 and dict(again.resources) == dict(first.resources)
    with db.transaction() as session:
        assert counts_by_type(session) == dict(first.resources)
        assert session.scalar(select(func.count()).select_from(Member)) == 2


def test_a_bundle_too_large_for_one_statement_is_stored_the_same_in_several(db, synthea, monkeypatch):
    from openmsk.interop import store

    folder, patients = synthea
    whole = import_paths(db, patients[:1], source_system="urn:test:whole")
    real, chunks = store._pg_chunks, []

    def counted(rows):
        for chunk in real(rows):
            chunks.append(chunk)
            yield chunk

    monkeypatch.setattr(store, "PG_CHUNK_BYTES", 5_000)
    monkeypatch.setattr(store, "_pg_chunks", counted)
    split = import_paths(db, patients[:1], source_system="urn:test:split")
    assert split.rejected == [] and split.written == whole.written > 50
    # PostgreSQL sends the bundle's rows in many statements (SQLite has its own fixed chunks).
    assert len(chunks) > 5 if db.engine.dialect.name == "postgresql" else chunks == []
    assert sum(len(chunk) for chunk in chunks) == (split.written if chunks else 0)
    columns = (ClinicalRecord.resource_type, ClinicalRecord.source_id, ClinicalRecord.patient_ref,
               ClinicalRecord.version_id, ClinicalRecord.last_updated, ClinicalRecord.code, ClinicalRecord.display,
               ClinicalRecord.status, ClinicalRecord.effective, ClinicalRecord.content_hash,
               ClinicalRecord.resource_json)
    with db.transaction() as session:
        stored = {source: sorted(session.execute(select(*columns).where(ClinicalRecord.source_system == source)))
                  for source in ("urn:test:whole", "urn:test:split")}
    assert len(stored["urn:test:split"]) == split.written and stored["urn:test:split"] == stored["urn:test:whole"]


def test_any_text_is_stored_exactly_as_given(db, tmp_path):
    texts = ["emoji \U0001F600 and \U0001D518", "rtl \u202e abc", "control \u0001\u001f tab\t nl\n cr\r",
             'quote " backslash \\ slash /', "line\u2028separator\u2029", "combining e\u0301", "bom \ufeff"]
    entries = [synthetic.patient("t", given="Ann", family="Lee", birth_date=date(1980, 1, 1), sex="female")]
    for index, text in enumerate(texts):
        obs = synthetic.pain_score("t", datetime(2026, 1, 5, 10, tzinfo=UTC), 5)
        obs["id"], obs["status"], obs["meta"] = f"o{index}", text, {"versionId": text}
        obs["code"]["coding"][0]["display"] = text
        entries.append(obs)
    summary = import_paths(db, [_write(tmp_path, "texts.json", synthetic.transaction(entries))])
    assert summary.rejected == [] and summary.written == len(texts) + 1
    with db.transaction() as session:
        stored = session.execute(select(ClinicalRecord.source_id, ClinicalRecord.display, ClinicalRecord.status,
                                        ClinicalRecord.version_id, ClinicalRecord.resource_json)
                                 .where(ClinicalRecord.resource_type == "Observation")).all()
    for source_id, display, status, version, document in stored:
        text = texts[int(source_id[1:])]
        assert display == status == version == text
        assert json.loads(document)["code"]["coding"][0]["display"] == text
        assert document == json.dumps(json.loads(document), ensure_ascii=False, separators=(",", ":"))


def test_conditional_references_resolve_against_directory_bundles_or_stay_external(db, synthea, tmp_path):
    folder, _ = synthea
    alone = import_paths(db, [folder / SOURCE2], source_system="urn:test:alone")
    assert alone.unresolved_references > 0 and alone.rejected == []
    with db.transaction() as session:
        kept = session.scalar(select(ClinicalRecord.resource_json).where(
            ClinicalRecord.source_system == "urn:test:alone", ClinicalRecord.resource_type == "Encounter"))
    assert "Practitioner?identifier=" in kept
    paths = [folder / SOURCE2, *(folder / n for n in DIRECTORIES)]
    resolved = import_paths(db, paths, source_system="urn:test:dir")
    assert resolved.unresolved_references == 0
    assert dict(resolved.resources) == {t: n for t, n in _file_counts([folder / SOURCE2]).items()
                                        if t in NORMALIZED_TYPES}
    with db.transaction() as session:
        texts = session.scalars(select(ClinicalRecord.resource_json).where(
            ClinicalRecord.source_system == "urn:test:dir")).all()
    refs = [ref for t in texts for ref in _references(json.loads(t))]
    assert refs and not any(r.startswith("urn:uuid:") or "?identifier=" in r for r in refs)
    assert any(r.startswith("Practitioner/") for r in refs)


def test_references_to_entries_that_are_only_counted_resolve_like_the_others(db, tmp_path):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"fullUrl": "urn:uuid:pat-1", "resource": {"resourceType": "Patient", "id": "pat-1"}},
        {"fullUrl": "urn:uuid:claim-1", "resource": {"resourceType": "Claim", "id": "claim-1", "status": "active"}},
        {"fullUrl": "urn:uuid:loc-x", "resource": {"resourceType": "Location", "id": "loc-1",
                                                   "identifier": [{"system": "urn:loc", "value": "L1"}]}},
        {"fullUrl": "urn:uuid:enc-1", "resource": {
            "resourceType": "Encounter", "id": "enc-1", "status": "finished", "class": {"code": "AMB"},
            "subject": {"reference": "urn:uuid:pat-1"},
            "location": [{"location": {"reference": "Location?identifier=urn:loc|L1"}}],
            "account": [{"reference": "urn:uuid:claim-1"}]}}]}
    summary = import_paths(db, [_write(tmp_path, "b.json", bundle)], source_system="urn:test:headers")
    assert summary.rejected == [] and summary.unresolved_references == 0
    assert dict(summary.skipped) == {"Claim": 1, "Location": 1}
    assert dict(summary.resources) == {"Patient": 1, "Encounter": 1}
    with db.transaction() as session:
        text = session.scalar(select(ClinicalRecord.resource_json).where(
            ClinicalRecord.source_system == "urn:test:headers", ClinicalRecord.resource_type == "Encounter"))
    assert list(_references(json.loads(text))) == ["Patient/pat-1", "Location/loc-1", "Claim/claim-1"]


def _bundle(key="k1", pain=6, updated="2026-01-01T00:00:00Z"):
    at = datetime(2026, 1, 5, 10, tzinfo=UTC)
    obs = synthetic.pain_score(key, at, pain)
    obs["meta"] = {"versionId": "1", "lastUpdated": updated}
    return synthetic.transaction([synthetic.patient(key, given="Dora", family="Quill", birth_date=date(1980, 2, 3),
                                                    sex="female"), obs])


def test_a_newer_version_replaces_the_older_and_an_older_one_does_not(db, tmp_path):
    import_paths(db, [_write(tmp_path, "v1.json", _bundle(pain=6, updated="2026-01-01T00:00:00Z"))])
    newer = import_paths(db, [_write(tmp_path, "v2.json", _bundle(pain=8, updated="2026-02-01T00:00:00Z"))])
    older = import_paths(db, [_write(tmp_path, "v0.json", _bundle(pain=2, updated="2025-12-01T00:00:00Z"))])
    assert newer.written == 1 and older.written == 0
    with db.transaction() as session:
        rows = session.scalars(select(ClinicalRecord).where(ClinicalRecord.resource_type == "Observation")).all()
    assert len(rows) == 1 and json.loads(rows[0].resource_json)["valueInteger"] == 8


def test_bad_input_is_reported_precisely_and_good_data_is_kept(db, tmp_path):
    bundle = _bundle()
    bundle["entry"].append({"fullUrl": "urn:uuid:x", "resource": {"resourceType": "Observation", "id": "bad-1",
                                                                  "status": "final"}})
    bundle["entry"].append({"resource": "not an object"})
    bundle["entry"].append({"resource": {"resourceType": "Claim", "id": "c1"}})
    paths = [_write(tmp_path, "mixed.json", bundle), _write(tmp_path, "cut.json", '{"resourceType": "Bundle", "entr'),
             _write(tmp_path, "obs.ndjson", json.dumps(synthetic.pain_score("k1", datetime(2026, 3, 1, tzinfo=UTC), 4))
                    + "\n{not json\n" + json.dumps({"hello": 1}) + "\n")]
    summary = import_paths(db, paths)
    rejected = {(r["file"].rsplit("/", 1)[-1], r["resource"], r["error"]) for r in summary.rejected}
    assert ("mixed.json", "entry 2 (Observation)", "Observation.code: required element missing") in rejected
    assert ("mixed.json", "entry 3", "resource is not a JSON object") in rejected
    assert any(f == "cut.json" and "invalid JSON" in e for f, _, e in rejected)
    assert ("obs.ndjson", "line 2", "invalid JSON at column 2") in rejected
    assert ("obs.ndjson", "line 3", "resourceType missing") in rejected
    assert summary.skipped == {"Claim": 1} and summary.resources == {"Patient": 1, "Observation": 2}
    assert import_paths(db, paths).written == 0


def test_identifier_match_links_and_uncertain_demographics_wait_for_review(db, tmp_path):
    clinic = build_clinic(db)
    # Same name and birth date as clinic member "ann" but another sex: 0.9 < auto-link, so review.
    near = synthetic.transaction([synthetic.patient("near", given="Annabel", family="Quixotic",
                                                    birth_date=date(1971, 3, 14), sex="male")])
    exact = synthetic.transaction([synthetic.patient("exact", given="Bartholomew", family="Zanzibar",
                                                     birth_date=date(1971, 3, 14), sex="female")])
    summary = import_paths(db, [_write(tmp_path, "near.json", near), _write(tmp_path, "exact.json", exact)],
                           create_members=True)
    assert summary.review == 1
    with db.transaction() as session:
        queue = review_queue(session)
        assert [(q.candidate_member_id, q.member_id, q.score) for q in queue] == [(clinic.member_ids["ann"], None, 0.9)]
        linked = session.scalar(select(PatientLink).where(PatientLink.status == "linked"))
        assert linked.member_id == clinic.member_ids["bob"] and linked.method == "demographics"
        assert session.scalar(select(func.count()).select_from(Member)) == 3  # no member created for "near"
    # The identifier learned at the link now matches bob under another provider with other demographics.
    renamed = synthetic.transaction([synthetic.patient("other", given="Bart", family="Z", birth_date=date(1999, 1, 1),
                                                       sex="male", identifier="exact")])
    import_paths(db, [_write(tmp_path, "renamed.json", renamed)], source_system="urn:test:other")
    with db.transaction() as session:
        link = session.scalar(select(PatientLink).where(PatientLink.source_system == "urn:test:other"))
        assert (link.member_id, link.method) == (clinic.member_ids["bob"], "identifier")
        resolve_review(session, link_id=queue[0].id, accept=True, actor=None)
    with db.transaction() as session:
        record = session.scalar(select(ClinicalRecord).where(ClinicalRecord.source_id == near["entry"][0]["resource"]["id"]))
        assert record.member_id == clinic.member_ids["ann"]
        assert records_by_ids(session, record_ids=[record.id])[0][2]["name"][0]["given"] == ["Annabel"]


def test_cli_import_prints_one_json_summary_and_exits_1_when_something_was_rejected(settings, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from openmsk.cli import app
    from openmsk.config import get_settings

    monkeypatch.setenv("OPENMSK_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("OPENMSK_SECRET_KEY", settings.secret_key)
    get_settings.cache_clear()
    good = _write(tmp_path, "good.json", _bundle())
    try:
        ok = CliRunner().invoke(app, ["fhir", "import", good, "--create-members", "--json"])
        bad = CliRunner().invoke(app, ["fhir", "import", good, _write(tmp_path, "bad.ndjson", "[1]\n"), "--json"])
    finally:
        get_settings.cache_clear()
    assert ok.exit_code == 0, ok.output
    document = json.loads(ok.stdout)
    assert document["files"] == 1 and document["patients"] == 1 and document["resources"] == {"Observation": 1, "Patient": 1}
    assert document["skipped"] == {} and document["rejected"] == [] and document["written"] == 2
    second = json.loads(bad.stdout)
    assert bad.exit_code == 1 and second["written"] == 0
    assert second["rejected"] == [{"file": str(tmp_path / "bad.ndjson"), "resource": "line 1",
                                   "error": "resource is not a JSON object"}]


def test_records_imported_event_names_each_members_new_records_once(db, tmp_path):
    class FakeQueue:
        def __init__(self):
            self.jobs = []

        def enqueue(self, name, payload):
            self.jobs.append((name, payload))

    clinic = build_clinic(db)
    bundle = synthetic.transaction([
        synthetic.patient("bob", given="Bartholomew", family="Zanzibar", birth_date=date(1971, 3, 14), sex="female"),
        synthetic.opioid_prescription("bob", datetime(2026, 11, 3, tzinfo=UTC))])
    path = _write(tmp_path, "bob.json", bundle)
    queue = FakeQueue()
    import_paths(db, [path], queue=queue)
    import_paths(db, [path], queue=queue)  # unchanged: no second event
    events = [p for name, p in queue.jobs if name == "test.interop.capture"]
    assert len(events) == 1 and events[0]["member_id"] == clinic.member_ids["bob"]
    with db.transaction() as session:
        fetched = records_by_ids(session, record_ids=events[0]["record_ids"])
    assert sorted(r["resourceType"] for _, _, r in fetched) == ["MedicationRequest", "Patient"]
    assert fetched[0][1] == clinic.member_ids["bob"]


def test_a_database_failure_drops_only_its_own_bundle_of_those_committed_together(db, tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from openmsk.interop import importer, store
    from openmsk.interop.importer import Importer

    clinic = build_clinic(db)
    at = datetime(2026, 11, 3, tzinfo=UTC)
    paths = [_write(tmp_path, f"{key}.json", synthetic.transaction([
        synthetic.patient(key, given=given, family=family, birth_date=date(1971, 3, 14), sex="female"),
        synthetic.opioid_prescription(key, at)]))
        for key, given, family in [("a", "Bartholomew", "Zanzibar"), ("b", "Solo", "Nobody"),
                                   ("c", "Annabel", "Quixotic")]]
    real = store.upsert_records

    def failing(session, rows):
        written = real(session, rows)  # the rows are written, then the bundle fails: all of it must go
        if any(b"b.json" in row.provenance for row in rows):
            raise OperationalError("upsert", None, RuntimeError("connection lost"))
        return written

    monkeypatch.setattr(store, "upsert_records", failing)
    commits = []
    run = Importer(db, on_commit=commits.append)
    summary = run.import_paths(paths)
    assert [(r["file"].rsplit("/", 1)[-1], r["error"]) for r in summary.rejected] == [
        ("b.json", "not stored: database error OperationalError")]
    assert summary.resources == {"Patient": 2, "MedicationRequest": 2} and summary.written == 4
    # PostgreSQL commits the three files together; SQLite commits each bundle on its own.
    assert len(commits) == (1 if db.engine.dialect.name == "postgresql" else 2)
    assert {m for c in commits for m in c} == {clinic.member_ids["bob"], clinic.member_ids["ann"]}
    with db.transaction() as session:
        stored = session.scalars(select(ClinicalRecord.provenance)).all()
        assert len(stored) == 4 and not any("b.json" in p for p in stored)
        assert session.scalar(select(func.count()).select_from(PatientLink)) == 2
    monkeypatch.setattr(store, "upsert_records", real)
    monkeypatch.setattr(importer, "BATCH_RESOURCES", 1)  # a commit after every bundle
    commits.clear()
    again = Importer(db, on_commit=commits.append).import_paths(paths)
    assert again.written == 2 and again.rejected == [] and commits == []  # b's patient links to no member
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ClinicalRecord)) == 6


def test_an_error_that_stops_the_import_leaves_no_part_of_its_bundle_and_keeps_those_before(db, tmp_path,
                                                                                              monkeypatch):
    from openmsk.interop import store
    from openmsk.interop.importer import Importer

    paths = [_write(tmp_path, f"{key}.json", _bundle(key)) for key in ("a", "b")]
    real = store.upsert_records

    def interrupted(session, rows):
        written = real(session, rows)  # b's rows and its patient link are written, then the import stops
        if any(b"b.json" in row.provenance for row in rows):
            raise KeyboardInterrupt
        return written

    monkeypatch.setattr(store, "upsert_records", interrupted)
    with pytest.raises(KeyboardInterrupt):
        Importer(db).import_paths(paths)
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ClinicalRecord)) == 2  # a's Patient and Observation
        assert not any("b.json" in p for p in session.scalars(select(ClinicalRecord.provenance)))
        assert session.scalar(select(func.count()).select_from(PatientLink)) == 1  # a's
    monkeypatch.setattr(store, "upsert_records", real)
    again = Importer(db).import_paths(paths)  # re-running completes it
    assert again.written == 2 and again.rejected == []


@pytest.mark.parametrize("failing", ["a", "b", "d"])  # first, in between, last
def test_a_failed_bundle_first_in_between_or_last_of_a_batch_leaves_the_others_whole(db, tmp_path, monkeypatch,
                                                                                    failing):
    from sqlalchemy.exc import OperationalError

    from openmsk.interop import store
    from openmsk.interop.importer import Importer

    paths = [_write(tmp_path, f"{key}.json", _bundle(key)) for key in ("a", "b", "c", "d")]
    real = store.upsert_records

    def failing_one(session, rows):
        written = real(session, rows)  # written, then the bundle fails: its savepoint takes all of it back
        if any(f"{failing}.json".encode() in row.provenance for row in rows):
            raise OperationalError("upsert", None, RuntimeError("connection lost"))
        return written

    monkeypatch.setattr(store, "upsert_records", failing_one)
    summary = Importer(db).import_paths(paths)
    assert [r["file"].rsplit("/", 1)[-1] for r in summary.rejected] == [f"{failing}.json"]
    with db.transaction() as session:
        stored = sorted(json.loads(p)["file"].rsplit("/", 1)[-1] for p in session.scalars(
            select(ClinicalRecord.provenance)))
        links = session.scalar(select(func.count()).select_from(PatientLink))
    kept = [f"{key}.json" for key in "abcd" if key != failing]
    assert stored == sorted(kept * 2) and links == 3 and summary.written == 6


def test_a_resource_holding_a_nul_character_is_rejected_alone_and_the_same_on_both_stores(db, tmp_path):
    bundle = _bundle("n")
    obs = bundle["entry"][1]["resource"]
    second = json.loads(json.dumps(obs))
    second["id"] = "nul-obs"
    second["code"]["coding"][0]["display"] = "pain\u0000score"
    bundle["entry"].append({"fullUrl": "urn:uuid:nul-obs", "resource": second,
                            "request": {"method": "PUT", "url": "Observation/nul-obs"}})
    path = _write(tmp_path, "nul.json", bundle)

    summary = import_paths(db, [path])
    assert summary.rejected == [{"file": path, "resource": "entry 2 (Observation)",
                                 "error": "Observation.code.coding[0].display: contains a NUL character, "
                                          "which cannot be stored"}]
    assert summary.resources == {"Patient": 1, "Observation": 1} and summary.written == 2
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ClinicalRecord)) == 2
        assert session.scalar(select(func.count()).select_from(PatientLink)) == 1


def test_a_directory_identifier_holding_a_nul_character_is_not_indexed_and_its_bundle_is_kept(db, tmp_path):
    from openmsk.interop.models import DirectoryEntry

    bundle = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"fullUrl": f"urn:uuid:org-{i}", "resource": {"resourceType": "Organization", "id": f"org-{i}",
                                                      "identifier": [{"system": "urn:s", "value": value}]},
         "request": {"method": "POST", "url": "Organization"}} for i, value in enumerate(["ok", "bad\u0000"])]}
    summary = import_paths(db, [_write(tmp_path, "directory.json", bundle)])
    assert summary.rejected == [] and summary.skipped == {"Organization": 2}
    with db.transaction() as session:
        assert session.scalars(select(DirectoryEntry.query)).all() == ["Organization?identifier=urn:s|ok"]


def test_awkward_text_survives_the_bulk_write_unchanged(db, tmp_path):
    awkward = 'Knee\tpain\nafter "fall" \\ stairs \u00e9\u4e2d \\N'
    bundle = _bundle()
    obs = bundle["entry"][1]["resource"]
    obs["code"]["coding"][0]["display"] = awkward
    obs["note"] = [{"text": awkward}]
    summary = import_paths(db, [_write(tmp_path, "awkward\tname.json", bundle)])
    assert summary.rejected == [] and summary.written == 2
    with db.transaction() as session:
        row = session.scalar(select(ClinicalRecord).where(ClinicalRecord.resource_type == "Observation"))
    stored = json.loads(row.resource_json)
    assert row.display == awkward and stored["note"] == [{"text": awkward}]
    assert stored["subject"]["reference"].startswith("Patient/")
    assert json.loads(row.provenance)["file"].endswith("awkward\tname.json")
    assert import_paths(db, [tmp_path / "awkward\tname.json"]).written == 0


def test_an_unmatched_patient_enrolled_by_a_later_import_gets_the_records_already_stored(db, tmp_path):
    build_clinic(db)  # clinicians for the new member's care team
    bundle = synthetic.transaction([synthetic.patient("late", given="Lorna", family="Latecomer",
                                                      birth_date=date(1966, 6, 6), sex="female"),
                                    synthetic.pain_score("late", datetime(2026, 11, 1, 9, 0, tzinfo=UTC), 6)])
    path = _write(tmp_path, "late.json", bundle)
    first = import_paths(db, [path])
    assert first.unmatched == 1 and first.written == 2
    with db.transaction() as session:
        assert session.scalar(select(PatientLink.status)) == "unmatched"
        assert session.scalars(select(ClinicalRecord.member_id)).all() == [None, None]
    later = import_paths(db, [path], create_members=True)
    assert later.unmatched == 0 and later.patients == 1
    with db.transaction() as session:
        link = session.scalar(select(PatientLink))
        member = session.get(Member, link.member_id)
        assert (link.status, link.method, member.family_name) == ("linked", "created", "Latecomer")
        assert set(session.scalars(select(ClinicalRecord.member_id)).all()) == {member.id}
        assert session.scalar(select(func.count()).select_from(PatientLink)) == 1


def test_a_reference_to_an_id_no_utf8_text_can_hold_stays_as_written(db, tmp_path):
    # The Claim's id is a lone surrogate escape: JSON allows it, UTF-8 cannot carry it (the file takes
    # the general reader, the Claim is only counted); the Observation pointing at it is still stored.
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:p1", "resource": {"resourceType": "Patient", "id": "p1"}},
        {"fullUrl": "urn:uuid:c1", "resource": {"resourceType": "Claim", "id": "LONE"}},
        {"fullUrl": "urn:uuid:o1", "resource": {
            "resourceType": "Observation", "id": "o1", "status": "final", "code": {"text": "knee pain"},
            "subject": {"reference": "urn:uuid:p1"}, "focus": [{"reference": "urn:uuid:c1"}]}}]}
    path = _write(tmp_path, "surrogate.json", json.dumps(bundle).replace("LONE", "\\ud800"))
    summary = import_paths(db, [path])
    assert summary.rejected == [] and summary.skipped == {"Claim": 1} and summary.unresolved_references == 1
    with db.transaction() as session:
        row = session.scalar(select(ClinicalRecord).where(ClinicalRecord.resource_type == "Observation"))
    stored = json.loads(row.resource_json)
    assert stored["focus"] == [{"reference": "urn:uuid:c1"}] and stored["subject"] == {"reference": "Patient/p1"}
