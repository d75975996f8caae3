"""Server-Sent Events: the worklist page keeps one stream open and receives alerts as they change."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from openmsk.auth import audit
from openmsk.auth.policy import CurrentClinician
from openmsk.auth.principal import Principal
from openmsk.db import Database, utcnow
from openmsk.errors import ERROR_RESPONSES, Invalid
from openmsk.escalation.live import hub
from openmsk.escalation.models import EscalationAlert
from openmsk.escalation.present import alert_json, row_html, rows_for
from openmsk.escalation.worklist import STATUSES, visible_query

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)
POLL_S = 0.5  # fallback when the writer is another process (Redis workers): still under a second
OVERLAP = timedelta(seconds=2)  # re-read a little history: writers' commits can land out of order


def _changes(db: Database, principal: Principal, cursor: datetime, role: str | None,
             audited: set[str]) -> list[tuple[str, int, str]]:
    with db.transaction() as session:
        alerts = list(session.scalars(visible_query(principal, statuses=STATUSES, role=role)
                                      .where(EscalationAlert.updated_at > cursor)
                                      .order_by(None).order_by(EscalationAlert.updated_at).limit(500)))
        fresh = sorted({a.member_id for a in alerts} - audited)
        audit.record_reads(session, principal, resource_type="EscalationAlert", member_ids=fresh)
        audited.update(fresh)
        now = utcnow()
        out = []
        for row in rows_for(session, alerts, now):
            data = {"alert": alert_json(row), "html": row_html(row, principal.csrf_token or "", principal.clinician_id)}
            out.append((row.alert.id, row.alert.version, json.dumps(data)))
        return out


@router.get("/escalations/stream", tags=["escalations"],
            responses={200: {"content": {"text/event-stream": {}}, "description": "alert events"}})
async def alert_stream(request: Request, principal: CurrentClinician,
                       since: datetime | None = None, role: str | None = None,
                       timeout_s: Annotated[float, Query(ge=0.5, le=3600)] = 300):
    """Alerts of your members as they are raised or change (`event: alert`, data = alert JSON + row HTML)."""
    if since is not None and since.tzinfo is None:
        raise Invalid("since must include a time zone")
    visible_query(principal, role=role)  # validate the filter before streaming starts
    db: Database = request.app.state.db
    start = since or utcnow()

    async def events():
        waiter = hub.subscribe()
        seen: dict[str, int] = {}
        audited: set[str] = set()
        cursor = start - OVERLAP
        deadline = time.monotonic() + timeout_s
        try:
            yield "retry: 1000\n: connected\n\n"
            while time.monotonic() < deadline:
                waiter[1].clear()
                query_from = utcnow() - OVERLAP
                for alert_id, version, data in await run_in_threadpool(_changes, db, principal, cursor, role, audited):
                    if seen.get(alert_id, 0) < version:
                        seen[alert_id] = version
                        yield f"event: alert\nid: {alert_id}.{version}\ndata: {data}\n\n"
                cursor = max(cursor, query_from)
                try:
                    await asyncio.wait_for(waiter[1].wait(), timeout=min(POLL_S, max(0.01, deadline - time.monotonic())))
                except TimeoutError:
                    pass
                if await request.is_disconnected():
                    break
        finally:
            hub.unsubscribe(waiter)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
