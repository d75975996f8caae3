"""The periodic "not improving" check."""

import logging

from openmsk.db import utcnow
from openmsk.jobs import JobContext, every, job

log = logging.getLogger(__name__)
JOB_NAME = "outcomes.not_improving_check"
# Program choice: progress is weekly, so a check every six hours finds a new score within the day.
PERIOD_S = 6 * 3600


@job(JOB_NAME)
def check_not_improving(ctx: JobContext, **_payload) -> None:
    """Evaluate every member in weeks 6-12 and open the tasks the rule asks for."""
    from openmsk.outcomes.service import evaluate_not_improving

    with ctx.db.transaction() as session:
        opened = evaluate_not_improving(session, today=utcnow().date())
    log.info("not-improving check done", extra={"job": JOB_NAME, "count": len(opened)})


every(PERIOD_S, JOB_NAME)
