"""The job that delivers messages through the configured notifier."""

from openmsk.jobs.registry import JobContext, job
from openmsk.notify import Message


@job("notify.send")
def send_message(ctx: JobContext, *, to: str, subject: str, body: str) -> None:
    """Send one message."""
    ctx.notifier.send(Message(to=to, subject=subject, body=body))
