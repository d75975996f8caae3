"""Pure reference resolution inside serialized resources: urn:uuid full URLs, conditional and contained.

Bundle resolution rules: FHIR R4 Bundle, "Resolving references in Bundles",
https://hl7.org/fhir/R4/bundle.html#references; conditional references:
https://hl7.org/fhir/R4/http.html#trules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice, repeat
from typing import Any

import orjson

# Matches both `json.dumps` (`": "`) and compact orjson (`":"`) serializations.
# The JSON string body is written unrolled (runs of plain characters, then an escape) for speed.
REFERENCE_PATTERN = re.compile(r'"reference": ?"([^"\\]*(?:\\.[^"\\]*)*)"')
REFERENCE_BYTES = re.compile(rb'"reference":"([^"\\]*(?:\\.[^"\\]*)*)"')
CONDITIONAL_PATTERN = re.compile(r"^[A-Z][A-Za-z]+\?")
_MARKER = b'"reference":"'


def local_reference(resource: dict[str, Any], full_url: str | None) -> tuple[str, str | None]:
    """The resource's source id and its relative reference (`Type/id`), using the fullUrl when id is absent."""
    return local_reference_of(resource["resourceType"], resource.get("id"), full_url)


def local_reference_of(resource_type: str, rid: Any, full_url: str | None) -> tuple[str, str | None]:
    """`local_reference` from the resource's type and id element (any JSON value, or None when absent)."""
    if not isinstance(rid, str) or not rid:
        rid = full_url.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if full_url else None
    if not rid:
        return "", None
    return rid, f"{resource_type}/{rid}"


def directory_keys(resource: dict[str, Any], reference: str) -> list[tuple[str, str]]:
    """Conditional-reference queries (`Type?identifier=system|value`) that name this resource."""
    return identifier_keys(resource["resourceType"], identifier_pairs(resource), reference)


def identifier_pairs(resource: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(system, value) of each identifier that has both."""
    identifiers = resource.get("identifier")
    if not isinstance(identifiers, list):
        return []
    return [(ident["system"], ident["value"]) for ident in identifiers
            if isinstance(ident, dict) and ident.get("system") and ident.get("value")]


def identifier_keys(resource_type: str, pairs: Iterable[tuple[Any, Any]], reference: str) -> list[tuple[str, str]]:
    """`directory_keys` from the type and identifier pairs; none for a pair with a NUL character (no text holds one)."""
    keys = [(f"{resource_type}?identifier={system}|{value}", reference) for system, value in pairs]
    return [key for key in keys if "\x00" not in key[0]]


class Resolver:
    """Rewrites references in a serialized resource; counts what stayed unresolved."""

    def __init__(self, targets: dict[str, str], directory: dict[str, str]) -> None:
        self.targets = targets
        self.directory = directory
        self.unresolved = 0
        # Serialized reference -> the whole element as it is written out (rewritten or kept), and
        # the kept ones that count as unresolved (per occurrence).
        self._bytes: dict[bytes, bytes] = {}
        self._unresolved_raw: set[bytes] = set()

    def _target(self, ref: str) -> str | None:
        target = self.targets.get(ref)
        if target is None and CONDITIONAL_PATTERN.match(ref):
            target = self.directory.get(ref)
        return target

    def _element_bytes(self, raw: bytes) -> bytes:
        """The `"reference":...` element for one serialized reference, remembered for the group."""
        ref = raw.decode()
        target = None if ref.startswith("#") else self._target(ref)
        out = None
        if target is not None:
            try:
                out = b'"reference":' + orjson.dumps(target)
            except orjson.JSONEncodeError:
                pass  # a target id no UTF-8 text can hold (a lone surrogate): the reference stays as written
        if out is None:
            out = b'"reference":"' + raw + b'"'
            if ref.startswith("urn:") or CONDITIONAL_PATTERN.match(ref):
                self._unresolved_raw.add(raw)
        self._bytes[raw] = out
        return out

    def _replace(self, match: re.Match) -> str:
        ref = match.group(1)
        if ref.startswith("#"):
            return match.group(0)
        target = self._target(ref)
        if target is None:
            if ref.startswith("urn:") or CONDITIONAL_PATTERN.match(ref):
                # Kept as written: an unresolved external reference (dangling or unknown directory).
                self.unresolved += 1
            return match.group(0)
        return f'"reference": "{target}"'

    def resolve_text(self, text: str) -> str:
        """The serialized resource with every resolvable reference rewritten to `Type/id`."""
        return REFERENCE_PATTERN.sub(self._replace, text)

    def resolve_bytes(self, data: bytes) -> bytes:
        """The same for a compact (orjson) serialization, without decoding it."""
        if _MARKER not in data:
            return data
        # Compact JSON escapes every quote inside strings, so the pattern only matches real elements.
        return REFERENCE_BYTES.sub(self._element_of, data)

    def resolve_many(self, texts: list[bytes]) -> list[bytes]:
        """`resolve_bytes` of each compact serialization, in one pass over them all."""
        joined = b"\n".join(texts)
        parts = joined.split(_MARKER)
        if len(parts) == 1:
            return texts
        # Compact JSON has no raw newline (strings escape it), so the texts split apart again below.
        if joined.count(b"\n") != len(texts) - 1:
            return [self.resolve_bytes(text) for text in texts]
        # Each part after a marker is the reference, its closing quote, then the text up to the next one;
        # the work is done by whole-list operations (one Python step per distinct reference, not per use).
        raws, quotes, rests = zip(*map(bytes.partition, islice(parts, 1, None), repeat(b'"')))
        if b"" in quotes or b"\\" in b"".join(raws):  # an escape in a reference: the exact pattern reads it
            return [self.resolve_bytes(text) for text in texts]
        known = self._bytes
        for raw in set(raws).difference(known):
            self._element_bytes(raw)
        out = [parts[0]] * (2 * len(raws) + 1)
        out[1::2] = map(known.__getitem__, raws)
        out[2::2] = rests
        kept_raw = self._unresolved_raw
        if kept_raw:
            self.unresolved += sum(map(kept_raw.__contains__, raws))
        return b"".join(out).split(b"\n")

    def _element_of(self, match: re.Match) -> bytes:
        """The element for one matched reference; kept unresolved ones are counted per occurrence."""
        raw = match[1]
        out = self._bytes.get(raw)
        if out is None:
            out = self._element_bytes(raw)
        if raw in self._unresolved_raw:
            self.unresolved += 1
        return out

    def resolve(self, ref: str | None) -> str | None:
        """One reference resolved the same way (for the subject column)."""
        if ref is None:
            return None
        return self._target(ref) or ref


def missing_contained(resource: dict[str, Any], text: str) -> list[str]:
    """Local `#id` references that name no contained resource."""
    contained = resource.get("contained")
    ids = {c.get("id") for c in contained if isinstance(c, dict)} if isinstance(contained, list) else set()
    return [m.group(1) for m in REFERENCE_PATTERN.finditer(text)
            if m.group(1).startswith("#") and len(m.group(1)) > 1 and m.group(1)[1:] not in ids]
