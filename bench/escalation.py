"""Escalation rule-evaluation throughput: compiled engine vs a naive every-rule-every-event baseline.

Usage: .venv/bin/python bench/escalation.py [--quick] [--json] [--rate N] [--seconds S] [--workers N]

Events are the supported resources of the Synthea bundles in ../shared/data/fhir/synthea (normalized
once, outside the timed region); without that folder the hand-written fixtures in tests/data/fhir are
repeated. Timed on one core (pure Python, single thread):
  * match: CompiledRules.match per event (hash lookups by code/word) vs naive_match (plain loops over
    every rule, code and term); the two are checked to give identical matches first;
  * evaluate: the whole Engine.evaluate batch (matching, aggregates, window, de-duplication).

End-to-end latency (`--latency`, on by default when OPENMSK_TEST_POSTGRES_URL is set; PostgreSQL only).
Path measured: a FHIR Subscription notification (R4B topic-based backport shape: a history Bundle with
the SubscriptionStatus and the focus Encounter, class EMER) POSTed by the bench to the interop feed
endpoint `POST /fhir/R4/notifications/{feed_id}` of a real `uvicorn` server (separate process,
`--workers` processes, default 2, in-process job queues) on a fresh PostgreSQL database -> the carried
Encounter imported for the linked member -> `clinical.records_imported` -> escalation rules -> alert
committed (PostgreSQL NOTIFY to the other workers) -> the server's `GET /api/v1/escalations/stream`
(Server-Sent Events) -> the `event: alert` line parsed by a connected worklist client (the care team's
clinician). Latency = client receive time - the moment the bench started sending that notification (one
clock: both ends run in the bench process). Notifications are sent open-loop at a fixed rate (default
200/s) whatever the server's answers, as plain HTTP/1.1 on 32 kept-alive connections; every one raises a
new alert. `--quick`: 10 s of sending; full run: `--seconds` (default 60). Also reported: CPU time per
notification of the server's processes (from /proc) and of the bench's sender, comparable under load.
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


FEED_BASE = "https://ehr.bench.example/fhir"


def _seed_clinic(url: str, n_members: int) -> tuple[list[str], str, str]:
    """One physical therapist serving n members (enrolled today), each linked to a Patient of one provider
    feed; returns the provider's patient ids, the feed id and the feed's secret."""
    from datetime import date

    from openmsk.auth.service import create_user
    from openmsk.careteam import service as careteam
    from openmsk.db import Database
    from openmsk.interop.models import PatientLink
    from openmsk.interop.pull import register_feed
    from openmsk.members import service as members
    from openmsk.members.schemas import MemberCreate, OrganizationCreate

    db = Database(url)
    patients = []
    with db.transaction() as session:
        org = members.create_organization(session, data=OrganizationCreate(name="Bench Org", kind="employer"), actor=None)
        user = create_user(session, email="pt@bench.example", display_name="PT", roles={"physical_therapist"},
                           password="bench password 123")
        pt = careteam.create_clinician(session, user_id=user.id, role="physical_therapist", display_name="PT")
        feed, secret = register_feed(session, provider="Bench Hospital", base_url=FEED_BASE)
        for i in range(n_members):
            member = members.enroll_member(session, actor=None, today=date.today(), data=MemberCreate(
                organization_id=org.id, given_name=f"Bench{i}", family_name="Member", birth_date=date(1970, 1, 1),
                sex="female", email=f"m{i}@bench.example", state="NY"))
            careteam.assign(session, member_id=member.id, clinician_id=pt.id, role="physical_therapist", actor=None,
                            reason="bench")
            session.add(PatientLink(source_system=FEED_BASE, patient_id=f"bench-patient-{i}", member_id=member.id,
                                    status="linked", method="manual", score=1.0))
            patients.append(f"bench-patient-{i}")
        feed_id = feed.id
    db.dispose()
    return patients, feed_id, secret


def notification(i: int, patient_id: str, when: str) -> dict:
    """An R4B backport full-resource notification whose focus is a new emergency Encounter."""
    encounter = {"resourceType": "Encounter", "id": f"bench-{i}", "status": "finished",
                 "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER"},
                 "subject": {"reference": f"Patient/{patient_id}"}, "period": {"start": when}}
    return {"resourceType": "Bundle", "type": "history", "timestamp": when, "entry": [
        {"fullUrl": "urn:uuid:status", "resource": {
            "resourceType": "SubscriptionStatus", "status": "active", "type": "event-notification",
            "eventsSinceSubscriptionStart": str(i + 1),
            "notificationEvent": [{"eventNumber": str(i + 1), "timestamp": when,
                                   "focus": {"reference": f"{FEED_BASE}/Encounter/bench-{i}"}}],
            "subscription": {"reference": f"{FEED_BASE}/Subscription/openmsk"},
            "topic": "http://hl7.org/SubscriptionTopic/encounter-start"}},
        {"fullUrl": f"{FEED_BASE}/Encounter/bench-{i}", "resource": encounter,
         "request": {"method": "PUT", "url": f"Encounter/bench-{i}"}}]}


def _start_server(url: str, port: int, var_dir: Path, workers: int):
    import subprocess

    import httpx

    env = {**os.environ, "OPENMSK_DATABASE_URL": url, "OPENMSK_SECRET_KEY": "bench-" + "x" * 40,
           "OPENMSK_VAR_DIR": str(var_dir), "OPENMSK_LOG_LEVEL": "WARNING", "OPENMSK_REDIS_URL": "",
           "OPENMSK_ENV": "test", "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "openmsk.app:create_app", "--factory", "--host",
                               "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning",
                               "--timeout-graceful-shutdown", "2", "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=(var_dir / "server.log").open("wb"),
                              start_new_session=True)  # one process group: the workers stop with it
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                time.sleep(1.0 if workers > 1 else 0)  # the other workers finish starting
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    _stop_server(server)
    raise RuntimeError(f"the server did not start; see {var_dir / 'server.log'}")


def _stop_server(server) -> None:
    """Stop the server and its workers (open SSE streams hold a graceful shutdown: 5 s, then kill)."""
    import signal
    import subprocess

    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(5)


def _group_cpu_s(pgid: int) -> float | None:
    """CPU seconds (user + system) used so far by every process of a process group (Linux /proc)."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields after the command: state, ppid, pgrp, ..., utime (12), stime (13)
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


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


# 32 senders (at most 32 requests in flight), like a FHIR server's pool of notification workers.
CLIENT_CONNECTIONS = 32


async def _post(reader, writer, head: bytes, body: bytes) -> int:
    """One HTTP/1.1 POST on a kept-alive connection; the status code (the answer is read and dropped).

    Plain asyncio streams instead of an HTTP client library: at 200 requests/s on two shared cores, a
    client library's own CPU time (over 10 ms a request measured under load) would crowd out the server.
    """
    writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    status = int((await reader.readline()).split(b" ", 2)[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


def _progress(message: str) -> None:
    print(f"[escalation bench] {message}", file=sys.stderr, flush=True)


def _stats(values_ms: list[float]) -> dict:
    if not values_ms:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {"p50_ms": round(_percentile(values_ms, 0.5), 1), "p95_ms": round(_percentile(values_ms, 0.95), 1),
            "p99_ms": round(_percentile(values_ms, 0.99), 1), "max_ms": round(max(values_ms), 1)}


def measure_latency(*, rate: float, seconds: float, workers: int = 2, n_members: int = 500) -> dict:
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
    seeded = time.perf_counter()
    patients, feed_id, feed_secret = _seed_clinic(url, n_members)
    _progress(f"latency: {n_members} members seeded in {time.perf_counter() - seeded:.1f} s")
    _progress(f"latency: starting the server ({workers} worker(s))")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = _start_server(url, port, Path(tempfile.mkdtemp(prefix="openmsk-bench-")), workers)
    load_before = os.getloadavg()
    try:
        token = httpx.post(f"{base}/api/v1/auth/token", json={"email": "pt@bench.example",
                                                               "password": "bench password 123"}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        seen: dict[str, float] = {}
        ready, stop = threading.Event(), threading.Event()
        listener = threading.Thread(target=_listen, args=(base, headers, seen, ready, stop), daemon=True)
        listener.start()
        ready.wait(10)
        time.sleep(0.5)  # the stream's first read is done before the first notification
        sent: dict[str, float] = {}
        answers: list[float] = []
        answers_done: list[float] = []
        failures = 0

        async def send_all() -> None:
            nonlocal failures
            total = int(rate * seconds)
            upcoming = iter(range(total))

            async def sender() -> None:
                nonlocal failures
                connection = None
                for i in upcoming:  # shared: each sender takes the next notification that falls due
                    due = t0 + i / rate
                    if (delay := due - time.perf_counter()) > 0:
                        await asyncio.sleep(delay)
                    # Open loop: latency counts from when the notification was due, so a server that
                    # falls behind shows as late alerts (no coordinated omission).
                    sent[f"Encounter/bench-{i}"] = due
                    body = json.dumps(notification(i, patients[i % len(patients)], datetime.now(UTC).isoformat()))
                    start = time.perf_counter()
                    try:
                        connection = connection or await asyncio.open_connection("127.0.0.1", port)
                        status = await asyncio.wait_for(_post(*connection, request_head, body.encode()), 30)
                    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
                        failures += 1
                        if connection is not None:
                            connection[1].close()
                        connection = None
                        continue
                    answers.append(time.perf_counter() - start)
                    answers_done.append(time.perf_counter())
                    failures += status != 200
                if connection is not None:
                    connection[1].close()

            t0 = time.perf_counter()
            senders = [asyncio.create_task(sender()) for _ in range(CLIENT_CONNECTIONS)]
            _done, pending = await asyncio.wait(senders, timeout=seconds + min(15.0, seconds / 2))
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

        request_head = (f"POST /fhir/R4/notifications/{feed_id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        f"Authorization: Bearer {feed_secret}\r\nContent-Type: application/fhir+json\r\n").encode()
        _progress(f"latency: sending {int(rate * seconds)} notifications at {rate:g}/s for {seconds:g} s")
        server_cpu, client_cpu = _group_cpu_s(server.pid), time.process_time()
        started = time.perf_counter()
        asyncio.run(send_all())
        _progress("latency: sent; waiting for the last alerts")
        send_window = max(answers_done) - started if answers_done else float("nan")
        deadline = time.monotonic() + 5
        while len(set(sent) & set(seen)) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        server_cpu = (_group_cpu_s(server.pid) or 0.0) - server_cpu if server_cpu is not None else None
        client_cpu = time.process_time() - client_cpu
        latencies = [(seen[key] - sent[key]) * 1000 for key in sent if key in seen]
        within = sum(value <= 1000 for value in latencies)
        return {
            "path": "POST /fhir/R4/notifications/{feed_id} (R4B backport bundle carrying 1 Encounter) -> import -> "
                    f"rules -> alert -> SSE event on /api/v1/escalations/stream; uvicorn {workers} worker(s), PostgreSQL",
            "workers": workers, "members": n_members, "offered_rate_per_s": rate, "seconds": seconds,
            "achieved_rate_per_s": round(len(answers) / send_window, 1) if answers else 0.0,
            "notifications_sent": len(sent), "alerts_expected": int(rate * seconds), "alerts_received": len(latencies), "alerts_within_1s": within,
            "http_failures": failures,
            # CPU time, not wall time: what each notification cost, whatever else loads the machine.
            "server_cpu_ms_per_answered_notification": round(server_cpu * 1000 / len(answers), 2)
            if server_cpu and answers else None,
            "bench_client_cpu_ms_per_notification": round(client_cpu * 1000 / len(sent), 2) if sent else None,
            "post_p50_ms": round(_percentile(answers, 0.5) * 1000, 1) if answers else None,
            **_stats(latencies), "target_p99_ms": 1000,
            "load_average": [round(v, 2) for v in os.getloadavg()],
            "load_average_before": [round(v, 2) for v in load_before],
            "cpus": os.cpu_count(),
        }
    finally:
        _stop_server(server)
        _drop_database(admin_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats (under a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--latency", action=argparse.BooleanOptionalAction, default=None,
                        help="measure end-to-end alert latency through a real server on PostgreSQL")
    parser.add_argument("--rate", type=float, default=200.0, help="notifications per second (latency)")
    parser.add_argument("--seconds", type=float, default=None, help="how long to send (default 10 with --quick, else 60)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (latency)")
    parser.add_argument("--members", type=int, default=None,
                        help="members the notifications are spread over (default 100 with --quick, else 500)")
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
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    if args.latency or (args.latency is None and os.environ.get("OPENMSK_TEST_POSTGRES_URL")):
        seconds = args.seconds or (10 if args.quick else 60)
        result["end_to_end_latency"] = measure_latency(rate=args.rate, seconds=seconds, workers=args.workers,
                                                       n_members=args.members or (100 if args.quick else 500))
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
        if "skipped" in latency:
            print(f"end-to-end     : skipped ({latency['skipped']})")
        else:
            print(f"end-to-end     : p50 {latency['p50_ms']} ms, p95 {latency['p95_ms']} ms, p99 {latency['p99_ms']} ms "
                  f"at {latency['achieved_rate_per_s']}/s of {latency['offered_rate_per_s']:g}/s offered "
                  f"({latency['alerts_received']}/{latency['alerts_expected']} alerts seen live, "
                  f"load average {latency['load_average']})")
    else:
        print(f"end-to-end     : {latency}")


if __name__ == "__main__":
    main()
