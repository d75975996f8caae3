"""The import's fast paths give the same answers as the plain ones: ids, references, provenance."""

import json
import uuid

import orjson

from openmsk.interop.references import Resolver
from openmsk.interop.store import RECORD_NAMESPACE, RecordIds, record_id


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


def _group_texts() -> list[bytes]:
    """Compact resources of one group: references resolved, dangling, conditional, local, repeated, none."""
    return [orjson.dumps(resource) for resource in (
        {"resourceType": "Patient", "id": "p1"},
        {"resourceType": "Encounter", "subject": {"reference": "urn:uuid:p1"},
         "participant": [{"individual": {"reference": "Practitioner?identifier=npi|1"}},
                         {"individual": {"reference": "Practitioner?identifier=npi|2"}}]},
        {"resourceType": "Observation", "subject": {"reference": "urn:uuid:p1"}, "hasMember": [
            {"reference": "urn:uuid:gone"}, {"reference": "urn:uuid:gone"}, {"reference": "#c1"},
            {"reference": "Patient/7"}], "note": [{"text": 'said "reference": "urn:uuid:p1" \\ \u00e9'}]},
        {"resourceType": "Condition", "subject": {"reference": ""}, "note": [{"text": "line\nbreak"}]},
    )]


def _resolvers() -> tuple[Resolver, Resolver]:
    targets, directory = {"urn:uuid:p1": "Patient/p1"}, {"Practitioner?identifier=npi|1": "Practitioner/a"}
    return Resolver(targets, directory), Resolver(targets, directory)


def test_a_whole_group_resolves_in_one_pass_like_each_resource_alone():
    texts = _group_texts()
    one_by_one, together = _resolvers()
    for _ in range(2):  # the second pass reads the remembered elements
        assert together.resolve_many(texts) == [one_by_one.resolve_bytes(text) for text in texts]
    assert together.unresolved == one_by_one.unresolved == 6  # npi|2 and two dangling urn:uuid, twice
    assert orjson.loads(together.resolve_many(texts)[2])["subject"] == {"reference": "Patient/p1"}
    assert together.resolve_many([]) == [] and together.resolve_many([b"{}"]) == [b"{}"]


def test_a_group_the_single_pass_cannot_split_is_resolved_resource_by_resource():
    escaped = orjson.dumps({"resourceType": "Observation", "subject": {"reference": 'urn:uuid:"p1"'},
                            "focus": [{"reference": "urn:uuid:p1"}]})
    indented = json.dumps({"resourceType": "Observation", "subject": {"reference": "urn:uuid:p1"}},
                          indent=1).encode()
    backslash = orjson.dumps({"resourceType": "Observation", "subject": {"reference": "urn:uuid:p1\\x"}})
    for odd in (escaped, indented, backslash):
        texts = [*_group_texts(), odd]
        one_by_one, together = _resolvers()
        assert together.resolve_many(texts) == [one_by_one.resolve_bytes(text) for text in texts]
        assert together.unresolved == one_by_one.unresolved


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
                                                        "location": "entry 3", "fullUrl": full_url})


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


def test_a_target_no_utf8_text_can_hold_leaves_the_reference_as_written():
    texts = [orjson.dumps({"resourceType": "Observation", "focus": [{"reference": "urn:uuid:c1"}],
                           "subject": {"reference": "urn:uuid:p1"}})]
    targets = {"urn:uuid:c1": "Claim/\ud800", "urn:uuid:p1": "Patient/p1"}
    for resolve in (lambda r: r.resolve_many(texts), lambda r: [r.resolve_bytes(t) for t in texts]):
        resolver = Resolver(targets, {})
        assert [orjson.loads(t) for t in resolve(resolver)] == [
            {"resourceType": "Observation", "focus": [{"reference": "urn:uuid:c1"}],
             "subject": {"reference": "Patient/p1"}}]
        assert resolver.unresolved == 1
