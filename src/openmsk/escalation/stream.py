"""Server-Sent Events: the worklist page keeps one stream open and receives alerts as they change."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from orjson import dumps
from sqlalchemy import Select

from openmsk.auth import audit
from openmsk.auth.policy import CurrentClinician
from openmsk.auth.principal import Principal
from openmsk.db import Database, utcnow
from openmsk.errors import ERROR_RESPONSES, Invalid
from openmsk.escalation.config import escalation_config
from openmsk.escalation.live import hub, listener_for
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.present import alert_json, row_html, rows_for
from openmsk.escalation.worklist import STATUSES, visible_query

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
OVERLAP = timedelta(seconds=2)  # re-read a little history: writers' commits can land out of order
SAFETY_POLL_S = 30.0  # with a live cross-process channel, a rare re-read only guards against lost notices
BATCH = 500
# Gather the alerts committed meanwhile: a read costs ~3 ms of CPU whatever it returns, ~0.35 ms more an alert.
COALESCE_S = 0.05


def _changes(db: Database, principal: Principal, base: Select, ids: set[str], cursor: datetime | None,
             seen: dict[str, int], audited: set[str]) -> tuple[list[tuple[str, int, str]], datetime | None]:
    """Rows of visible alerts (`base`) among `ids` (or changed after `cursor`) newer than the stream has sent.

    Also returns where a cursor read must continue when it hit the batch size (else None).
    """
    more = None
    with db.transaction() as session:
        if cursor is not None:  # a re-read: versions first, so that rows already sent are not rendered again
            keys = base.with_only_columns(EscalationAlert.id, EscalationAlert.version, EscalationAlert.updated_at)
            found = session.execute(keys.where(EscalationAlert.updated_at > cursor)
                                    .order_by(EscalationAlert.updated_at).limit(BATCH)).all()
            more = found[-1][2] if len(found) == BATCH else None
            newer = [alert_id for alert_id, version, _ in found if seen.get(alert_id, 0) < version]
            alerts = list(session.scalars(base.where(EscalationAlert.id.in_(newer)))) if newer else []
        else:  # pushed ids: usually all new, read whole at once
            ordered = sorted(ids)
            alerts = [a for start in range(0, len(ordered), BATCH) for a in session.scalars(
                base.where(EscalationAlert.id.in_(ordered[start:start + BATCH]))) if seen.get(a.id, 0) < a.version]
        if not alerts:
            return [], more
        alerts.sort(key=lambda a: a.updated_at)
        fresh = sorted({a.member_id for a in alerts} - audited)
        # As audit.record_reads (one read event per member shown), in one statement.
        audit.record_many(session, ({"action": "read", "resource_type": "EscalationAlert", "resource_id": member_id,
                                     "member_id": member_id} for member_id in fresh), principal=principal)
        audited.update(fresh)
        out = []
        for row in rows_for(session, alerts, utcnow()):
            data = {"alert": alert_json(row), "html": row_html(row, principal.csrf_token or "", principal.clinician_id)}
            out.append((row.alert.id, row.alert.version, dumps(data).decode()))
        return out, more


@router.get("/escalations/stream", tags=["escalations"],
            responses={200: {"content": {"text/event-stream": {}}, "description": "alert events"}})
async def alert_stream(request: Request, principal: CurrentClinician,
                       since: datetime | None = None, role: str | None = None,
                       timeout_s: Annotated[float, Query(ge=0.5, le=3600)] = 300):
    """Alerts of your members as they are raised or change (`event: alert`, data = alert JSON + row HTML)."""
    if since is not None and since.tzinfo is None:
        raise Invalid("since must include a time zone")
    # Validates the filter before streaming starts; built once, the stream's reads only add their ids.
    base = visible_query(principal, statuses=STATUSES, role=role).order_by(None)
    db: Database = request.app.state.db
    start = since or utcnow()
    listener = listener_for(db.url)
    poll_s = escalation_config().stream_poll_seconds

    async def events():
        sub = hub.subscribe()
        seen: dict[str, int] = {}
        audited: set[str] = set()
        cursor: datetime | None = start - OVERLAP  # set: re-read by time; None: only the ids pushed
        read_from = cursor
        deadline = time.monotonic() + timeout_s
        try:
            yield "retry: 1000\n: connected\n\n"
            while time.monotonic() < deadline:
                ids, resync = sub.take()
                if resync:
                    cursor = cursor or read_from
                if cursor is not None or ids:
                    query_from = utcnow() - OVERLAP
                    changes, more = await run_in_threadpool(_changes, db, principal, base, ids, cursor, seen,
                                                            audited)
                    events = []
                    for alert_id, version, data in changes:
                        if seen.get(alert_id, 0) < version:
                            seen[alert_id] = version
                            events.append(f"event: alert\nid: {alert_id}.{version}\ndata: {data}\n\n")
                    if events:  # one write for the whole read: per-chunk HTTP framing is the loop's cost
                        yield "".join(events)
                    if cursor is not None:
                        cursor, read_from = (more, read_from) if more else (None, query_from)
                    if more:
                        continue
                live = listener is not None and listener.connected.is_set()
                wait = min(SAFETY_POLL_S if live else poll_s, max(0.01, deadline - time.monotonic()))
                try:
                    await asyncio.wait_for(sub.wake.wait(), timeout=wait)
                    await asyncio.sleep(COALESCE_S)  # under load, one read serves many alerts
                except TimeoutError:
                    cursor = read_from  # a poll: what other processes committed meanwhile
                if await request.is_disconnected():
                    break
        finally:
            hub.unsubscribe(sub)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
