"""The import's fast paths give the same answers as the plain ones: ids, references, COPY text."""

import json
import uuid

import orjson

from openmsk.interop.references import Resolver
from openmsk.interop.store import RECORD_NAMESPACE, RecordIds, RecordRow, _copy_buffer, _copy_text, record_id


def _unescape_copy(field: str):
    """PostgreSQL COPY text format read back (https://www.postgresql.org/docs/15/sql-copy.html)."""
    if field == "\\N":
        return None
    out, chars = [], iter(field)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars)
            out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[nxt])
        else:
            out.append(ch)
    return "".join(out)


def test_record_ids_are_the_rfc_4122_uuid5_of_source_type_and_id():
    cases = [("urn:openmsk:source:files", "Patient", "p-1"), ("https://ehr.example/fhir", "Observation", "é" * 70),
             ("urn:openmsk:source:files", "Observation", "p-1"), ("urn:openmsk:source:files", "Patient", "")]
    ids = {source: RecordIds(source) for source, _, _ in cases}
    for _ in range(2):  # the second round reuses each type's hashed prefix
        for source, rtype, rid in cases:
            expected = str(uuid.uuid5(RECORD_NAMESPACE, f"{source}\x1f{rtype}\x1f{rid}"))
            assert record_id(source, rtype, rid) == ids[source].record_id(rtype, rid) == expected


def test_compact_serializations_resolve_like_spaced_ones_and_count_the_same():
    resource = {"resourceType": "Encounter", "subject": {"reference": "urn:uuid:p1"},
                "participant": [{"individual": {"reference": "Practitioner?identifier=npi|1"}},
                                {"individual": {"reference": "Practitioner?identifier=npi|2"}}],
                "note": [{"text": 'said "reference": "urn:uuid:p1" aloud \\ twice'}],
                "serviceProvider": {"reference": "urn:uuid:nowhere"}, "basedOn": [{"reference": "#c1"}]}
    targets, directory = {"urn:uuid:p1": "Patient/p1"}, {"Practitioner?identifier=npi|1": "Practitioner/a"}
    spaced, compact = Resolver(targets, directory), Resolver(targets, directory)
    from_text = json.loads(spaced.resolve_text(json.dumps(resource)))
    from_bytes = orjson.loads(compact.resolve_bytes(orjson.dumps(resource)))
    assert from_bytes == from_text
    assert from_bytes["subject"] == {"reference": "Patient/p1"}
    assert from_bytes["note"] == resource["note"]  # text that looks like a reference is left alone
    assert spaced.unresolved == compact.unresolved == 2


def test_copy_rows_escape_tabs_newlines_backslashes_and_nulls():
    assert _copy_text(None) == "\\N" and _copy_text("plain") == "plain"
    awkward = "a\tb\nc\rd\\e \\N"
    row = RecordRow(id="1", member_id=None, resource_type="Observation", source_system="urn:x", source_id="o1",
                    patient_ref=None, version_id=None, last_updated=None, code="s|c", display=awkward,
                    status="final", effective=None, content_hash="h", provenance='{"file":"C:\\\\in"}',
                    resource_json=orjson.dumps({"text": awkward}))
    lines = _copy_buffer([row, row._replace(id="2", display="plain")]).decode().split("\n")
    assert lines[-1] == "" and len(lines) == 3
    first = [_unescape_copy(f) for f in lines[0].split("\t")]
    assert len(first) == 15
    assert first[1] is None and first[9] == awkward and first[13] == row.provenance
    assert orjson.loads(first[14]) == {"text": awkward}
    assert [_unescape_copy(f) for f in lines[1].split("\t")][9] == "plain"


def test_indented_json_text_is_escaped_whole():
    row = RecordRow(id="1", member_id=None, resource_type="Patient", source_system="s", source_id="p",
                    patient_ref=None, version_id=None, last_updated=None, code=None, display=None,
                    status=None, effective=None, content_hash="h", provenance="{}",
                    resource_json=json.dumps({"name": "a\\b"}, indent=2))
    line = _copy_buffer([row]).decode().split("\n")[0]
    assert json.loads(_unescape_copy(line.split("\t")[-1])) == {"name": "a\\b"}


def test_escaped_and_repeated_references_resolve_like_the_spaced_text_and_count_each_occurrence():
    resource = {"resourceType": "Observation", "subject": {"reference": "urn:uuid:p1"},
                "performer": [{"reference": "urn:uuid:p1"}, {"reference": "urn:uuid:gone"},
                              {"reference": "urn:uuid:gone"}, {"reference": 'Practitioner?identifier=a|"b"'},
                              {"reference": "#inline"}, {"reference": "Patient/7"}],
                "note": [{"text": "\u00e9 \\ \t"}]}
    targets = {"urn:uuid:p1": "Patient/p1", "urn:uuid:gone2": "Patient/x"}
    directory = {'Practitioner?identifier=a|"b"': "Practitioner/q"}
    spaced, compact = Resolver(targets, directory), Resolver(targets, directory)
    expected = json.loads(spaced.resolve_text(json.dumps(resource)))
    for _ in range(2):  # the second pass reads the remembered elements
        assert orjson.loads(compact.resolve_bytes(orjson.dumps(resource))) == expected
    assert expected["performer"][3] == {"reference": 'Practitioner?identifier=a|"b"'}  # escaped: kept as text
    assert expected["performer"][0] == {"reference": "Patient/p1"} and expected["performer"][4] == {"reference": "#inline"}
    # Two dangling urn:uuid and the escaped conditional reference (looked up as written) per pass.
    assert spaced.unresolved == 3 and compact.unresolved == 6
    assert compact.resolve_bytes(b'{"resourceType":"Patient"}') == b'{"resourceType":"Patient"}'


def test_directory_entry_ids_are_uuid5_of_the_query():
    from openmsk.interop.store import uuid5_text

    for name in ("", "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|999", "\u4e2d" * 300):
        assert uuid5_text(name) == str(uuid.uuid5(RECORD_NAMESPACE, name))


def test_provenance_is_written_as_the_plain_document_would_be():
    from openmsk.interop.fhir_files import SourcedResource
    from openmsk.interop.import_rows import RowMaker

    maker = RowMaker('urn:src "x"', "C:\\in\tfolder/\u00e9.json", Resolver({}, {}), lambda ref: None)
    for full_url in ("urn:uuid:1", None):
        item = SourcedResource({"resourceType": "Patient", "id": "p"}, "f", "entry 3", full_url)
        assert maker._provenance(item) == orjson.dumps({"source": 'urn:src "x"', "file": "C:\\in\tfolder/\u00e9.json",
                                                        "location": "entry 3", "fullUrl": full_url}).decode()


def test_the_collector_is_paused_for_a_group_and_restored_even_on_error():
    import gc

    import pytest

    from openmsk.interop.import_rows import gc_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()
