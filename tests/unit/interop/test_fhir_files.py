"""Streaming FHIR resources from Bundle and NDJSON files, with precise problem reports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from openmsk.interop.fhir_files import ReadProblem, SourcedResource, expand_paths, iter_file, iter_files

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fhir"


def split(items):
    items = list(items)
    return [i for i in items if isinstance(i, SourcedResource)], [i for i in items if isinstance(i, ReadProblem)]


def test_transaction_bundle_yields_each_entry_resource_with_its_full_url():
    raw = json.loads((FIXTURES / "msk_positive_bundle.json").read_text())
    resources, problems = split(iter_file(FIXTURES / "msk_positive_bundle.json"))
    assert problems == []
    assert [r.resource for r in resources] == [e["resource"] for e in raw["entry"]]
    assert [r.full_url for r in resources] == [e["fullUrl"] for e in raw["entry"]]
    assert resources[2].location == "entry 2"


def test_gzip_bundle_reads_the_same_as_plain(tmp_path):
    plain = FIXTURES / "msk_negative_bundle.json"
    packed = tmp_path / "negative.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert [r.resource for r in iter_file(packed)] == [r.resource for r in iter_file(plain)]


def test_ndjson_reports_bad_lines_by_number_and_keeps_reading(tmp_path):
    resources, problems = split(iter_file(FIXTURES / "resources.ndjson"))
    assert [r.resource["id"] for r in resources] == ["nd-1", "nd-ed-1", "nd-tramadol"]
    assert [(p.location, p.error) for p in problems] == [
        ("line 3", "invalid JSON at column 37"), ("line 4", "resourceType missing")]
    packed = tmp_path / "r.ndjson.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "resources.ndjson").read_bytes()))
    assert [r.location for r in iter_file(packed) if isinstance(r, SourcedResource)] == ["line 1", "line 2", "line 6"]


def test_searchset_skips_entries_without_resource_and_reports_bad_entries_by_index():
    resources, problems = split(iter_file(FIXTURES / "searchset_bundle.json"))
    assert [r.resource["id"] for r in resources] == ["s-1", "s-enc"]
    assert [(p.location, p.error) for p in problems] == [
        ("entry 1", "entry is not an object"), ("entry 3", "resourceType missing")]


def test_invalid_json_file_is_reported_with_its_line_instead_of_raising():
    resources, problems = split(iter_file(FIXTURES / "not_json.json"))
    assert resources == []
    assert problems[0].location == "line 3"


def test_unsupported_suffix_truncated_gzip_and_a_bare_resource(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "cut.json.gz").write_bytes(gzip.compress(b'{"resourceType": "Bundle"}')[:12])
    (tmp_path / "one.json").write_text('{"resourceType": "Patient", "id": "p"}')
    assert split(iter_file(tmp_path / "notes.txt"))[1][0].location == "file"
    assert split(iter_file(tmp_path / "cut.json.gz"))[1][0].error.startswith("cannot read file")
    assert split(iter_file(tmp_path / "one.json"))[0][0].resource == {"resourceType": "Patient", "id": "p"}


def test_folders_are_expanded_in_sorted_order_skipping_other_files(tmp_path):
    for name in ("b.json", "a.ndjson", "c.txt"):
        (tmp_path / name).write_text('{"resourceType": "Patient", "id": "x"}')
    assert [p.name for p in expand_paths([tmp_path])] == ["a.ndjson", "b.json"]
    assert len(list(iter_files([tmp_path]))) == 2


@pytest.mark.shared_data
def test_a_synthea_bundle_yields_every_entry(shared_data_dir):
    path = sorted((shared_data_dir / "fhir" / "synthea").glob("*.json.gz"))[0]
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        expected = len(json.load(handle)["entry"])
    resources, problems = split(iter_file(path))
    assert problems == [] and len(resources) == expected
    assert all(r.full_url == f"urn:uuid:{r.resource['id']}" for r in resources)


def test_gzip_with_several_members_reads_whole_and_trailing_bytes_are_a_problem(tmp_path):
    two = tmp_path / "two.json.gz"
    two.write_bytes(gzip.compress(b'{"resourceType": "Patient",') + gzip.compress(b' "id": "p2"}'))
    assert [r.resource for r in iter_file(two)] == [{"resourceType": "Patient", "id": "p2"}]
    junk = tmp_path / "junk.json.gz"
    junk.write_bytes(gzip.compress(b'{"resourceType": "Patient"}') + b"junk")
    assert split(iter_file(junk))[1][0].error == "cannot read file: BadGzipFile"


def test_a_damaged_deflate_stream_is_reported_as_damaged_gzip_data(tmp_path):
    from openmsk.interop.fhir_files import looks_like_directory
    from openmsk.interop.normalize import NORMALIZED_TYPES

    lines = "".join(json.dumps({"resourceType": "Patient", "id": f"p{i}"}) + "\n" for i in range(50)).encode()
    damaged = bytearray(gzip.compress(lines))
    # Byte 10 opens the first deflate block (RFC 1951 section 3.2.3): final, with the reserved block type 11.
    damaged[10] = 0b111
    for name in ("damaged.ndjson.gz", "damaged.json.gz"):
        path = tmp_path / name
        path.write_bytes(damaged)
        for read_types in (None, NORMALIZED_TYPES):
            resources, problems = split(iter_file(path, read_types=read_types))
            assert resources == [] and [(p.location, p.error) for p in problems] == [
                ("file", "cannot read file: damaged gzip data")]
        assert looks_like_directory(path) is False


def test_a_directory_bundle_is_recognised_from_its_first_bytes_whatever_the_gzip_header(tmp_path):
    import struct
    import zlib

    from openmsk.interop.fhir_files import looks_like_directory

    directory = b' \r\n\t{ "resourceType" : "Bundle",\n  "type": "batch", "entry": []}'
    # A gzip member whose header carries a 6,000-byte file name (RFC 1952 section 2.3.1, FLG.FNAME), so
    # the first 4 KiB of the file hold no compressed data at all.
    deflate = zlib.compressobj(wbits=-15)
    body = deflate.compress(directory) + deflate.flush()
    member = (b"\x1f\x8b\x08\x08" + b"\0" * 4 + b"\0\xff" + b"n" * 6000 + b"\0" + body
              + struct.pack("<II", zlib.crc32(directory), len(directory)))
    named = tmp_path / "directory.json.gz"
    named.write_bytes(member)
    assert gzip.decompress(member) == directory
    assert looks_like_directory(named)
    plain = tmp_path / "directory.json"
    plain.write_bytes(directory)
    patients = tmp_path / "patients.json"
    patients.write_bytes(b'{"resourceType": "Bundle", "type": "transaction", "entry": []}')
    assert looks_like_directory(plain) and not looks_like_directory(patients)
    assert not looks_like_directory(tmp_path / "missing.json.gz")
