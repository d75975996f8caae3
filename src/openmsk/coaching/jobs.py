"""The periodic nudge job: decide for every active member, then send what is due."""

import logging
import uuid
from datetime import datetime

from sqlalchemy import select

from openmsk.coaching import channels
from openmsk.coaching.config import coaching_config
from openmsk.coaching.delivery import RunResult, decide_member, send_due
from openmsk.db import utcnow
from openmsk.jobs import JobContext, every, job
from openmsk.members.models import Member

log = logging.getLogger(__name__)
JOB_NAME = "coaching.deliver_nudges"
PERIOD_S = coaching_config().nudge_period_s


@job(JOB_NAME)
def deliver_nudges(ctx: JobContext, *, now: str | None = None, worker: str | None = None,
                   event: str | None = None) -> dict:
    """Build each active member's snapshot, run rules + policy, record and deliver nudges."""
    at = datetime.fromisoformat(now) if now else utcnow()
    worker = worker or uuid.uuid4().hex
    webhook = channels.webhook_from(ctx.extras)
    available = channels.available_channels(webhook)
    result = RunResult()
    with ctx.db.transaction() as session:
        member_ids = list(session.scalars(select(Member.id).where(Member.status == "active").order_by(Member.id)))
    for member_id in member_ids:
        try:
            with ctx.db.transaction() as session:
                decide_member(session, session.get(Member, member_id), at, available, result)
        except Exception as exc:  # noqa: BLE001 - one member's failure must not stop the others
            # The rules re-propose the nudge at the next run: nothing is lost.
            log.warning("nudge decision failed", extra={"error_type": type(exc).__name__})
    send_due(ctx.db, now=at, worker=worker, notifier=ctx.notifier, webhook=webhook,
             base_url=ctx.settings.base_url.rstrip("/"), result=result)
    log.info("nudges run", extra={"recorded": result.recorded, "sent": result.sent, "failed": result.failed})
    return result.__dict__


every(PERIOD_S, JOB_NAME)
