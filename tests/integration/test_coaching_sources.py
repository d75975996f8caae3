"""Nudges read the member's real activity on both databases: exercise sessions logged on the exercise
page, unread messages in messaging threads and reassessments the intake schedule makes due."""

from datetime import time, timedelta

import pytest
from sqlalchemy import select

from openmsk.coaching.care_rules import evaluate_rules
from openmsk.coaching.delivery import RunResult, decide_member
from openmsk.coaching.jobs import deliver_nudges
from openmsk.coaching.localtime import local_date, local_to_utc
from openmsk.coaching.models import Nudge
from openmsk.coaching.snapshot_db import build_snapshot
from openmsk.db import utcnow
from openmsk.members.models import Member
from tests.integration.clinic import bearer, build_clinic

INTAKE = {"answers": {
    "nrs": [5], "phq9": [1, 1, 0, 1, 0, 0, 0, 0, 0], "gad7": [1, 0, 0, 1, 0, 0, 0], "red_flags": [0] * 9,
    "lifestyle": {"body_regions": ["knee"], "height_cm": 160, "weight_kg": 60}}, "idempotency_key": "coach-src-0001"}
ALL_CHANNELS = frozenset({"in_app", "email"})


@pytest.fixture
def clinic(db):
    return build_clinic(db)


def _timezone(db, member_id: str) -> str:
    with db.transaction() as session:
        return session.get(Member, member_id).timezone


def _look(db, member_id: str, at):
    """The member's snapshot at `at` and the (kind, episode) pairs the rules propose."""
    with db.transaction() as session:
        snap = build_snapshot(session, session.get(Member, member_id), at)
    return snap, {(c.kind.value, c.episode) for c in evaluate_rules(snap, at)}


def _decide(db, member_id: str, at) -> list[Nudge]:
    with db.transaction() as session:
        decide_member(session, session.get(Member, member_id), at, ALL_CHANNELS, RunResult())
        return list(session.scalars(select(Nudge).where(Nudge.member_id == member_id)))


def _approved_plan(client, clinic, member: str) -> dict:
    pt = bearer(client, clinic.emails["pt_a"])
    url = f"/api/v1/members/{clinic.member_ids[member]}/exercise-plans"
    draft = client.post(f"{url}/draft", json={"regions": ["knee"], "pain": 4}, headers=pt)
    assert draft.status_code == 201, draft.text
    approved = client.post(f"{url}/{draft.json()['version']}/approve", json={"note": "ok"}, headers=pt)
    assert approved.status_code == 200, approved.text
    return approved.json()


def _log_session(client, clinic, member: str, plan: dict, completed_at) -> None:
    entries = [{"exercise_id": item["exercise_id"], "sets_done": item["dose"].get("sets", 1), "reps_done": 10,
                "difficulty": "right", "pain_before": 3, "pain_after": 3} for item in plan["items"]]
    response = client.post(f"/api/v1/members/{clinic.member_ids[member]}/exercise-sessions",
                           headers=bearer(client, clinic.emails[member]),
                           json={"plan_version": plan["version"], "entries": entries, "idempotency_key": "s-0001",
                                 "completed_at": completed_at.isoformat()})
    assert response.status_code == 201, response.text


def test_a_session_logged_on_the_exercise_page_stops_the_missed_session_nudge_and_starts_a_streak(db, client, clinic):
    ann = clinic.member_ids["ann"]
    tz = _timezone(db, ann)
    plan = _approved_plan(client, clinic, "ann")
    goals = f"/api/v1/members/{ann}/coaching/goals"
    coach = bearer(client, clinic.emails["coach"])
    goal = client.post(goals, headers=coach, json={"habit": "exercise_sessions", "what": "Do my plan", "target": 1,
                                                   "days_per_week": 1, "by_date": "2027-06-01", "confidence": 7})
    assert goal.status_code == 201, goal.text
    # The default spread for three sessions a week is Monday, Wednesday and Friday (plan.py).
    assert plan["sessions_per_week"] == 3
    planned = local_date(utcnow(), tz) - timedelta(days=1)
    while planned.weekday() not in (0, 2, 4):
        planned -= timedelta(days=1)
    next_morning = local_to_utc(planned + timedelta(days=1), time(10), tz)
    snap, before = _look(db, ann, next_morning)
    assert snap.sessions_per_week == 3 and snap.completed_sessions == ()  # the plan's frequency, not the goal's
    assert ("missed_session", planned.isoformat()) in before
    assert client.get(goals, headers=coach).json()[0]["days_met_this_week"] == 0

    _log_session(client, clinic, "ann", plan, local_to_utc(planned, time(18), tz))
    snap, after = _look(db, ann, next_morning)
    assert [local_date(t, tz) for t in snap.completed_sessions] == [planned]
    assert not any(kind == "missed_session" for kind, _ in after)
    assert snap.streak_started_on == planned and snap.streak_days == 2
    assert snap.last_activity_at == local_to_utc(planned, time(18), tz)
    assert all(n.kind != "missed_session" for n in _decide(db, ann, next_morning))
    [progress] = client.get(goals, headers=coach).json()
    assert progress["days_met_this_week"] == 1 and progress["on_track"] is True


def test_an_unread_care_team_message_is_nudged_until_the_member_opens_the_thread(db, client, clinic):
    ann = clinic.member_ids["ann"]
    tz = _timezone(db, ann)
    coach, member = bearer(client, clinic.emails["coach"]), bearer(client, clinic.emails["ann"])
    own = client.post(f"/api/v1/members/{ann}/threads", headers=member,
                      json={"subject": "Knee", "body": "A question about my plan"})
    assert own.status_code == 201, own.text
    sent = client.post(f"/api/v1/members/{ann}/threads", headers=coach,
                       json={"subject": "Check-in", "body": "How did this week go?"})
    assert sent.status_code == 201, sent.text
    [message] = sent.json()["messages"]
    later = local_to_utc(local_date(utcnow(), tz) + timedelta(days=2), time(10), tz)
    snap, candidates = _look(db, ann, later)
    assert [m.message_id for m in snap.unread_messages] == [message["id"]]  # her own message is not "unread"
    assert ("unread_message", message["id"]) in candidates
    assert [n.kind for n in _decide(db, ann, later)] == ["unread_message"]
    page = client.get("/me/coaching", headers=member).text
    assert 'data-testid="unread-messages"' in page and "1 unread message from" in page and 'href="/me/messages"' in page

    opened = client.get(f"/api/v1/members/{ann}/threads/{sent.json()['id']}", headers=member)
    assert opened.status_code == 200
    snap, candidates = _look(db, ann, later + timedelta(hours=1))
    assert snap.unread_messages == ()
    assert not any(kind == "unread_message" for kind, _ in candidates)
    assert 'data-testid="unread-messages"' not in client.get("/me/coaching", headers=member).text


def test_a_reassessment_due_under_the_intake_schedule_is_nudged(services, db, client, clinic):
    ann, bob = clinic.member_ids["ann"], clinic.member_ids["bob"]
    tz = _timezone(db, ann)
    submitted = client.post(f"/api/v1/members/{ann}/intake", json=INTAKE, headers=bearer(client, clinic.emails["ann"]))
    assert submitted.status_code == 201, submitted.text
    next_week = local_date(utcnow(), tz) + timedelta(days=7)
    at = local_to_utc(next_week, time(10), tz)
    with db.transaction() as session:
        from openmsk.intake.reassess import due_for_member

        expected = sorted({d.due_on for d in due_for_member(session, member=session.get(Member, ann), today=next_week)})
    assert expected  # the weekly pain check-in of the next program week was not answered at intake
    snap, candidates = _look(db, ann, at)
    assert list(snap.reassessments_due) == expected
    assert any(kind == "reassessment_due" and episode.startswith(expected[0].isoformat())
               for kind, episode in candidates)
    assert deliver_nudges(services.context, now=at.isoformat(), worker="w1")["sent"] >= 1
    shown = client.get(f"/api/v1/members/{ann}/coaching/nudges", headers=bearer(client, clinic.emails["ann"])).json()
    assert [n["kind"] for n in shown] == ["reassessment_due"]

    no_intake, _ = _look(db, bob, at)  # the schedule starts from the intake, as the care team's tasks do
    assert no_intake.reassessments_due == ()
