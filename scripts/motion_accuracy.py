"""Measure the motion core against the shared datasets and write docs/motion-accuracy.md."""

import argparse
import csv
import json
import dataclasses
import warnings
from collections import defaultdict
from pathlib import Path

import numpy as np

from openmsk.memory import keep_freed_memory
from openmsk.motion.analysis import analyze
from openmsk.motion.form_measures import SAMPLES, TRAJECTORIES, rep_features, rep_trajectories
from openmsk.motion.form_model import (MODELS_PATH, TEMPLATE_FEATURE, FormModel, fit_linear_form_model, fit_template,
                                      form_models, mean_distance)
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
    # openmsk.motion.form_measures.sampled_measures: read by the form models; as threshold checks (new codes
    # judge() does not know) they are evaluated here only.
    "trunk_side_change_deg": ("side_lean", "max_deg", "above"),
    "pelvis_rotation_deg": ("pelvis_rotation", "max_deg", "above"),
    "thigh_angle_deg": ("insufficient_depth", "min_thigh_deg", "below"),
    "head_shift": ("head_movement", "max_shift", "above"),
}
BASE_FEATURES = ("peak_value", "rom", "trunk_lean_deg", "trunk_change_deg", "hip_hike_deg", "knee_ankle_ratio",
                 "side_gap")
# Candidate checks per movement family, chosen by what the movement can get wrong (not by trying
# features per movement): thigh depth for squats and leg moves (FMS deep squat: "femur below
# horizontal", Cook et al., NAJSPT 1(2):62-72, 2006), hip-line rotation for stepping/lunging moves,
# head movement for arm moves; sideways trunk lean for all. Only the features follow those criteria:
# every threshold is fitted on UI-PRMD labels (Vakanski et al., Data 3(1):2, 2018).
FORM_POOLS = {
    "squat": BASE_FEATURES + ("thigh_angle_deg", "trunk_side_change_deg"),
    "leg": BASE_FEATURES + ("thigh_angle_deg", "trunk_side_change_deg", "pelvis_rotation_deg"),
    "arm": BASE_FEATURES + ("trunk_side_change_deg", "head_shift"),
}
UIPRMD_FAMILY = {1: "squat", 5: "squat", 2: "leg", 3: "leg", 4: "leg", 6: "leg", 7: "arm", 8: "arm", 9: "arm",
                 10: "arm"}
# A rep is incorrect when any check fires, so checks are added greedily (at most two, each kept only
# when it raises the training subjects' balanced accuracy by 0.02): more overfits the seven subjects.
# The fitting score is the mean of each training subject's own balanced accuracy, so every subject
# counts equally, as in the leave-one-subject-out test (a subject with more reps does not set the cut).
MAX_FORM_CHECKS = 2
MIN_CHECK_GAIN = 0.02
# Calibration protocol (reported apart from plain LOSO): each subject's first correct reps, as a PT
# would supervise at a first session, are their baseline; they are not scored.
CALIBRATION_REPS = 3
# Linear model (reported beside the checks): all family pool features plus the distance of the rep's
# time-normalised joint-angle trajectories (each minus its first sample) from a template of correct reps,
# after Liao, Vakanski & Xian, IEEE TNSRE 28(2):468-477, 2020. Trajectories follow the family's moving
# joints; the trunk's for all. Weights, template and standardisation are fitted on UI-PRMD labels
# (Vakanski et al., Data 3(1):2, 2018) inside each fold. L2 = 1 on standardised features is the usual
# default (scikit-learn's C = 1), not picked per movement; the doc lists the figures for other values.
# No decision threshold is fitted: with every subject and label weighted equally, log-odds > 0 = incorrect.
FORM_TRAJECTORIES = {
    "squat": ("knee_deg", "other_knee_deg", "hip_deg", "other_hip_deg", "trunk_deg", "trunk_side_deg"),
    "leg": ("knee_deg", "other_knee_deg", "hip_deg", "other_hip_deg", "trunk_deg", "trunk_side_deg"),
    "arm": ("shoulder_deg", "other_shoulder_deg", "elbow_deg", "other_elbow_deg", "trunk_deg", "trunk_side_deg"),
}
FORM_L2 = 1.0


def streaming_count(rec, spec, side: str) -> int:
    """Reps counted by the causal RepCounter on the same cleaned signal."""
    values, _ = side_signals(rec, spec)
    x = np.nanmean([values["left"], values["right"]], axis=0) if side == "both" else values[side]
    counter = RepCounter(spec, rec.rate_hz)
    for t, v in zip(rec.t, x, strict=True):
        counter.update(t, v)
    counter.finish()
    return counter.count


def with_form_measures(rec, res) -> list:
    """The analysis's complete reps with the measures a form model reads (`rep_features`) in copies of their features.

    Read at the rep's samples whether or not a model is installed, so fitting sees what the product will.
    """
    windows = [(int(np.searchsorted(rec.t, r.start_s)), int(np.searchsorted(rec.t, r.end_s))) for r in res.reps]
    extra = rep_features(rec.positions, rec.joint_names, rec.up, res.side, res.view, windows)
    return [dataclasses.replace(r, features={**r.features, **e}) for r, e in zip(res.reps, extra, strict=True)]


def with_trajectories(rec, res) -> list[np.ndarray]:
    """Each complete rep's time-normalised joint-angle trajectories, relative to its first sample."""
    windows = [(int(np.searchsorted(rec.t, r.start_s)), int(np.searchsorted(rec.t, r.end_s))) for r in res.reps]
    return list(rep_trajectories(rec.positions, rec.joint_names, rec.up, res.side, windows))


def uiprmd(data: Path, specs) -> tuple[list[str], dict]:
    """Rep counts on 10-rep streams and per-rep results (and trajectories) for the form evaluation."""
    lines, per_move, agree, reps, trajs = [], defaultdict(lambda: [0, 0]), 0, [], []
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
                reps += [(m, s, correct, r) for r in with_form_measures(rec, res)]
                trajs += with_trajectories(rec, res)
    total = sum(v[1] for v in per_move.values())
    exact = sum(v[0] for v in per_move.values())
    lines.append(f"| UI-PRMD 10-rep streams (offline) | {exact}/{total} exact ({exact / total:.1%}) | target >= 95% |")
    lines.append(f"| UI-PRMD streaming RepCounter = offline count | {agree}/{total} ({agree / total:.1%}) | agree |")
    for m, (ok, n) in per_move.items():
        lines.append(f"| UI-PRMD m{m:02d} {UIPRMD_EXERCISES[m]} | {ok}/{n} exact | |")
    return lines, {"reps": reps, "trajs": np.stack(trajs)}


def _balanced(pred_error: np.ndarray, is_incorrect: np.ndarray) -> float:
    tpr = np.mean(pred_error[is_incorrect]) if is_incorrect.any() else np.nan
    tnr = np.mean(~pred_error[~is_incorrect]) if (~is_incorrect).any() else np.nan
    return float(np.nanmean([tpr, tnr]))


def _feature(rep, feat: str) -> float:
    if feat in ("peak_value", "rom"):
        return getattr(rep, feat)
    return rep.features.get(feat, np.nan)


def _subject_balanced_many(hits: np.ndarray, is_incorrect: np.ndarray, subjects: np.ndarray) -> np.ndarray:
    """Mean per-subject balanced accuracy of each row of hits (candidates x reps), all rows at once."""
    member = (subjects[None, :] == np.unique(subjects)[:, None]).astype(float)
    pos, neg = member * is_incorrect, member * ~is_incorrect
    h = hits.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr = (h @ pos.T) / pos.sum(axis=1)
        tnr = 1.0 - (h @ neg.T) / neg.sum(axis=1)
    return np.nanmean(np.nanmean(np.stack([tpr, tnr]), axis=0), axis=1)


def _fires(vals: np.ndarray, thr: float, direction: str) -> np.ndarray:
    ok = np.isfinite(vals)
    return ok & (np.where(ok, vals, 0.0) < thr if direction == "below" else np.where(ok, vals, 0.0) > thr)


def fit_checks(reps, pool=BASE_FEATURES, gain: float = MIN_CHECK_GAIN) -> list[tuple[str, float]]:
    """(feature, threshold) checks fitted greedily on training reps by per-subject balanced accuracy of their OR.

    At most one check per error code, because the product's spec holds one threshold per code.
    """
    y = np.array([c == 0 for _, _, c, _ in reps])
    subjects = np.array([s for _, s, _, _ in reps])
    chosen, pred, score = [], np.zeros(len(y), bool), 0.5
    for _ in range(MAX_FORM_CHECKS):
        best = None
        for feat in pool:
            code, _, direction = FORM_FEATURES[feat]
            if any(FORM_FEATURES[f][0] == code for f, _ in chosen):
                continue
            vals = np.array([_feature(r, feat) for *_, r in reps], dtype=float)
            if not np.isfinite(vals).any():
                continue
            thrs = np.unique(np.percentile(vals[np.isfinite(vals)], np.linspace(2, 98, 49)))
            hits = pred[None, :] | np.array([_fires(vals, t, direction) for t in thrs])
            scores = _subject_balanced_many(hits, y, subjects)
            i = int(np.argmax(scores))
            if best is None or scores[i] > best[0]:
                best = (float(scores[i]), feat, float(thrs[i]), hits[i])
        if best is None or best[0] < score + gain:
            break
        score, pred = best[0], best[3]
        chosen.append((best[1], best[2]))
    return chosen


def fitted_spec(spec, checks: list[tuple[str, float]]):
    """The spec with only the fitted checks that `measures.judge` knows active, at the fitted thresholds."""
    out, fitted = spec, []
    for feat, thr in checks:
        code, param, _ = FORM_FEATURES[feat]
        if feat not in BASE_FEATURES:
            continue
        if code == "insufficient_depth":
            out = dataclasses.replace(out, target_range=(thr, spec.target_range[1]),
                                      target_measure="excursion" if feat == "rom" else "peak")
            fitted.append(FormCheck(code, "", {}))
        else:
            fitted.append(FormCheck(code, "", {param: thr}))
    return dataclasses.replace(out, checks=tuple(fitted))


def predict_error(rep, spec, checks: list[tuple[str, float]]) -> bool:
    """The product's judgement (`measures.judge`) with the fitted checks, plus the checks it does not know yet."""
    fitted = fitted_spec(spec, checks)
    rep = dataclasses.replace(rep, features=dict(rep.features), complete=True)
    judge(rep, fitted, fitted.target_range, fitted.start_range[1])
    extra = any(_fires(np.array([_feature(rep, f)]), t, FORM_FEATURES[f][2])[0]
                for f, t in checks if f not in BASE_FEATURES)
    return (not rep.correct) or extra


def split_calibration(reps, k: int = CALIBRATION_REPS):
    """Each subject-movement's first k correct reps (the baseline) and the rest (scored)."""
    seen, base, rest = defaultdict(int), defaultdict(list), []
    for m, s, c, r in reps:
        if c == 1 and seen[(m, s)] < k:
            seen[(m, s)] += 1
            base[(m, s)].append(r)
        else:
            rest.append((m, s, c, r))
    return base, rest


def calibrated(reps, k: int = CALIBRATION_REPS):
    """The scored reps with every feature minus the median of that subject's baseline reps."""
    base, rest = split_calibration(reps, k)
    out = []
    for m, s, c, r in rest:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a feature the movement never shows stays NaN
            ref = {f: np.nanmedian([_feature(b, f) for b in base[(m, s)]]) for f in FORM_FEATURES}
        shifted = {f: _feature(r, f) - ref[f] for f in FORM_FEATURES}
        out.append((m, s, c, dataclasses.replace(r, features=shifted, peak_value=shifted["peak_value"],
                                                 rom=shifted["rom"])))
    return out


def loso_form(reps, specs, pools: dict[str, tuple[str, ...]] | None = None, gain: float = MIN_CHECK_GAIN,
              judged: bool = True, out: list | None = None) -> tuple[float, dict[int, tuple[float, set[str]]]]:
    """Balanced accuracy of per-rep `correct` vs labels, checks fitted leaving each whole subject out.

    Returns the overall figure and, per movement, its figure and the features any fold chose; `out`, when
    given, receives (subject, predicted error, is incorrect) per scored rep.
    `judged=False` scores the fitted checks directly (for calibrated features, which judge() cannot read).
    """
    per_move, all_pred, all_true = {}, [], []
    for m, ex in UIPRMD_EXERCISES.items():
        pool = (pools or {}).get(UIPRMD_FAMILY[m], BASE_FEATURES)
        move = [r for r in reps if r[0] == m]
        pred, true, chosen = [], [], set()
        for subject in sorted({r[1] for r in move}):
            checks = fit_checks([r for r in move if r[1] != subject], pool, gain)
            chosen |= {feat for feat, _ in checks}
            for _, _, correct, rep in (r for r in move if r[1] == subject):
                if judged:
                    pred.append(predict_error(rep, specs[ex], checks))
                else:
                    pred.append(any(_fires(np.array([_feature(rep, f)]), t, FORM_FEATURES[f][2])[0] for f, t in checks))
                true.append(correct == 0)
                if out is not None:
                    out.append((subject, pred[-1], true[-1]))
        per_move[m] = (_balanced(np.array(pred), np.array(true)), chosen)
        all_pred += pred
        all_true += true
    return _balanced(np.array(all_pred), np.array(all_true)), per_move


def template_distances(reps, trajs: np.ndarray, rows: list[int], template_rows: list[int], names) -> np.ndarray:
    """Each row's mean template distance over the trajectories `names`; template = correct reps of template_rows."""
    k = [TRAJECTORIES.index(n) for n in names]
    mean, spread = fit_template(trajs[[i for i in template_rows if reps[i][2] == 1]][:, k])
    return mean_distance(trajs[rows][:, k], mean, spread)


def cross_fitted_distances(reps, trajs: np.ndarray, rows: list[int], names) -> np.ndarray:
    """Template distances with each row's own subject left out of the template, as a new member's would be.

    Scored against a template that holds their own reps, the training subjects' correct reps would look
    closer than any new member's, and the weight fitted to the distance would be too large.
    """
    out = np.empty(len(rows))
    subj = np.array([reps[i][1] for i in rows])
    for s in np.unique(subj):
        out[subj == s] = template_distances(reps, trajs, [i for i in rows if reps[i][1] == s],
                                            [i for i in rows if reps[i][1] != s], names)
    return out


def _linear_x(reps, rows: list[int], pool, dist: np.ndarray) -> np.ndarray:
    return np.column_stack([np.array([[_feature(reps[i][3], f) for f in pool] for i in rows], dtype=float), dist])


def fit_linear(reps, trajs: np.ndarray, rows: list[int], family: str):
    """The linear form model for one movement fitted on `rows` (pool features + cross-fitted template distance)."""
    pool = FORM_POOLS[family]
    x = _linear_x(reps, rows, pool, cross_fitted_distances(reps, trajs, rows, FORM_TRAJECTORIES[family]))
    return fit_linear_form_model(x, np.array([reps[i][2] == 0 for i in rows]), np.array([reps[i][1] for i in rows]),
                                 pool + (TEMPLATE_FEATURE,), FORM_L2)


def loso_linear(reps, trajs: np.ndarray, out: list | None = None) -> tuple[float, dict[int, float]]:
    """Balanced accuracy of the linear form model leaving each whole subject out; `out` as in loso_form."""
    per_move, all_pred, all_true = {}, [], []
    for m in UIPRMD_EXERCISES:
        family = UIPRMD_FAMILY[m]
        rows = [i for i, r in enumerate(reps) if r[0] == m]
        pred, true = [], []
        for subject in sorted({reps[i][1] for i in rows}):
            train = [i for i in rows if reps[i][1] != subject]
            test = [i for i in rows if reps[i][1] == subject]
            model = fit_linear(reps, trajs, train, family)
            dist = template_distances(reps, trajs, test, train, FORM_TRAJECTORIES[family])
            pred += list(model.score(_linear_x(reps, test, FORM_POOLS[family], dist)) > 0)
            true += [reps[i][2] == 0 for i in test]
            if out is not None:
                out += [(subject, p, t) for p, t in zip(pred[-len(test):], true[-len(test):], strict=True)]
        per_move[m] = _balanced(np.array(pred), np.array(true))
        all_pred += pred
        all_true += true
    return _balanced(np.array(all_pred), np.array(all_true)), per_move


# Kinect v2 skeleton formats: the models are fitted on UI-PRMD's Kinect v2 recordings and judge only
# recordings with the same skeleton (not MediaPipe landmarks: that transfer is untested).
MODEL_SOURCES = ("uiprmd", "kinect-irds", "kimore", "keraal-kinect")


def fitted_models(reps, trajs: np.ndarray) -> dict[str, FormModel]:
    """Per UI-PRMD exercise, the template and linear model fitted on all seven subjects."""
    out = {}
    for m, ex in UIPRMD_EXERCISES.items():
        family = UIPRMD_FAMILY[m]
        rows = [i for i, r in enumerate(reps) if r[0] == m]
        names = FORM_TRAJECTORIES[family]
        k = [TRAJECTORIES.index(n) for n in names]
        mean, spread = fit_template(trajs[[i for i in rows if reps[i][2] == 1]][:, k])
        out[ex] = FormModel(names, mean, spread, fit_linear(reps, trajs, rows, family), MODEL_SOURCES)
    return out


def write_models(models: dict[str, FormModel], path: Path = MODELS_PATH) -> None:
    """The models as the product reads them (`openmsk.motion.form_model.form_models`)."""
    doc = {"fitted_on": "UI-PRMD Kinect v2, subjects 1-7, correct and incorrect episodes "
                        "(Vakanski et al., Data 3(1):2, 2018)",
           "generated_by": "scripts/motion_accuracy.py --write-models", "l2": FORM_L2,
           "models": {ex: model.to_json() for ex, model in models.items()}}
    path.write_text(json.dumps(doc, indent=1) + "\n")


def product_agreement(data: Path, reps, trajs: np.ndarray, models: dict[str, FormModel]) -> tuple[int, int]:
    """Reps where `analyze` (the product, with the stored models) gives the same `correct` as the models scored here."""
    form_models.cache_clear()  # read the file just written
    same = total = 0
    for m, ex in UIPRMD_EXERCISES.items():
        rows = [i for i, r in enumerate(reps) if r[0] == m]
        model = models[ex]
        k = [TRAJECTORIES.index(n) for n in model.trajectories]
        dist = mean_distance(trajs[rows][:, k], model.template_mean, model.template_spread)
        expected = ~(model.linear.score(_linear_x(reps, rows, FORM_POOLS[UIPRMD_FAMILY[m]], dist)) > 0)
        got = []
        for s in range(1, 8):
            for folder, suffix in (("correct", ""), ("incorrect", "_inc")):
                files = [data / f"uiprmd_kinect/{folder}/positions/m{m:02d}_s{s:02d}_e{e:02d}_positions{suffix}.txt.gz"
                         for e in range(1, 11)]
                if all(f.exists() for f in files):
                    got += [r.correct for r in analyze(load(files, "uiprmd"), ex).reps]
        same += int(np.sum(np.array(got) == expected))
        total += len(rows)
    return same, total


def _top_weights(model, n: int = 3) -> str:
    order = np.argsort(-np.abs(model.coef))[:n]
    return ", ".join(f"{model.names[i]} {model.coef[i]:+.2f}" for i in order)


def subject_interval(scored: list, draws: int = 2000) -> tuple[float, float]:
    """95% bootstrap interval of the overall balanced accuracy, resampling whole subjects."""
    subjects = sorted({s for s, _, _ in scored})
    by = {s: (np.array([p for t, p, _ in scored if t == s]), np.array([y for t, _, y in scored if t == s]))
          for s in subjects}
    rng = np.random.default_rng(0)
    vals = []
    for _ in range(draws):
        pick = rng.choice(subjects, len(subjects))
        vals.append(_balanced(np.concatenate([by[s][0] for s in pick]), np.concatenate([by[s][1] for s in pick])))
    lo, hi = np.percentile(vals, [2.5, 97.5])
    return float(lo), float(hi)


def _check_text(checks) -> str:
    return "; ".join(f"{FORM_FEATURES[f][0]} {f} {'<' if FORM_FEATURES[f][2] == 'below' else '>'} {t:.3g}"
                     for f, t in checks)


def form_loso(reps, specs, trajs: np.ndarray) -> list[str]:
    """Report rows: LOSO balanced accuracy (checks old and new, calibrated, linear model), and the final fits."""
    before, _ = loso_form(reps, specs, None, 0.01)
    base_02, _ = loso_form(reps, specs, None)
    scored = []
    overall, per_move = loso_form(reps, specs, FORM_POOLS, out=scored)
    lo, hi = subject_interval(scored)
    same_reps, _ = loso_form(split_calibration(reps)[1], specs, FORM_POOLS)
    cal_scored = []
    cal_all, cal_moves = loso_form(calibrated(reps), specs, FORM_POOLS, judged=False, out=cal_scored)
    cal_lo, cal_hi = subject_interval(cal_scored)
    lin_scored = []
    lin_all, lin_moves = loso_linear(reps, trajs, lin_scored)
    lin_lo, lin_hi = subject_interval(lin_scored)
    lines = [
        f"| UI-PRMD form, all movements, linear model (LOSO) | balanced accuracy {lin_all:.3f} (subject-bootstrap 95% "
        f"{lin_lo:.2f}-{lin_hi:.2f}) | target >= 0.85 ({'met' if lin_all >= 0.85 else 'not met'}); L2 logistic "
        f"regression (L2 = {FORM_L2:g}) over the family's checks' features + template distance; "
        "the product's judgement for these exercises on Kinect v2 recordings |",
        f"| UI-PRMD form, threshold checks alone (LOSO) | balanced accuracy {overall:.3f} (subject-bootstrap 95% "
        f"{lo:.2f}-{hi:.2f}) | below 0.85 on their own (the product's checks give the cues); "
        f"previous candidate checks only: {base_02:.3f} (gain 0.02), {before:.3f} (gain 0.01, previous fit) |",
        f"| UI-PRMD form, calibration protocol (LOSO; NOT the plain figure) | balanced accuracy {cal_all:.3f} (95% {cal_lo:.2f}-{cal_hi:.2f}) | "
        f"each subject's first {CALIBRATION_REPS} correct reps as their baseline, not scored; "
        f"plain LOSO on the same scored reps: {same_reps:.3f} |",
    ]
    for m, (bal, chosen) in per_move.items():
        final = _check_text(fit_checks([r for r in reps if r[0] == m], FORM_POOLS[UIPRMD_FAMILY[m]]))
        rows = [i for i, r in enumerate(reps) if r[0] == m]
        weights = _top_weights(fit_linear(reps, trajs, rows, UIPRMD_FAMILY[m]))
        lines.append(f"| UI-PRMD form m{m:02d} {UIPRMD_EXERCISES[m]} (LOSO) | balanced accuracy {bal:.2f} "
                     f"(calibrated {cal_moves[m][0]:.2f}; linear model {lin_moves[m]:.2f}) | "
                     f"features: {', '.join(sorted(chosen))}; "
                     f"all 7 subjects: {final}; linear model's largest standardised weights: {weights} |")
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


# A shoulder->wrist segment seen at under half its own median length (hand at the face or shoulder,
# or the arm pointing at the camera) has no stable direction: systems then disagree by up to 180 deg
# about a pose they all see. CONFIG: a measurement-validity cut for this comparison, not clinical.
MIN_ARM_SHARE = 0.5


def arm_visible_share(rec, side: str) -> np.ndarray:
    """Frontal shoulder->wrist length over its median in the recording, per frame."""
    n = np.linalg.norm(_frontal(rec, rec.joint(f"{side}_wrist") - rec.joint(f"{side}_shoulder")), axis=1)
    return n / np.nanmedian(n)


def _rmse(d: np.ndarray) -> float:
    d = d[np.isfinite(d)]
    return float(np.sqrt(np.mean(d ** 2))) if len(d) else np.nan


def keraal(data: Path) -> list[str]:
    """Same movement seen by BlazePose (2D), Kinect and Vicon: arm elevation RMSE after resampling.

    Columns: raw; over frames where both systems see the arm at >= MIN_ARM_SHARE of its length
    (share of frames kept); the same with the per-recording mean difference removed.
    """
    lines = []
    pairs = (("BP", "Kinect", "frontal"), ("BP", "Vicon", "frontal"), ("Kinect", "Vicon", "frontal"),
             ("Kinect", "Vicon", "3d"))
    for ex in ("CTK", "ELK", "RTK"):
        recs = {m: load(data / f"keraal_sample/G3-{m}-{ex}-P1T1-Unknown-C-0.{ext}", f)
                for m, ext, f in (("BP", "json.gz", "keraal-bp"), ("Kinect", "txt.gz", "keraal-kinect"),
                                  ("Vicon", "txt.gz", "keraal-vicon"))}
        grid = np.linspace(0, 1, 200)

        def on_grid(m, x):
            return np.interp(grid, np.linspace(0, 1, recs[m].frames), x)

        for side in ("left", "right"):
            share = {m: on_grid(m, arm_visible_share(recs[m], side)) for m in recs}
            parts = []
            for a, b, plane in pairs:
                d = on_grid(a, arm_elevation(recs[a], side, plane)) - on_grid(b, arm_elevation(recs[b], side, plane))
                seen = (share[a] >= MIN_ARM_SHARE) & (share[b] >= MIN_ARM_SHARE)
                label = f"{a}-{b}" + (" 3-D" if plane == "3d" else "")
                parts.append(f"{label} {_rmse(d):.1f} / {_rmse(d[seen]):.1f} ({seen.mean():.0%}) / "
                             f"{_rmse(d[seen] - np.nanmean(d[seen])):.1f}")
            lines.append(f"| KERAAL {ex} {side} arm elevation RMSE (deg): raw / arm seen / arm seen, offset removed "
                         f"| {'; '.join(parts)} | aim <= 5 |")
    return lines


def main() -> None:
    """Run every check and write the markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/data/motion")
    parser.add_argument("--out", type=Path, default=ROOT / "docs/motion-accuracy.md")
    parser.add_argument("--write-models", action="store_true",
                        help=f"fit the form models on all subjects and write {MODELS_PATH.name}")
    args = parser.parse_args()
    keep_freed_memory()  # hundreds of analyses in one process
    specs = load_specs()
    count_lines, extra = uiprmd(args.data, specs)
    rows = count_lines + irds(args.data) + cmu(args.data) + video(args.data) + video_live(args.data)
    rows += form_loso(extra["reps"], specs, extra["trajs"]) + keraal(args.data)
    models = fitted_models(extra["reps"], extra["trajs"])
    if args.write_models:
        write_models(models)
    same, total = product_agreement(args.data, extra["reps"], extra["trajs"], models)
    rows.append(f"| UI-PRMD form, the product's `correct` (`analyze` with {MODELS_PATH.name}) | same as the linear "
                f"model fitted on all seven subjects on {same}/{total} reps | the models the product ships |")
    text = ["# Motion core accuracy", "", "Generated by `scripts/motion_accuracy.py` on `shared/data/motion`.",
            "IMU angles: RMSE reported raw and with the constant sensor-frame offset removed; the",
            "offset-removed figure is the one used for the 5 degree aim (mounting offset is not a tracking error).",
            "Form: checks (at most two per movement, at most one per error code, a rep is incorrect when any",
            "fires) fitted on six UI-PRMD subjects (each subject weighted equally; a check is kept only when it",
            "raises their balanced accuracy by 0.02) and scored on the seventh, for each subject in turn, from",
            "a candidate set per movement family (FORM_POOLS). The thresholds are fitted from labelled data:",
            "UI-PRMD, Vakanski et al., Data 3(1):2, 2018; the last column lists the checks fitted on all seven",
            "subjects. The calibration row is a different protocol (a supervised first session as the member's",
            "baseline) and is not the plain LOSO figure. The linear model row is described below.",
            "Also tried by hand on the same data (plain LOSO, overall): all ~120 candidate features in one pool",
            "0.81 (overfits); one check per movement 0.78-0.79; threshold at the middle of the best plateau",
            "0.83-0.84; per-subject-median thresholds 0.79-0.80; inner-LOSO choice of 1-3 checks 0.83-0.84;",
            "a check may not lower any training subject's accuracy 0.846; none reaches 0.85. Template distance",
            "(family joint-angle trajectories resampled to 50 samples vs the training subjects' correct reps, in",
            "per-sample spreads) as one more check candidate: 0.76-0.83 when the training reps are scored against",
            "a template that holds their own subject, 0.82-0.84 cross-fitted; DTW (band 5) instead of linear",
            "resampling 0.82; on its own 0.69-0.76.",
            "Linear model row: per movement, an L2 logistic regression (standardised features, every training",
            "subject and label weighted equally, log-odds > 0 = incorrect, no fitted threshold) over the family's",
            "candidate features plus the template distance (trajectories minus their first sample, Liao, Vakanski",
            "& Xian, IEEE TNSRE 28(2):468-477, 2020), cross-fitted (each training subject scored against a template",
            "of the other five). Sensitivity (overall): L2 0.3/1/3/10/30 -> 0.848/0.864/0.867/0.863/0.852;",
            "L2 chosen by inner LOSO 0.847 (features only); without the template distance 0.849-0.861 (0.855 at",
            "L2 = 1); with per-trajectory distances instead of their mean 0.840; with DTW distance 0.868; threshold",
            "chosen by inner LOSO instead of 0 (features only) 0.851-0.863 (these sensitivity figures were measured",
            "on every frame of the rep, interpolated). The product and this report read the nearest frame at",
            f"{SAMPLES} time-normalised samples per rep (cost follows the reps, not the frames), for the trunk,",
            "hip-line, heel and knee-gap measures too when a model judges the exercise (with those still read at",
            "every frame: 0.863 with 50 samples, 0.861 with 20, 0.856 with 12).",
            "In the product this model decides `correct` for the ten UI-PRMD exercises on Kinect v2 recordings",
            "(form_models.json, written by --write-models: fitted on all seven subjects); the checks still give",
            "the cues, and a rep the model reads as incorrect with no check firing gets the code form_pattern.",
            "KERAAL: arm elevation (trunk-down vs shoulder->wrist) in the frontal plane for every pair (BlazePose",
            "is 2-D; its frames were mirrored and 16:9, which the loader undoes), and in 3-D for Kinect-Vicon.",
            "Raw RMSE first; then only frames where both systems see the shoulder->wrist segment at >= half its",
            "median length (hand at the face or arm pointing at the camera leaves the direction undefined);",
            "then the same with the per-recording mean difference removed. Vicon rigid targets sit on the",
            "segments, not on joint centres. Time lag is not the cause: the best shift within 15 of the 200",
            "resampled points lowers any raw RMSE by at most 2.2 deg (checked by hand, not in this script).",
            "", "| check | result | target / note |", "|---|---|---|", *rows, ""]
    args.out.write_text("\n".join(text))
    print("\n".join(rows))


if __name__ == "__main__":
    main()
