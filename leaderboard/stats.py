"""Aggregate statistics over runs: rliable interval estimates and TeachMyAgent's Welch view.

Scores are percentages (0-100) of test tasks mastered, arranged as ``scores[n_runs, n_tasks]``
per teacher (a "task" here is a challenge; one cell of the leaderboard has one task).
Confidence intervals come from rliable's stratified bootstrap over runs, computed by
:mod:`teachbench.leaderboard.bootstrap` (rliable's resampling indices and metrics, vectorised
over resamples), so a seed gives rliable's own intervals without touching numpy's global RNG.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.stats
from numpy.typing import ArrayLike
from teachbench.leaderboard import bootstrap

SCORE_MAX = 100.0
"""Upper end of the score scale; also the optimality-gap threshold (a perfect teacher)."""

METRICS = ("iqm", "mean", "median", "optimality_gap")
"""Aggregates returned by :func:`interval_estimates`, in this order."""

SINGLE_RUN_NOTE = "1 run: no spread to resample, the CI collapses to the point"


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its confidence interval and the evidence behind it."""

    point: float
    low: float
    high: float
    n_runs: int
    note: str = ""


def derive_seed(seed: int, *key: str) -> int:
    """A 32-bit seed for one bootstrap, derived from the user's seed and what is estimated.

    Seeding each estimate from its own key makes a teacher's interval independent of which
    other teachers (or cells) are in the same call, and of their order.
    """
    digest = hashlib.sha256("\x1f".join([str(seed), *key]).encode()).digest()
    return int.from_bytes(digest[:4], "little")


def as_score_matrix(name: str, scores: ArrayLike) -> np.ndarray:
    """Validate scores of one teacher and return them as a float ``[n_runs, n_tasks]`` array.

    A 1-D input is one task. Zero runs or values outside 0-100 are errors rather than NaNs,
    so that a mistake upstream cannot silently become a leaderboard entry.
    """
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim == 1:
        matrix = matrix[:, None]
    if matrix.ndim != 2:
        raise ValueError(f"{name}: scores must be [n_runs, n_tasks], got shape {matrix.shape}")
    if matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"{name}: no runs to aggregate (shape {matrix.shape}); need at least 1")
    if not np.all(np.isfinite(matrix)):
        raise ValueError(f"{name}: scores contain NaN or inf")
    if matrix.min() < 0 or matrix.max() > SCORE_MAX:
        raise ValueError(f"{name}: scores must lie in [0, {SCORE_MAX:g}] (percent mastered)")
    return matrix


def _all_metrics(scores: np.ndarray) -> np.ndarray:
    """IQM, mean, median and optimality gap (in :data:`METRICS` order) on the last axis."""
    return np.stack(
        [
            bootstrap.iqm(scores),
            bootstrap.mean(scores),
            bootstrap.median(scores),
            bootstrap.optimality_gap(scores, SCORE_MAX),
        ],
        axis=-1,
    )


def interval_estimates(
    scores: Mapping[str, ArrayLike], reps: int = 2000, seed: int = 0, confidence: float = 0.95
) -> dict[str, dict[str, Estimate]]:
    """IQM, mean, median and optimality gap with stratified-bootstrap CIs, per teacher.

    Returns ``{teacher: {metric: Estimate}}`` with metrics named as in :data:`METRICS`.
    With a single run the interval equals the point and the estimate's note says so.
    """
    result: dict[str, dict[str, Estimate]] = {}
    for teacher, raw in scores.items():
        matrix = as_score_matrix(teacher, raw)
        point, low, high = bootstrap.interval(
            _all_metrics, [matrix], reps, derive_seed(seed, teacher), confidence
        )
        note = SINGLE_RUN_NOTE if matrix.shape[0] == 1 else ""
        result[teacher] = {
            name: Estimate(float(point[i]), float(low[i]), float(high[i]), len(matrix), note)
            for i, name in enumerate(METRICS)
        }
    return result


def probability_of_improvement(
    scores: Mapping[str, ArrayLike], reps: int = 2000, seed: int = 0, confidence: float = 0.95
) -> pd.DataFrame:
    """P(X > Y) for every ordered pair of teachers, with a bootstrap CI.

    Each unordered pair is bootstrapped once; the reverse direction is its complement
    (P(Y > X) = 1 - P(X > Y), and the interval flips accordingly). Columns: ``x, y, point,
    low, high, n_runs_x, n_runs_y, note``.
    """
    matrices = {name: as_score_matrix(name, raw) for name, raw in scores.items()}
    rows = []
    for x, y in itertools.combinations(sorted(matrices), 2):
        mx, my = matrices[x], matrices[y]
        if mx.shape[1] != my.shape[1]:
            raise ValueError(f"{x} has {mx.shape[1]} tasks but {y} has {my.shape[1]}")
        p, lo, hi = bootstrap.poi_interval(mx, my, reps, derive_seed(seed, x, y), confidence)
        note = SINGLE_RUN_NOTE if len(mx) == 1 and len(my) == 1 else ""
        rows.append((x, y, p, lo, hi, len(mx), len(my), note))
        rows.append((y, x, 1 - p, 1 - hi, 1 - lo, len(my), len(mx), note))
    columns = ["x", "y", "point", "low", "high", "n_runs_x", "n_runs_y", "note"]
    return pd.DataFrame(rows, columns=columns)


def iqm_curve(
    curves: ArrayLike,
    reps: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    name: str = "curve",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IQM over runs at every evaluation of ``curves[n_runs, n_evals]``, with pointwise CIs.

    Returns ``(point, low, high)``, each of length ``n_evals``. Runs are resampled separately at
    each evaluation (stratified by evaluation), so the band is pointwise, not simultaneous.
    ``seed`` is used as given; pass :func:`derive_seed` of the curve's identity to keep the
    curves of different teachers from sharing resamples. ``name`` labels errors.
    """
    matrix = as_score_matrix(name, curves)
    return bootstrap.interval(bootstrap.iqm_per_task, [matrix], reps, seed, confidence)


def _one_task(name: str, raw: ArrayLike) -> np.ndarray:
    matrix = as_score_matrix(name, raw)
    if matrix.shape[1] != 1:
        raise ValueError(f"{name}: the Welch view compares one cell; got {matrix.shape[1]} tasks")
    return matrix[:, 0]


def welch_ratio_to_baseline(
    scores: Mapping[str, ArrayLike], baseline: str = "random", alpha: float = 0.05
) -> pd.DataFrame:
    """TeachMyAgent's radar view: each teacher's mean score over Random's, with Welch's t-test.

    ``scores`` maps teacher to its per-seed scores in one cell (1-D). ``better`` is the star of
    the TeachMyAgent figures: mean above the baseline's and Welch p < ``alpha``. The ratio is NaN
    when the baseline's mean is 0 and the p-value is NaN when a test is undefined (fewer than two
    runs, or no variance in either group); the ``note`` column says which.
    """
    if baseline not in scores:
        raise ValueError(f"baseline {baseline!r} has no scores; teachers: {sorted(scores)}")
    samples = {name: _one_task(name, raw) for name, raw in scores.items()}
    base = samples[baseline]
    base_mean = float(base.mean())
    rows = []
    for name, sample in samples.items():
        mean = float(sample.mean())
        notes = []
        ratio = mean / base_mean if base_mean > 0 else float("nan")
        if base_mean == 0:
            notes.append(f"{baseline} mean is 0: ratio undefined")
        t_stat = p_value = float("nan")
        if name == baseline:
            notes.append("baseline")
        elif min(len(sample), len(base)) < 2:
            notes.append("fewer than 2 runs: no test")
        elif sample.var() == 0 and base.var() == 0:
            notes.append("no variance in either group: no test")
        else:
            test = scipy.stats.ttest_ind(sample, base, equal_var=False)
            t_stat, p_value = float(test.statistic), float(test.pvalue)
        better = bool(mean > base_mean and p_value < alpha)
        rows.append(
            (name, len(sample), mean, base_mean, ratio, t_stat, p_value, better, "; ".join(notes))
        )
    columns = [
        "teacher",
        "n_runs",
        "mean",
        "baseline_mean",
        "ratio",
        "t",
        "p_value",
        "better",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns)


PROFILE_TAUS = np.linspace(0.0, SCORE_MAX, 101)
"""Thresholds of a performance profile: every whole percent of test tasks mastered."""


def performance_profiles(
    scores: Mapping[str, ArrayLike],
    taus: ArrayLike = PROFILE_TAUS,
    reps: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """rliable's score distributions: the fraction of runs x tasks above each threshold, with CIs.

    A teacher's curve lying above another's at every threshold is a stronger claim than any one
    aggregate. Columns: ``teacher, tau, point, low, high``.
    """
    taus = np.asarray(taus, dtype=float)
    parts = []
    for teacher, raw in scores.items():
        matrix = as_score_matrix(teacher, raw)
        point, low, high = bootstrap.interval(
            lambda s: bootstrap.score_distribution(s, taus),
            [matrix],
            reps,
            derive_seed(seed, "profile", teacher),
            confidence,
        )
        parts.append(pd.DataFrame({"teacher": teacher, "tau": taus, "point": point,
                                   "low": low, "high": high}))  # fmt: skip
    return pd.concat(parts, ignore_index=True)
