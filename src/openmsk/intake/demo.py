"""Demo history: an intake (with PEG, PSFS and region function) for every demo member, weekly pain and
week-4/8 reassessments, tasks and routing."""

import random
from datetime import UTC, datetime, time, timedelta

from openmsk.auth.principal import Principal
from openmsk.careteam.models import Clinician
from openmsk.careteam.tasks import set_task_status
from openmsk.demo.context import DemoContext
from openmsk.intake.document import FUNCTION_BY_REGION
from openmsk.intake.reassess import open_reassessment_tasks
from openmsk.intake.scoring import get_instrument
from openmsk.intake.service import record_assessment
from openmsk.intake.submit import submit_intake

REGIONS = ("low_back", "low_back", "low_back", "neck", "knee", "hip", "shoulder")
# Activities demo members name on the PSFS, by region, plus some any member might name.
ACTIVITIES = {
    "low_back": ("bending to tie my shoes", "lifting my child", "sitting through a film"),
    "neck": ("driving and turning my head", "reading for an hour", "working at my desk"),
    "knee": ("climbing stairs", "kneeling in the garden", "running 5 km"),
    "hip": ("walking the dog", "getting out of the car", "putting on socks"),
    "shoulder": ("reaching a high shelf", "washing my hair", "carrying shopping bags"),
}
ANY_ACTIVITIES = ("sleeping through the night", "playing with my grandchildren", "going for a long walk")


def _items(rng: random.Random, instrument_id: str, severity: float) -> list[int]:
    """Answers for every item, each near `severity` (0 = best, 1 = worst) of its range."""
    items = get_instrument(instrument_id).items
    out = []
    for item in items:
        low, high = int(item.minimum or 0), int(item.maximum)
        value = low + (high - low) * min(1.0, max(0.0, rng.gauss(severity, 0.15)))
        out.append(int(round(value)))
    return out


def _phq9(rng: random.Random, target: int, item9: int = 0) -> list[int]:
    """PHQ-9 answers summing to about `target`, item 9 as given."""
    answers = [0] * 8 + [item9]
    for _ in range(max(0, target - item9)):
        free = [i for i in range(8) if answers[i] < 3]
        if not free:
            break
        answers[rng.choice(free)] += 1
    return answers


def _gad7(rng: random.Random, target: int) -> list[int]:
    answers = [0] * 7
    for _ in range(min(target, 21)):
        answers[rng.choice([i for i in range(7) if answers[i] < 3])] += 1
    return answers


def _profile(rng: random.Random, rank: int) -> dict:
    """A plausible, varied member: the most recent three carry the safety cases for the demo worklist."""
    return {
        "red_flag": rank in (0, 1), "item9": rank == 2,
        "depressed": rank == 2 or rng.random() < 0.25, "anxious": rng.random() < 0.25,
        "obese": rng.random() < 0.3, "opioids": rng.random() < 0.1, "surgery": rng.random() < 0.1,
        "improves": rng.random() < 0.75, "pain": rng.randint(4, 8),
        "regions": sorted({rng.choice(REGIONS) for _ in range(rng.choice((1, 1, 2)))}),
    }


def _answers(rng: random.Random, p: dict) -> dict:
    height = rng.uniform(155, 190)
    bmi = rng.uniform(30.5, 38) if p["obese"] else rng.uniform(20, 29)
    flags = [0] * 9
    if p["red_flag"]:
        flags[rng.choice((2, 5, 6))] = 1  # progressive weakness, history of cancer, recent trauma
    answers = {
        "nrs": [p["pain"]], "peg": [p["pain"], max(0, p["pain"] - 1), p["pain"]],
        "phq9": _phq9(rng, rng.randint(10, 17) if p["depressed"] else rng.randint(0, 7), 1 if p["item9"] else 0),
        "gad7": _gad7(rng, rng.randint(10, 15) if p["anxious"] else rng.randint(0, 7)),
        "red_flags": flags,
        "lifestyle": {
            "height_cm": round(height, 1), "weight_kg": round(bmi * (height / 100) ** 2, 1),
            "body_regions": p["regions"], "pain_duration_weeks": rng.choice((4, 10, 20, 52, 150)),
            "activity_days_per_week": rng.randint(0, 5), "activity_minutes_per_day": rng.choice((0, 20, 30, 45)),
            "sleep_hours": rng.choice((5, 6, 6.5, 7, 8)),
            "smoking_status": rng.choice(("never", "never", "former", "current")),
            "opioid_use": "regular" if p["opioids"] else rng.choice(("none", "none", "occasional")),
            "surgery_intent": rng.randint(7, 9) if p["surgery"] else rng.randint(0, 4),
            "goals": sorted({rng.choice(("less_pain", "move_better", "return_to_work", "sleep_better")),
                             *(("weight_loss",) if p["obese"] and rng.random() < 0.5 else ())}),
        },
    }
    for region in p["regions"]:
        answers[FUNCTION_BY_REGION[region]] = _items(rng, FUNCTION_BY_REGION[region], p["pain"] / 14)
    answers["psfs"] = _psfs(rng, p["pain"])
    return answers


def _activities(rng: random.Random, regions: list[str]) -> list[str]:
    """Three distinct activities the member finds hard, mostly from their painful regions."""
    own = [a for r in regions for a in ACTIVITIES.get(r, ())]
    picked = rng.sample(own, min(2, len(own)))
    return picked + rng.sample(ANY_ACTIVITIES, 3 - len(picked))


def _psfs(rng: random.Random, pain: float) -> list[int]:
    """PSFS ratings (0 = unable, 10 = as before) that fall as pain rises."""
    return [int(min(10, max(0, round(10 - pain + rng.gauss(0, 1.2))))) for _ in range(3)]


def seed_demo(ctx: DemoContext) -> None:
    """Give each demo member an intake, a realistic score history, routing and the resulting tasks."""
    rng = ctx.rng("intake")
    now = datetime.now(UTC)
    ranked = sorted(ctx.members, key=lambda pair: (-pair[0].program_start.toordinal(), pair[0].id))
    for rank, (member, _demo) in enumerate(ranked):
        p = _profile(rng, rank)
        answers = _answers(rng, p)
        start = datetime.combine(member.program_start, time(14, rng.randint(0, 59)), UTC)
        submitted = min(start, now - timedelta(minutes=5))
        result = submit_intake(ctx.session, member_id=member.id, answers=answers,
                               psfs_activities=_activities(rng, p["regions"]),
                               idempotency_key=f"demo-intake-{member.id[:8]}", actor=None, now=submitted)
        _close_old_tasks(ctx, result.tasks, now)
        _history(ctx, rng, member, p, answers, submitted, now)
    opened = open_reassessment_tasks(ctx.session, today=ctx.today)
    ctx.notes.append(f"intake: {len(ranked)} intakes with score histories; {opened} members with reassessments due")


def _close_old_tasks(ctx: DemoContext, tasks, now: datetime) -> None:
    """Routine first tasks due more than a day ago were done by the clinician they were assigned to."""
    for task in tasks:
        if task.priority == "urgent" or task.due_at > now - timedelta(days=1) or not task.assignee_clinician_id:
            continue
        clinician = ctx.session.get(Clinician, task.assignee_clinician_id)
        actor = Principal(user_id=clinician.user_id, email="", display_name=clinician.display_name,
                          roles=frozenset({clinician.role}), clinician_id=clinician.id)
        set_task_status(ctx.session, task_id=task.id, status="done", actor=actor)


def _history(ctx: DemoContext, rng: random.Random, member, p: dict, answers: dict, start: datetime,
             now: datetime) -> None:
    """Weekly pain and week-4/8 PHQ-9, GAD-7, PSFS and region function, improving for most members."""
    weeks = (now.date() - member.program_start).days // 7
    slope = -0.35 if p["improves"] else rng.choice((0.0, 0.1))
    phq, gad = sum(answers["phq9"]), sum(answers["gad7"])
    for week in range(1, weeks + 1):
        at = start + timedelta(weeks=week, hours=rng.randint(0, 30))
        if at > now:
            break
        pain = int(round(min(10, max(0, p["pain"] + slope * week + rng.gauss(0, 0.8)))))
        record_assessment(ctx.session, member_id=member.id, instrument="nrs", answers=[pain], taken_at=at,
                          actor=None, source="demo")
        # Leave about a third of this week's scheduled check-ins unanswered so some are due in the demo.
        if week in (4, 8) and not (week == weeks and rng.random() < 0.35):
            factor = (1 - 0.2 * week / 4) if p["improves"] else 1.0
            record_assessment(ctx.session, member_id=member.id, instrument="phq9", taken_at=at, actor=None,
                              answers=_phq9(rng, int(phq * factor)), source="demo")
            record_assessment(ctx.session, member_id=member.id, instrument="gad7", taken_at=at, actor=None,
                              answers=_gad7(rng, int(gad * factor)), source="demo")
            record_assessment(ctx.session, member_id=member.id, instrument="psfs", taken_at=at, actor=None,
                              answers=_psfs(rng, pain), source="demo")
            for region in p["regions"]:
                instrument = FUNCTION_BY_REGION[region]
                record_assessment(ctx.session, member_id=member.id, instrument=instrument, taken_at=at,
                                  actor=None, source="demo", answers=_items(rng, instrument, pain / 14))
