"""A real FHIR server as the provider's EHR: Medplum's in-memory router (tests/peers/server.mjs)."""

import gzip
import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from openmsk.interop.exchange import grant_consent, push_summary
from openmsk.interop.models import ClinicalRecord, PatientLink
from openmsk.interop.normalize import NORMALIZED_TYPES
from openmsk.interop.pull import pull_patient
from tests.conftest import require_service

PEER = Path(__file__).resolve().parents[1] / "peers"


def ensure_peer_packages(marker: str) -> Path:
    """tests/peers/node_modules, installed with `npm ci` when `marker` is missing (fails if required)."""
    if not shutil.which("node") or not shutil.which("npm"):
        require_service("Node.js and npm (for the FHIR peers)")
    if not (PEER / "node_modules" / marker).exists():
        installed = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER, capture_output=True, timeout=600)
        if installed.returncode:
            require_service("npm packages in tests/peers (npm ci failed)")
    return PEER / "node_modules"


@pytest.fixture(scope="module")
def medplum():
    """The peer server on a free loopback port; installs its npm packages (npm ci) when missing."""
    ensure_peer_packages("@medplum/fhir-router")
    process = subprocess.Popen(["node", "server.mjs", "0"], cwd=PEER, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"Medplum peer did not start: {process.stderr.read()[-500:]}")
        yield f"http://127.0.0.1:{json.loads(line)['port']}/fhir/R4"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_pull_a_synthea_record_from_medplum_and_push_the_care_summary_back(db, medplum, shared_data_dir):
    path = min((shared_data_dir / "fhir" / "synthea").glob("*-bundle.json.gz"), key=os.path.getsize)
    with gzip.open(path, "rt") as handle:
        bundle = json.load(handle)
    expected = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    http = httpx.Client(timeout=60)
    loaded = http.post(medplum, json=bundle, headers={"Content-Type": "application/fhir+json"})
    assert loaded.status_code == 200, loaded.text[:300]
    patient_ref = next(e["response"]["location"] for e in loaded.json()["entry"]
                       if e["response"]["location"].startswith("Patient/"))
    patient_id = patient_ref.split("/")[1]

    summary = pull_patient(db, base_url=medplum, patient_id=patient_id, http=http, create_members=True, page_size=20)
    assert summary.rejected == []
    assert dict(summary.resources) == {t: n for t, n in expected.items() if t in NORMALIZED_TYPES}
    with db.transaction() as session:
        member_id = session.scalar(select(PatientLink.member_id).where(PatientLink.source_system == medplum))
        stored = Counter(session.scalars(select(ClinicalRecord.resource_type).where(
            ClinicalRecord.member_id == member_id)))
        grant_consent(session, member_id=member_id, provider="Medplum test EHR", endpoint=medplum, actor=None)
    assert stored == summary.resources
    assert pull_patient(db, base_url=medplum, patient_id=patient_id, http=http).written == 0

    pushed = push_summary(db, member_id=member_id, endpoint=medplum, http=http, backoff_s=0)
    assert pushed["sent"], pushed
    statuses = {e["response"]["status"][:3] for e in pushed["response"]["entry"]}
    assert statuses <= {"200", "201"}
    read_back = http.get(f"{medplum}/CarePlan/careplan-{member_id}").json()
    assert read_back["resourceType"] == "CarePlan" and read_back["subject"]["reference"] == f"Patient/{member_id}"
    notes = http.get(f"{medplum}/DocumentReference", params={"subject": f"Patient/{member_id}"}).json()
    assert notes["entry"][0]["resource"]["type"]["coding"][0]["code"] == "11506-3"
