"""Submitting the onboarding intake: whole or nothing, idempotent, routed, and safe within the request."""

import copy

from sqlalchemy import func, select

from openmsk.auth.service import create_user
from openmsk.careteam import service as careteam
from openmsk.careteam.models import CareTeamAssignment, Task
from openmsk.intake.models import Assessment, IntakeDraft, IntakeSubmission
from openmsk.jobs import job, subscribe
from tests.integration.clinic import bearer, build_clinic

CALM = {
    "nrs": [4], "phq9": [0, 1, 0, 1, 0, 0, 0, 0, 0], "gad7": [1, 0, 0, 1, 0, 0, 0],
    "red_flags": [0, 0, 0, 0, 0, 0, 0, 0, 0],
    "lifestyle": {"height_cm": 170, "weight_kg": 68, "body_regions": ["low_back"], "opioid_use": "none",
                  "surgery_intent": 1, "goals": ["less_pain"]},
}
SIGNALS: list[dict] = []


@job("test.intake_capture_signal")
def _capture(ctx, **payload) -> None:
    SIGNALS.append(payload)


subscribe("signal.reported", "test.intake_capture_signal")


def _doc(key: str, **changes) -> dict:
    answers = copy.deepcopy(CALM)
    for instrument, value in changes.items():
        answers[instrument] = value
    return {"answers": answers, "idempotency_key": key}


def _add_clinicians(db, role: str, count: int) -> list[str]:
    ids = []
    with db.transaction() as session:
        for i in range(count):
            user = create_user(session, email=f"{role}{i}@clinic.test", display_name=f"{role} {i}",
                               roles={role}, password="correct horse battery")
            ids.append(careteam.create_clinician(session, user_id=user.id, role=role,
                                                 display_name=f"{role} {i}").id)
    return ids


def _count(db, model, **where) -> int:
    with db.transaction() as session:
        query = select(func.count()).select_from(model)
        for column, value in where.items():
            query = query.where(getattr(model, column) == value)
        return session.scalar(query)


def test_a_calm_intake_records_every_instrument_and_opens_the_first_tasks(db, client):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    response = client.post(f"/api/v1/members/{ann}/intake", json=_doc("first-intake-01"),
                           headers=bearer(client, clinic.emails["ann"]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["risk_level"] == "low" and body["crisis_resources"] is None and not body["exercise_hold"]
    assert [r["role"] for r in body["roles"]] == ["physical_therapist", "health_coach"]
    assert {s["instrument"] for s in body["scores"]} == set(CALM)
    assert all(s["program_week"] == 0 for s in body["scores"])
    kinds = {t["kind"]: t for t in body["tasks"]}
    assert set(kinds) == {"review_intake", "welcome_call"}
    assert kinds["review_intake"]["due_at"] < kinds["welcome_call"]["due_at"]
    assert _count(db, Assessment, member_id=ann) == len(CALM)


def test_a_repeated_submission_returns_the_stored_intake_without_duplicates(db, client):
    clinic = build_clinic(db)
    ann, headers = clinic.member_ids["ann"], bearer(client, clinic.emails["ann"])
    first = client.post(f"/api/v1/members/{ann}/intake", json=_doc("same-key-0001"), headers=headers)
    again = client.post(f"/api/v1/members/{ann}/intake", json=_doc("same-key-0001"), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and len(again.json()["tasks"]) == len(first.json()["tasks"])
    assert _count(db, Assessment, member_id=ann) == len(CALM)
    assert _count(db, Task, member_id=ann) == len(first.json()["tasks"])
    other = client.post(f"/api/v1/members/{ann}/intake", json=_doc("another-key-02"), headers=headers)
    assert other.status_code == 409


def test_an_invalid_answer_refuses_the_whole_intake_and_names_the_item(db, client):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    bad = _doc("bad-intake-001", phq9=[0, 1, 0, 1, 0, 0, 0, 0, 4])
    response = client.post(f"/api/v1/members/{ann}/intake", json=bad, headers=bearer(client, clinic.emails["ann"]))
    assert response.status_code == 422
    assert "phq9 item 9" in response.json()["error"]["message"]
    missing = _doc("bad-intake-002")
    del missing["answers"]["red_flags"]
    response = client.post(f"/api/v1/members/{ann}/intake", json=missing, headers=bearer(client, clinic.emails["ann"]))
    assert response.status_code == 422 and "red_flags" in response.json()["error"]["message"]
    for model in (Assessment, Task, IntakeSubmission):
        assert _count(db, model, member_id=ann) == 0


def test_a_red_flag_opens_an_urgent_physician_task_and_holds_exercise_within_the_request(db, client, services):
    clinic = build_clinic(db)
    (physician,) = _add_clinicians(db, "physician", 1)
    ann = clinic.member_ids["ann"]
    SIGNALS.clear()
    flagged = _doc("red-flag-0001", red_flags=[0, 1, 0, 0, 0, 0, 0, 0, 0])
    response = client.post(f"/api/v1/members/{ann}/intake", json=flagged, headers=bearer(client, clinic.emails["ann"]))
    assert response.status_code == 201
    body = response.json()
    assert body["exercise_hold"] and body["risk_level"] == "high"
    with db.transaction() as session:
        urgent = session.scalars(select(Task).where(Task.member_id == ann, Task.priority == "urgent")).all()
    assert [(t.kind, t.assignee_role, t.assignee_clinician_id) for t in urgent] == [
        ("urgent_physician_review", "physician", physician)]
    services.queue.join()
    assert [(s["kind"], s["member_id"]) for s in SIGNALS] == [("red_flag_reported", ann)]
    assert "saddle" not in SIGNALS[0]["text"] and SIGNALS[0]["signal_id"]
    release = f"/api/v1/members/{ann}/intake/exercise-hold/release"
    refused = client.post(release, json={"reason": "reviewed"}, headers=bearer(client, clinic.emails["pt_a"]))
    lifted = client.post(release, json={"reason": "reviewed, no cauda equina signs"},
                         headers=bearer(client, "physician0@clinic.test"))
    assert refused.status_code == 403 and lifted.json()["exercise_hold"] is False


def test_a_positive_item_9_opens_an_urgent_behavioral_health_task_and_returns_crisis_resources(db, client):
    clinic = build_clinic(db)
    (bh,) = _add_clinicians(db, "behavioral_health", 1)
    bob = clinic.member_ids["bob"]
    doc = _doc("item-nine-0001", phq9=[1, 1, 1, 1, 0, 0, 0, 0, 1])
    response = client.post(f"/api/v1/members/{bob}/intake", json=doc, headers=bearer(client, clinic.emails["bob"]))
    body = response.json()
    assert response.status_code == 201
    assert body["crisis_resources"]["call"] == "988" and "988" in body["crisis_resources"]["message"]
    urgent = [t for t in body["tasks"] if t["priority"] == "urgent"]
    assert [(t["kind"], t["assignee_role"]) for t in urgent] == [("urgent_behavioral_health", "behavioral_health")]
    with db.transaction() as session:
        task = session.get(Task, urgent[0]["id"])
        assert task.assignee_clinician_id == bh


def test_routing_adds_the_needed_roles_and_balances_their_load(db, client):
    clinic = build_clinic(db)
    first, second = _add_clinicians(db, "behavioral_health", 2)
    nutritionists = _add_clinicians(db, "nutritionist", 1)
    with db.transaction() as session:  # the first clinician already serves cat
        careteam.assign(session, member_id=clinic.member_ids["cat"], clinician_id=first,
                        role="behavioral_health", actor=None, reason="test")
    low_mood = [2, 2, 1, 2, 1, 2, 1, 0, 0]  # PHQ-9 total 11: moderate
    chosen = {}
    for key in ("ann", "bob"):
        doc = _doc(f"routing-{key}-01", phq9=low_mood,
                   lifestyle={**CALM["lifestyle"], "weight_kg": 95})  # BMI 32.9
        response = client.post(f"/api/v1/members/{clinic.member_ids[key]}/intake", json=doc,
                               headers=bearer(client, clinic.emails[key]))
        roles = {r["role"]: r["reasons"] for r in response.json()["roles"]}
        assert set(roles) == {"physical_therapist", "health_coach", "behavioral_health", "nutritionist"}
        assert roles["nutritionist"] == ["BMI at or above 30"]
        with db.transaction() as session:
            chosen[key] = session.scalar(select(CareTeamAssignment.clinician_id).where(
                CareTeamAssignment.member_id == clinic.member_ids[key],
                CareTeamAssignment.role == "behavioral_health"))
    assert chosen["ann"] == second  # the less-loaded clinician
    with db.transaction() as session:
        loads = {c.id: n for c, n in careteam.clinician_loads(session, role="behavioral_health")}
    assert sorted(loads.values()) in ([1, 2], [2, 1])  # three members over two clinicians, balanced
    with db.transaction() as session:
        fed = session.scalars(select(CareTeamAssignment.clinician_id).where(
            CareTeamAssignment.role == "nutritionist")).all()
    assert fed == nutritionists * 2


def test_only_the_member_may_submit_their_intake(db, client):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    as_pt = client.post(f"/api/v1/members/{ann}/intake", json=_doc("pt-tries-0001"),
                        headers=bearer(client, clinic.emails["pt_a"]))
    as_bob = client.post(f"/api/v1/members/{ann}/intake", json=_doc("bob-tries-001"),
                         headers=bearer(client, clinic.emails["bob"]))
    assert (as_pt.status_code, as_bob.status_code) == (403, 403)
    assert _count(db, IntakeSubmission, member_id=ann) == 0


def test_a_draft_saved_on_one_device_resumes_on_another_and_is_cleared_by_submission(db, client):
    clinic = build_clinic(db)
    ann = clinic.member_ids["ann"]
    phone, laptop = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["ann"])
    partial = {"answers": {"nrs": [6], "phq9": [1, 0, None, None, None, None, None, None, None]}, "position": 3}
    saved = client.put(f"/api/v1/members/{ann}/intake/draft", json=partial, headers=phone)
    assert saved.status_code == 200, saved.text
    resumed = client.get(f"/api/v1/members/{ann}/intake/draft", headers=laptop).json()
    assert resumed["answers"] == partial["answers"] and resumed["position"] == 3
    bad = client.put(f"/api/v1/members/{ann}/intake/draft", json={"answers": {"mood": [1]}}, headers=phone)
    assert bad.status_code == 422
    client.post(f"/api/v1/members/{ann}/intake", json=_doc("after-draft-01"), headers=laptop)
    assert _count(db, IntakeDraft, member_id=ann) == 0
