"""Synthetic coaching history for the demo clinic: goals, check-ins, device sessions, medications,
weights, diet logs, messages and a few delivered nudges."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openmsk.careteam.service import care_team
from openmsk.careteam.tasks import create_task
from openmsk.coaching.diet import CHECKLIST
from openmsk.coaching.models import (
    CheckIn, DeviceSession, DietLog, Goal, Medication, Note, Nudge, WeightEntry,
)
from openmsk.demo.context import DemoContext

# Every member gets goals; a subset gets the optional logs so that pages show variety.
DEVICE_SHARE, OPIOID_SHARE, WEIGHT_SHARE = 0.6, 0.3, 0.5


def _at(day, clock: time, tz: str) -> datetime:
    return datetime.combine(day, clock, ZoneInfo(tz)).astimezone(UTC)


def seed_demo(ctx: DemoContext) -> None:
    """Add plausible synthetic coaching history for every demo member."""
    rng = ctx.rng("coaching")
    last = ctx.today - timedelta(days=1)  # yesterday: never "future" in any member's zone
    rows: list = []
    for index, (member, _demo) in enumerate(ctx.members):
        tz = member.timezone or "UTC"
        start = member.program_start
        days = [start + timedelta(days=i) for i in range((last - start).days + 1)]
        adherence = rng.choice((0.9, 0.75, 0.5, 0.2))
        showcase = index == 0  # the demo member login: every log filled in
        handoff = index % 7 == 3 and len(days) > 10  # a few members stopped responding to nudges
        adherence = 0.2 if handoff else max(adherence, 0.75) if showcase else adherence
        walk = Goal(member_id=member.id, habit="walking_minutes", what="Walk after lunch", target=20,
                    days_per_week=5, by_date=start + timedelta(weeks=12), confidence=rng.randint(5, 9))
        sessions = Goal(member_id=member.id, habit="exercise_sessions", what="Do my exercise plan",
                        target=1, days_per_week=3, by_date=start + timedelta(weeks=12), confidence=rng.randint(6, 9))
        ctx.session.add_all([walk, sessions])
        ctx.session.flush()
        quiet_from = len(days) - (rng.randint(4, 9) if adherence < 0.3 else 0)
        for n, day in enumerate(days):
            if n >= quiet_from or rng.random() > adherence:
                continue
            rows.append(CheckIn(goal_id=walk.id, member_id=member.id, day=day, value=rng.choice((15, 20, 25, 30, 40))))
            if day.weekday() in (0, 2, 4):
                rows.append(CheckIn(goal_id=sessions.id, member_id=member.id, day=day, value=1))
        if showcase or rng.random() < DEVICE_SHARE:
            rows += _device(rng, member.id, days, tz)
        if (showcase or rng.random() < OPIOID_SHARE) and len(days) > 14:
            rows += _taper(member.id, start)
        elif rng.random() < 0.4:
            rows.append(Medication(member_id=member.id, name="ibuprofen 200 mg tablet", rxcuis=["5640"], dose_value=2,
                                   dose_unit="tablet", doses_per_day=3, started_on=start))
        if showcase or rng.random() < WEIGHT_SHARE:
            weight = rng.uniform(70, 110)
            for week, day in enumerate(days[::7]):
                rows.append(WeightEntry(member_id=member.id, measured_on=day, weight_kg=round(weight - 0.4 * week, 1),
                                        height_cm=round(rng.uniform(155, 190), 0) if week == 0 else None))
            for day in days[-10:]:
                rows.append(DietLog(member_id=member.id, day=day, ssb_servings=rng.randint(0, 3),
                                    fruit_veg_servings=rng.randint(1, 6),
                                    checklist=sorted(rng.sample(sorted(CHECKLIST), rng.randint(1, 5)))))
        coach = next((c for a, c in care_team(ctx.session, member_id=member.id) if a.role == "health_coach"), None)
        if coach is not None and days and (showcase or handoff or index % 3 == 0):
            rows += _contact(ctx.session, member, coach, days, tz, handoff=handoff)
    ctx.session.add_all(rows)
    ctx.notes.append("coaching: goals, check-ins, device, medication, weight, diet logs and nudges")


def _device(rng, member_id: str, days, tz: str) -> list[DeviceSession]:
    out = []
    for day in days:
        if rng.random() < 0.3:
            before = rng.randint(4, 8)
            out.append(DeviceSession(member_id=member_id, started_at=_at(day, time(19, rng.choice((0, 15, 30))), tz),
                                     duration_min=rng.choice((20, 30, 45)), mode=rng.choice(("conventional", "burst")),
                                     intensity=rng.randint(15, 45), body_site=rng.choice(("lower_back", "knee", "neck")),
                                     pain_before=before, pain_after=max(0, before - rng.randint(0, 4)), source="manual"))
    return out


def _taper(member_id: str, start) -> list[Medication]:
    first = Medication(id=f"demo-{member_id[:20]}-oxy1", member_id=member_id, name="oxycodone 5 mg tablet",
                       rxcuis=["7804"], dose_value=1, dose_unit="tablet", doses_per_day=4,
                       started_on=start - timedelta(days=30), stopped_on=start + timedelta(days=7))
    second = Medication(member_id=member_id, name="oxycodone 5 mg tablet", rxcuis=["7804"], dose_value=1,
                        dose_unit="tablet", doses_per_day=2, started_on=start + timedelta(days=7),
                        stopped_on=start + timedelta(days=14), replaces_id=first.id)
    return [first, second, Medication(member_id=member_id, name="acetaminophen 500 mg tablet", rxcuis=["161"],
                                      dose_value=2, dose_unit="tablet", doses_per_day=3, started_on=start)]


def _contact(session, member, coach, days, tz: str, handoff: bool) -> list:
    day = days[-1]
    sent = _at(day, time(10, 0), tz)
    rows: list = [
        Note(member_id=member.id, topic="session", body="Intro call: goals agreed; prefers evening reminders.",
             author_name=coach.display_name, author_role="health_coach", created_at=sent - timedelta(days=6)),
        Note(member_id=member.id, topic="message", author_name=coach.display_name, author_role="health_coach",
             body=f"Hi {member.given_name}, great start this week. How are your walks going?", created_at=sent),
        Nudge(key=f"{member.id}:streak_milestone:demo", member_id=member.id, kind="streak_milestone", episode="demo",
              channel="in_app", reason="Reached a 3-day streak.", message="Three days in a row. Nice work!",
              status="sent", attempts=1, created_at=sent - timedelta(days=2), sent_at=sent - timedelta(days=2)),
    ]
    if handoff:
        key, reason = f"{member.id}:coach_handoff:demo", "Member did not respond to 3 nudges in a row (inactive)."
        task = create_task(session, member_id=member.id, assignee_role="health_coach", kind="coach_handoff",
                           title="Member is not responding to nudges", detail=reason, source="coaching.demo",
                           dedup_key=key)
        rows += [Nudge(key=f"{member.id}:inactive:demo{n}", member_id=member.id, kind="inactive", episode=f"demo{n}",
                       channel="push", reason="No activity for 3 days.", message="We miss you! Even five minutes "
                       "of your exercises today counts.", status="sent", attempts=1,
                       created_at=sent - timedelta(days=3 * n), sent_at=sent - timedelta(days=3 * n))
                 for n in (1, 2, 3)]
        rows.append(Nudge(key=key, member_id=member.id, kind="coach_handoff", episode="demo", channel="coach_task",
                          reason=reason, message="", status="sent", attempts=1, created_at=sent, sent_at=sent,
                          task_id=task.id))
    return rows
