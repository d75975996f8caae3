"""Real FHIR clients (SMART's fhirclient with strict R4 models, fhirpy) against the live FHIR API."""

import json
from datetime import UTC, date, datetime

from openmsk.intake.service import record_assessment
from openmsk.interop import synthetic
from openmsk.interop.service import import_paths
from tests.integration.clinic import PASSWORD, build_clinic


def _token(base: str, email: str) -> str:
    import httpx

    return httpx.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD}).json()["access_token"]


def _seed(db, tmp_path):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    with db.transaction() as session:
        for day, pain in ((2, 7), (9, 6), (16, 5), (23, 3)):
            record_assessment(session, member_id=ann, instrument="nrs", answers=[pain], actor=None,
                              taken_at=datetime(2026, 11, day, tzinfo=UTC))
        record_assessment(session, member_id=ann, instrument="gad7", answers=[1, 0, 1, 0, 0, 1, 0], actor=None,
                          taken_at=datetime(2026, 11, 2, tzinfo=UTC))
    bundle = synthetic.transaction([
        synthetic.patient("ann-ehr", given="Annabel", family="Quixotic", birth_date=date(1971, 3, 14), sex="female"),
        *synthetic.er_visit("ann-ehr", datetime(2026, 10, 20, tzinfo=UTC)),
        synthetic.opioid_prescription("ann-ehr", datetime(2026, 10, 20, tzinfo=UTC)),
        synthetic.mri_study("ann-ehr", datetime(2026, 10, 25, tzinfo=UTC))])
    (tmp_path / "ann.json").write_text(json.dumps(bundle))
    import_paths(db, [tmp_path / "ann.json"])
    return clinic


def test_fhirclient_reads_and_searches_with_strict_r4_models(db, live_server, tmp_path):
    from fhirclient import client
    from fhirclient.models.capabilitystatement import CapabilityStatement
    from fhirclient.models.encounter import Encounter
    from fhirclient.models.observation import Observation
    from fhirclient.models.patient import Patient

    clinic = _seed(db, tmp_path)
    ann = clinic.member_ids["ann"]
    smart = client.FHIRClient(settings={"app_id": "openmsk-test", "api_base": f"{live_server}/fhir/R4/"})
    smart.server.session.headers["Authorization"] = f"Bearer {_token(live_server, clinic.emails['pt_a'])}"
    statement = CapabilityStatement.read_from("metadata", smart.server)
    assert statement.fhirVersion == "4.0.1"
    patient = Patient.read(ann, smart.server)
    assert patient.name[0].family == "Quixotic" and patient.birthDate.isostring == "1971-03-14"
    pain = Observation.where(struct={"patient": ann, "code": "http://loinc.org|72514-3"}).perform_resources(smart.server)
    assert sorted(o.valueQuantity.value for o in pain) == [3, 5, 6, 7]
    visits = Encounter.where(struct={"patient": f"Patient/{ann}"}).perform_resources(smart.server)
    assert [v.class_fhir.code for v in visits] == ["EMER"]


def test_fhirpy_pages_through_everything_for_a_member(db, live_server, tmp_path):
    from fhirpy import SyncFHIRClient

    clinic = _seed(db, tmp_path)
    ann = clinic.member_ids["ann"]
    fhir = SyncFHIRClient(f"{live_server}/fhir/R4", authorization=f"Bearer {_token(live_server, clinic.emails['ann'])}")
    observations = fhir.resources("Observation").search(patient=ann).limit(2).fetch_all()
    assert len(observations) == 5  # four pain scores and a GAD-7 total, fetched two per page
    requests = fhir.resources("MedicationRequest").search(patient=ann).fetch()
    assert requests[0]["medicationCodeableConcept"]["coding"][0]["code"] == "1049621"
    assert fhir.resources("Goal").search(patient=ann).fetch()[0]["lifecycleStatus"] == "active"
