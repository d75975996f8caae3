"""Response schemas for motion sessions."""

from datetime import datetime

from openmsk.schemas import Output


class MotionSessionRead(Output):
    """One stored session summary (no video, no raw landmarks)."""

    id: str
    member_id: str
    exercise_id: str
    started_at: datetime
    ended_at: datetime
    frames: int
    reps: int
    partial_reps: int
    side: str
    rep_details: list[dict]
    cues: list[dict]
    source: str
    synthetic: bool


class MotionExerciseRead(Output):
    """An exercise the camera can track."""

    id: str
    name: str
    sides: str
