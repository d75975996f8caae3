"""Import what FHIR Subscription notifications carry, many notifications in one transaction.

`receive_batch` handles the notifications waiting at one moment (often just one): feeds checked in one
query, linked patients looked up in one query, and the carried resources of simple notifications (no
Patient or directory resource, no conditional reference, valid, subject `Patient/<id>`) imported as one
group per feed, so one upsert and one commit serve them all. Any other notification is imported on its
own, with an importer of its own (as the endpoint always did), in a savepoint of the same transaction.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from openmsk.auth.secrets import token_digest
from openmsk.db import utcnow
from openmsk.errors import BadRequest, Unauthenticated
from openmsk.ids import new_id
from openmsk.interop import normalize, references
from openmsk.interop.fhir_files import SourcedResource
from openmsk.interop.importer import DIRECTORY_TYPES, RECORDS_IMPORTED, Importer
from openmsk.interop.models import ExchangeLog, FeedSubscription, PatientLink
from openmsk.interop.notifications import notification_resources, uncovered_focus
from openmsk.interop.store import load_directory
from openmsk.jobs import emit_after_commit

# A conditional reference (`"reference": "Practitioner?identifier=..."`) needs the provider directory.
CONDITIONAL = re.compile(rb'"reference"\s*:\s*"[A-Za-z]+\?')
_SIMPLE_PATIENT = re.compile(r"Patient/[^/?#]+")
_WHOLE_GROUP_LOST = "(all of this bundle or chunk)"


@dataclass
class Notification:
    """One received notification: the feed it names, its secret, the parsed body and what it targets."""

    feed_id: str
    secret: str | None
    body: Any
    raw: bytes
    patients: set[str]
    focus: list[str]
    queue: Any
    problem: str | None = None  # the body could not be read: answered once the feed is authenticated
    request_id: str | None = None

    @cached_property
    def carried(self) -> list[tuple[dict, str | None]]:
        """`notification_resources` of the body, found once (several steps of a receive read them)."""
        return notification_resources(self.body)


@dataclass
class Received:
    """What was done: resources imported and fetches queued (patients, then focus references)."""

    imported: int
    pulls: list[dict[str, str]] = field(default_factory=list)

    @property
    def diagnostics(self) -> str:
        """The OperationOutcome text of the answer."""
        return f"imported {self.imported} resources, queued {len(self.pulls)} fetches"


@dataclass
class _Feed:
    id: str
    base_url: str
    digest: str


def _authenticated(feed: _Feed | None, secret: str | None) -> bool:
    return feed is not None and bool(secret) and hmac.compare_digest(token_digest(secret), feed.digest)


def _emitter(session: Session, queue):
    def emit(by_member: dict[str, list[str]]) -> None:
        # After the commit: the in-process worker must be able to read the records.
        for member_id, ids in by_member.items():
            emit_after_commit(session, queue, RECORDS_IMPORTED, {"member_id": member_id, "record_ids": ids})

    return emit


def _items(carried: list[tuple[dict, str | None]], source: str) -> list[SourcedResource]:
    return [SourcedResource(resource, source, f"entry {index}", full_url)
            for index, (resource, full_url) in enumerate(carried)]


def _import_alone(session: Session, note: Notification, feed: _Feed) -> set[str]:
    """Import one notification's resources with an importer of its own; the linked patients' ids."""
    carried = note.carried
    if not carried:
        return set()
    importer = Importer(None, session=session, source_system=feed.base_url)
    if CONDITIONAL.search(note.raw):
        importer.directory = load_directory(session)
    importer.on_commit = _emitter(session, note.queue)
    importer.import_items(_items(carried, feed.base_url), label=feed.base_url)
    return {ref.removeprefix("Patient/") for ref, member in importer.patient_members.items() if member}


def _finish(note: Notification, feed: _Feed, linked: set[str], log_rows: list[dict]) -> Received:
    """Plan pulls for what the notification only names (queued after commit) and log the exchange."""
    # Records of a patient not yet linked to a member wait in the store; the pull links the patient.
    to_pull = sorted(note.patients - linked)
    focus = uncovered_focus(note.body, note.focus)
    pulls = [{"feed_id": feed.id, "patient_id": patient_id} for patient_id in to_pull]
    pulls += [{"feed_id": feed.id, "focus": ref} for ref in focus]
    imported = len(note.carried)
    log_rows.append({"id": new_id(), "direction": "notification", "endpoint": feed.base_url, "outcome": "success",
                     "attempts": 1, "created_at": utcnow(),
                     "detail": f"{imported} resources imported, {len(to_pull)} patients and "
                               f"{len(focus)} focus references queued"})
    return Received(imported, pulls)


def _feeds(session: Session, ids: set[str]) -> dict[str, _Feed]:
    # Core statements on the session's connection: the ORM's execution layer cost more than the queries.
    rows = session.connection().execute(select(
        FeedSubscription.id, FeedSubscription.base_url, FeedSubscription.secret_digest)
        .where(FeedSubscription.id.in_(sorted(ids))))
    return {row[0]: _Feed(*row) for row in rows}


def _simple_refs(note: Notification) -> set[str] | None:
    """The `Patient/<id>` references of a notification that may share an import group, else None."""
    if note.problem or CONDITIONAL.search(note.raw):
        return None
    carried = note.carried
    if not carried:
        return None
    refs = set()
    for resource, full_url in carried:
        rtype = resource["resourceType"]
        if rtype == "Patient" or rtype in DIRECTORY_TYPES:
            return None
        if rtype not in normalize.NORMALIZED_TYPES:
            continue  # skipped by the importer
        try:
            error, fields = normalize.examine(resource)
            if error or not references.local_reference(resource, full_url)[1]:
                return None
            ref = normalize.Summary(*fields).patient_ref
        except (TypeError, ValueError, AttributeError, KeyError):
            return None
        if ref is not None:
            if not _SIMPLE_PATIENT.fullmatch(ref):
                return None
            refs.add(ref)
    return refs


def _record_keys(note: Notification) -> set[tuple[str, str]]:
    return {(resource["resourceType"], references.local_reference(resource, full_url)[0])
            for resource, full_url in note.carried}


def receive_batch(session: Session, notes: list[Notification]) -> list[Received | Exception]:
    """Receive several notifications in the session's transaction; per notification its result or error."""
    feeds = _feeds(session, {note.feed_id for note in notes})
    out: list[Received | Exception | None] = [None] * len(notes)
    log_rows: list[dict] = []
    grouped: dict[tuple[str, int], list[tuple[int, set[str]]]] = {}
    for index, note in enumerate(notes):
        feed = feeds.get(note.feed_id)
        if not _authenticated(feed, note.secret):
            out[index] = Unauthenticated("unknown feed or wrong secret")
        elif note.problem:
            out[index] = BadRequest(note.problem)
        elif (refs := _simple_refs(note)) is None:
            out[index] = _finish(note, feed, _import_alone(session, note, feed), log_rows)
        else:
            grouped.setdefault((feed.id, id(note.queue)), []).append((index, refs))
    for (feed_id, _), members in grouped.items():
        for index, linked in _import_together(session, feeds[feed_id], [(notes[i], refs) for i, refs in members],
                                              [i for i, _ in members]):
            out[index] = _finish(notes[index], feeds[feed_id], linked, log_rows)
    if log_rows:
        session.execute(insert(ExchangeLog.__table__), log_rows)
    return out  # type: ignore[return-value]


def _import_together(session: Session, feed: _Feed, work: list[tuple[Notification, set[str]]],
                     indexes: list[int]) -> list[tuple[int, set[str]]]:
    """Import simple notifications of one feed as few groups as the order of their records allows."""
    wanted = sorted({ref.removeprefix("Patient/") for _, refs in work for ref in refs})
    members = dict(session.connection().execute(select(PatientLink.patient_id, PatientLink.member_id).where(
        PatientLink.source_system == feed.base_url, PatientLink.patient_id.in_(wanted))).all()) if wanted else {}
    chunks: list[list[int]] = [[]]
    keys: set[tuple[str, str]] = set()
    for position, (note, _) in enumerate(work):
        mine = _record_keys(note)
        if keys & mine:  # the same record twice: the later copy must meet the earlier one stored
            chunks.append([])
            keys = set()
        chunks[-1].append(position)
        keys |= mine
    results = []
    for chunk in chunks:
        importer = Importer(None, session=session, source_system=feed.base_url)
        importer.on_commit = _emitter(session, work[chunk[0]][0].queue)
        # The lookups the importer would make one by one, in one query (same rows: source and patient id).
        for _, refs in (work[p] for p in chunk):
            for ref in refs:
                importer.patient_members[ref] = members.get(ref.removeprefix("Patient/"))
        items = [item for p in chunk for item in _items(work[p][0].carried, feed.base_url)]
        importer.import_items(items, label=feed.base_url)
        if any(r.get("resource") == _WHOLE_GROUP_LOST for r in importer.summary.rejected):
            # A database error dropped the shared group: each on its own, so only the faulty one is lost.
            for p in chunk:
                results.append((indexes[p], _import_alone(session, work[p][0], feed)))
            continue
        for p in chunk:
            results.append((indexes[p], {ref.removeprefix("Patient/") for ref in work[p][1]
                                         if importer.patient_members.get(ref)}))
    return results
