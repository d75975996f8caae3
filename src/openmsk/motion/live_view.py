"""The live feedback WebSocket: landmark frames in, rep/cue/hold/set events out, summary stored."""

import time
from dataclasses import dataclass
from statistics import median
from urllib.parse import urlsplit

import orjson
from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from openmsk.auth import audit
from openmsk.auth.policy import SESSION_COOKIE
from openmsk.auth.principal import Principal
from openmsk.auth.service import principal_for
from openmsk.db import utcnow
from openmsk.errors import AppError, Invalid, NotFound
from openmsk.members.models import Member
from openmsk.motion import service
from openmsk.motion.live import LiveSession

live_router = APIRouter(prefix="/api/v1")
MAX_MESSAGE_CHARS = 64_000
MAX_FRAMES = 30 * 60 * 30  # half an hour at 30 frames/s: one set never needs more
CLOSE_CODES = {401: 4401, 403: 4403, 404: 4404, 422: 4422}
TIMING_BUCKET_MS = 0.02
TIMING_BUCKETS = 500  # the last bucket holds everything from 10 ms up


@dataclass
class LiveAccess:
    """The caller of the live socket, or why they may not use it (sent after the handshake)."""

    principal: Principal | None
    status: int = 200
    message: str = ""


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == websocket.headers.get("host")


def _check(websocket: WebSocket, member_id: str) -> LiveAccess:
    db = websocket.app.state.db
    scheme, _, bearer = websocket.headers.get("authorization", "").partition(" ")
    token = websocket.query_params.get("token") or (bearer.strip() if scheme.lower() == "bearer" else None)
    with db.transaction() as session:
        principal = principal_for(session, cookie_token=None if token else websocket.cookies.get(SESSION_COOKIE),
                                  bearer_token=token or None)
        if principal is None:
            return LiveAccess(None, 401, "sign in to continue")
        # A cookie rides along on cross-site WebSocket handshakes: only our own pages may use it.
        if principal.via == "cookie" and not _same_origin(websocket):
            return LiveAccess(principal, 403, "cross-origin connection refused")
        if session.get(Member, member_id) is None:
            return LiveAccess(principal, 404, "no member with this id")
    if not (principal.is_member and principal.member_id == member_id):
        audit.record_denied(db, principal, action="create", resource_type=service.RESOURCE, member_id=member_id)
        return LiveAccess(principal, 403, "only the member can stream their own exercise")
    return LiveAccess(principal)


async def live_access(websocket: WebSocket, member_id: str) -> LiveAccess:
    """Session cookie, `token` query parameter or bearer header; only the member themself."""
    return await run_in_threadpool(_check, websocket, member_id)


live_access.__openmsk_policy__ = f"member_scope:{service.RESOURCE}"


def _number(params, name: str, default: float, lo: float, hi: float) -> float:
    raw = params.get(name)
    try:
        value = float(raw) if raw is not None else default
    except ValueError:
        raise Invalid(f"{name} must be a number") from None
    if not lo <= value <= hi:
        raise Invalid(f"{name} must be between {lo:g} and {hi:g}")
    return value


@dataclass
class LiveSet:
    """One camera set being streamed: the exercise, the engine and the logged session to store it with."""

    exercise_id: str
    live: LiveSession
    exercise_session_id: str | None = None


def _open(websocket: WebSocket, member_id: str) -> LiveSet:
    params = websocket.query_params
    exercise_id = params.get("exercise", "")
    log_id = params.get("exercise_session") or None
    with websocket.app.state.db.transaction() as session:
        spec = service.live_exercise(session, member_id=member_id, exercise_id=exercise_id)
        if log_id and service.exercise_log_entry(session, member_id=member_id, exercise_id=exercise_id,
                                                 at=utcnow(), exercise_session_id=log_id) is None:
            raise NotFound("exercise_session: no logged session of yours lists this exercise as done")
    target = int(_number(params, "target_reps", 10, 1, 100))
    live = LiveSession(spec, target_reps=target, hold_s=_number(params, "hold_s", 0, 0, 120),
                       rate_hz=_number(params, "fps", 30, 5, 120))
    return LiveSet(exercise_id, live, log_id)


def _store(websocket: WebSocket, member_id: str, live_set: LiveSet, started_at, principal: Principal
           ) -> tuple[str, str | None]:
    """Store the set's summary for the PT, and with the member's logged exercise session when there is one."""
    with websocket.app.state.db.transaction() as session:
        row = service.record_session(session, member_id=member_id, exercise_id=live_set.exercise_id,
                                     started_at=started_at, ended_at=utcnow(), summary=live_set.live.summary(),
                                     actor=principal)
        logged = service.attach_to_exercise_log(session, row=row, actor=principal,
                                                exercise_session_id=live_set.exercise_session_id)
        return row.id, logged


async def _refuse(websocket: WebSocket, status: int, message: str) -> None:
    await websocket.send_json({"type": "error", "status": status, "message": message})
    await websocket.close(code=CLOSE_CODES.get(status, 4400))


@live_router.websocket("/members/{member_id}/motion/live")
async def live_feedback(websocket: WebSocket, member_id: str, access: LiveAccess = Depends(live_access)):
    """Stream MediaPipe world landmarks for one exercise; receive feedback events; summary stored on close."""
    await websocket.accept()
    if access.status != 200:
        await _refuse(websocket, access.status, access.message)
        return
    try:
        live_set = await run_in_threadpool(_open, websocket, member_id)
    except AppError as exc:
        await _refuse(websocket, exc.status_code if exc.status_code in CLOSE_CODES else 422, exc.message)
        return
    live = live_set.live
    started_at = utcnow()
    await websocket.send_json({"type": "ready", "exercise": live_set.exercise_id, "name": live.spec.name,
                               "target_reps": live.target_reps, "coordinates": "world"})
    timings = FrameTimings()
    connected = await _stream(websocket, live, timings)
    for event in live.finish():
        if connected:
            await websocket.send_json({**event, "processing_ms": 0.0})
    if live.frames == 0:
        if connected:
            await websocket.close()
        return
    session_id, logged = await run_in_threadpool(_store, websocket, member_id, live_set, started_at,
                                                 access.principal)
    if connected:
        await websocket.send_json({"type": "session_saved", "session_id": session_id, "reps": live.reps,
                                   "partial_reps": live.partial, "exercise_session_id": logged,
                                   "server_ms": timings.summary()})
        await websocket.close()


class FrameTimings:
    """Server processing time of every frame of one set (decode, validate, count, judge), in ms.

    Wall time is what the member waits; CPU time of the serving thread is the work itself, unaffected
    by other processes taking the core (the two differ on a loaded machine).
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def add(self, wall_ms: float, cpu_ms: float) -> None:
        """Note one frame."""
        self.wall.append(wall_ms)
        self.cpu.append(cpu_ms)

    def summary(self) -> dict:
        """Per clock: median, 99th percentile, maximum and a histogram (so sets can be pooled)."""
        return {"frames": len(self.wall), "bucket_ms": TIMING_BUCKET_MS,
                "wall": _distribution(self.wall), "cpu": _distribution(self.cpu)}


def _distribution(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    histogram = [0] * TIMING_BUCKETS
    for value in ordered:
        histogram[min(TIMING_BUCKETS - 1, int(value / TIMING_BUCKET_MS))] += 1
    while histogram and not histogram[-1]:
        histogram.pop()
    return {"p50": round(median(ordered), 4), "p99": round(p99, 4), "max": round(ordered[-1], 4),
            "histogram": histogram}


async def _stream(websocket: WebSocket, live: LiveSession, timings: "FrameTimings") -> bool:
    """Feed frames until the client ends the set or goes away; True while still connected."""
    while True:
        try:
            text = await websocket.receive_text()
        except WebSocketDisconnect:
            return False
        started, cpu_started = time.perf_counter(), time.thread_time()
        if len(text) > MAX_MESSAGE_CHARS:
            events = [{"type": "frame_rejected", "reason": "frame too large"}]
        else:
            try:
                message = orjson.loads(text)
            except orjson.JSONDecodeError:
                message = None
            if isinstance(message, dict) and message.get("type") == "end":
                return True
            events = live.feed(message) if message is not None else [
                {"type": "frame_rejected", "reason": "a frame must be JSON"}]
        elapsed_ms = (time.perf_counter() - started) * 1000
        timings.add(elapsed_ms, (time.thread_time() - cpu_started) * 1000)
        processing_ms = round(elapsed_ms, 3)
        for event in events:
            await websocket.send_text(orjson.dumps({**event, "processing_ms": processing_ms},
                                                   option=orjson.OPT_SERIALIZE_NUMPY).decode())
        if live.frames >= MAX_FRAMES:
            await websocket.send_json({"type": "error", "status": 422, "message": "session too long: set ended"})
            return True
