"""Stream FHIR R4 resources out of Bundle (.json/.json.gz) and NDJSON (.ndjson/.ndjson.gz) files.

One file is open at a time; a Bundle file is parsed whole (memory bounded by that file), an NDJSON
file line by line. Bad files, lines and entries are reported as `ReadProblem`s (file, line or entry
index, error) instead of raising.

When the caller names the types it reads, a Bundle file is parsed by simdjson, which validates the
whole document (syntax and UTF-8) at a fraction of the cost of building Python objects for it: only
entries of those types become dicts (with their compact JSON text), the others `ResourceHeader`s
(type, id, place); an NDJSON line holding one resource is read the same way.
Anything irregular takes the general reader (orjson, then the standard parser), which reports it
precisely. One difference remains, on input RFC 8259 leaves undefined: where a
Bundle entry or an unread resource repeats a member name, this reader takes the first occurrence and
the general reader the last (a read resource's own members are its parsed dict's either way).
"""

from __future__ import annotations

import gc
import gzip
import json
import re
import threading
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import orjson
import simdjson
from isal import isal_zlib

BUNDLE_SUFFIXES = (".json", ".json.gz")
NDJSON_SUFFIXES = (".ndjson", ".ndjson.gz")
SUPPORTED_SUFFIXES = BUNDLE_SUFFIXES + NDJSON_SUFFIXES


class SourcedResource(NamedTuple):
    """A resource with where it came from (file, 0-based entry index or 1-based line, fullUrl).

    `compact` is the resource as compact JSON when the reader has it (the text it was parsed from).
    """

    resource: dict[str, Any]
    path: str
    location: str
    full_url: str | None = None
    compact: bytes | None = None


class ResourceHeader(NamedTuple):
    """A resource of a type the caller does not read: its type, id (a string or None) and place only.

    `identifiers` holds its (system, value) string pairs when the caller asked for them (e.g. the
    provider directory types that conditional references name), else None.
    """

    resource_type: str
    id: str | None
    path: str
    location: str
    full_url: str | None = None
    identifiers: tuple[tuple[str, str], ...] | None = None


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Something in a file that could not be read; never holds resource content."""

    path: str
    location: str
    error: str


def is_supported(path: Path) -> bool:
    """True when the file name ends with a supported FHIR file suffix."""
    return path.name.lower().endswith(SUPPORTED_SUFFIXES)


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Yield files from the given paths, walking directories in sorted order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p))
        else:
            yield path


def _read_bytes(path: Path) -> bytes:
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    packed = path.read_bytes()
    # ISA-L's inflate (zlib's interface, about twice as fast) reads the gzip wrapper and checks its CRC
    # in one pass; concatenated members, trailing bytes or a damaged stream take gzip's reader (and its errors).
    inflater = isal_zlib.decompressobj(16 + isal_zlib.MAX_WBITS)
    try:
        data = inflater.decompress(packed)
    except isal_zlib.error:
        data = None
    if data is None or not inflater.eof or inflater.unused_data:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    return data


def _loads(data: bytes) -> Any:
    """orjson's parse; on failure the standard parser's, for its exact line and column (and leniency)."""
    # The parse holds the GIL and builds only acyclic containers: cyclic collection during it is wasted
    # work (about a tenth of the import's CPU time on the Synthea bundles), so it pauses for this call.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    finally:
        if enabled:
            gc.enable()
    # A leading byte order mark is ignored, as RFC 8259 section 8.1 allows (simdjson does the same).
    return json.loads(data.decode("utf-8-sig"))


def iter_file(path: str | Path, *, read_types: Collection[str] | None = None,
              identifier_types: Collection[str] = (),
              ) -> Iterator[SourcedResource | ResourceHeader | ReadProblem]:
    """Yield every resource of one file, or a ReadProblem for each part that cannot be read.

    With `read_types`, Bundle entries of other types may come as `ResourceHeader`s (content unread),
    with their identifiers for the `identifier_types`.
    """
    path = Path(path)
    name = path.name.lower()
    if not name.endswith(SUPPORTED_SUFFIXES):
        yield ReadProblem(str(path), "file", "unsupported file type (expected .json, .ndjson, optionally .gz)")
        return
    try:
        if name.endswith(NDJSON_SUFFIXES):
            yield from _iter_ndjson(path, read_types, identifier_types)
        else:
            yield from _iter_bundle_file(path, read_types, identifier_types)
    except zlib.error:  # a damaged deflate stream inside the gzip wrapper
        yield ReadProblem(str(path), "file", "cannot read file: damaged gzip data")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield ReadProblem(str(path), "file", f"cannot read file: {type(exc).__name__}")


def iter_files(paths: Iterable[str | Path]) -> Iterator[SourcedResource | ReadProblem]:
    """Yield resources and problems from many files (directories expanded), one file at a time."""
    for path in expand_paths(paths):
        yield from iter_file(path)


def _iter_ndjson(path: Path, read_types: Collection[str] | None, identifier_types: Collection[str],
                 ) -> Iterator[SourcedResource | ResourceHeader | ReadProblem]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = f"line {number}"
            if read_types is not None:
                item = _line_item(line, str(path), location, read_types, identifier_types)
                if item is not None:
                    yield item
                    continue
            try:
                resource = _loads(line)
            except json.JSONDecodeError as exc:
                yield ReadProblem(str(path), location, f"invalid JSON at column {exc.colno}")
                continue
            problem = _resource_problem(resource)
            if problem:
                yield ReadProblem(str(path), location, problem)
            elif resource.get("resourceType") == "Bundle":
                yield from _iter_entries(resource, str(path), f"{location} ")
            else:
                yield SourcedResource(resource, str(path), location)


def _iter_bundle_file(path: Path, read_types: Collection[str] | None, identifier_types: Collection[str],
                      ) -> Iterator[SourcedResource | ResourceHeader | ReadProblem]:
    data = _read_bytes(path)
    items = None if read_types is None else _bundle_entries(data, str(path), read_types, identifier_types)
    if items is not None:
        yield from items
        return
    try:
        document = _loads(data)
    except json.JSONDecodeError as exc:
        yield ReadProblem(str(path), f"line {exc.lineno}", f"invalid JSON at column {exc.colno}")
        return
    del data
    problem = _resource_problem(document)
    if problem:
        yield ReadProblem(str(path), "file", problem)
    elif document.get("resourceType") == "Bundle":
        yield from _iter_entries(document, str(path), "")
    else:
        yield SourcedResource(document, str(path), "file")


def _iter_entries(bundle: dict[str, Any], path: str, prefix: str) -> Iterator[SourcedResource | ReadProblem]:
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        yield ReadProblem(path, f"{prefix}Bundle.entry", "entry is not a list")
        return
    for index, entry in enumerate(entries):
        location = f"{prefix}entry {index}"
        if not isinstance(entry, dict):
            yield ReadProblem(path, location, "entry is not an object")
            continue
        resource = entry.get("resource")
        if resource is None:
            # Batch/transaction responses and DELETE requests carry no resource: nothing to read.
            continue
        full_url = entry.get("fullUrl")
        if not isinstance(full_url, str):
            full_url = None
        # The usual case inline; anything else gets _resource_problem's precise answer.
        if isinstance(resource, dict) and isinstance(rtype := resource.get("resourceType"), str) and rtype:
            yield SourcedResource(resource, path, location, full_url)
            continue
        problem = _resource_problem(resource)
        if problem:
            yield ReadProblem(path, location, problem)
        else:
            yield SourcedResource(resource, path, location, full_url)


_OBJECT, _ARRAY = simdjson.Object, simdjson.Array
# The tuples' own constructor, all fields given: a named tuple's __new__ is a Python function (a frame per item).
_new = tuple.__new__
_PARSERS = threading.local()
KEEP_PARSER_BYTES = 8 * 2**20


def _parse(data: bytes) -> Any:
    """The document parsed by simdjson, or None when it refuses it (the general reader then decides)."""
    # One parser per thread for the usual sizes, so its buffers (about 3x the document) are allocated
    # once rather than per file, which fragmented the heap; a larger document gets a parser of its own,
    # freed with it. Its results are views into it that must not outlive the caller's use (it refuses
    # to parse again while any exist).
    parser = getattr(_PARSERS, "parser", None) if len(data) <= KEEP_PARSER_BYTES else simdjson.Parser()
    if parser is None:
        parser = _PARSERS.parser = simdjson.Parser()
    try:
        return parser.parse(data)
    except (ValueError, RuntimeError, UnicodeDecodeError):
        return None  # damaged, or beyond simdjson (e.g. integers over 64 bits)


def _line_item(line: bytes, path: str, location: str, read_types: Collection[str],
               identifier_types: Collection[str]) -> SourcedResource | ResourceHeader | None:
    """The item of an NDJSON line holding one resource, or None when the general reader must read it."""
    resource = _parse(line)
    if type(resource) is not _OBJECT:
        return None
    rtype = resource.get("resourceType")
    if type(rtype) is not str or not rtype or rtype == "Bundle":
        return None
    return _item(resource, rtype, path, location, None, read_types, identifier_types)


def _item(resource: simdjson.Object, rtype: str, path: str, location: str, full_url: str | None,
          read_types: Collection[str], identifier_types: Collection[str]) -> SourcedResource | ResourceHeader | None:
    """A parsed resource as the general reader would yield it (a header for types not read), or None."""
    identifiers = None
    if rtype not in read_types:
        identifiers = _identifiers(resource) if rtype in identifier_types else None
        if identifiers is not False:
            rid = resource.get("id")
            return _new(ResourceHeader, (rtype, rid if type(rid) is str else None, path, location, full_url,
                                         identifiers))
    compact = resource.mini  # holds only values orjson reads: simdjson refused anything else
    parsed = orjson.loads(compact)
    if parsed["resourceType"] != rtype:
        return None  # a repeated resourceType: the general reader reports what the last one says
    # With repeated members the text keeps them all; the parsed dict is then serialized instead.
    return _new(SourcedResource, (parsed, path, location, full_url, compact if len(parsed) == len(resource) else None))


def _bundle_entries(data: bytes, path: str, read_types: Collection[str], identifier_types: Collection[str],
                    ) -> list[SourcedResource | ResourceHeader] | None:
    """What the general reader yields for a regular Bundle document, or None when it must read it itself."""
    document = _parse(data)
    if type(document) is not _OBJECT or _repeats(document) or document.get("resourceType") != "Bundle":
        return None
    if "entry" not in document:
        return []
    entries = document["entry"]
    if type(entries) is not _ARRAY:
        return None
    items: list[SourcedResource | ResourceHeader] = []
    for index, entry in enumerate(entries):
        if type(entry) is not _OBJECT:
            return None
        resource = entry.get("resource")
        if resource is None:
            continue  # as in _iter_entries: responses and DELETE requests carry no resource
        if type(resource) is not _OBJECT:
            return None
        rtype = resource.get("resourceType")
        if type(rtype) is not str or not rtype:
            return None
        full_url = entry.get("fullUrl")
        if type(full_url) is not str:
            full_url = None
        item = _item(resource, rtype, path, f"entry {index}", full_url, read_types, identifier_types)
        if item is None:
            return None
        items.append(item)
    return items


def _repeats(value: simdjson.Object) -> bool:
    """Whether a parsed object repeats a member name (JSON parsers differ on which one counts)."""
    return len(value) != len(set(value.keys()))


def _identifiers(resource: simdjson.Object) -> tuple[tuple[str, str], ...] | bool:
    """`references.identifier_pairs` of a parsed resource, or False when a pair is not two plain strings."""
    identifiers = resource.get("identifier")
    if type(identifiers) is not _ARRAY:
        return ()
    pairs = []
    for ident in identifiers:
        if type(ident) is not _OBJECT:
            continue
        system, value = ident.get("system"), ident.get("value")
        if not system or not value:
            continue
        if type(system) is not str or type(value) is not str:
            return False  # the dict path formats such values as before
        pairs.append((system, value))
    return tuple(pairs)


def _resource_problem(resource: Any) -> str | None:
    if not isinstance(resource, dict):
        return "resource is not a JSON object"
    if not isinstance(resource.get("resourceType"), str) or not resource["resourceType"]:
        return "resourceType missing"
    return None


# JSON whitespace is space, tab, line feed and carriage return (RFC 8259 section 2); a byte order mark may lead.
_BATCH_HEAD = re.compile(rb'(?:\xef\xbb\xbf)?[ \t\n\r]*\{[ \t\n\r]*"resourceType"[ \t\n\r]*:[ \t\n\r]*"Bundle"'
                         rb'[ \t\n\r]*,[ \t\n\r]*"type"[ \t\n\r]*:[ \t\n\r]*"batch"')
_HEAD_BYTES = 512


def _head(path: Path) -> bytes:
    """The first bytes of a file's content (inflated for .gz): only as much as that takes is read."""
    with path.open("rb") as handle:
        if not path.name.lower().endswith(".gz"):
            return handle.read(_HEAD_BYTES)
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        head = b""
        while len(head) < _HEAD_BYTES and not inflater.eof and (packed := handle.read(4096)):
            head += inflater.decompress(packed, _HEAD_BYTES - len(head))
        return head


def looks_like_directory(path: str | Path) -> bool:
    """True when a Bundle file starts as a batch bundle (provider directories: load these first)."""
    path = Path(path)
    if not path.name.lower().endswith(BUNDLE_SUFFIXES):
        return False
    try:
        return bool(_BATCH_HEAD.match(_head(path)))
    except (OSError, zlib.error):
        return False


def iter_bundle(bundle: dict[str, Any], source: str, prefix: str = "") -> Iterator[SourcedResource | ReadProblem]:
    """Resources of a Bundle already in memory (a server's searchset page), with problems per entry."""
    yield from _iter_entries(bundle, source, prefix)
