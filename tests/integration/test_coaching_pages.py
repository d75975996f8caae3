"""Member coaching forms (page routes) on both databases: check-ins, settings, diet, and their errors."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.integration.clinic import bearer, build_clinic


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def test_member_forms_save_and_bad_values_come_back_with_a_plain_error(client, clinic):
    ann, coach = bearer(client, clinic.emails["ann"]), bearer(client, clinic.emails["coach"])
    api = f"/api/v1/members/{clinic.member_ids['ann']}/coaching"
    goal = client.post(f"{api}/goals", headers=coach, json={
        "habit": "sleep_hours", "what": "Sleep seven hours", "target": 7, "days_per_week": 5,
        "by_date": "2027-02-01", "confidence": 8}).json()
    today = datetime.now(ZoneInfo("America/New_York")).date().isoformat()
    saved = client.post(f"/me/coaching/goals/{goal['id']}/checkin", headers=ann,
                        data={"day": today, "value": "7.5"}, follow_redirects=False)
    assert saved.status_code == 303
    bad = client.post(f"/me/coaching/goals/{goal['id']}/checkin", headers=ann, data={"day": today, "value": "30"})
    assert bad.status_code == 422 and "value must be at most 24" in bad.text
    page = client.get("/me/coaching", headers=ann).text
    assert "Sleep seven hours" in page and "Streak: <strong>1</strong>" in page
    settings = client.post("/me/coaching/settings", headers=ann, follow_redirects=False, data={
        "quiet_start": "22:30", "quiet_end": "07:00", "max_per_day": "1", "max_per_week": "2",
        "preferred_channel": "email", "opt_out_kind": ["streak_milestone"], "opt_out_channel": ["sms"]})
    assert settings.status_code == 303
    prefs = client.get(f"{api}/preferences", headers=ann).json()
    assert prefs["quiet_start"] == "22:30" and prefs["channels"] == ["email", "in_app"]
    assert prefs["opted_out_kinds"] == ["streak_milestone"] and prefs["opted_out_channels"] == ["sms"]
    wrong = client.post("/me/coaching/settings", headers=ann, data={"quiet_start": "25:00", "quiet_end": "07:00",
                                                                     "max_per_day": "1", "max_per_week": "3"})
    assert wrong.status_code == 422 and "quiet_start is not valid" in wrong.text
    diet = client.post("/me/coaching/diet", headers=ann, follow_redirects=False, data={
        "day": today, "ssb_servings": "1", "fruit_veg_servings": "5", "checklist": ["olive_oil", "legumes"]})
    assert diet.status_code == 303
    assert client.get(f"{api}/diet", headers=ann).json()[0]["checklist"] == ["legumes", "olive_oil"]
    minus = client.post("/me/coaching/diet", headers=ann, data={"day": today, "ssb_servings": "-2",
                                                                 "fruit_veg_servings": "5"})
    assert minus.status_code == 422 and "ssb_servings must be at least 0" in minus.text


def test_coach_chart_shows_the_members_logs_and_other_teams_are_refused(client, clinic):
    coach, pt_b = bearer(client, clinic.emails["coach"]), bearer(client, clinic.emails["pt_b"])
    ann = clinic.member_ids["ann"]
    client.post(f"/api/v1/members/{ann}/coaching/medications", headers=bearer(client, clinic.emails["ann"]), json={
        "name": "hydrocodone 10 mg tablet", "dose_value": 1, "dose_unit": "tablet", "doses_per_day": 3,
        "started_on": "2026-11-02"})
    chart = client.get(f"/console/coaching/members/{ann}", headers=coach)
    assert chart.status_code == 200 and "hydrocodone 10 mg tablet" in chart.text and "<td>30.0</td>" in chart.text
    assert client.get(f"/console/coaching/members/{ann}", headers=pt_b).status_code == 403
    panel = client.get("/console/coaching", headers=coach).text
    assert panel.count("/console/coaching/members/") == 3


def test_coach_marks_a_goal_achieved_from_the_chart(client, clinic):
    coach = bearer(client, clinic.emails["coach"])
    ann = clinic.member_ids["ann"]
    goal = client.post(f"/api/v1/members/{ann}/coaching/goals", headers=coach, json={
        "habit": "fruit_veg", "what": "Five a day", "target": 5, "days_per_week": 5,
        "by_date": "2027-02-01", "confidence": 6}).json()
    done = client.post(f"/console/coaching/members/{ann}/goals/{goal['id']}/status", headers=coach,
                       data={"status": "achieved"}, follow_redirects=False)
    assert done.status_code == 303
    [read] = client.get(f"/api/v1/members/{ann}/coaching/goals?include_closed=true", headers=coach).json()
    assert read["status"] == "achieved" and read["achieved_at"]
