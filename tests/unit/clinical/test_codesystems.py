"""Code-system URIs and OIDs map to OpenMSK's short names."""

from __future__ import annotations

import pytest

from openmsk.clinical.codesystems import normalize_code, short_system


@pytest.mark.parametrize(("uri", "short"), [
    ("http://snomed.info/sct", "snomed"), ("urn:oid:2.16.840.1.113883.6.96", "snomed"),
    ("http://hl7.org/fhir/sid/icd-10-cm", "icd10cm"), ("http://www.ama-assn.org/go/cpt", "cpt"),
    ("http://www.nlm.nih.gov/research/umls/rxnorm", "rxnorm"), ("https://loinc.org/", "loinc"),
    ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "actcode"), ("http://example.org/codes", None), (None, None),
])
def test_known_systems_map_to_short_names(uri, short):
    assert short_system(uri) == short


def test_icd10_codes_lose_the_dot_and_become_upper_case():
    assert normalize_code("icd10cm", "m54.5") == "M545"
    assert normalize_code("snomed", " 123 ") == "123"
