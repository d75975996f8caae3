"""Coaching API on both databases: goals, logs with bad input, imports, medication MME, body, notes, panel."""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from openmsk.jobs import registry as jobs_registry

from openmsk.coaching.service import daily_mme_by_week
from openmsk.intake.service import record_assessment
from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _base(clinic, who="ann") -> str:
    return f"/api/v1/members/{clinic.member_ids[who]}/coaching"


def _session(start="2026-11-20T18:00:00-05:00", **change) -> dict:
    return {"start": start, "duration_min": 30, "mode": "conventional", "intensity": 25,
            "body_site": "lower_back", "pain_before": 6, "pain_after": 3} | change


def test_goal_check_ins_build_a_streak_and_a_weekly_summary(client, clinic):
    coach, ann = bearer(client, clinic.emails["coach"]), bearer(client, clinic.emails["ann"])
    goal = client.post(f"{_base(clinic)}/goals", headers=coach, json={
        "habit": "walking_minutes", "what": "Walk after lunch", "target": 20, "days_per_week": 3,
        "by_date": "2027-02-01", "confidence": 7}).json()
    today = datetime.now(ZoneInfo("America/New_York")).date()  # the member's local today
    for back, minutes in ((0, 25), (1, 30), (2, 10), (3, 40)):
        response = client.post(f"{_base(clinic)}/goals/{goal['id']}/checkins", headers=ann,
                               json={"day": (today - timedelta(days=back)).isoformat(), "value": minutes})
        assert response.status_code == 201
    again = client.post(f"{_base(clinic)}/goals/{goal['id']}/checkins", headers=ann,
                        json={"day": (today - timedelta(days=2)).isoformat(), "value": 22})
    assert again.status_code == 201
    [read] = client.get(f"{_base(clinic)}/goals", headers=ann).json()
    assert read["streak"] == 4 and read["days_met_this_week"] == 4 and read["on_track"] is True
    assert read["average_this_week"] == pytest.approx((25 + 30 + 22 + 40) / 4, abs=0.06)


def test_impossible_values_get_an_error_naming_the_field(client, clinic):
    ann = bearer(client, clinic.emails["ann"])
    goal = client.post(f"{_base(clinic)}/goals", headers=ann, json={
        "habit": "walking_minutes", "what": "Walk daily", "target": 20, "days_per_week": 5,
        "by_date": "2027-02-01", "confidence": 6}).json()
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    cases = [
        (f"/goals/{goal['id']}/checkins", {"day": "2026-11-10", "value": -15}, "value"),
        (f"/goals/{goal['id']}/checkins", {"day": tomorrow, "value": 15}, "day"),
        ("/device-sessions", _session(pain_before=12), "pain_before"),
        ("/device-sessions", _session(duration_min=-5), "duration_min"),
        ("/device-sessions", _session(intensity=81), "intensity"),
        ("/device-sessions", _session(start="2099-01-01T10:00:00Z"), "start"),
        ("/weights", {"measured_on": tomorrow, "weight_kg": 80}, "measured_on"),
        ("/diet", {"day": "2026-11-10", "ssb_servings": -1, "fruit_veg_servings": 3}, "ssb_servings"),
    ]
    for path, body, field in cases:
        response = client.post(f"{_base(clinic)}{path}", headers=ann, json=body)
        assert response.status_code == 422, (path, field)
        error = response.json()["error"]
        assert error["message"].startswith(field) and error["details"][0]["location"] == ["body", field]
    client.put(f"{_base(clinic)}/preferences", headers=ann, json={"device_max_intensity": 100})
    assert client.post(f"{_base(clinic)}/device-sessions", headers=ann, json=_session(intensity=81)).status_code == 201
    assert client.get(f"{_base(clinic)}/device-sessions", headers=ann).json()[0]["relief"] == 3


def test_device_import_keeps_good_rows_and_reports_each_rejected_row(client, clinic):
    ann = bearer(client, clinic.emails["ann"])
    export = {"device": {"model": "Demo TENS", "intensity_max": 60}, "sessions": [
        _session("2026-11-10T19:00:00Z"), _session("2026-11-11T19:00:00Z", pain_after=11),
        _session("2026-11-12T19:00:00Z", intensity=61), _session("2026-11-13T19:00:00Z", mode="laser"),
        _session("2026-11-14T19:00:00Z", pain_before=7, pain_after=2)]}
    result = client.post(f"{_base(clinic)}/device-sessions/import", headers=ann,
                         json={"format": "json", "data": json.dumps(export)}).json()
    assert result["imported"] == 2
    assert [(r["row"], r["field"]) for r in result["rejected"]] == [(2, "pain_after"), (3, "intensity"), (4, "mode")]
    csv = ("start,duration_min,mode,intensity,body_site,pain_before,pain_after\n"
           "2026-11-14T19:00:00Z,30,conventional,25,lower_back,7,2\n"
           "2026-11-15T19:00:00Z,twenty,burst,25,knee,5,4\n"
           "2026-11-16T19:00:00Z,20,burst,25,knee,5,4\n")
    again = client.post(f"{_base(clinic)}/device-sessions/import", headers=ann, json={"format": "csv", "data": csv})
    assert again.json() == {"imported": 1, "duplicates": 1,
                            "rejected": [{"row": 2, "field": "duration_min", "message": "must be a number"}]}
    reliefs = sorted(s["relief"] for s in client.get(f"{_base(clinic)}/device-sessions", headers=ann).json())
    assert reliefs == [1, 3, 5]
    bad = client.post(f"{_base(clinic)}/device-sessions/import", headers=ann, json={"format": "csv", "data": "a,b\n1,2"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["location"] == ["body", "file"]


def test_medications_flag_opioids_compute_mme_and_signal_each_change(client, clinic, db, monkeypatch):
    signals = []
    # Signals leave only after the request commits, through the registry's emit.
    monkeypatch.setattr(jobs_registry, "emit", lambda queue, event, payload: signals.append((event, payload)))
    ann = bearer(client, clinic.emails["ann"])
    oxy = client.post(f"{_base(clinic)}/medications", headers=ann, json={
        "name": "oxycodone 5 mg tablet", "rxcuis": ["7804"], "dose_value": 1, "dose_unit": "tablet",
        "doses_per_day": 4, "started_on": "2026-11-01"}).json()
    assert oxy["opioid"] is True and oxy["daily_mme"] == 5 * 4 * 1.5
    old, new = client.post(f"{_base(clinic)}/medications/{oxy['id']}/change", headers=ann,
                           json={"on": "2026-11-15", "doses_per_day": 2}).json()
    assert old["stopped_on"] == "2026-11-15" and new["daily_mme"] == 5 * 2 * 1.5
    tramadol = client.post(f"{_base(clinic)}/medications", headers=ann, json={
        "name": "tramadol", "started_on": "2026-11-22"}).json()
    assert tramadol["daily_mme"] == "unknown"
    ibuprofen = client.post(f"{_base(clinic)}/medications", headers=ann, json={
        "name": "ibuprofen 200 mg tablet", "dose_value": 2, "doses_per_day": 3, "started_on": "2026-11-01"}).json()
    assert ibuprofen["opioid"] is False and ibuprofen["daily_mme"] is None
    weeks = client.get(f"{_base(clinic)}/mme", headers=ann).json()
    assert [weeks["0"], weeks["1"], weeks["2"], weeks["3"]] == [30.0, 30.0, 15.0, "unknown"]
    assert [p["kind"] for _, p in signals] == ["medication_change"] * 4
    assert {e for e, _ in signals} == {"signal.reported"}
    assert signals[1][1]["member_id"] == clinic.member_ids["ann"] and "oxycodone" not in signals[1][1]["text"]
    with db.transaction() as session:
        contract = daily_mme_by_week(session, member_ids=[clinic.member_ids["ann"], clinic.member_ids["bob"]],
                                     through={clinic.member_ids["ann"]: date(2026, 11, 28)})
    assert contract == {clinic.member_ids["ann"]: {0: 30.0, 1: 30.0, 2: 15.0, 3: None}}


def test_weight_gives_bmi_and_the_diet_log_is_commented_by_the_care_team(client, clinic, db):
    ann, coach = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["coach"])
    client.post(f"{_base(clinic)}/weights", headers=ann, json={"measured_on": "2026-11-02", "weight_kg": 81,
                                                                 "height_cm": 180})
    client.post(f"{_base(clinic)}/weights", headers=ann, json={"measured_on": "2026-11-09", "weight_kg": 79.4})
    assert [w["bmi"] for w in client.get(f"{_base(clinic)}/weights", headers=coach).json()] == [25.0, 24.5]
    with db.transaction() as session:  # bob's intake recorded his height: no need to enter it again
        record_assessment(session, member_id=clinic.member_ids["bob"], instrument="lifestyle",
                          answers={"height_cm": 160}, taken_at=datetime(2026, 11, 1, 15, tzinfo=UTC), actor=None)
    bob = bearer(client, clinic.emails["bob"])
    client.post(f"{_base(clinic, 'bob')}/weights", headers=bob, json={"measured_on": "2026-11-02", "weight_kg": 64})
    assert [w["bmi"] for w in client.get(f"{_base(clinic, 'bob')}/weights", headers=bob).json()] == [25.0]
    log = client.post(f"{_base(clinic)}/diet", headers=ann, json={
        "day": "2026-11-09", "ssb_servings": 2, "fruit_veg_servings": 4, "checklist": ["olive_oil", "legumes"]})
    assert log.status_code == 201
    assert client.post(f"{_base(clinic)}/diet", headers=ann, json={
        "day": "2026-11-09", "ssb_servings": 2, "fruit_veg_servings": 4, "checklist": ["donuts"]}).status_code == 422
    comment = client.post(f"{_base(clinic)}/notes", headers=coach, json={
        "topic": "diet", "body": "Nice use of legumes.", "subject_id": log.json()["id"]})
    assert comment.status_code == 201
    assert client.post(f"{_base(clinic)}/notes", headers=ann, json={"topic": "diet", "body": "x"}).status_code == 403
    client.post(f"{_base(clinic)}/notes", headers=coach, json={"topic": "session", "body": "Discussed sleep."})
    seen = [n["topic"] for n in client.get(f"{_base(clinic)}/notes", headers=ann).json()]
    assert seen == ["diet"]


def test_another_team_cannot_read_or_write_a_members_logs(client, clinic):
    pt_b = bearer(client, clinic.emails["pt_b"])
    cat = bearer(client, clinic.emails["cat"])
    assert client.get(f"{_base(clinic)}/device-sessions", headers=pt_b).status_code == 403
    assert client.get(f"{_base(clinic)}/medications", headers=cat).status_code == 403
    assert client.post(f"{_base(clinic)}/device-sessions", headers=cat, json=_session()).status_code == 403
