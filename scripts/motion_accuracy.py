"""Measure the motion core against the shared datasets and write docs/motion-accuracy.md."""

import argparse
import csv
import dataclasses
from collections import defaultdict
from pathlib import Path

import numpy as np

from openmsk.motion.analysis import analyze
from openmsk.motion.geometry import angle_between
from openmsk.motion.imu import agreement, imu_joint_angle
from openmsk.motion.loaders import load, load_cmu_joint_angles
from openmsk.motion.measures import judge
from openmsk.motion.specs import FormCheck, load_specs
from openmsk.motion.streaming import RepCounter
from openmsk.motion.trace import side_signals

ROOT = Path(__file__).resolve().parents[1]
UIPRMD_EXERCISES = {
    1: "deep_squat", 2: "hurdle_step", 3: "inline_lunge", 4: "side_lunge", 5: "sit_to_stand",
    6: "standing_active_straight_leg_raise", 7: "standing_shoulder_abduction",
    8: "standing_shoulder_extension", 9: "standing_shoulder_internal_external_rotation",
    10: "standing_shoulder_scaption",
}
IRDS_EXERCISES = {0: "elbow_flexion", 1: "elbow_flexion", 2: "shoulder_flexion", 3: "shoulder_flexion",
                  4: "shoulder_abduction", 5: "shoulder_abduction", 6: "shoulder_forward_elevation",
                  7: "side_tap", 8: "side_tap"}
CMU_EXERCISES = {"SqDL": "deep_squat", "SqHalfDL": "half_squat", "SqSL": "single_leg_squat",
                 "SqHalfSL": "single_leg_squat", "Lunge": "lunge", "HeelRaise": "heel_raise",
                 "BulgSq": "bulgarian_split_squat", "StepUpL": "step_up", "StepDnL": "step_down"}
# Feature -> (error code, spec parameter, direction "above" = error when the feature is larger).
FORM_FEATURES = {
    "peak_value": ("insufficient_depth", "target_low", "below"),
    "rom": ("insufficient_depth", "target_low", "below"),
    "trunk_lean_deg": ("trunk_lean", "max_deg", "above"),
    "trunk_change_deg": ("compensation", "max_deg", "above"),
    "hip_hike_deg": ("hip_hike", "max_deg", "above"),
    "knee_ankle_ratio": ("knee_valgus", "min_ratio", "below"),
    "side_gap": ("asymmetry", "max_deg", "above"),
}
# A rep is incorrect when any check fires, so checks are added greedily (at most two, each kept only
# when it raises the training subjects' balanced accuracy by 0.01): more overfits the seven subjects.
# The fitting score is the mean of each training subject's own balanced accuracy, so every subject
# counts equally, as in the leave-one-subject-out test (a subject with more reps does not set the cut).
MAX_FORM_CHECKS = 2
MIN_CHECK_GAIN = 0.01


def streaming_count(rec, spec, side: str) -> int:
    """Reps counted by the causal RepCounter on the same cleaned signal."""
    values, _ = side_signals(rec, spec)
    x = np.nanmean([values["left"], values["right"]], axis=0) if side == "both" else values[side]
    counter = RepCounter(spec, rec.rate_hz)
    for t, v in zip(rec.t, x, strict=True):
        counter.update(t, v)
    counter.finish()
    return counter.count


def uiprmd(data: Path, specs) -> tuple[list[str], dict]:
    """Rep counts on 10-rep streams and per-rep results for the form evaluation."""
    lines, per_move, agree, reps = [], defaultdict(lambda: [0, 0]), 0, []
    for m, ex in UIPRMD_EXERCISES.items():
        for s in range(1, 8):
            for correct, folder, suffix in ((1, "correct", ""), (0, "incorrect", "_inc")):
                files = [data / f"uiprmd_kinect/{folder}/positions/m{m:02d}_s{s:02d}_e{e:02d}_positions{suffix}.txt.gz"
                         for e in range(1, 11)]
                if not all(f.exists() for f in files):
                    continue
                rec = load(files, "uiprmd")
                res = analyze(rec, ex)
                per_move[m][0] += len(res.reps) == 10
                per_move[m][1] += 1
                agree += streaming_count(rec, specs[ex], res.side) == len(res.reps)
                reps += [(m, s, correct, r) for r in res.reps]
    total = sum(v[1] for v in per_move.values())
    exact = sum(v[0] for v in per_move.values())
    lines.append(f"| UI-PRMD 10-rep streams (offline) | {exact}/{total} exact ({exact / total:.1%}) | target >= 95% |")
    lines.append(f"| UI-PRMD streaming RepCounter = offline count | {agree}/{total} ({agree / total:.1%}) | agree |")
    for m, (ok, n) in per_move.items():
        lines.append(f"| UI-PRMD m{m:02d} {UIPRMD_EXERCISES[m]} | {ok}/{n} exact | |")
    return lines, {"reps": reps}


def _balanced(pred_error: np.ndarray, is_incorrect: np.ndarray) -> float:
    tpr = np.mean(pred_error[is_incorrect]) if is_incorrect.any() else np.nan
    tnr = np.mean(~pred_error[~is_incorrect]) if (~is_incorrect).any() else np.nan
    return float(np.nanmean([tpr, tnr]))


def _feature(rep, feat: str) -> float:
    if feat in ("peak_value", "rom"):
        return getattr(rep, feat)
    return rep.features.get(feat, np.nan)


def _subject_balanced(pred_error: np.ndarray, is_incorrect: np.ndarray, subjects: np.ndarray) -> float:
    return float(np.mean([_balanced(pred_error[subjects == s], is_incorrect[subjects == s])
                          for s in np.unique(subjects)]))


def fit_checks(reps) -> list[tuple[str, float]]:
    """(feature, threshold) checks fitted greedily on training reps by per-subject balanced accuracy of their OR."""
    y = np.array([c == 0 for _, _, c, _ in reps])
    subjects = np.array([s for _, s, _, _ in reps])
    chosen, pred, score = [], np.zeros(len(y), bool), 0.5
    for _ in range(MAX_FORM_CHECKS):
        best = None
        for feat, (code, _, direction) in FORM_FEATURES.items():
            if any(FORM_FEATURES[f][0] == code for f, _ in chosen):
                continue
            vals = np.array([_feature(r, feat) for *_, r in reps], dtype=float)
            if not np.isfinite(vals).any():
                continue
            for thr in np.unique(np.percentile(vals[np.isfinite(vals)], np.linspace(2, 98, 49))):
                hit = np.isfinite(vals) & (vals < thr if direction == "below" else vals > thr)
                cand = _subject_balanced(pred | hit, y, subjects)
                if best is None or cand > best[0]:
                    best = (cand, feat, float(thr), pred | hit)
        if best is None or best[0] < score + MIN_CHECK_GAIN:
            break
        score, pred = best[0], best[3]
        chosen.append((best[1], best[2]))
    return chosen


def fitted_spec(spec, checks: list[tuple[str, float]]):
    """The spec with only the fitted form checks active, at the fitted thresholds."""
    out, fitted = spec, []
    for feat, thr in checks:
        code, param, _ = FORM_FEATURES[feat]
        if code == "insufficient_depth":
            out = dataclasses.replace(out, target_range=(thr, spec.target_range[1]),
                                      target_measure="excursion" if feat == "rom" else "peak")
            fitted.append(FormCheck(code, "", {}))
        else:
            fitted.append(FormCheck(code, "", {param: thr}))
    return dataclasses.replace(out, checks=tuple(fitted))


def loso_form(reps, specs) -> tuple[float, dict[int, tuple[float, set[str]]]]:
    """Balanced accuracy of per-rep `correct` vs labels, checks fitted leaving each whole subject out.

    Returns the overall figure and, per movement, its figure and the features any fold chose.
    """
    per_move, all_pred, all_true = {}, [], []
    for m, ex in UIPRMD_EXERCISES.items():
        move = [r for r in reps if r[0] == m]
        pred, true, chosen = [], [], set()
        for subject in sorted({r[1] for r in move}):
            checks = fit_checks([r for r in move if r[1] != subject])
            chosen |= {feat for feat, _ in checks}
            spec = fitted_spec(specs[ex], checks)
            for _, _, correct, rep in (r for r in move if r[1] == subject):
                rep = dataclasses.replace(rep, features=dict(rep.features), complete=True)
                judge(rep, spec, spec.target_range, spec.start_range[1])
                pred.append(not rep.correct)
                true.append(correct == 0)
        per_move[m] = (_balanced(np.array(pred), np.array(true)), chosen)
        all_pred += pred
        all_true += true
    return _balanced(np.array(all_pred), np.array(all_true)), per_move


def form_loso(reps, specs) -> list[str]:
    """Report rows: leave-one-subject-out balanced accuracy, and the checks fitted on all subjects."""
    overall, per_move = loso_form(reps, specs)
    lines = [f"| UI-PRMD form, all movements (LOSO) | balanced accuracy {overall:.2f} | target >= 0.85 |"]
    for m, (bal, chosen) in per_move.items():
        final = "; ".join(f"{FORM_FEATURES[f][0]} {f} {'<' if FORM_FEATURES[f][2] == 'below' else '>'} {t:.3g}"
                          for f, t in fit_checks([r for r in reps if r[0] == m]))
        lines.append(f"| UI-PRMD form m{m:02d} {UIPRMD_EXERCISES[m]} (LOSO) | balanced accuracy {bal:.2f} | "
                     f"features: {', '.join(sorted(chosen))}; all 7 subjects: {final} |")
    return lines


def irds(data: Path) -> list[str]:
    """Exactly one rep per IntelliRehabDS patient file."""
    rows = list(csv.DictReader(open(data / "intellirehabds_raw/labels.csv")))
    ok = 0
    for row in rows:
        res = analyze(load(data / "intellirehabds_raw" / row["file"], "kinect-irds"), IRDS_EXERCISES[int(row["gesture_id"])])
        ok += len(res.reps) == 1
    return [f"| IntelliRehabDS patient files, exactly 1 rep | {ok}/{len(rows)} ({ok / len(rows):.1%}) | target >= 95% |"]


def cmu(data: Path) -> list[str]:
    """IMU rep counts per exercise and IMU angle agreement with the reference angles."""
    rows = list(csv.DictReader(open(data / "cmu_imu_exercise/labels.csv")))
    lines = []
    by_ex = defaultdict(list)
    for row in rows:
        by_ex[row["exercise"]].append(row)
    for ex, items in by_ex.items():
        items.sort(key=lambda r: int(r["rep"]))
        rec = load([data / "cmu_imu_exercise" / r["imu_file"] for r in items], "cmu-imu")
        res = analyze(rec, CMU_EXERCISES[ex])
        ref = defaultdict(list)
        for r in items:
            for k, v in load_cmu_joint_angles(data / "cmu_imu_exercise" / r["joint_angles_file"])[1].items():
                ref[k].append(v)
        ref = {k: np.concatenate(v) for k, v in ref.items()}
        knee = agreement(imu_joint_angle(rec, "left_thigh", "left_shank"), -ref["LeftKneeAngle_X"])
        hip = agreement(imu_joint_angle(rec, "pelvis", "left_thigh"), ref["LeftHipAngle_X"])
        lines.append(f"| CMU IMU {ex} ({res.side}) | {len(res.reps)} reps (+{len(res.partial_reps)} partial) vs {len(items)} files | "
                     f"L knee RMSE raw {knee.rmse_raw_deg:.1f} / offset-removed {knee.rmse_offset_removed_deg:.1f} deg, r {knee.pearson_r:.3f}; "
                     f"L hip RMSE raw {hip.rmse_raw_deg:.1f} / {hip.rmse_offset_removed_deg:.1f}, r {hip.pearson_r:.3f} |")
    return lines


def video(data: Path) -> list[str]:
    """The real squat video: 2 reps, nothing during the stance adjustment (frames 60-100)."""
    res = analyze(load(data / "video/rohanx01_barbell_back_squat_side.mediapipe0.10.21_full.csv.gz", "mediapipe-csv"), "squat")
    fps = 29.97
    spans = [f"{r.start_s * fps:.0f}-{r.end_s * fps:.0f} (bottom {r.peak_s * fps:.0f})" for r in res.reps]
    return [f"| Squat video (mediapipe-csv) | {len(res.reps)} reps, {len(res.partial_reps)} partial; frames {'; '.join(spans)} | truth 2 (bottoms 315, 520) |"]


def video_live(data: Path) -> list[str]:
    """The same video's world landmarks fed frame by frame through LiveSession (the WebSocket's engine)."""
    import gzip
    import time

    from openmsk.motion.live import LiveSession

    path = data / "video/rohanx01_barbell_back_squat_side.mediapipe0.10.21_full.csv.gz"
    with gzip.open(path, "rt") as fh:
        rows = list(csv.reader(fh))
    w0 = rows[0].index("wx0")
    live, costs, reps = LiveSession(load_specs()["squat"]), [], []
    for r in rows[1:]:
        landmarks = None if r[2] != "1" else [
            [float(r[w0 + 3 * i]), float(r[w0 + 3 * i + 1]), float(r[w0 + 3 * i + 2]), float(r[6 + 4 * i])]
            for i in range(33)]
        started = time.perf_counter()
        events = live.feed({"t": float(r[1]), "landmarks": landmarks})
        costs.append(time.perf_counter() - started)
        reps += [e for e in events if e["type"] == "rep_completed"]
    fps = 29.97
    spans = "; ".join(f"{e['rep']['start_s'] * fps:.0f}-{e['rep']['end_s'] * fps:.0f}" for e in reps)
    return [f"| Squat video, live (LiveSession, world landmarks, causal) | {len(reps)} reps, {live.partial} partial; "
            f"frames {spans}; p50 {np.percentile(costs, 50) * 1e3:.2f} ms, max {max(costs) * 1e3:.1f} ms per frame "
            f"| truth 2 |"]


def _frontal(rec, v: np.ndarray) -> np.ndarray:
    """v without its component along the body's forward axis (2-D image vectors already are frontal)."""
    if v.shape[1] == 2:
        return v
    fwd = np.cross(np.broadcast_to(np.asarray(rec.up, dtype=float), v.shape),
                   rec.joint("right_shoulder") - rec.joint("left_shoulder"))
    fwd /= np.linalg.norm(fwd, axis=1, keepdims=True)
    return v - np.sum(v * fwd, axis=1, keepdims=True) * fwd


def arm_elevation(rec, side: str, plane: str = "frontal") -> np.ndarray:
    """Trunk-down vs shoulder->wrist angle, defined identically for every capture system.

    "frontal" compares what a front camera sees (BlazePose is 2-D); "3d" keeps depth.
    """
    down = rec.joint("pelvis") - rec.joint("chest")
    arm = rec.joint(f"{side}_wrist") - rec.joint(f"{side}_shoulder")
    if plane == "frontal":
        down, arm = _frontal(rec, down), _frontal(rec, arm)
    return angle_between(down, arm)


def keraal(data: Path) -> list[str]:
    """Same movement seen by BlazePose (2D), Kinect and Vicon: arm elevation RMSE after resampling."""
    lines = []
    pairs = (("BP", "Kinect", "frontal"), ("BP", "Vicon", "frontal"), ("Kinect", "Vicon", "frontal"),
             ("Kinect", "Vicon", "3d"))
    for ex in ("CTK", "ELK", "RTK"):
        recs = {m: load(data / f"keraal_sample/G3-{m}-{ex}-P1T1-Unknown-C-0.{ext}", f)
                for m, ext, f in (("BP", "json.gz", "keraal-bp"), ("Kinect", "txt.gz", "keraal-kinect"),
                                  ("Vicon", "txt.gz", "keraal-vicon"))}
        grid = np.linspace(0, 1, 200)
        parts = []
        for side in ("left", "right"):
            for a, b, plane in pairs:
                sig = {m: np.interp(grid, np.linspace(0, 1, recs[m].frames), arm_elevation(recs[m], side, plane))
                       for m in (a, b)}
                g = agreement(sig[a], sig[b])
                label = f"{a}-{b}" + (" 3-D" if plane == "3d" else "")
                parts.append(f"{side[0].upper()} {label} {g.rmse_raw_deg:.1f}")
        lines.append(f"| KERAAL {ex} arm elevation RMSE (deg) | {'; '.join(parts)} | aim <= 5 |")
    return lines


def main() -> None:
    """Run every check and write the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/motion")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/motion-accuracy.md")
    args = parser.parse_args()
    specs = load_specs()
    count_lines, extra = uiprmd(args.data, specs)
    rows = count_lines + irds(args.data) + cmu(args.data) + video(args.data) + video_live(args.data)
    rows += form_loso(extra["reps"], specs) + keraal(args.data)
    text = ["# Motion core accuracy", "", "Generated by `scripts/motion_accuracy.py` on `shared/data/motion`.",
            "IMU angles: RMSE reported raw and with the constant sensor-frame offset removed; the",
            "offset-removed figure is the one used for the 5 degree aim (mounting offset is not a tracking error).",
            "Form: checks (at most two per movement, a rep is incorrect when any fires) fitted on six UI-PRMD",
            "subjects (each subject weighted equally) and scored on the seventh, for each subject in turn; the",
            "last column also lists the checks fitted on all seven subjects.",
            "KERAAL: arm elevation (trunk-down vs shoulder->wrist) in the frontal plane for every pair (BlazePose",
            "is 2-D; its frames were mirrored and 16:9, which the loader undoes), and in 3-D for Kinect-Vicon.",
            "Vicon rigid targets sit on the segments, not on joint centres.",
            "", "| check | result | target / note |", "|---|---|---|", *rows, ""]
    args.out.write_text("\n".join(text))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
