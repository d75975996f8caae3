"""Escalation rule-evaluation throughput: compiled engine vs a naive every-rule-every-event baseline.

Usage: .venv/bin/python bench/escalation.py [--quick] [--json]

Events are the supported resources of the Synthea bundles in ../shared/data/fhir/synthea (normalized
once, outside the timed region); without that folder the hand-written fixtures in tests/data/fhir are
repeated. Timed on one core (pure Python, single thread):
  * match: CompiledRules.match per event (hash lookups by code/word) vs naive_match (plain loops over
    every rule, code and term); the two are checked to give identical matches first;
  * evaluate: the whole Engine.evaluate batch (matching, aggregates, window, de-duplication).

TODO (end-to-end latency, needs the server): time from a FHIR record arriving at the import endpoint to
the alert being visible in the care-team queue. Not measured here; no numbers are reported for it.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer files and repeats (under a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
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
        "end_to_end_latency": "TODO: needs the server (see docstring)",
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"events: {len(events)} from {source}; rules: {len(rules)}")
    print(f"compiled match : {compiled:>12,.0f} events/s")
    print(f"naive match    : {naive:>12,.0f} events/s")
    print(f"speed-up       : {compiled / naive:>12.1f}x   (mismatches vs naive: {mismatches})")
    print(f"full evaluate  : {evaluate_rate:>12,.0f} events/s ({len(evaluation.alerts)} alerts)")


if __name__ == "__main__":
    main()
