"""Import FHIR R4 files (Bundles, NDJSON) into the clinical record: whole bundles or chunks per commit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from openmsk.auth import audit
from openmsk.auth.principal import Principal
from openmsk.db import Database
from openmsk.interop import references, store
from openmsk.interop.fhir_files import (
    NDJSON_SUFFIXES, ReadProblem, ResourceHeader, SourcedResource, expand_paths, iter_file, looks_like_directory,
)
from openmsk.interop.import_rows import RowMaker, gc_paused, serialize
from openmsk.interop.linking import link_patient, linked_member, resolve_org
from openmsk.interop.normalize import NORMALIZED_TYPES, SummaryFields, examine, find_nul_escape, nul_problem

FILE_SOURCE = "urn:openmsk:source:files"
NDJSON_CHUNK = 2000
# PostgreSQL: files are committed together until a commit holds this many resources (whole bundles or
# chunks only); SQLite commits each bundle or chunk on its own.
BATCH_RESOURCES = 5000
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


Item = SourcedResource | ResourceHeader | ReadProblem


def _chunks(path: Path) -> Iterator[list[Item]]:
    """A bundle file is one chunk (it is stored whole or not at all); NDJSON goes in chunks of NDJSON_CHUNK lines."""
    items: list[Item] = []
    ndjson = path.name.lower().endswith(NDJSON_SUFFIXES)
    # Only the normalized types' content is read; directory resources give their identifiers, the rest are counted.
    for item in iter_file(path, read_types=NORMALIZED_TYPES, identifier_types=DIRECTORY_TYPES):
        items.append(item)
        if ndjson and len(items) >= NDJSON_CHUNK:
            yield items
            items = []
    if items:
        yield items


_UNKNOWN = object()  # a patient reference not looked up yet
# An element of an unexpected shape that the checks did not catch: only its entry is rejected.
_SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError)


def _unreadable(item: SourcedResource, exc: Exception) -> dict[str, str]:
    return {"file": item.path, "resource": item.location, "error": f"unreadable element ({type(exc).__name__})"}


@dataclass
class _Group:
    """What one bundle or chunk did; added to the summary once its transaction commits."""

    label: str
    resources: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    patients: int = 0
    written: int = 0
    unresolved: int = 0
    review: int = 0
    unmatched: int = 0
    by_member: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class _Batch:
    """An open transaction holding whole groups, each in its own savepoint."""

    session: Session | None = None
    groups: list[_Group] = field(default_factory=list)
    size: int = 0
    savepoints: store.DriverSavepoints | None = None


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
        """Import every file (directory bundles first), committing whole bundles or chunks together."""
        # Directory bundles first (conditional references), then Patient NDJSON (member links).
        files = sorted(expand_paths(paths), key=lambda p: (not looks_like_directory(p),
                                                           not p.name.startswith("Patient")))
        with self._transaction() as session:
            self.directory = store.load_directory(session)
            if self.create_members:
                self.org_id = resolve_org(session, self.org)
        batch = _Batch()
        try:
            for path in files:
                self._import_file(batch, path)
                if on_file:
                    on_file(path)
        finally:
            self._commit(batch)
        return self.summary

    def import_file(self, path: Path) -> None:
        """Import one file and commit it; a database failure rolls back only the chunk it happened in."""
        batch = _Batch()
        try:
            self._import_file(batch, path)
        finally:
            self._commit(batch)

    def _import_file(self, batch: _Batch, path: Path) -> None:
        self.summary.files += 1
        chunks = _chunks(path)
        while True:
            with gc_paused():
                chunk = next(chunks, None)
                if chunk is None:
                    return
                self._add(batch, chunk, label=str(path))
                chunk.clear()  # its parsed tree goes now (the generator still holds the list), before collection resumes
                if batch.size >= BATCH_RESOURCES:
                    self._commit(batch)

    def import_items(self, items: list[Item], *, label: str) -> None:
        """Import and commit one atomic group of resources (a bundle, an NDJSON chunk or a page from a server)."""
        batch = _Batch()
        try:
            self._add(batch, items, label=label)
        finally:
            self._commit(batch)

    def _add(self, batch: _Batch, items: list[Item], *, label: str) -> None:
        """Write one group in a savepoint of the batch (or as its own transaction): an error drops only it."""
        summary = self.summary
        patients: list[SourcedResource] = []
        others: list[SourcedResource | ResourceHeader] = []
        for item in items:
            kind = type(item)
            if kind is SourcedResource:
                (patients if item.resource["resourceType"] == "Patient" else others).append(item)
            elif kind is ResourceHeader:
                others.append(item)
            else:
                summary.rejected.append({"file": item.path, "resource": item.location, "error": item.error})
        resources = patients + others  # Patients first (member links), otherwise in file order
        targets: dict[str, str] = {}
        new_directory: dict[str, str] = {}
        local = [references.local_reference(item.resource, item.full_url) if type(item) is SourcedResource
                 else references.local_reference_of(item.resource_type, item.id, item.full_url)
                 for item in resources]
        for item, (_, ref) in zip(resources, local):
            if ref and item.full_url:
                targets[item.full_url] = ref
            if not ref:
                continue
            if type(item) is SourcedResource:
                keys = (references.directory_keys(item.resource, ref)
                        if item.resource["resourceType"] in DIRECTORY_TYPES else ())
            elif item.identifiers and item.resource_type in DIRECTORY_TYPES:
                keys = references.identifier_keys(item.resource_type, item.identifiers, ref)
            else:
                continue
            for query, target in keys:
                if query not in self.directory:
                    new_directory[query] = target
        self.directory.update(new_directory)
        group = _Group(label)
        session = self._open(batch)
        # Batched groups get a savepoint each; an unbatched one is its transaction (SQLite: a savepoint
        # would open the transaction with a read and risk a lock upgrade failing with "database is locked").
        nested = self.session is not None or self._batched
        try:
            with self._savepoint(batch, session) if nested else nullcontext():
                store.save_directory(session, new_directory)
                resolver = references.Resolver(targets, self.directory)
                rows = self._rows(session, resources, local, group, resolver)
                written = store.upsert_records(session, list(rows.values()))
                for record_id, member_id in written:
                    if member_id:
                        group.by_member[member_id].append(record_id)
                audit.record_many(session, [
                    {"action": "import", "resource_type": "ClinicalRecord", "member_id": member_id,
                     "detail": {"records": len(ids), "source": self.source[:100]}}
                    for member_id, ids in group.by_member.items()], principal=self.actor)
        except SQLAlchemyError as exc:
            self.patient_members.clear()  # links made in the rolled-back savepoint are gone
            if not nested:
                self._discard(batch)
            summary.rejected.append({"file": label, "resource": "(all of this bundle or chunk)",
                                     "error": f"not stored: database error {type(exc).__name__}"})
            return
        except BaseException:
            if not nested:
                self._discard(batch)  # never commit part of a group
            raise
        group.written, group.unresolved = len(written), resolver.unresolved
        batch.groups.append(group)
        batch.size += len(resources)
        if not nested or self.session is not None:
            self._commit(batch)  # its own transaction, or the caller's session (which commits later)

    def _savepoint(self, batch: _Batch, session: Session) -> AbstractContextManager[Any]:
        """A group's savepoint: the driver's own where no ORM objects are made (no enrolment, own session)."""
        if self.session is None and not self.create_members:
            if batch.savepoints is None:
                batch.savepoints = store.DriverSavepoints(session)
            return batch.savepoints.group()
        return session.begin_nested()

    @property
    def _batched(self) -> bool:
        """Whether whole groups share a commit: PostgreSQL (savepoints are cheap and safe there)."""
        return self.db is not None and self.db.engine.dialect.name == "postgresql"

    def _discard(self, batch: _Batch) -> None:
        if batch.session is not None:
            batch.session.rollback()
            batch.session.close()
        batch.session, batch.groups, batch.size, batch.savepoints = None, [], 0, None

    def _open(self, batch: _Batch) -> Session:
        if self.session is not None:
            return self.session
        if batch.session is None:
            batch.session = self.db.sessionmaker()
            batch.session.begin()
        return batch.session

    def _commit(self, batch: _Batch) -> None:
        """Commit the batch's groups, then count them and tell subscribers; a failed commit drops them all."""
        session, groups = batch.session, batch.groups
        batch.session, batch.groups, batch.size, batch.savepoints = None, [], 0, None
        if session is not None:
            try:
                session.commit()
            except SQLAlchemyError as exc:
                session.rollback()
                self.patient_members.clear()
                for group in groups:
                    self.summary.rejected.append({"file": group.label, "resource": "(all of this bundle or chunk)",
                                                  "error": f"not stored: database error {type(exc).__name__}"})
                return
            finally:
                session.close()
        by_member: dict[str, list[str]] = defaultdict(list)
        summary = self.summary
        for group in groups:
            summary.resources.update(group.resources)
            summary.skipped.update(group.skipped)
            summary.patients += group.patients
            summary.written += group.written
            summary.unresolved_references += group.unresolved
            summary.review += group.review
            summary.unmatched += group.unmatched
            for member_id, ids in group.by_member.items():
                by_member[member_id].extend(ids)
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
        member_id = self.patient_members.get(patient_ref, _UNKNOWN)
        if member_id is not _UNKNOWN:
            return member_id
        if not patient_ref or not patient_ref.startswith("Patient/"):
            return None
        member_id = self.patient_members[patient_ref] = linked_member(session, source_system=self.source,
                                                                      patient_id=patient_ref[8:])
        return member_id

    def _rows(self, session: Session, resources: list[SourcedResource | ResourceHeader],
              local: list[tuple[str, str | None]], group: _Group,
              resolver: references.Resolver) -> dict[str, store.RecordRow]:
        """The rows of a group's acceptable resources (Patients linked first); the rest counted or rejected."""
        rejected, skipped = self.summary.rejected, group.skipped
        checked: list[tuple[SourcedResource, str, str, SummaryFields]] = []
        texts: list[bytes] = []
        # A NUL is rare: one search over the group's texts decides whether each is searched.
        compacts = [item.compact for item in resources if type(item) is SourcedResource]
        may_hold_nul = None in compacts or find_nul_escape(b"".join(compacts)) is not None
        for item, (source_id, ref) in zip(resources, local):
            if type(item) is ResourceHeader:
                skipped[item.resource_type] += 1
                continue
            rtype = item.resource["resourceType"]
            if rtype not in NORMALIZED_TYPES:
                skipped[rtype] += 1
                continue
            try:
                error, fields = examine(item.resource)
                if error is None and not ref:
                    error = f"{rtype}.id: missing (and no fullUrl)"
                if error is None:
                    text = item.compact or serialize(item.resource)
                    if may_hold_nul and find_nul_escape(text):  # the dict decides (it may follow an escaped backslash)
                        error = nul_problem(item.resource)
                if error:
                    rejected.append({"file": item.path, "resource": f"{item.location} ({rtype})", "error": error})
                    continue
                if rtype == "Patient":
                    self._link(session, item.resource, ref, group)
            except _SHAPE_ERRORS as exc:
                rejected.append(_unreadable(item, exc))
                continue
            checked.append((item, rtype, source_id, fields))
            texts.append(text)
        maker = RowMaker(self.source, group.label, resolver, partial(self._member_for, session))
        rows: dict[str, store.RecordRow] = {}
        kept: list[str] = []
        for (item, rtype, source_id, fields), data in zip(checked, resolver.resolve_many(texts)):
            try:
                row = maker.row(item, rtype, source_id, data, fields)
            except _SHAPE_ERRORS as exc:
                rejected.append(_unreadable(item, exc))
                continue
            rows[row.id] = row
            kept.append(rtype)
        group.resources.update(kept)
        group.patients += kept.count("Patient")
        return rows

    def _link(self, session, patient: dict[str, Any], ref: str, group: _Group) -> None:
        link = link_patient(session, source_system=self.source, patient=patient,
                            create_members=self.create_members, org_id=self.org_id, actor=self.actor)
        self.patient_members[ref] = link.member_id
        if link.member_id:
            store.attach_member(session, source_system=self.source, patient_ref=ref, member_id=link.member_id)
        group.review += link.status == "review"
        group.unmatched += link.status == "unmatched"
