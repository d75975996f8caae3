"""The Bundle reader that parses with simdjson yields what the general reader does, or lets it read."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest

from openmsk.interop.fhir_files import (
    ReadProblem, ResourceHeader, SourcedResource, _bundle_entries, iter_file, looks_like_directory,
)
from openmsk.interop.importer import DIRECTORY_TYPES
from openmsk.interop.normalize import NORMALIZED_TYPES
from openmsk.interop.references import identifier_pairs

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fhir"
FILES = ("msk_positive_bundle.json", "msk_negative_bundle.json", "searchset_bundle.json", "bad_records_bundle.json",
         "not_json.json", "resources.ndjson")


def assert_same_reading(path, read_types, identifier_types=()):
    """The fast reader's items match the general reader's, item for item."""
    general = list(iter_file(path))
    fast = list(iter_file(path, read_types=read_types, identifier_types=identifier_types))
    assert len(fast) == len(general)
    for mine, theirs in zip(fast, general, strict=True):
        if isinstance(theirs, ReadProblem):
            assert mine == theirs
            continue
        rtype = theirs.resource["resourceType"]
        if type(mine) is SourcedResource:
            assert mine[:4] == theirs[:4]
            assert mine.compact is None or orjson.loads(mine.compact) == theirs.resource
            continue
        assert type(mine) is ResourceHeader and rtype not in read_types
        rid = theirs.resource.get("id")
        assert mine[:5] == (rtype, rid if isinstance(rid, str) else None, theirs.path, theirs.location,
                            theirs.full_url)
        expected = tuple(identifier_pairs(theirs.resource)) if rtype in identifier_types else None
        assert mine.identifiers == expected
    return fast


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("read_types", [frozenset(), frozenset({"Observation", "Condition"}), NORMALIZED_TYPES])
def test_fixture_files_read_the_same_whatever_types_are_read(name, read_types):
    assert_same_reading(FIXTURES / name, read_types, DIRECTORY_TYPES)


def _file(tmp_path, text: bytes | str) -> Path:
    path = tmp_path / "b.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


OBS = '{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"pain"}}'
IRREGULAR = {
    "truncated": '{"resourceType":"Bundle","entry":[{"resource":' + OBS[:30],
    "not a bundle": OBS,
    "entry is an object": '{"resourceType":"Bundle","entry":{}}',
    "entry is null": '{"resourceType":"Bundle","entry":null}',
    "an entry is not an object": '{"resourceType":"Bundle","entry":[1,{"resource":' + OBS + '}]}',
    "a resource is a list": '{"resourceType":"Bundle","entry":[{"resource":[]}]}',
    "a resource without a type": '{"resourceType":"Bundle","entry":[{"resource":{"id":"x"}}]}',
    "an empty type": '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":""}}]}',
    "a type that is a number": '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":7}}]}',
    "a repeated type": '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation",'
                       '"resourceType":"Patient","id":"p"}}]}',
    "a repeated bundle member": '{"resourceType":"Bundle","entry":[],"entry":[{"resource":' + OBS + '}]}',
    "an integer over 64 bits": '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation",'
                               '"valueInteger":123456789012345678901234567890}}]}',
    "a lone surrogate": '{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"\\ud800"}}]}',
    "invalid UTF-8": b'{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","id":"\xff"}}]}',
}


@pytest.mark.parametrize("case", IRREGULAR)
def test_irregular_documents_are_left_to_the_general_reader(tmp_path, case):
    path = _file(tmp_path, IRREGULAR[case])
    assert _bundle_entries(path.read_bytes(), str(path), NORMALIZED_TYPES, DIRECTORY_TYPES) is None
    assert_same_reading(path, NORMALIZED_TYPES, DIRECTORY_TYPES)


def test_regular_odd_entries_read_as_the_general_reader_reads_them(tmp_path):
    document = (
        '{"resourceType":"Bundle","type":"batch-response","entry":['
        '{"response":{"status":"204"}},{"resource":null},'  # no resource: nothing to read
        '{"fullUrl":7,"resource":{"resourceType":"Claim","id":12}},'  # neither a string: none kept
        '{"fullUrl":"urn:uuid:l1","resource":{"resourceType":"Location","id":"l1",'
        '"identifier":[{"system":"s","value":"v"},{"system":"s"},"odd",{"system":"","value":"x"}]}},'
        '{"resource":{"resourceType":"Organization","id":"o1","identifier":[{"system":"s","value":5}]}},'
        '{"resource":{"resourceType":"Observation","id":"o2","status":"final","status":"amended"}},'
        '{"resource":{"resourceType":"Observation","id":"o3","valueQuantity":{"value":1.50},"note":[{"text":"\\u00e9\\/"}]}}]}')
    path = _file(tmp_path, document)
    fast = assert_same_reading(path, NORMALIZED_TYPES, DIRECTORY_TYPES)
    claim, location, organization, repeated, plain = fast
    assert type(claim) is ResourceHeader and claim.id is None and claim.full_url is None
    assert location.identifiers == (("s", "v"),)
    # A non-text identifier value is formatted by the dict path, as before.
    assert type(organization) is SourcedResource and organization.compact == orjson.dumps(organization.resource)
    assert repeated.resource["status"] == "amended" and repeated.compact is None
    assert plain.compact == orjson.dumps(plain.resource)


@pytest.mark.shared_data
def test_every_synthea_bundle_reads_as_the_general_reader_reads_it(shared_data_dir):
    paths = sorted((shared_data_dir / "fhir" / "synthea").glob("*.json.gz"))
    assert len(paths) > 100
    headers = compact = 0
    for path in paths:
        for item in assert_same_reading(path, NORMALIZED_TYPES, DIRECTORY_TYPES):
            headers += type(item) is ResourceHeader
            if type(item) is SourcedResource:
                # The text stored for these resources is what orjson writes for the parsed dict.
                assert item.compact == orjson.dumps(item.resource)
                compact += 1
    assert headers > 10_000 and compact > 25_000


def test_gzip_files_take_the_fast_reader_too(tmp_path):
    packed = tmp_path / "b.json.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "msk_positive_bundle.json").read_bytes()))
    items = assert_same_reading(packed, NORMALIZED_TYPES)
    assert items and all(type(i) is SourcedResource and i.compact for i in items)


def test_a_parser_whose_results_are_still_held_leaves_the_file_to_the_general_reader():
    from openmsk.interop import fhir_files

    path = FIXTURES / "msk_positive_bundle.json"
    data = path.read_bytes()
    assert _bundle_entries(data, str(path), NORMALIZED_TYPES, ()) is not None  # this thread's parser exists now
    held = fhir_files._PARSERS.parser.parse(data)  # a view into the parser, as a traceback could keep one
    assert _bundle_entries(data, str(path), NORMALIZED_TYPES, ()) is None
    assert_same_reading(path, NORMALIZED_TYPES)
    del held
    assert _bundle_entries(data, str(path), NORMALIZED_TYPES, ()) is not None


def test_a_document_over_the_kept_size_gets_a_parser_of_its_own(monkeypatch):
    from openmsk.interop import fhir_files

    path = FIXTURES / "msk_positive_bundle.json"
    data = path.read_bytes()
    assert _bundle_entries(data, str(path), NORMALIZED_TYPES, ()) is not None
    kept = fhir_files._PARSERS.parser
    held = kept.parse(data)  # the thread's parser is busy, so only a parser of its own can read the file
    monkeypatch.setattr(fhir_files, "KEEP_PARSER_BYTES", len(data) - 1)
    assert _bundle_entries(data, str(path), NORMALIZED_TYPES, ()) is not None
    assert fhir_files._PARSERS.parser is kept
    del held


def test_ndjson_lines_of_types_not_read_become_headers_and_the_rest_reads_as_before(tmp_path):
    lines = [
        '{"resourceType":"Claim","id":"c1","status":"active"}',
        '{"resourceType":"Organization","id":"o1","identifier":[{"system":"s","value":"v"}]}',
        '{"resourceType":"Organization","id":"o2","identifier":[{"system":"s","value":5}]}',  # dict path
        OBS,
        '{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:e","resource":'
        '{"resourceType":"Claim","id":"c2"}}]}',  # a Bundle on a line: its entries, as before
        '{"resourceType":"Claim","id":7}', '{"resourceType":"Claim", "id": "c3"', '[1]', '{"id":"x"}', '']
    path = tmp_path / "mixed.ndjson.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    items = assert_same_reading(path, NORMALIZED_TYPES, DIRECTORY_TYPES)
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["ResourceHeader", "ResourceHeader", "SourcedResource", "SourcedResource", "SourcedResource",
                     "ResourceHeader", "ReadProblem", "ReadProblem", "ReadProblem"]
    assert items[1].identifiers == (("s", "v"),) and items[5].id is None and items[0].location == "line 1"


@pytest.mark.shared_data
def test_synthea_resources_as_bulk_data_ndjson_read_as_the_general_reader_reads_them(shared_data_dir, tmp_path):
    path = sorted((shared_data_dir / "fhir" / "synthea").glob("*-bundle.json.gz"))[0]
    with gzip.open(path, "rb") as handle:
        entries = orjson.loads(handle.read())["entry"]
    ndjson = tmp_path / "export.ndjson"
    ndjson.write_bytes(b"\n".join(orjson.dumps(e["resource"]) for e in entries) + b"\n")
    items = assert_same_reading(ndjson, NORMALIZED_TYPES, DIRECTORY_TYPES)
    assert any(type(i) is ResourceHeader for i in items) and any(type(i) is SourcedResource for i in items)


def test_a_leading_byte_order_mark_is_ignored_by_both_readers(tmp_path):
    bundle = _file(tmp_path, b"\xef\xbb\xbf" + ('{"resourceType":"Bundle","entry":[{"resource":' + OBS + "}]}").encode())
    items = assert_same_reading(bundle, NORMALIZED_TYPES)
    assert [i.resource["id"] for i in items] == ["o1"]
    directory = _file(tmp_path, b"\xef\xbb\xbf" + b'{"resourceType":"Bundle","type":"batch","entry":[]}')
    assert looks_like_directory(directory)
    lines = tmp_path / "r.ndjson"
    lines.write_bytes(b"\xef\xbb\xbf" + b'{"resourceType":"Claim","id":"c1"}\n' + OBS.encode() + b"\n")
    assert [type(i).__name__ for i in assert_same_reading(lines, NORMALIZED_TYPES)] == ["ResourceHeader",
                                                                                      "SourcedResource"]
