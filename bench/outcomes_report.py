"""Benchmark: vectorized cohort analytics (compute_report) vs a naive per-member Python loop.

Usage: .venv/bin/python bench/outcomes_report.py [--quick] [--json] [--members N]
Both paths run in the same process on the same SYNTHETIC cohort and must produce the same numbers.
"""

import argparse
import json
import math
import statistics
import sys
import time

from openmsk.outcomes.definitions import GAD7_ELEVATED, PHQ9_ELEVATED
from openmsk.outcomes.report import compute_report
from openmsk.outcomes.stats import bootstrap_ci
from openmsk.outcomes.subgroups import age_band_labels
from openmsk.outcomes.synthetic import generate_cohort


def _present(v):
    return v is not None and not (isinstance(v, float) and math.isnan(v))


def _last(values, first=0, last=12):
    found = None
    for week in range(first, last + 1):
        if _present(values[week]):
            found = values[week]
    return found


def _pain_view(pairs):
    """Mean, median, CIs and responders from (baseline, final) pairs, baseline > 0."""
    changes = [(f - b) / b * 100 for b, f in pairs if b > 0]
    points = [b - f for b, f in pairs if b > 0]
    return {"n": len(changes), "mean": statistics.fmean(changes), "median": statistics.median(changes),
            "ci95": bootstrap_ci(changes, "mean"), "median_ci95": bootstrap_ci(changes, "median"),
            "r30": sum(c <= -30 for c in changes) / len(changes), "r50": sum(c <= -50 for c in changes) / len(changes),
            "r2": sum(p >= 2 for p in points) / len(points)}


def naive_report(cohort):
    """Reference implementation: one Python loop over members, plain lists, no vectorization."""
    grids = {name: grid.tolist() for name, grid in cohort.measures.items()}
    bands = age_band_labels(cohort.attributes["age"]).tolist()
    completers, itt, elevated = [], [], {"phq9": [], "gad7": []}
    retained, per_week_sessions = [0] * 13, []
    by_region: dict[str, list[float]] = {}
    by_band: dict[str, list[float]] = {}
    for i in range(cohort.size):
        pain = grids["pain"][i]
        if not _present(pain[0]):
            continue
        baseline, final = pain[0], _last(pain, 9, 12)
        itt.append((baseline, _last(pain)))
        if final is not None:
            completers.append((baseline, final))
            if baseline > 0:
                change = (final - baseline) / baseline * 100
                by_region.setdefault(cohort.attributes["region"][i], []).append(change)
                by_band.setdefault(bands[i], []).append(change)
        for name, cutoff in (("phq9", PHQ9_ELEVATED), ("gad7", GAD7_ELEVATED)):
            scores = grids[name][i]
            last = _last(scores, 9, 12)
            if _present(scores[0]) and scores[0] >= cutoff and last is not None:
                elevated[name].append(last - scores[0])
        active = [any(_present(grids[n][i][w]) for n in grids) for w in range(13)]
        last_active = max(w for w in range(13) if active[w])
        for week in range(last_active + 1):
            retained[week] += 1
        sessions = sum(s for s in grids["sessions"][i] if _present(s))
        per_week_sessions.append(sessions / sum(active))
    return {"enrolled": len(itt), "completers": len(completers), "completers_view": _pain_view(completers),
            "itt_view": _pain_view(itt), "phq9": statistics.fmean(elevated["phq9"]),
            "gad7": statistics.fmean(elevated["gad7"]), "retention": [r / len(itt) for r in retained],
            "sessions_per_active_week": statistics.fmean(per_week_sessions),
            "region_means": {k: statistics.fmean(v) for k, v in by_region.items()},
            "age_band_means": {k: statistics.fmean(v) for k, v in by_band.items()}}


def compare(vector: dict, naive: dict) -> list[str]:
    """Names of figures that differ between the two implementations (empty = identical numbers)."""
    pairs = [("enrolled", vector["enrolled"], naive["enrolled"]), ("completers", vector["completers"], naive["completers"])]
    for prefix, view in (("completers", "completers_view"), ("itt", "itt_view")):
        for key, name in (("mean", "pain_change_pct_mean"), ("median", "pain_change_pct_median"),
                          ("r30", "responders_30pct"), ("r50", "responders_50pct"), ("r2", "responders_2points")):
            pairs.append((f"{prefix}_{name}", vector[f"{prefix}_{name}"], naive[view][key]))
        for bound in (0, 1):
            pairs.append((f"{prefix}_ci95[{bound}]", vector[f"{prefix}_pain_change_pct_ci95"][bound], naive[view]["ci95"][bound]))
            pairs.append((f"{prefix}_median_ci95[{bound}]", vector[f"{prefix}_pain_change_pct_median_ci95"][bound],
                          naive[view]["median_ci95"][bound]))
    pairs += [("phq9", vector["phq9_elevated_change_mean"], naive["phq9"]),
              ("gad7", vector["gad7_elevated_change_mean"], naive["gad7"]),
              ("sessions", vector["engagement"]["sessions_per_active_week_mean"], naive["sessions_per_active_week"])]
    pairs += [(f"retention[{e['week']}]", e["share"], naive["retention"][e["week"]])
              for e in vector["engagement"]["retention_by_week"]]
    for table, key in (("region", "region_means"), ("age_band", "age_band_means")):
        pairs += [(f"{table}:{row['level']}", row["pain_change_pct_mean"]["value"], naive[key][row["level"]])
                  for row in vector["subgroups"][table]]
    return [name for name, a, b in pairs if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)]


def _timed(function, *args, repeat=1):
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="naive loop on a 20,000-member subset, extrapolated")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    cohort = generate_cohort(args.members, seed=2024)
    report = lambda c: compute_report(c, min_cell_size=0)  # noqa: E731 - suppression off: compare raw numbers
    vector_s, vector = _timed(report, cohort, repeat=5)
    naive_members = min(args.members, 20_000) if args.quick else args.members
    subset = cohort if naive_members == args.members else cohort.subset(
        [i < naive_members for i in range(args.members)])
    naive_s, naive = _timed(naive_report, subset, repeat=3 if args.quick else 2)
    reference = vector if subset is cohort else report(subset)
    mismatches = compare(reference, naive)
    naive_full_s = naive_s * args.members / naive_members
    result = {"benchmark": "outcomes_report", "members": args.members, "weeks": 13,
              "vectorized_seconds": round(vector_s, 4), "naive_members_measured": naive_members,
              "naive_seconds_measured": round(naive_s, 4), "naive_seconds_for_all_members": round(naive_full_s, 4),
              "naive_extrapolated": naive_members != args.members, "speedup": round(naive_full_s / vector_s, 1),
              "same_numbers": not mismatches, "mismatches": mismatches}
    if args.json:
        print(json.dumps(result))
    else:
        extrapolated = " (extrapolated linearly from %d members)" % naive_members if result["naive_extrapolated"] else ""
        print(f"members: {args.members} x 13 weeks (synthetic)")
        print(f"vectorized compute_report: {vector_s:.3f} s (best of 5)")
        print(f"naive per-member loop:     {naive_full_s:.3f} s{extrapolated} (best of {3 if args.quick else 2})")
        print(f"speedup: {result['speedup']}x; same numbers: {result['same_numbers']}")
    sys.exit(0 if not mismatches else 1)


if __name__ == "__main__":
    main()
