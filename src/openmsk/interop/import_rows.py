"""The import's per-resource hot path: one clinical_records row from a parsed, validated resource."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson

from openmsk.interop.fhir_files import SourcedResource
from openmsk.interop.normalize import SummaryFields
from openmsk.interop.references import Resolver
from openmsk.interop.store import RecordIds, RecordRow

_sha1 = hashlib.sha1
_new = tuple.__new__  # a named tuple with every field given, without its Python-level __new__


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic garbage collection while one bundle or chunk is read and written.

    Its parsed tree is acyclic and freed by reference counting when the group is done; collecting
    during it only walks that tree again and again (about 6 % of the import's CPU time on Synthea).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def serialize(resource: dict[str, Any]) -> bytes:
    """Compact UTF-8 JSON; the standard encoder for what orjson refuses (integers beyond 64 bits)."""
    try:
        return orjson.dumps(resource)
    except orjson.JSONEncodeError:
        return json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()


class RowMaker:
    """Builds the rows of one group (bundle, NDJSON chunk or page): its constant parts are made once."""

    __slots__ = ("source", "label", "resolver", "member_for", "_source_col", "_provenance_head", "_ids", "_patients")

    def __init__(self, source: str, label: str, resolver: Resolver,
                 member_for: Callable[[str | None], str | None]) -> None:
        self.source, self.label, self.resolver, self.member_for = source, label, resolver, member_for
        self._source_col = source[:255]
        self._ids = RecordIds(source)
        self._patients: dict[str | None, tuple[str | None, str | None]] = {}
        try:
            # The provenance document's first two members, exactly as orjson writes them for the dict.
            self._provenance_head: bytes | None = (b'{"source":' + orjson.dumps(source) + b',"file":'
                                                   + orjson.dumps(label) + b',"location":')
        except orjson.JSONEncodeError:
            self._provenance_head = None  # per resource below, so the same entries fail as before

    def _provenance(self, item: SourcedResource) -> bytes:
        head = self._provenance_head
        if head is None:
            return orjson.dumps({"source": self.source, "file": self.label, "location": item.location,
                                 "fullUrl": item.full_url})
        return head + orjson.dumps(item.location) + b',"fullUrl":' + orjson.dumps(item.full_url) + b"}"

    def row(self, item: SourcedResource, rtype: str, source_id: str, data: bytes, fields: SummaryFields) -> RecordRow:
        """The row of one resource stored as `data` (its references rewritten): summary columns, hash, provenance."""
        code, display, status, effective, patient_ref = fields
        patient_col, member_id = self._patients.get(patient_ref) or self._patient(patient_ref)
        meta = item.resource.get("meta")
        version = updated = None
        if isinstance(meta, dict):
            version, updated = meta.get("versionId"), meta.get("lastUpdated")
        return _new(RecordRow, (
            self._ids.record_id(rtype, source_id), member_id, rtype, self._source_col, source_id[:255], patient_col,
            str(version)[:64] if version else None, str(updated)[:40] if updated else None,
            code, display, status, effective, _sha1(data).hexdigest(), self._provenance(item), data))

    def _patient(self, ref: str | None) -> tuple[str | None, str | None]:
        """(patient column, member) for a subject reference, worked out once per group (most rows share one)."""
        resolved = self.resolver.resolve(ref)
        found = self._patients[ref] = (resolved[:255] if resolved else None, self.member_for(resolved))
        return found
