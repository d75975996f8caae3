"""Motion analysis speed and rep-count accuracy against the popular open-source fixed-angle counters.

Usage: .venv/bin/python bench/motion_throughput.py [--quick] [--json] [--streams 200] [--seconds 60]

Offline: frames per second per core (`time.process_time`, best of N) of the whole `analysis.analyze`
pipeline (signal, gating, zero-phase filtering, segmentation, measures, form checks) on long recordings
(>= 10,000 frames) joined from ../shared/data/motion (read-only): UI-PRMD 10-repetition streams of seven
subjects, and the squat video's MediaPipe landmarks repeated. Measured in the same run, on the same
frames, three counters re-implemented from their public code (per-frame angle + fixed-angle state
machine, pure Python, the fastest faithful form of their loops):
  * MediaPipe "curl counter" (Nicholas Renotte, github.com/nicknochnack/MediaPipePoseEstimation,
    the tutorial every MediaPipe counter copies): 2D angle at the middle keypoint;
    angle > 160 -> "down"; angle < 30 and "down" -> "up" and one rep;
  * Ultralytics AIGym (ultralytics/solutions/ai_gym.py, `up_angle` 145 / `down_angle` 90 defaults in
    ultralytics/cfg/default.yaml; `estimate_pose_angle` is the same 2D atan2 angle): angle < 90 -> one rep
    if the stage was "up", stage "down"; angle > 145 -> stage "up";
  * LearnOpenCV "AI Fitness Trainer: Squat analysis" (github.com/spmallick/learnopencv,
    AI-Fitness-Trainer-Using-MediaPipe-Analyzing-Squats, thresholds.py beginner mode, process_frame.py):
    knee-vertical angle (thigh from vertical) in NORMAL 0-32 = s1, TRANS 35-65 = s2, PASS 70-95 = s3;
    s2 is recorded once before s3 and once after, s3 once after s2; back in s1 a sequence of three
    states is a correct squat, a lone s2 an improper one (both are shown as counts, so both count here).
    Its camera-alignment gate (nose-shoulder offset > 35 deg pauses counting) is left out: UI-PRMD is
    filmed from the front and would never be counted; its posture feedback does not change counts.
The baselines get the keypoints of the side with the larger angle range (favourable to them); knee
exercises use hip-knee-ankle, arm exercises hip-shoulder-elbow. Accuracy: complete reps counted against
the truth (10 per UI-PRMD stream, 2 in the squat video, dataset labels).

Live: a real `uvicorn` server (separate process, one worker, SQLite) and `--streams` concurrent WebSocket
clients in this process, each sending 30 frames/s of generated squat landmarks for `--seconds`.
Server processing per frame (decode, validate, signal, count, judge; what the server reports in
`session_saved.server_ms`, pooled over all streams) and round trip (send -> event received, on the frames
that produce an event: rep-closing frames, cues, hold progress) are reported with their percentiles.
The machine is shared: the JSON carries `os.getloadavg()` before and after. The process keeps freed heap
memory as the long-running server and worker do (`openmsk.memory`; "heap_policy": whether it took effect).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
os.environ.setdefault("OPENMSK_PASSWORD_HASH_PROFILE", "cheap")  # bench accounts only: sign-in is not measured

from openmsk.memory import keep_freed_memory  # noqa: E402
from openmsk.motion.analysis import analyze, spec_targets  # noqa: E402
from openmsk.motion.loaders import load  # noqa: E402
from openmsk.motion.recording import JOINT_INDEX, JointColumns, Recording, concatenate  # noqa: E402
from openmsk.motion.rep_batch import bounds, feature_columns, rep_results  # noqa: E402
from openmsk.motion.segmentation import segment  # noqa: E402
from openmsk.motion.signals import detect_view  # noqa: E402
from openmsk.motion.specs import load_specs  # noqa: E402
from openmsk.motion.trace import build_trace  # noqa: E402

MOTION = Path(os.environ.get("OPENMSK_SHARED_DATA", REPO.parent / "shared" / "data")) / "motion"
VIDEO = "video/rohanx01_barbell_back_squat_side.mediapipe0.10.21_full.csv.gz"
VIDEO_REPS = 2  # video/labels.csv
MIN_LONG_FRAMES = 10_000
# UI-PRMD movement -> our exercise id and the baselines' keypoints (knee or arm).
MOVES = {1: ("deep_squat", "knee"), 5: ("sit_to_stand", "knee"), 7: ("standing_shoulder_abduction", "arm"),
         10: ("standing_shoulder_scaption", "arm")}
KEYPOINTS = {"knee": ("hip", "knee", "ankle"), "arm": ("hip", "shoulder", "elbow")}


# --- the three baselines ------------------------------------------------------------------------


def _angle2d(a, b, c) -> float:
    """The baselines' joint angle: 2D, at b, from atan2 (0-180 degrees)."""
    r = math.atan2(c[1] - b[1], c[0] - b[0]) - math.atan2(a[1] - b[1], a[0] - b[0])
    angle = abs(r * 180.0 / math.pi)
    return 360.0 - angle if angle > 180.0 else angle


def curl_counter(a, b, c) -> int:
    """MediaPipe curl counter: > 160 is "down", then < 30 is "up" and one rep."""
    stage, count = None, 0
    for pa, pb, pc in zip(a, b, c, strict=True):
        angle = _angle2d(pa, pb, pc)
        if angle > 160:
            stage = "down"
        if angle < 30 and stage == "down":
            stage, count = "up", count + 1
    return count


def aigym(a, b, c, up_angle: float = 145.0, down_angle: float = 90.0) -> int:
    """Ultralytics AIGym: below down_angle after "up" is one rep; above up_angle is "up"."""
    stage, count = "-", 0
    for pa, pb, pc in zip(a, b, c, strict=True):
        angle = _angle2d(pa, pb, pc)
        if angle < down_angle:
            if stage == "up":
                count += 1
            stage = "down"
        elif angle > up_angle:
            stage = "up"
    return count


def learnopencv_squat(hip, knee, up) -> int:
    """LearnOpenCV squat analyzer (beginner thresholds): s1/s2/s3 state sequence, counted back in s1."""
    seq, count = [], 0
    for h, k in zip(hip, knee, strict=True):
        v = (h[0] - k[0], h[1] - k[1])
        norm = math.hypot(*v)
        if not norm:
            continue
        cos = max(-1.0, min(1.0, (v[0] * up[0] + v[1] * up[1]) / norm))
        angle = math.degrees(math.acos(cos))
        state = "s1" if angle <= 32 else "s2" if 35 <= angle <= 65 else "s3" if 70 <= angle <= 95 else None
        if state == "s2":
            if ("s3" not in seq and seq.count("s2") == 0) or ("s3" in seq and seq.count("s2") == 1):
                seq.append(state)
        elif state == "s3":
            if state not in seq and "s2" in seq:
                seq.append(state)
        elif state == "s1":
            if len(seq) == 3 or ("s2" in seq and len(seq) == 1):
                count += 1
            seq = []
    return count


def _side(rec: Recording, kind: str) -> str:
    """The side whose baseline angle moves the most (the baselines track one fixed side)."""
    spans = {}
    for side in ("left", "right"):
        a, b, c = (_points(rec, f"{side}_{n}") for n in KEYPOINTS[kind])
        angles = [_angle2d(*p) for p in zip(a, b, c, strict=True)]
        angles = [x for x in angles if x == x]
        spans[side] = max(angles) - min(angles) if angles else 0.0
    return max(spans, key=spans.get)


def _points(rec: Recording, joint: str) -> list:
    return rec.positions[:, JOINT_INDEX[joint], :2].tolist()


def run_baselines(rec: Recording, kind: str, side: str) -> dict[str, int]:
    """Each baseline's rep count on one recording (frames converted to lists as a decoder would)."""
    a, b, c = (_points(rec, f"{side}_{n}") for n in KEYPOINTS[kind])
    out = {"curl_counter": curl_counter(a, b, c), "aigym": aigym(a, b, c)}
    if kind == "knee":
        out["learnopencv_squat"] = learnopencv_squat(a, b, rec.up[:2])
    return out


# --- data ---------------------------------------------------------------------------------------


def uiprmd(move: int, subject: int, correct: bool = True) -> Recording:
    """The ten episodes of one subject and movement, joined into one 10-repetition stream."""
    folder, suffix = ("correct", "") if correct else ("incorrect", "_inc")
    return load([MOTION / f"uiprmd_kinect/{folder}/positions/m{move:02d}_s{subject:02d}_e{e:02d}_positions{suffix}.txt.gz"
                 for e in range(1, 11)], "uiprmd")


def recordings(quick: bool) -> list[dict]:
    """Truth-labelled recordings: UI-PRMD streams (correct and incorrect) and the squat video."""
    subjects = range(1, 4) if quick else range(1, 8)
    out = []
    for move, (exercise, kind) in MOVES.items():
        for correct in (True, False):
            for s in subjects:
                out.append({"name": f"uiprmd m{move:02d} s{s:02d} {'correct' if correct else 'incorrect'}",
                            "rec": uiprmd(move, s, correct), "exercise": exercise, "kind": kind, "truth": 10,
                            "move": move, "correct": correct})
    out.append({"name": "squat video", "rec": load(MOTION / VIDEO, "mediapipe-csv"), "exercise": "squat",
                "kind": "knee", "truth": VIDEO_REPS, "move": 0, "correct": True})
    return out


def long_recordings(items: list[dict]) -> list[dict]:
    """Per exercise, the correct streams (or the video) repeated to at least MIN_LONG_FRAMES frames."""
    groups: dict[tuple, list[dict]] = {}
    for item in items:
        if item["correct"]:
            groups.setdefault((item["move"], item["exercise"], item["kind"]), []).append(item)
    out = []
    for (move, exercise, kind), group in groups.items():
        recs = [g["rec"] for g in group]
        repeat = math.ceil(MIN_LONG_FRAMES / sum(r.frames for r in recs))
        long = concatenate(recs * repeat)
        out.append({"name": group[0]["name"].rsplit(" s", 1)[0] if move else "squat video", "rec": long,
                    "exercise": exercise, "kind": kind, "truth": sum(g["truth"] for g in group) * repeat})
    return out


# --- offline throughput and accuracy ------------------------------------------------------------


def per_core_fps(fn, frames: int, repeats: int) -> float:
    """Best-of-N frames per CPU second of this process (one thread: per core)."""
    fn()
    best = math.inf
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return frames / best if best > 0 else math.inf


def offline(quick: bool) -> dict:
    """Throughput on long recordings and rep-count accuracy on every recording, ours and baselines'."""
    specs = load_specs()
    items = recordings(quick)
    repeats = 5 if quick else 7  # best of N CPU times: on a shared machine two were too few to find the floor
    throughput = []
    for item in long_recordings(items):
        rec, spec = item["rec"], specs[item["exercise"]]
        side = _side(rec, item["kind"])
        ours = per_core_fps(lambda rec=rec, spec=spec, item=item: analyze(rec, item["exercise"], spec),
                            rec.frames, repeats)
        row = {"recording": item["name"], "exercise": item["exercise"], "frames": rec.frames,
               "ours_fps": round(ours), "ours_stages_cpu_ms": stages(rec, spec, repeats)}
        names = ["curl_counter", "aigym"] + (["learnopencv_squat"] if item["kind"] == "knee" else [])
        for name in names:
            fps = per_core_fps(lambda rec=rec, item=item, side=side, name=name:
                               run_baselines(rec, item["kind"], side)[name] if name != "learnopencv_squat"
                               else _squat_only(rec, side), rec.frames, repeats)
            row[f"{name}_fps"] = round(fps)
            row[f"ratio_vs_{name}"] = round(ours / fps, 3)
        throughput.append(row)
    accuracy = _accuracy(items, specs)
    return {"throughput": throughput, "accuracy": accuracy}


def stages(rec: Recording, spec, repeats: int) -> dict[str, float]:
    """Where one `analyze` pass spends its CPU time: its stages timed in order within one pass, best of N, ms.

    The loaders' recordings are stored per joint column, so no stage copies joints out;
    "reps_measured_and_judged" includes the form features, which "form_features" times again afterwards;
    "signals_and_side" includes segmenting both sides when the spec lets the side be picked (the pass
    then reuses the picked side's windows: "segmentation" is 0).
    """
    _, min_exc = spec_targets(spec, rec)
    target = spec_targets(spec, rec)[0]
    best: dict[str, float] = {}
    for _ in range(repeats + 1):
        cols, lap = JointColumns(rec), {}
        start = time.process_time()
        view = detect_view(rec, cols)
        lap["view"] = time.process_time()
        trace = build_trace(rec, spec, cols=cols)
        lap["signals_and_side"] = time.process_time()
        windows = trace.windows if trace.windows is not None else segment(trace.value, min_exc)
        lap["segmentation"] = time.process_time()
        rep_results(rec, trace, windows, spec, view, target, cols)
        lap["reps_measured_and_judged"] = time.process_time()
        feature_columns(rec, view, bounds(windows), cols)
        lap["form_features"] = time.process_time()
        for name, end in lap.items():
            best[name] = min(best.get(name, math.inf), end - start)
            start = end
    return {name: round(seconds * 1e3, 2) for name, seconds in best.items()}


def _squat_only(rec: Recording, side: str) -> int:
    hip, knee = _points(rec, f"{side}_hip"), _points(rec, f"{side}_knee")
    return learnopencv_squat(hip, knee, rec.up[:2])


def _accuracy(items: list[dict], specs) -> dict:
    """Per counter: exact-count share, mean absolute count error, and counted/true totals."""
    counts: dict[str, list[tuple[int, int]]] = {}
    per_recording = []
    for item in items:
        rec = item["rec"]
        ours = len(analyze(rec, item["exercise"], specs[item["exercise"]]).reps)
        found = {"ours": ours, **run_baselines(rec, item["kind"], _side(rec, item["kind"]))}
        for name, n in found.items():
            counts.setdefault(name, []).append((n, item["truth"]))
        per_recording.append({"recording": item["name"], "truth": item["truth"], **found})
    summary = {}
    for name, pairs in counts.items():
        summary[name] = {"recordings": len(pairs),
                         "exact_share": round(sum(n == t for n, t in pairs) / len(pairs), 3),
                         "mean_abs_error": round(sum(abs(n - t) for n, t in pairs) / len(pairs), 2),
                         "counted": sum(n for n, _ in pairs), "truth": sum(t for _, t in pairs)}
    return {"summary": summary, "per_recording": per_recording}


# --- live latency through the WebSocket ---------------------------------------------------------

PASSWORD = "bench password 123"


def _seed(url: str) -> str:
    """One physical therapist and one member (password set) on a fresh database; the member's id."""
    from datetime import date

    from openmsk.auth.models import User
    from openmsk.auth.service import create_user, set_password
    from openmsk.careteam import service as careteam
    from openmsk.db import Database
    from openmsk.dbmigrate import upgrade
    from openmsk.members import service as members
    from openmsk.members.schemas import MemberCreate, OrganizationCreate

    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        org = members.create_organization(session, data=OrganizationCreate(name="Bench Org", kind="employer"), actor=None)
        user = create_user(session, email="pt@bench.example", display_name="PT", roles={"physical_therapist"},
                           password=PASSWORD)
        pt = careteam.create_clinician(session, user_id=user.id, role="physical_therapist", display_name="PT")
        member = members.enroll_member(session, actor=None, today=date.today(), data=MemberCreate(
            organization_id=org.id, given_name="Bench", family_name="Member", birth_date=date(1970, 1, 1),
            sex="female", email="member@bench.example", state="NY"))
        set_password(session, user=session.get(User, member.user_id), password=PASSWORD)
        careteam.assign(session, member_id=member.id, clinician_id=pt.id, role="physical_therapist", actor=None,
                        reason="bench")
        member_id = member.id
    db.dispose()
    return member_id


def _start_server(url: str, port: int, var_dir: Path):
    import subprocess

    import httpx

    env = {**os.environ, "OPENMSK_DATABASE_URL": url, "OPENMSK_SECRET_KEY": "bench-" + "x" * 40,
           "OPENMSK_VAR_DIR": str(var_dir), "OPENMSK_LOG_LEVEL": "WARNING", "OPENMSK_REDIS_URL": "",
           "OPENMSK_ENV": "test", "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "openmsk.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
                               "--ws", "websockets", "--ws-max-size", "1048576", "--timeout-graceful-shutdown", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _plan_and_token(base: str, member_id: str) -> str:
    """An approved plan with squats (the live socket only tracks planned exercises); the member's token."""
    import httpx

    def token(email: str) -> str:
        r = httpx.post(f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=30)
        r.raise_for_status()
        return r.json()["access_token"]

    pt = {"Authorization": f"Bearer {token('pt@bench.example')}"}
    url = f"{base}/api/v1/members/{member_id}/exercise-plans"
    plan = httpx.post(url, headers=pt, timeout=30, json={"items": [{"exercise_id": "squat"}], "note": "bench"})
    plan.raise_for_status()
    httpx.post(f"{url}/{plan.json()['version']}/approve", headers=pt, json={"note": "bench"},
               timeout=30).raise_for_status()
    return token("member@bench.example")


async def _client(ws_url: str, texts: list[str], times: list[float], offset: float, seconds: float,
                  rtts: list[float], servers: list[dict], errors: list[str]) -> None:
    """One member's camera: 30 frames/s on a fixed schedule; notes when each event comes back."""
    import asyncio

    import websockets

    loop = asyncio.get_running_loop()
    sent: dict[float, float] = {}
    try:
        async with websockets.connect(ws_url, max_size=2**20, compression=None) as ws:
            ready = json.loads(await ws.recv())
            if ready.get("type") != "ready":
                errors.append(str(ready.get("message", ready.get("type"))))
                return

            async def receive():
                async for message in ws:
                    event = json.loads(message)
                    if "t" in event and event["t"] in sent:
                        rtts.append((loop.time() - sent.pop(event["t"])) * 1000)
                    if event.get("type") == "session_saved":
                        servers.append(event["server_ms"])
                        return

            reader = asyncio.create_task(receive())
            await asyncio.sleep(offset)
            start = loop.time()
            n = min(len(texts), int(seconds * 30))
            for i in range(n):
                delay = start + times[i] - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent[round(times[i], 3)] = loop.time()
                await ws.send(texts[i])
            await ws.send(json.dumps({"type": "end"}))
            await asyncio.wait_for(reader, timeout=60)
    except Exception as exc:  # noqa: BLE001 - one failed stream is reported, the run goes on
        errors.append(type(exc).__name__)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else math.nan


def live(streams: int, seconds: float) -> dict:
    """`streams` concurrent 30 frames/s WebSocket sessions against a uvicorn server process."""
    import asyncio
    import socket
    import tempfile

    from openmsk.motion.synthetic import squat_frames

    frames = squat_frames([100] * int(seconds / 3 + 2), rep_s=2.5, rest_s=0.5)
    texts = [json.dumps(f) for f in frames]
    times = [f["t"] for f in frames]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        member_id = _seed(url)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = _start_server(url, port, Path(tmp))
        try:
            token = _plan_and_token(f"http://127.0.0.1:{port}", member_id)
            ws_url = f"ws://127.0.0.1:{port}/api/v1/members/{member_id}/motion/live?exercise=squat&token={token}"
            rtts: list[float] = []
            servers: list[dict] = []
            errors: list[str] = []

            async def run_all():
                await asyncio.gather(*(_client(ws_url, texts, times, 2.0 * i / streams, seconds, rtts, servers,
                                               errors) for i in range(streams)))

            server_cpu = _cpu_seconds(server.pid)
            started = time.perf_counter()
            asyncio.run(run_all())
            wall = time.perf_counter() - started
            server_cpu = _cpu_seconds(server.pid) - server_cpu
        finally:
            server.terminate()
            server.wait(timeout=10)
    out = {"streams": streams, "fps_per_stream": 30, "seconds": seconds, "wall_s": round(wall, 1),
           "streams_completed": len(servers), "stream_errors": sorted(set(errors)),
           "frames_processed": sum(s.get("frames", 0) for s in servers),
           "server_process_cpu_s": round(server_cpu, 1)}
    if out["frames_processed"]:
        # Everything the server process did (WebSocket protocol, event loop, sign-in, storing) per frame.
        out["server_process_cpu_ms_per_frame"] = round(server_cpu * 1000 / out["frames_processed"], 3)
    for clock in ("cpu", "wall"):
        pooled = [v for s in servers for v in _expand(s, clock)]
        out[f"server_{clock}_ms_p50"] = round(_percentile(pooled, 0.50), 3)
        out[f"server_{clock}_ms_p99"] = round(_percentile(pooled, 0.99), 3)
        out[f"server_{clock}_ms_max"] = round(max((s[clock]["max"] for s in servers if clock in s), default=math.nan), 3)
    out.update({"event_round_trip_ms_p50": round(_percentile(rtts, 0.50), 2),
                "event_round_trip_ms_p99": round(_percentile(rtts, 0.99), 2), "events_timed": len(rtts)})
    return out


def _expand(server_ms: dict, clock: str) -> list[float]:
    """Per-frame times back from one set's histogram (bucket centres: resolution bucket_ms)."""
    width = server_ms.get("bucket_ms", 0)
    counts = server_ms.get(clock, {}).get("histogram", [])
    return [width * (i + 0.5) for i, n in enumerate(counts) for _ in range(n)]


def main() -> None:
    """Run the offline and live measurements and print one JSON document (or lines)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="three subjects, 8 s of live streaming")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=None, help="live streaming time (default 8 / 60)")
    parser.add_argument("--no-live", action="store_true")
    args = parser.parse_args()
    if not MOTION.is_dir():
        sys.exit(f"no shared motion data at {MOTION}")
    load_before = os.getloadavg()
    heap_policy = keep_freed_memory()  # as the server and worker set it at start (openmsk/memory.py)
    doc = {"benchmark": "motion_throughput", "quick": args.quick, "python": platform.python_version(),
           "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
           "heap_policy": heap_policy, "offline": offline(args.quick)}
    rows = doc["offline"]["throughput"]
    doc["ours_fps_min"] = min(r["ours_fps"] for r in rows)
    doc["ratio"] = min(r["ratio_vs_aigym"] for r in rows)  # the fastest baseline's loop
    if not args.no_live:
        doc["live"] = live(args.streams, args.seconds or (8.0 if args.quick else 60.0))
    doc["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(doc) if args.json else json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
