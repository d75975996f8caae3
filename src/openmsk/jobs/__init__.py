"""Background work: named jobs, events that fan out to jobs, and periodic schedules."""

from openmsk.jobs.registry import JobContext, emit, emit_after_commit, every, job, run_job, subscribe

__all__ = ["JobContext", "emit", "emit_after_commit", "every", "job", "run_job", "subscribe"]
