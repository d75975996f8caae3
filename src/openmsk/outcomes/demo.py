"""SYNTHETIC weekly check-ins for the demo clinic, so its outcomes report and progress charts show data."""

import math
import random
from datetime import UTC, datetime, time, timedelta

from openmsk.db import utcnow
from openmsk.demo.context import DemoContext
from openmsk.intake.service import record_assessment, score_history
from openmsk.program import program_week

SOURCE = "demo"  # every row written here is synthetic (the members are flagged synthetic too)
REGIONS = ("low_back", "low_back", "knee", "neck", "shoulder", "hip")


def _answers(total: int, items: int, rng: random.Random) -> list[int]:
    """Item answers (0-3 each) that add up to total; the last item stays 0 (no self-harm item in the demo)."""
    answers = [0] * items
    slots = list(range(items - 1))
    for _ in range(min(total, 3 * len(slots))):
        open_slots = [i for i in slots if answers[i] < 3]
        answers[rng.choice(open_slots)] += 1
    return answers


def _trajectory(rng: random.Random) -> tuple[str, float, int]:
    """(kind, fractional improvement by week 12, last reporting week) for one member."""
    kind = rng.choices(("improver", "non_responder", "dropout"), weights=(55, 25, 20))[0]
    if kind == "improver":
        return kind, rng.uniform(0.35, 0.85), 12
    if kind == "non_responder":
        return kind, rng.uniform(-0.15, 0.2), 12
    return kind, rng.uniform(0.0, 0.5), rng.randint(1, 4)


def _at(member, week: int, rng: random.Random) -> datetime:
    """A time during the member's program week."""
    day = member.program_start + timedelta(days=7 * week + rng.randint(0, 3))
    return datetime.combine(day, time(rng.randint(8, 20), rng.choice((0, 15, 30, 45))), tzinfo=UTC)


def _record(ctx: DemoContext, member, instrument: str, answers, taken_at: datetime) -> None:
    # No idempotency key: the demo is seeded once (ensure_demo), and each key lookup costs a query.
    record_assessment(ctx.session, member_id=member.id, instrument=instrument, answers=answers,
                      taken_at=taken_at, actor=None, source=SOURCE)


def _member_history(ctx: DemoContext, member, have: set[str], rng: random.Random, now: datetime) -> None:
    """Weekly pain, PHQ-9/GAD-7 every four weeks and lifestyle at weeks 0 and 8, for what is missing."""
    kind, improvement, last = _trajectory(rng)
    baseline = rng.randint(4, 8)
    phq, gad = rng.randint(2, 16), rng.randint(1, 14)
    current = min(program_week(member.program_start, now), 12)
    for week in range(0, min(current, last) + 1):
        taken = _at(member, week, rng)
        if taken > now:
            break
        if "nrs" not in have and (week == 0 or rng.random() > 0.15):
            curve = 1 - improvement * (1 - math.exp(-week / 3))
            pain = max(0, min(10, round(baseline * curve + rng.gauss(0, 0.6))))
            _record(ctx, member, "nrs", [baseline if week == 0 else pain], taken)
        if week % 4 == 0:
            factor = 1 - (0.4 if kind == "improver" else 0.1) * (week / 12)
            if "phq9" not in have:
                _record(ctx, member, "phq9", _answers(round(phq * factor), 9, rng), taken)
            if "gad7" not in have:
                _record(ctx, member, "gad7", _answers(round(gad * factor), 7, rng), taken)
        if week in (0, 8) and "lifestyle" not in have:
            _record(ctx, member, "lifestyle", _lifestyle(rng, week, kind), taken)


def _lifestyle(rng: random.Random, week: int, kind: str) -> dict:
    """Lifestyle answers: region, surgery intent, opioid use, height and weight."""
    answers = {"surgery_intent": rng.randint(0, 8) if week == 0 else rng.randint(0, 4 if kind == "improver" else 7),
               "opioid_use": rng.choices(("none", "occasional", "regular"), weights=(80, 14, 6))[0],
               "weight_kg": round(rng.uniform(58, 105), 1)}
    if week == 0:
        answers |= {"body_regions": [rng.choice(REGIONS)], "height_cm": round(rng.uniform(155, 192), 1)}
    return answers


def seed_demo(ctx: DemoContext) -> None:
    """Add synthetic check-ins where the intake hook left none, then run the not-improving check."""
    from openmsk.outcomes.service import evaluate_not_improving

    rng = ctx.rng("outcomes")
    members = [m for m, _ in ctx.members]
    present: dict[str, set[str]] = {}
    for a in score_history(ctx.session, member_ids=[m.id for m in members],
                           instruments=("nrs", "phq9", "gad7", "lifestyle")):
        present.setdefault(a.member_id, set()).add(a.instrument)
    now = utcnow()
    for member in members:
        have = present.get(member.id, set())
        if {"nrs", "phq9", "gad7", "lifestyle"} <= have:
            continue
        _member_history(ctx, member, have, rng, now)
    ctx.session.flush()
    opened = evaluate_not_improving(ctx.session, today=ctx.today)
    ctx.notes.append(f"outcomes: synthetic weekly check-ins; {len(opened)} not-improving task(s)")
