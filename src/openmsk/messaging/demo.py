"""Synthetic message threads for the demo clinic: answered, unread, waiting and one overdue."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openmsk.auth.models import User
from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.careteam.models import Clinician
from openmsk.db import utcnow
from openmsk.demo.context import DemoContext
from openmsk.members.models import Member
from openmsk.messaging import service, text_templates
from openmsk.messaging.business_time import add_business_time
from openmsk.messaging.config import messaging_config

TEMPLATES = (
    ("Weekly check-in", "Hi {first_name}, {clinician_name} here. How did your exercises feel this week? "
                        "Anything that got harder or easier?"),
    ("Soreness after exercise", "Hi {first_name}, some muscle soreness for a day or two after new exercises "
                                "is common. If pain is sharp, lasts, or spreads down a leg or arm, stop that "
                                "exercise and tell us here."),
    ("Video visit", "Hi {first_name}, I'd like to see how the movement looks. Could you pick a time for a "
                    "short video visit this week?"),
)
QUESTIONS = (
    ("Knee after step-ups", "My knee aches for a few hours after the step-ups. Should I keep doing them?"),
    ("Travel next week", "I'm travelling next week without much space. Which exercises can I do in a hotel room?"),
    ("Back stiff in the morning", "My lower back is stiff for the first half hour after I get up. Is that expected?"),
    ("Sleep and pain", "I wake up around 3 am most nights because of my shoulder. Any tips?"),
)
ANSWERS = (
    "Thanks for telling us. Lower the step height for this week and keep the pain at 3 out of 10 or below; "
    "we'll review on Friday.",
    "Good question. Swap the step-ups for wall sits and bridges this week; both need no equipment.",
)


def _member_principal(session, member: Member) -> Principal:
    user = session.get(User, member.user_id)
    return Principal(user_id=user.id, email=user.email, display_name=user.display_name,
                     roles=frozenset({"member"}), member_id=member.id, via="demo")


def _clinician_principal(clinician: Clinician) -> Principal:
    return Principal(user_id=clinician.user_id, email="", display_name=clinician.display_name,
                     roles=frozenset({clinician.role}), clinician_id=clinician.id, via="demo")


def _team_member(session, member: Member, role: str) -> Clinician | None:
    return next((c for a, c in careteam.care_team(session, member_id=member.id) if a.role == role), None)


def _local(day, hour: int, minute: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)


def seed_demo(ctx: DemoContext) -> None:
    """A few threads per demo member: some answered and unread, one waiting, one overdue; shared templates."""
    session, rng, now, config = ctx.session, ctx.rng("messaging"), utcnow(), messaging_config()
    for pt in ctx.clinicians.get("physical_therapist", [])[:1]:
        author = _clinician_principal(pt)
        for title, body in TEMPLATES:
            text_templates.create_template(session, title=title, body=body, shared=True, actor=author)
    members = [m for m, _ in ctx.members if m.user_id][:10]
    pts = {m.id: _team_member(session, m, "physical_therapist") for m in members}
    # The overdue thread goes to the demo member's own physical therapist, whose login the demo prints.
    first_pt = pts[members[0].id] if members else None
    overdue = next((m.id for m in members[1:] if first_pt and pts[m.id] and pts[m.id].id == first_pt.id), None)
    for i, member in enumerate(members):
        pt = pts[member.id]
        if pt is None:
            continue
        me, clinician = _member_principal(session, member), _clinician_principal(pt)
        subject, question = QUESTIONS[i % len(QUESTIONS)]
        # The demo member's first question is old enough to have its answer whatever weekday the demo runs.
        days_back = 6 if member.id == overdue else 8 if i == 0 else 2 + i % 4
        asked = min(_local(ctx.today - timedelta(days=days_back), rng.randint(7, 20), rng.randint(0, 59),
                           member.timezone), now - timedelta(hours=1))
        thread, _ = service.create_thread(session, member_id=member.id, subject=subject, body=question,
                                          actor=me, now=asked)
        if member.id == overdue:
            ctx.notes.append("messaging: one thread waits past its reply target (overdue)")
            continue
        answered = add_business_time(asked, timedelta(minutes=rng.randint(30, 420)), config.calendar(pt.timezone))
        if answered < now:
            service.send_message(session, member_id=member.id, thread_id=thread.id, body=ANSWERS[i % len(ANSWERS)],
                                 actor=clinician, now=answered)
        if i in (0, 3):  # a fresh question the care team has not read yet
            follow_subject, follow = QUESTIONS[(i + 1) % len(QUESTIONS)]
            service.create_thread(session, member_id=member.id, subject=follow_subject, body=follow, actor=me,
                                  now=now - timedelta(minutes=40 + 30 * i))
