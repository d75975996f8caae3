"""Demo history: approved plans for demo members without a hold, weeks of logged sessions, a few proposals."""

from datetime import UTC, datetime, time, timedelta

from openmsk.auth.principal import Principal
from openmsk.careteam import service as careteam
from openmsk.demo.context import DemoContext
from openmsk.exercise import plans
from openmsk.exercise.drafting import DraftInput
from openmsk.exercise.library import Dose
from openmsk.exercise.sessions import log_session

REGION_MIX = (("low_back", 0.4), ("knee", 0.2), ("neck", 0.15), ("shoulder", 0.15), ("hip", 0.1))
# Share of the planned sessions each kind of member completes (synthetic engagement profiles).
ENGAGEMENT = (1.0, 0.9, 0.75, 0.5, 0.3)


def _pt(session, member_id: str) -> Principal | None:
    for assignment, clinician in careteam.care_team(session, member_id=member_id):
        if assignment.role == "physical_therapist":
            return Principal(user_id=clinician.user_id, email="", display_name=clinician.display_name,
                             roles=frozenset({"physical_therapist"}), clinician_id=clinician.id, via="demo")
    return None


def _region(rng) -> str:
    roll, total = rng.random(), 0.0
    for region, share in REGION_MIX:
        total += share
        if roll < total:
            return region
    return REGION_MIX[0][0]


def seed_demo(ctx: DemoContext) -> None:
    """Plans drafted from the stored intake (or a plausible one), approved by the member's PT, and sessions."""
    rng = ctx.rng("exercise")
    session = ctx.session
    now = datetime.now(UTC)
    planned = 0
    for index, (member, _demo) in enumerate(ctx.members):
        pt = _pt(session, member.id)
        if pt is None or plans.exercise_on_hold(session, member_id=member.id):
            continue
        data = plans.intake_draft_input(session, member_id=member.id) or DraftInput(
            regions=(_region(rng),), pain=float(rng.randint(3, 7)))
        start = datetime.combine(member.program_start, time(15, 0), tzinfo=UTC)
        draft = plans.draft_for_member(session, member_id=member.id, actor=pt, data=data)
        approved = plans.approve(session, member_id=member.id, version=draft.version, actor=pt,
                                 note="Reviewed at the first video visit")
        # Backdate to the program's first days so that the history reads naturally.
        approved.created_at = min(start + timedelta(days=1), now)
        approved.approved_at = min(start + timedelta(days=2), now)
        planned += 1
        _sessions(session, member, approved, rng, now, start, story=index % 9)
    ctx.notes.append(f"exercise: {planned} approved plans with logged sessions")


def _sessions(session, member, plan, rng, now, start, *, story: int) -> None:
    engagement = rng.choice(ENGAGEMENT)
    first = start + timedelta(days=2)
    days = (now - first).days
    times = sorted(first + timedelta(days=d, hours=rng.randint(0, 6)) for d in range(days + 1)
                   if rng.random() < engagement * 3.4 / 7)
    baseline = rng.randint(3, 6)
    for n, at in enumerate(times):
        last = n == len(times) - 1
        pain = max(0, min(5, baseline - n // 4 + rng.choice((0, 0, 1, -1))))
        entries = []
        for k, item in enumerate(plan.items):
            dose = Dose(**item["dose"])
            if rng.random() < 0.06:
                entries.append({"exercise_id": item["exercise_id"], "skipped": True,
                                "skip_reason": rng.choice(("no time", "felt sore", "no equipment at hand"))})
                continue
            difficulty = "right" if rng.random() < 0.95 else "too_hard"
            after = min(5, pain + rng.choice((0, 0, 0, 1, -1)))
            # Two stories the care team should notice: a pain flare (regression) and an easy plan (progression).
            if story == 1 and last and k == 1:
                after = min(10, pain + 3)
            if story == 2 and n >= len(times) - 2 and k == 0:
                difficulty, after = "too_easy", pain
            entries.append({"exercise_id": item["exercise_id"], "sets_done": dose.sets,
                            "reps_done": dose.reps, "hold_s_done": dose.hold_s, "minutes_done": dose.minutes,
                            "difficulty": difficulty, "pain_before": pain, "pain_after": max(0, min(10, after))})
        log_session(session, member_id=member.id, plan_version=plan.version, entries=entries,
                    idempotency_key=f"demo-{member.id}-{n}", actor=None, completed_at=min(at, now),
                    evaluate=n >= len(times) - 3)
