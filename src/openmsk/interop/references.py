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
        self._bytes: dict[bytes, bytes] = {}  # serialized reference -> its rewritten element

    def _target(self, ref: str) -> str | None:
        target = self.targets.get(ref)
        if target is None and CONDITIONAL_PATTERN.match(ref):
            target = self.directory.get(ref)
        return target

    def _replace_bytes(self, match: re.Match) -> bytes:
        raw = match.group(1)
        known = self._bytes.get(raw)
        if known is not None:
            return known
        ref = raw.decode()
        if ref.startswith("#"):
            return match.group(0)
        target = self._target(ref)
        if target is None:
            if ref.startswith("urn:") or CONDITIONAL_PATTERN.match(ref):
                self.unresolved += 1
            return match.group(0)
        self._bytes[raw] = out = b'"reference":' + orjson.dumps(target)
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
        return REFERENCE_BYTES.sub(self._replace_bytes, data) if b'"reference":"' in data else data

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
