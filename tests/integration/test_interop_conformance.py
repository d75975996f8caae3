"""HL7's official FHIR R4 examples (npm hl7.fhir.r4.examples@4.0.1, CC0) go through the importer."""

import json

from openmsk.interop.normalize import NORMALIZED_TYPES
from openmsk.interop.service import import_paths
from tests.integration.test_interop_medplum import ensure_peer_packages


def test_every_official_example_of_the_imported_types_is_accepted_and_broken_copies_name_the_element(db, tmp_path):
    folder = ensure_peer_packages("hl7.fhir.r4.examples") / "hl7.fhir.r4.examples"
    files = sorted(p for t in NORMALIZED_TYPES for p in folder.glob(f"{t}-*.json"))
    assert len(files) > 200
    first = import_paths(db, files, source_system="urn:test:hl7-examples")
    assert first.rejected == [] and sum(first.resources.values()) == len(files)
    assert import_paths(db, files, source_system="urn:test:hl7-examples").written == 0
    broken = json.loads((folder / "Observation-example.json").read_text())
    del broken["code"]
    request = json.loads((folder / "MedicationRequest-medrx0301.json").read_text())
    request["authoredOn"] = "15 January 2015"
    (tmp_path / "broken.ndjson").write_text(json.dumps(broken) + "\n" + json.dumps(request) + "\n")
    again = import_paths(db, [tmp_path / "broken.ndjson"], source_system="urn:test:broken")
    assert [r["error"] for r in again.rejected] == ["Observation.code: required element missing",
                                                   "MedicationRequest.authoredOn: not a valid FHIR dateTime"]
