"""Stream FHIR R4 resources out of Bundle (.json/.json.gz) and NDJSON (.ndjson/.ndjson.gz) files.

One file is open at a time; a Bundle file is parsed whole with orjson (memory bounded by that
file), an NDJSON file line by line. Bad files, lines and entries are reported as `ReadProblem`s
(file, line or entry index, error) instead of raising.
"""

from __future__ import annotations

import gc
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

BUNDLE_SUFFIXES = (".json", ".json.gz")
NDJSON_SUFFIXES = (".ndjson", ".ndjson.gz")
SUPPORTED_SUFFIXES = BUNDLE_SUFFIXES + NDJSON_SUFFIXES


@dataclass(frozen=True, slots=True)
class SourcedResource:
    """A resource with where it came from (file, 0-based entry index or 1-based line, fullUrl)."""

    resource: dict[str, Any]
    path: str
    location: str
    full_url: str | None = None


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


def _open_text(path: Path) -> IO[str]:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def _read_bytes(path: Path) -> bytes:
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    packed = path.read_bytes()
    # zlib reads the gzip wrapper and checks its CRC while inflating (one pass, no Python-level reader);
    # concatenated members, trailing bytes or a damaged stream take gzip's reader (and its errors).
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(packed)
    except zlib.error:
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
    return json.loads(data.decode("utf-8"))


def iter_file(path: str | Path) -> Iterator[SourcedResource | ReadProblem]:
    """Yield every resource of one file, or a ReadProblem for each part that cannot be read."""
    path = Path(path)
    name = path.name.lower()
    if not name.endswith(SUPPORTED_SUFFIXES):
        yield ReadProblem(str(path), "file", "unsupported file type (expected .json, .ndjson, optionally .gz)")
        return
    try:
        if name.endswith(NDJSON_SUFFIXES):
            yield from _iter_ndjson(path)
        else:
            yield from _iter_bundle_file(path)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        yield ReadProblem(str(path), "file", f"cannot read file: {type(exc).__name__}")


def iter_files(paths: Iterable[str | Path]) -> Iterator[SourcedResource | ReadProblem]:
    """Yield resources and problems from many files (directories expanded), one file at a time."""
    for path in expand_paths(paths):
        yield from iter_file(path)


def _iter_ndjson(path: Path) -> Iterator[SourcedResource | ReadProblem]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            location = f"line {number}"
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


def _iter_bundle_file(path: Path) -> Iterator[SourcedResource | ReadProblem]:
    data = _read_bytes(path)
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


def _resource_problem(resource: Any) -> str | None:
    if not isinstance(resource, dict):
        return "resource is not a JSON object"
    if not isinstance(resource.get("resourceType"), str) or not resource["resourceType"]:
        return "resourceType missing"
    return None


_BATCH_HEAD = re.compile(r'^\s*\{\s*"resourceType"\s*:\s*"Bundle"\s*,\s*"type"\s*:\s*"batch"')


def looks_like_directory(path: str | Path) -> bool:
    """True when a Bundle file starts as a batch bundle (provider directories: load these first)."""
    path = Path(path)
    if not path.name.lower().endswith(BUNDLE_SUFFIXES):
        return False
    try:
        with _open_text(path) as handle:
            return bool(_BATCH_HEAD.match(handle.read(512)))
    except (OSError, EOFError, UnicodeDecodeError):
        return False


def directories_first(paths: Iterable[Path]) -> list[Path]:
    """The files with batch (directory) bundles first, otherwise in the given order."""
    paths = list(paths)
    return sorted(paths, key=lambda p: not looks_like_directory(p))


def iter_bundle(bundle: dict[str, Any], source: str, prefix: str = "") -> Iterator[SourcedResource | ReadProblem]:
    """Resources of a Bundle already in memory (a server's searchset page), with problems per entry."""
    yield from _iter_entries(bundle, source, prefix)
