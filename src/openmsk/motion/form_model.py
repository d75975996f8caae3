"""Fitted form models: whether a rep's form is correct, from its measures and its joint-angle pattern.

Per exercise, an L2-regularised logistic regression over the rep's measures plus the distance of its
time-normalised joint-angle trajectories from a template of correct reps (after the quality scores of
Liao, Vakanski & Xian, IEEE TNSRE 28(2):468-477, 2020). Templates and weights are fitted from labelled
reps by `scripts/motion_accuracy.py --write-models` (UI-PRMD, Vakanski et al., Data 3(1):2, 2018) and
stored in form_models.json: they are learned from labelled data, not clinical thresholds.
"""

import json
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from openmsk.motion.form_measures import RepSamples, is_three_d, sampled_measures, trajectories

MODELS_PATH = Path(__file__).with_name("form_models.json")
TEMPLATE_FEATURE = "template_distance"
# CONFIG: least spread (degrees) a deviation is divided by; not clinical. Relative trajectories start
# at exactly 0 in every correct rep, and a zero spread would turn any deviation into an infinite one.
SPREAD_FLOOR = 1.0


def fit_template(reps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample mean and spread (standard deviation) of float[reps, trajectories, samples] correct reps."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a trajectory no rep shows stays NaN
        return np.nanmean(reps, axis=0), np.nanstd(reps, axis=0)


def template_distance(reps: np.ndarray, mean: np.ndarray, spread: np.ndarray,
                      floor: float = SPREAD_FLOOR) -> np.ndarray:
    """Per rep and trajectory, the RMS over samples of the deviation from the template, in spreads."""
    z = (reps - mean) / np.maximum(spread, floor)
    squares = z * z
    if not np.isnan(squares).any():  # the usual case, without the NaN-aware mean's copies
        return np.sqrt(squares.mean(axis=-1))
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.sqrt(np.nanmean(squares, axis=-1))


def mean_distance(reps: np.ndarray, mean: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """float[reps]: the template distance averaged over the trajectories."""
    distances = template_distance(reps, mean, spread)
    if not np.isnan(distances).any():
        return distances.mean(axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(distances, axis=-1)


@dataclass(frozen=True)
class LinearFormModel:
    """L2-regularised logistic regression over named rep features; a score above 0 reads as incorrect."""

    names: tuple[str, ...]
    fill: np.ndarray  # training median, used where a rep lacks a feature
    centre: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def score(self, x: np.ndarray) -> np.ndarray:
        """Log-odds of "incorrect" for float[reps, len(names)] feature rows (NaN = missing)."""
        x = np.where(np.isfinite(x), x, self.fill)
        return self.intercept + ((x - self.centre) / self.scale) @ self.coef


def balanced_weights(incorrect: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Sample weights giving every (group, label) cell the same total, scaled to mean 1."""
    w = np.zeros(len(incorrect))
    for g in np.unique(groups):
        for label in (False, True):
            cell = (groups == g) & (incorrect == label)
            w[cell] = 1.0 / cell.sum() if cell.any() else 0.0
    return w * len(w) / w.sum()


def fit_linear_form_model(x: np.ndarray, incorrect: np.ndarray, groups: np.ndarray, names: tuple[str, ...],
                          l2: float = 1.0, iterations: int = 50) -> LinearFormModel:
    """Fit by Newton steps on standardised features, each group and label weighted equally (intercept unpenalised)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a feature no training rep has: filled with 0
        fill = np.nan_to_num(np.nanmedian(x, axis=0))
    x = np.where(np.isfinite(x), x, fill)
    centre, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    z = np.hstack([np.ones((len(x), 1)), (x - centre) / scale])
    y, w = incorrect.astype(float), balanced_weights(incorrect.astype(bool), groups)
    penalty = l2 * np.eye(z.shape[1])
    penalty[0, 0] = 0.0
    beta = np.zeros(z.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        step = np.linalg.solve((z * (w * p * (1 - p))[:, None]).T @ z + penalty, z.T @ (w * (p - y)) + penalty @ beta)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return LinearFormModel(tuple(names), fill, centre, scale, beta[1:], float(beta[0]))


@dataclass(frozen=True)
class FormModel:
    """One exercise's fitted template and linear model, and the recording sources it was fitted on."""

    trajectories: tuple[str, ...]
    template_mean: np.ndarray  # float[len(trajectories), samples]
    template_spread: np.ndarray
    linear: LinearFormModel
    sources: tuple[str, ...]

    def applies_to(self, source: str, positions: np.ndarray, names: tuple[str, ...]) -> bool:
        """Whether this model may judge a recording: a source it was fitted on, with 3-D joints."""
        return source in self.sources and is_three_d(positions, names)

    def incorrect(self, rep_columns: dict[str, np.ndarray], samples: RepSamples, side: str) -> np.ndarray:
        """bool[reps]: the model reads the rep's form as incorrect.

        `rep_columns` holds the analysis's per-rep measures (peak_value, rom, form features) by name.
        """
        columns = {**rep_columns, **sampled_measures(samples, side, self.linear.names)}
        reps = samples.frames.shape[1]
        columns[TEMPLATE_FEATURE] = mean_distance(trajectories(samples, side, self.trajectories),
                                                  self.template_mean, self.template_spread)
        x = np.column_stack([np.asarray(columns.get(name, np.full(reps, np.nan)), dtype=float)
                             for name in self.linear.names])
        return self.linear.score(x) > 0

    def to_json(self) -> dict:
        """Plain lists, rounded to the precision that leaves every score's sign unchanged in practice."""
        lin = self.linear

        def r(a: np.ndarray) -> list:
            return np.round(np.asarray(a, dtype=float), 6).tolist()

        return {"trajectories": list(self.trajectories), "template_mean": r(self.template_mean),
                "template_spread": r(self.template_spread), "sources": list(self.sources),
                "linear": {"names": list(lin.names), "fill": r(lin.fill), "centre": r(lin.centre),
                           "scale": r(lin.scale), "coef": r(lin.coef), "intercept": round(lin.intercept, 6)}}

    @classmethod
    def from_json(cls, doc: dict) -> "FormModel":
        """The model of `to_json`'s document (JSON null reads as NaN)."""
        lin = doc["linear"]

        def a(v) -> np.ndarray:
            return np.array(v, dtype=float)

        return cls(tuple(doc["trajectories"]), a(doc["template_mean"]), a(doc["template_spread"]),
                   LinearFormModel(tuple(lin["names"]), a(lin["fill"]), a(lin["centre"]), a(lin["scale"]),
                                   a(lin["coef"]), float(lin["intercept"])), tuple(doc["sources"]))


@cache
def form_models(path: Path = MODELS_PATH) -> dict[str, FormModel]:
    """The fitted models by exercise id (none when the file is absent)."""
    if not path.exists():
        return {}
    doc = json.loads(path.read_text())
    return {exercise: FormModel.from_json(model) for exercise, model in doc["models"].items()}
