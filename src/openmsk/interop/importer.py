"""Import FHIR R4 files (Bundles, NDJSON) into the clinical record: one transaction per bundle or chunk."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database
from openmsk.interop import normalize, references, store
from openmsk.interop.fhir_files import (
    NDJSON_SUFFIXES, ReadProblem, SourcedResource, expand_paths, iter_file, looks_like_directory,
)
from openmsk.interop.linking import link_patient, resolve_org
from openmsk.interop.models import PatientLink

FILE_SOURCE = "urn:openmsk:source:files"
NDJSON_CHUNK = 2000
# Resources whose identifiers conditional references point at (Synthea directory bundles, US Core).
DIRECTORY_TYPES = frozenset({"Organization", "Practitioner", "PractitionerRole", "Location", "Device"})
RECORDS_IMPORTED = "clinical.records_imported"


@dataclass
class ImportSummary:
    """What an import did; `rejected` names file, resource and error, never content."""

    files: int = 0
    patients: int = 0
    resources: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    rejected: list[dict[str, str]] = field(default_factory=list)
    written: int = 0
    unresolved_references: int = 0
    review: int = 0
    unmatched: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON document the CLI prints."""
        return {"files": self.files, "patients": self.patients, "resources": dict(sorted(self.resources.items())),
                "skipped": dict(sorted(self.skipped.items())), "rejected": self.rejected,
                "written": self.written, "unresolved_references": self.unresolved_references,
                "patients_in_review": self.review, "patients_unmatched": self.unmatched}


def _chunks(path: Path) -> Iterator[list[SourcedResource | ReadProblem]]:
    """A bundle file is one chunk (it commits whole); NDJSON goes in chunks of NDJSON_CHUNK lines."""
    items: list[SourcedResource | ReadProblem] = []
    ndjson = path.name.lower().endswith(NDJSON_SUFFIXES)
    for item in iter_file(path):
        items.append(item)
        if ndjson and len(items) >= NDJSON_CHUNK:
            yield items
            items = []
    if items:
        yield items


class Importer:
    """Imports many files into one database, matching patients and emitting events after each commit."""

    def __init__(self, db: Database | None, *, session: Session | None = None, source_system: str = FILE_SOURCE, create_members: bool = False,
                 org: str | None = None, actor: Principal | None = None,
                 on_commit: Callable[[dict[str, list[str]]], None] | None = None) -> None:
        self.db, self.source, self.create_members, self.org, self.actor = db, source_system, create_members, org, actor
        self.session = session
        self.on_commit = on_commit
        self.summary = ImportSummary()
        self.directory: dict[str, str] = {}
        self.patient_members: dict[str, str | None] = {}
        self.org_id: str | None = None

    def import_paths(self, paths: Iterable[str | Path], *, on_file: Callable[[Path], None] | None = None) -> ImportSummary:
        """Import every file (directory bundles first), one transaction per bundle or NDJSON chunk."""
        # Directory bundles first (conditional references), then Patient NDJSON (member links).
        files = sorted(expand_paths(paths), key=lambda p: (not looks_like_directory(p),
                                                           not p.name.startswith("Patient")))
        with self._transaction() as session:
            self.directory = store.load_directory(session)
            if self.create_members:
                self.org_id = resolve_org(session, self.org)
        for path in files:
            self.import_file(path)
            if on_file:
                on_file(path)
        return self.summary

    def import_file(self, path: Path) -> None:
        """Import one file; a database failure rolls back only the chunk it happened in."""
        self.summary.files += 1
        for chunk in _chunks(path):
            self.import_items(chunk, label=str(path))

    def import_items(self, items: list[SourcedResource | ReadProblem], *, label: str) -> None:
        """Import one atomic group of resources (a bundle, an NDJSON chunk or a page from a server)."""
        summary = self.summary
        resources = sorted((i for i in items if isinstance(i, SourcedResource)),
                           key=lambda i: i.resource["resourceType"] != "Patient")
        for problem in (i for i in items if isinstance(i, ReadProblem)):
            summary.rejected.append({"file": problem.path, "resource": problem.location, "error": problem.error})
        targets: dict[str, str] = {}
        new_directory: dict[str, str] = {}
        for item in resources:
            _, ref = references.local_reference(item.resource, item.full_url)
            if ref and item.full_url:
                targets[item.full_url] = ref
            if ref and item.resource["resourceType"] in DIRECTORY_TYPES:
                for query, target in references.directory_keys(item.resource, ref):
                    if query not in self.directory:
                        new_directory[query] = target
        self.directory.update(new_directory)
        counts: Counter = Counter()
        skipped: Counter = Counter()
        try:
            with self._transaction() as session:
                store.save_directory(session, new_directory)
                resolver = references.Resolver(targets, self.directory)
                rows: dict[str, dict[str, Any]] = {}
                patients = 0
                for item in resources:
                    try:
                        row = self._row(session, item, resolver, skipped, label)
                    except (TypeError, ValueError, AttributeError, KeyError) as exc:
                        # An element of an unexpected shape the checks did not catch: reject the entry only.
                        summary.rejected.append({"file": item.path, "resource": item.location,
                                                 "error": f"unreadable element ({type(exc).__name__})"})
                        continue
                    if row is not None:
                        rows[row["id"]] = row
                        counts[row["resource_type"]] += 1
                        patients += row["resource_type"] == "Patient"
                written = store.upsert_records(session, list(rows.values()))
                by_member: dict[str, list[str]] = defaultdict(list)
                for record_id, member_id in written:
                    if member_id:
                        by_member[member_id].append(record_id)
                for member_id, ids in by_member.items():
                    audit.record(session, self.actor, action="import", resource_type="ClinicalRecord",
                                 member_id=member_id, detail={"records": len(ids), "source": self.source[:100]})
        except SQLAlchemyError as exc:
            self.patient_members.clear()  # links made in the rolled-back transaction are gone
            summary.rejected.append({"file": label, "resource": "(all of this bundle or chunk)",
                                     "error": f"not stored: database error {type(exc).__name__}"})
            return
        summary.resources.update(counts)
        summary.skipped.update(skipped)
        summary.patients += patients
        summary.written += len(written)
        summary.unresolved_references += resolver.unresolved
        if self.on_commit and by_member:
            self.on_commit(dict(by_member))

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """The importer's own transaction, or a savepoint in the caller's session (demo seeding)."""
        if self.session is None:
            with self.db.transaction() as session:
                yield session
        else:
            with self.session.begin_nested():
                yield self.session

    def _member_for(self, session, patient_ref: str | None) -> str | None:
        if not patient_ref or not patient_ref.startswith("Patient/"):
            return None
        if patient_ref not in self.patient_members:
            self.patient_members[patient_ref] = session.scalar(select(PatientLink.member_id).where(
                PatientLink.source_system == self.source, PatientLink.patient_id == patient_ref[8:]))
        return self.patient_members[patient_ref]

    def _row(self, session, item: SourcedResource, resolver: references.Resolver, skipped: Counter,
             label: str) -> dict[str, Any] | None:
        resource = item.resource
        rtype = resource["resourceType"]
        if rtype not in normalize.NORMALIZED_TYPES:
            skipped[rtype] += 1
            return None
        source_id, ref = references.local_reference(resource, item.full_url)
        error = normalize.validate(resource) or (None if ref else f"{rtype}.id: missing (and no fullUrl)")
        if error:
            self.summary.rejected.append({"file": item.path, "resource": f"{item.location} ({rtype})", "error": error})
            return None
        if rtype == "Patient":
            link = link_patient(session, source_system=self.source, patient=resource,
                                create_members=self.create_members, org_id=self.org_id, actor=self.actor)
            self.patient_members[ref] = link.member_id
            if link.member_id:
                store.attach_member(session, source_system=self.source, patient_ref=ref, member_id=link.member_id)
            self.summary.review += link.status == "review"
            self.summary.unmatched += link.status == "unmatched"
        text = resolver.resolve_text(json.dumps(resource, ensure_ascii=False))
        info = normalize.summarize(resource)
        patient_ref = resolver.resolve(info.patient_ref)
        meta = resource.get("meta") if isinstance(resource.get("meta"), dict) else {}
        return {
            "id": store.record_id(self.source, rtype, source_id), "member_id": self._member_for(session, patient_ref),
            "resource_type": rtype, "source_system": self.source[:255], "source_id": source_id[:255],
            "patient_ref": patient_ref[:255] if patient_ref else None,
            "version_id": str(meta["versionId"])[:64] if meta.get("versionId") else None,
            "last_updated": str(meta["lastUpdated"])[:40] if meta.get("lastUpdated") else None,
            "code": info.code, "display": info.display, "status": info.status, "effective": info.effective,
            "content_hash": hashlib.sha1(text.encode()).hexdigest(), "resource_json": text,
            "provenance": json.dumps({"source": self.source, "file": label, "location": item.location,
                                      "fullUrl": item.full_url}),
        }
