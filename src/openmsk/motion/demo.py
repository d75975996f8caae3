"""Demo clinic: a few synthetic camera-tracked sessions per member, some stored with their exercise log."""

from datetime import UTC, datetime, time, timedelta

from openmsk.demo.context import DemoContext
from openmsk.motion import service
from openmsk.motion.live import LiveSession
from openmsk.motion.specs import load_specs
from openmsk.motion.synthetic import squat_frames

DEMO_MEMBERS = 6
SESSIONS_PER_MEMBER = 3
EXERCISES = ("squat", "sit_to_stand")


def _summary(exercise_id: str, depths: list[float], lean_deg: float) -> dict:
    live = LiveSession(load_specs()[exercise_id], target_reps=len(depths))
    for frame in squat_frames(depths, lean_deg=lean_deg, rep_s=3.0, rest_s=0.8):
        live.feed(frame)
    live.finish()
    return live.summary()


def _camera_set_with_log(ctx: DemoContext, member_id: str, rng) -> bool:
    """A camera set for the newest logged exercise that has a motion spec, stored with that log."""
    from openmsk.exercise.plans import library_for
    from openmsk.exercise.sessions import entries_of, sessions_for

    library, specs = library_for(ctx.session).exercises, load_specs()
    logged = sessions_for(ctx.session, member_id=member_id, limit=20)
    for logged_session in logged:
        for entry in entries_of(ctx.session, [logged_session.id])[logged_session.id]:
            spec_id = getattr(library.get(entry.exercise_id), "motion", None)
            if entry.skipped or spec_id not in specs or spec_id not in EXERCISES:
                continue
            depths = [max(30.0, 85 + rng.uniform(-12, 12)) for _ in range(entry.reps_done or 8)]
            ended = logged_session.completed_at - timedelta(minutes=2)
            started = ended - timedelta(seconds=30 + 4 * len(depths))
            row = service.record_session(ctx.session, member_id=member_id, exercise_id=spec_id, started_at=started,
                                         ended_at=ended, summary=_summary(spec_id, depths, rng.uniform(15, 45)),
                                         actor=None, source="demo", synthetic=True)
            return service.attach_to_exercise_log(ctx.session, row=row, actor=None,
                                                  exercise_session_id=logged_session.id) is not None
    return False


def seed_demo(ctx: DemoContext) -> None:
    """Generated (labelled synthetic) sessions whose depth improves over the weeks."""
    rng = ctx.rng("motion")
    for n, (member, _) in enumerate(ctx.members[:DEMO_MEMBERS]):
        exercise_id = EXERCISES[n % len(EXERCISES)]
        for k in range(SESSIONS_PER_MEMBER):
            day = ctx.today - timedelta(days=7 * (SESSIONS_PER_MEMBER - k) + rng.randint(0, 2))
            base = 70 + 12 * k + rng.uniform(-5, 5)
            depths = [max(30.0, base + rng.uniform(-12, 12)) for _ in range(6)]
            summary = _summary(exercise_id, depths, lean_deg=rng.uniform(15, 60))
            started = datetime.combine(day, time(17, rng.randint(0, 59)), tzinfo=UTC)
            service.record_session(ctx.session, member_id=member.id, exercise_id=exercise_id,
                                   started_at=started, ended_at=started + timedelta(seconds=30 + 4 * len(depths)),
                                   summary=summary, actor=None, source="demo", synthetic=True)
    attached = sum(_camera_set_with_log(ctx, member.id, rng) for member, _ in ctx.members[:DEMO_MEMBERS])
    ctx.notes.append(f"motion: synthetic camera sessions for {min(DEMO_MEMBERS, len(ctx.members))} members, "
                     f"{attached} stored with a logged exercise session")
