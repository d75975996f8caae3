"""Jobs: evaluate in-app signals and imported records, escalate overdue alerts, announce urgent ones."""

from __future__ import annotations

import importlib
import logging

from openmsk.db import utcnow
from openmsk.escalation import config
from openmsk.escalation.batch import process_record_jobs
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.outbound import AlertSink, EmailSink, UrgentNotice, WebhookSink, deliver
from openmsk.escalation.service import escalate_overdue, process_resources, process_signal, recipient_email
from openmsk.jobs import JobContext, every, job, subscribe
from openmsk.jobs.registry import batch_handler

log = logging.getLogger(__name__)
SINKS_KEY = "escalation_sinks"  # tests put a list of sinks in JobContext.extras under this key


def sinks_for(ctx: JobContext) -> list[AlertSink]:
    """The configured sinks: a webhook when a URL is set, email through the clinic notifier by default."""
    if SINKS_KEY in ctx.extras:
        return ctx.extras[SINKS_KEY]
    sinks: list[AlertSink] = []
    if config.webhook_url():
        sinks.append(WebhookSink(config.webhook_url()))
    if config.email_urgent():
        sinks.append(EmailSink(ctx.notifier))
    return sinks


def _announce(ctx: JobContext, alert_ids: list[str]) -> None:
    if alert_ids and ctx.queue is not None:
        ctx.queue.enqueue("escalation.announce_urgent", {"alert_ids": alert_ids})


@job("escalation.signal_reported")
def on_signal(ctx: JobContext, *, member_id: str, kind: str, occurred_at: str, signal_id: str, text: str = "",
              event: str | None = None, **_ignored) -> None:
    """An in-app signal (red flag, PHQ-9 item 9, pain spike, surgery intent, medication change)."""
    with ctx.db.transaction() as session:
        result = process_signal(session, member_id=member_id, kind=kind, occurred_at=occurred_at,
                                signal_id=signal_id, text=text)
    _announce(ctx, result.urgent)


def _records_by_ids():
    try:
        return getattr(importlib.import_module("openmsk.interop.service"), "records_by_ids", None)
    except ImportError:
        return None


@job("escalation.records_imported")
def on_records(ctx: JobContext, *, member_id: str, record_ids: list[str], event: str | None = None,
               **_ignored) -> None:
    """Records the interop import stored: fetch them and evaluate the rules."""
    fetch = _records_by_ids()
    if fetch is None:
        log.warning("records_by_ids is not available; imported records were not evaluated")
        return
    with ctx.db.transaction() as session:
        rows = fetch(session, record_ids=record_ids)
        resources = [resource for _rid, owner, resource in rows if owner == member_id]
        result = process_resources(session, member_id=member_id, resources=resources, source="fhir_import")
    _announce(ctx, result.urgent)


@batch_handler("escalation.records_imported")
def on_records_batch(ctx: JobContext, payloads: list[dict]) -> None:
    """Several queued `records_imported` jobs in one transaction, with the alerts they would raise one by one."""
    fetch = _records_by_ids()
    if fetch is None:
        log.warning("records_by_ids is not available; imported records were not evaluated")
        return
    with ctx.db.transaction() as session:
        wanted = sorted({record_id for payload in payloads for record_id in payload["record_ids"]})
        found = {record_id: (owner, resource) for record_id, owner, resource in fetch(session, record_ids=wanted)}
        jobs = []
        for payload in payloads:
            member_id = payload["member_id"]
            ids = sorted(set(payload["record_ids"]))  # as records_by_ids returns them: in id order, once each
            jobs.append((member_id, [found[i][1] for i in ids if i in found and found[i][0] == member_id]))
        result = process_record_jobs(session, jobs, source="fhir_import")
    _announce(ctx, result.urgent)


@job("escalation.escalate_overdue")
def on_tick(ctx: JobContext, **_ignored) -> None:
    """Periodic: escalate alerts past their response target."""
    with ctx.db.transaction() as session:
        _escalated, urgent = escalate_overdue(session, now=utcnow())
    _announce(ctx, urgent)


@job("escalation.announce_urgent")
def announce(ctx: JobContext, *, alert_ids: list[str]) -> None:
    """Send the webhook and email notices for urgent alerts (ids and links only)."""
    sinks = sinks_for(ctx)
    if not sinks:
        return
    base = ctx.settings.base_url.rstrip("/")
    with ctx.db.transaction() as session:
        notices = []
        for alert_id in alert_ids:
            alert = session.get(EscalationAlert, alert_id)
            if alert is not None and alert.status != "resolved":
                notices.append(UrgentNotice(alert_id, alert.severity, f"{base}/console/escalations?alert={alert_id}",
                                            recipient_email(session, alert)))
    for notice in notices:
        deliver(sinks, notice)


subscribe("signal.reported", "escalation.signal_reported")
subscribe("clinical.records_imported", "escalation.records_imported")
every(config.overdue_check_seconds(), "escalation.escalate_overdue")
