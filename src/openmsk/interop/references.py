"""Pure reference resolution inside serialized resources: urn:uuid full URLs, conditional and contained.

Bundle resolution rules: FHIR R4 Bundle, "Resolving references in Bundles",
https://hl7.org/fhir/R4/bundle.html#references; conditional references:
https://hl7.org/fhir/R4/http.html#trules.
"""

from __future__ import annotations

import re
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
    rid = resource.get("id")
    if not isinstance(rid, str) or not rid:
        rid = full_url.rsplit(":", 1)[-1].rsplit("/", 1)[-1] if full_url else None
    if not rid:
        return "", None
    return rid, f"{resource['resourceType']}/{rid}"


def directory_keys(resource: dict[str, Any], reference: str) -> list[tuple[str, str]]:
    """Conditional-reference queries (`Type?identifier=system|value`) that name this resource."""
    keys = []
    identifiers = resource.get("identifier")
    if isinstance(identifiers, list):
        for ident in identifiers:
            if isinstance(ident, dict) and ident.get("system") and ident.get("value"):
                keys.append((f"{resource['resourceType']}?identifier={ident['system']}|{ident['value']}",
                             reference))
    return keys


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
        if target is None:
            out = b'"reference":"' + raw + b'"'
            if ref.startswith("urn:") or CONDITIONAL_PATTERN.match(ref):
                self._unresolved_raw.add(raw)
        else:
            out = b'"reference":' + orjson.dumps(target)
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
        pieces = data.split(_MARKER)
        if len(pieces) == 1:
            return data
        # Compact JSON escapes every quote inside strings, so the marker only starts a real element and
        # a reference without backslashes ends at the next quote; escaped ones take the regex below.
        known, counted = self._bytes, self._unresolved_raw
        out = [pieces[0]]
        unresolved = 0
        for piece in pieces[1:]:
            end = piece.find(b'"')
            raw = piece[:end]
            if end < 0 or b"\\" in raw:
                return self._resolve_escaped(data)
            out.append(known.get(raw) or self._element_bytes(raw))
            out.append(piece[end + 1:])
            if counted and raw in counted:
                unresolved += 1
        self.unresolved += unresolved
        return b"".join(out)

    def _resolve_escaped(self, data: bytes) -> bytes:
        parts = REFERENCE_BYTES.split(data)
        raws = parts[1::2]
        parts[1::2] = [self._bytes.get(raw) or self._element_bytes(raw) for raw in raws]
        counted = self._unresolved_raw
        self.unresolved += sum(raw in counted for raw in raws)
        return b"".join(parts)

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
