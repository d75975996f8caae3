"""Escalation rule-evaluation throughput: compiled engine vs a naive every-rule-every-event baseline.

Usage: .venv/bin/python bench/escalation.py [--quick] [--json]

Events are the supported resources of the Synthea bundles in ../shared/data/fhir/synthea (normalized
once, outside the timed region); without that folder the hand-written fixtures in tests/data/fhir are
repeated. Timed on one core (pure Python, single thread):
  * match: CompiledRules.match per event (hash lookups by code/word) vs naive_match (plain loops over
    every rule, code and term); the two are checked to give identical matches first;
  * evaluate: the whole Engine.evaluate batch (matching, aggregates, window, de-duplication).

End-to-end latency (`--latency`, on by default when OPENMSK_TEST_POSTGRES_URL is set; PostgreSQL only).
Path measured: a FHIR R4 Encounter (class EMER) POSTed by the bench, as one notification, to
`POST /api/v1/members/{id}/clinical-events` of a real `uvicorn` server (separate process, one worker,
in-process job queue) on a fresh PostgreSQL database -> stored, rules evaluated, alert committed -> the
server's `GET /api/v1/escalations/stream` (Server-Sent Events) -> the `event: alert` line parsed by a
connected worklist client (the care team's clinician). Latency = client receive time - the moment the
bench started sending that notification (one clock: both ends run in the bench process). Notifications
are sent open-loop at a fixed rate (default 200/s) whatever the server's answers; every one raises a new
alert. The interop FHIR Subscription endpoint is not measured (not present when this was written).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from openmsk.escalation.engine import Engine  # noqa: E402
from openmsk.escalation.events import SUPPORTED_TYPES, normalize  # noqa: E402
from openmsk.escalation.naive import naive_match  # noqa: E402

SYNTHEA = Path(os.environ.get("OPENMSK_SHARED_DATA", REPO.parent / "shared" / "data")) / "fhir" / "synthea"


def load_events(max_files: int | None) -> tuple[list, str]:
    """Normalized events from Synthea (or the repo fixtures when the shared data is absent)."""
    files = sorted(SYNTHEA.glob("*.json.gz"))[:max_files] if SYNTHEA.is_dir() else []
    source = f"synthea ({len(files)} files)"
    if not files:
        files = sorted((REPO / "tests" / "data" / "fhir").glob("msk_*_bundle.json")) * 200
        source = "tests/data/fhir fixtures x200"
    events = []
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            bundle = json.load(handle)
        entries = [e for e in bundle.get("entry", []) if isinstance(e.get("resource"), dict)]
        ids = {e["fullUrl"]: e["resource"].get("id") for e in entries if e.get("fullUrl")}
        events += [normalize(e["resource"], ids) for e in entries if e["resource"].get("resourceType") in SUPPORTED_TYPES]
    return events, source


def best_rate(function, items: list, repeats: int) -> float:
    """Best-of-N items per second of calling function on every item."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for item in items:
            function(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


# --- end-to-end latency -------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _prepare_database(admin_url: str) -> tuple[str, str]:
    """A fresh, migrated PostgreSQL database; returns (url, name)."""
    from sqlalchemy import create_engine, text

    from openmsk.dbmigrate import upgrade

    name = f"openmsk_bench_escalation_{os.getpid()}"
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    upgrade(url)
    return url, name


def _drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _seed_clinic(url: str, n_members: int) -> list[str]:
    """One physical therapist serving n synthetic members (enrolled today); returns the member ids."""
    from datetime import date

    from openmsk.auth.service import create_user
    from openmsk.careteam import service as careteam
    from openmsk.db import Database
    from openmsk.members import service as members
    from openmsk.members.schemas import MemberCreate, OrganizationCreate

    db = Database(url)
    ids = []
    with db.transaction() as session:
        org = members.create_organization(session, data=OrganizationCreate(name="Bench Org", kind="employer"), actor=None)
        user = create_user(session, email="pt@bench.example", display_name="PT", roles={"physical_therapist"},
                           password="bench password 123")
        pt = careteam.create_clinician(session, user_id=user.id, role="physical_therapist", display_name="PT")
        for i in range(n_members):
            member = members.enroll_member(session, actor=None, today=date.today(), data=MemberCreate(
                organization_id=org.id, given_name=f"Bench{i}", family_name="Member", birth_date=date(1970, 1, 1),
                sex="female", email=f"m{i}@bench.example", state="NY"))
            careteam.assign(session, member_id=member.id, clinician_id=pt.id, role="physical_therapist", actor=None,
                            reason="bench")
            ids.append(member.id)
    db.dispose()
    return ids


def _start_server(url: str, port: int, var_dir: Path):
    import subprocess

    import httpx

    env = {**os.environ, "OPENMSK_DATABASE_URL": url, "OPENMSK_SECRET_KEY": "bench-" + "x" * 40,
           "OPENMSK_VAR_DIR": str(var_dir), "OPENMSK_LOG_LEVEL": "WARNING", "OPENMSK_REDIS_URL": "",
           "OPENMSK_ENV": "test", "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "openmsk.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
                               "--timeout-graceful-shutdown", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _listen(base: str, headers: dict, seen: dict, ready, stop) -> None:
    """The worklist client: keep the SSE stream open and note when each alert's record arrives."""
    import httpx

    since = datetime.now(UTC).isoformat()
    try:
        _read_stream(base, headers, seen, ready, stop, since)
    except httpx.HTTPError:
        pass  # the server went away at the end of the run


def _read_stream(base: str, headers: dict, seen: dict, ready, stop, since: str) -> None:
    import httpx

    with httpx.stream("GET", f"{base}/api/v1/escalations/stream", params={"since": since, "timeout_s": 600},
                      headers=headers, timeout=httpx.Timeout(10, read=None)) as response:
        ready.set()
        for line in response.iter_lines():
            if line.startswith("data: "):
                arrived = time.perf_counter()
                resource = json.loads(line[6:])["alert"]["resource"]
                seen.setdefault(resource, arrived)
            if stop.is_set():
                return


# Up to 16 requests in flight, like a FHIR server's notification workers. Far more concurrent requests
# than the server's database pool (30) starve its thread pool (each request holds a connection while
# waiting for a thread): a server sizing issue, reported separately, not a property of the alert path.
CLIENT_CONNECTIONS = 16


def _progress(message: str) -> None:
    print(f"[escalation bench] {message}", file=sys.stderr, flush=True)


def measure_latency(*, rate: float, seconds: float, n_members: int = 50) -> dict:
    """Send `rate` FHIR notifications/s for `seconds` and time each alert's arrival on an SSE client."""
    import asyncio
    import socket
    import subprocess
    import tempfile
    import threading

    import httpx

    os.environ.setdefault("OPENMSK_PASSWORD_HASH_PROFILE", "cheap")
    admin_url = os.environ.get("OPENMSK_TEST_POSTGRES_URL", "")
    if not admin_url:
        return {"skipped": "OPENMSK_TEST_POSTGRES_URL is not set"}
    _progress("latency: creating and migrating a PostgreSQL database")
    url, name = _prepare_database(admin_url)
    member_ids = _seed_clinic(url, n_members)
    _progress("latency: starting the server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = _start_server(url, port, Path(tempfile.mkdtemp(prefix="openmsk-bench-")))
    try:
        token = httpx.post(f"{base}/api/v1/auth/token", json={"email": "pt@bench.example",
                                                               "password": "bench password 123"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        seen: dict[str, float] = {}
        ready, stop = threading.Event(), threading.Event()
        listener = threading.Thread(target=_listen, args=(base, headers, seen, ready, stop), daemon=True)
        listener.start()
        ready.wait(10)
        sent: dict[str, float] = {}
        answers: list[float] = []
        answers_done: list[float] = []
        failures = 0

        async def send_all() -> None:
            nonlocal failures
            total = int(rate * seconds)
            async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30,
                                         limits=httpx.Limits(max_connections=CLIENT_CONNECTIONS)) as client:
                async def one(i: int) -> None:
                    nonlocal failures
                    member = member_ids[i % len(member_ids)]
                    when = datetime.now(UTC).isoformat()
                    resource = {"resourceType": "Encounter", "id": f"bench-{i}", "status": "finished",
                                "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"},
                                "period": {"start": when}}
                    start = time.perf_counter()
                    sent[f"Encounter/bench-{i}"] = start
                    try:
                        response = await client.post(f"/api/v1/members/{member}/clinical-events",
                                                     json={"resources": [resource]})
                    except httpx.HTTPError:
                        failures += 1
                        return
                    answers.append(time.perf_counter() - start)
                    answers_done.append(time.perf_counter())
                    failures += response.status_code != 201

                t0 = time.perf_counter()
                tasks = []
                for i in range(total):
                    delay = t0 + i / rate - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    tasks.append(asyncio.create_task(one(i)))
                # Open loop: a server that cannot keep up shows as late or missing alerts, not a stalled bench.
                _done, pending = await asyncio.wait(tasks, timeout=seconds + 15)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)

        _progress(f"latency: sending {int(rate * seconds)} notifications at {rate:g}/s")
        started = time.perf_counter()
        asyncio.run(send_all())
        _progress("latency: sent; waiting for the last alerts")
        send_window = max(answers_done) - started if answers_done else float("nan")
        deadline = time.monotonic() + 5
        while len(set(sent) & set(seen)) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        latencies = [(seen[key] - sent[key]) * 1000 for key in sent if key in seen]
        result = {
            "path": "POST /api/v1/members/{id}/clinical-events (1 FHIR Encounter each) -> SSE event on "
                    "/api/v1/escalations/stream; uvicorn 1 worker, PostgreSQL",
            "target_rate_per_s": rate, "achieved_rate_per_s": round(len(answers) / send_window, 1),
            "sent": len(sent), "received": len(latencies), "http_failures": failures,
            "load_average_1m": round(os.getloadavg()[0], 1),
            "post_p50_ms": round(_percentile(answers, 0.5) * 1000, 1) if answers else None,
            "p50_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
            "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None, "target_p99_ms": 1000,
        }
        return result
    finally:
        server.terminate()  # open SSE streams hold a graceful shutdown: give it 5 s, then kill
        try:
            server.wait(5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        _drop_database(admin_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats (under a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--latency", action=argparse.BooleanOptionalAction, default=None,
                        help="measure end-to-end alert latency through a real server on PostgreSQL")
    parser.add_argument("--rate", type=float, default=200.0, help="notifications per second (latency)")
    args = parser.parse_args()
    events, source = load_events(30 if args.quick else None)
    engine = Engine.shipped()
    rules = engine.compiled.rules
    naive_events = events[: 3000 if args.quick else 10000]
    key = lambda matches: sorted((m.rule.id, m.severity, m.matched, m.episode) for m in matches)  # noqa: E731
    mismatches = sum(key(engine.compiled.match(e)) != key(naive_match(rules, e)) for e in naive_events)
    repeats = 3 if args.quick else 5
    compiled = best_rate(engine.compiled.match, events, repeats)
    naive = best_rate(lambda e: naive_match(rules, e), naive_events, 1 if args.quick else 3)
    now = datetime(2030, 1, 1, tzinfo=UTC)
    start = time.perf_counter()
    evaluation = engine.evaluate(events, now=now, since=None)
    evaluate_rate = len(events) / (time.perf_counter() - start)
    result = {
        "benchmark": "escalation", "source": source, "events": len(events), "rules": len(rules),
        "compiled_match_events_per_s": round(compiled), "naive_match_events_per_s": round(naive),
        "speedup": round(compiled / naive, 1), "evaluate_events_per_s": round(evaluate_rate),
        "alerts": len(evaluation.alerts), "mismatches_vs_naive": mismatches, "target_events_per_s": 50000,
        "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
    }
    if args.latency or (args.latency is None and os.environ.get("OPENMSK_TEST_POSTGRES_URL")):
        result["end_to_end_latency"] = measure_latency(rate=args.rate, seconds=5 if args.quick else 30)
    else:
        result["end_to_end_latency"] = "not measured: set OPENMSK_TEST_POSTGRES_URL (PostgreSQL) or pass --latency"
    if args.json:
        print(json.dumps(result))
        return
    print(f"events: {len(events)} from {source}; rules: {len(rules)}")
    print(f"compiled match : {compiled:>12,.0f} events/s")
    print(f"naive match    : {naive:>12,.0f} events/s")
    print(f"speed-up       : {compiled / naive:>12.1f}x   (mismatches vs naive: {mismatches})")
    print(f"full evaluate  : {evaluate_rate:>12,.0f} events/s ({len(evaluation.alerts)} alerts)")
    latency = result["end_to_end_latency"]
    if isinstance(latency, dict):
        print(f"end-to-end     : p50 {latency['p50_ms']} ms, p99 {latency['p99_ms']} ms at "
              f"{latency['achieved_rate_per_s']}/s ({latency['received']}/{latency['sent']} alerts seen live)")
    else:
        print(f"end-to-end     : {latency}")


if __name__ == "__main__":
    main()
