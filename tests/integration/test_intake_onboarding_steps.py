"""PEG, PSFS and the region scale in the onboarding, and reassessments answered one screen at a time."""

import json
import re

from sqlalchemy import select

from openmsk.intake.models import Assessment, IntakeDraft, IntakeSubmission, ReassessmentDraft
from tests.integration.clinic import PASSWORD, bearer, build_clinic

ACTIVITIES = ["climbing stairs", "kneeling in the garden", "driving"]
WHOLE = {
    "nrs": [6], "peg": [6, 5, 7], "psfs": [3, 4, 6], "koos_jr": [2, 2, 1, 2, 1, 2, 2],
    "odi": [2, 2, 2, 2, 1, 1, 2, 1, 1, 2], "phq9": [0, 1, 0, 1, 0, 0, 0, 0, 0], "gad7": [1, 0, 0, 1, 0, 0, 0],
    "red_flags": [0] * 9, "lifestyle": {"body_regions": ["knee", "low_back"], "height_cm": 170, "weight_kg": 68},
}


def _sign_in(client, email):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False)


def _config(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="intake-config">(.*?)</script>', html, re.S)
                      .group(1))


def _submit(client, clinic) -> str:
    ann = clinic.member_ids["ann"]
    response = client.post(f"/api/v1/members/{ann}/intake", headers=bearer(client, clinic.emails["ann"]),
                           json={"answers": WHOLE, "psfs_activities": ACTIVITIES, "idempotency_key": "whole-0001"})
    assert response.status_code == 201, response.text
    return ann


def test_a_draft_with_peg_psfs_and_the_region_scale_resumes_on_another_device(db, client):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    phone, laptop = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["ann"])
    partial = {"answers": {"nrs": [6], "peg": [6, 5, 7], "lifestyle": {"body_regions": ["knee"]},
                           "koos_jr": [2, 2, None, None, None, None, None], "psfs": [3, None, None]},
               "psfs_activities": ["climbing stairs", "", ""], "position": 8}
    assert client.put(f"/api/v1/members/{ann}/intake/draft", json=partial, headers=phone).status_code == 200
    resumed = client.get(f"/api/v1/members/{ann}/intake/draft", headers=laptop).json()
    assert (resumed["answers"], resumed["psfs_activities"], resumed["position"]) == (
        partial["answers"], partial["psfs_activities"], 8)
    long_name = {**partial, "psfs_activities": ["x" * 201, "", ""]}
    refused = client.put(f"/api/v1/members/{ann}/intake/draft", json=long_name, headers=phone)
    assert refused.status_code == 422 and "psfs_activities" in refused.text and "x" * 50 not in refused.text
    assert client.get(f"/api/v1/members/{ann}/intake/draft", headers=laptop).json()["psfs_activities"][0] == (
        "climbing stairs")


def test_the_onboarding_page_offers_peg_psfs_and_every_region_scale_with_the_drafts_url(db, client):
    clinic = build_clinic(db)
    _sign_in(client, clinic.emails["ann"])
    config = _config(client.get("/me/intake").text)
    ann = clinic.member_ids["ann"]
    assert config["draft_url"] == f"/api/v1/members/{ann}/intake/draft"
    keys = [s["key"] for s in config["screens"]]
    assert keys.index("lifestyle.body_regions") < min(keys.index(f"{i}.1") for i in ("odi", "koos_jr", "quickdash"))
    assert {"peg.1", "peg.3", "psfs.1", "psfs.3"} <= set(keys)
    assert config["sizes"]["psfs"] == 3 and config["sizes"]["koos_jr"] == 7


def test_peg_psfs_and_region_scales_are_scored_stored_and_shown_to_the_member_and_the_pt(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    with db.transaction() as session:
        stored = {a.instrument: a for a in session.scalars(select(Assessment).where(Assessment.member_id == ann))}
        document = session.scalar(select(IntakeSubmission.document).where(IntakeSubmission.member_id == ann))
    assert stored["peg"].total == 6.0 and stored["psfs"].total == 13 / 3
    assert stored["odi"].total == 32.0 and stored["odi"].severity == "moderate"  # 16/50 (Fairbank 2000)
    assert stored["koos_jr"].subscores["raw_sum"] == 12 and stored["koos_jr"].program_week == 0
    assert document["psfs_activities"] == ACTIVITIES
    _sign_in(client, clinic.emails["ann"])
    results = client.get("/me/intake/results").text
    assert "Pain and how it gets in the way (PEG)" in results and "6.0 of 10" in results
    assert "Activities you find hard (PSFS)" in results and "climbing stairs" in results
    assert "Low back function (ODI)" in results and "32%: moderate disability" in results
    assert "Knee function (KOOS JR)" in results
    client.cookies.clear()
    _sign_in(client, clinic.emails["pt_a"])
    summary = client.get(f"/console/members/{ann}/intake").text
    table = summary[summary.index('data-testid="function-scores"'):]
    assert "pain 6, enjoyment 5, general activity 7" in table
    assert "climbing stairs: 3/10; kneeling in the garden: 4/10; driving: 6/10" in table
    assert "moderate" in table and "raw sum 12" in table


def test_a_reassessment_draft_resumes_on_another_device_and_clears_when_submitted(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    phone, laptop = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["ann"])
    url = f"/api/v1/members/{ann}/reassessments/phq9/draft"
    saved = client.put(url, headers=phone, json={"answers": [1, 0, 2] + [None] * 6, "position": 3,
                                                  "idempotency_key": "re-phq9-draft-1"})
    assert saved.status_code == 200, saved.text
    resumed = client.get(url, headers=laptop).json()
    assert (resumed["answers"][:3], resumed["position"], resumed["idempotency_key"]) == ([1, 0, 2], 3,
                                                                                        "re-phq9-draft-1")
    assert client.get(url, headers=bearer(client, clinic.emails["pt_a"])).status_code == 403
    assert client.put(f"/api/v1/members/{ann}/reassessments/red_flags/draft", headers=phone,
                      json={"answers": [0]}).status_code == 422
    assert client.put(url, headers=phone, json={"answers": [0] * 10}).status_code == 422
    done = client.post(f"/api/v1/members/{ann}/assessments", headers=laptop,
                       json={"instrument": "phq9", "answers": [1, 0, 2, 0, 0, 0, 0, 0, 0],
                             "idempotency_key": "re-phq9-draft-1"})
    assert done.status_code == 201 and done.json()["total"] == 3
    assert client.get(url, headers=phone).json()["answers"] == []
    with db.transaction() as session:
        assert session.scalar(select(ReassessmentDraft).where(ReassessmentDraft.member_id == ann)) is None
        assert session.get(IntakeDraft, ann) is None


def test_every_due_reassessment_opens_as_screens_with_the_intake_activities_and_licence_notes(db, client):
    clinic = build_clinic(db)
    ann = _submit(client, clinic)
    _sign_in(client, clinic.emails["ann"])
    psfs = _config(client.get("/me/reassessments/psfs").text)
    assert [s["activity"] for s in psfs["screens"]] == ACTIVITIES and psfs["sizes"] == {"psfs": 3}
    assert psfs["draft_url"] == f"/api/v1/members/{ann}/reassessments/psfs/draft"
    odi = _config(client.get("/me/reassessments/odi").text)
    assert len(odi["screens"]) == 10 and odi["screens"][2]["counter"] == "Item 3 of 10"
    assert "licensed" in odi["screens"][2]["note"] and odi["screens"][2]["text"] == "Lifting"
    phq9 = _config(client.get("/me/reassessments/phq9").text)
    assert phq9["mode"] == "reassessment" and len(phq9["screens"]) == 9 and phq9["key"].startswith("re-phq9-")
    assert client.get("/me/reassessments/red_flags").status_code == 404
