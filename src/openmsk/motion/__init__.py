"""Movement analysis core: pose landmarks and wearable IMUs to reps, angles and form feedback."""

from openmsk.motion.recording import JOINTS, Recording

__all__ = ["JOINTS", "Recording"]
