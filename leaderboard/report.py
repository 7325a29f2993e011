"""Every statistic a leaderboard publishes, computed once from the run frame.

Tables, figures and the HTML page only render a :class:`Report`; keeping the bootstraps here means
each is computed once (the curves figure and the HTML page show the same numbers) and that the
benchmark can time statistics apart from drawing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from teachbench.harness.vocabulary import Status
from teachbench.leaderboard import bootstrap
from teachbench.leaderboard.stats import derive_seed, iqm_curve, performance_profiles
from teachbench.leaderboard.tables import (
    BLOCK,
    leaderboard_table,
    ratio_to_random_table,
    validate_runs,
)

CURVE_REPS = 500
"""Resamples per point of a sample-efficiency curve: a band drawn, not a number printed."""


@dataclass
class Report:
    """The statistics of one set of runs. Every frame has the block columns (suite, tier, level)."""

    runs: pd.DataFrame
    table: pd.DataFrame
    poi: pd.DataFrame
    profiles: pd.DataFrame
    ratios: pd.DataFrame
    curves: pd.DataFrame
    settings: dict = field(default_factory=dict)


def seed_matrix(runs: pd.DataFrame, metric: str, challenges: list[str]) -> np.ndarray | None:
    """Seeds x challenges scores of one teacher, keeping the seeds ok on every given challenge."""
    matrix = _pivot(runs, metric)[challenges].dropna().to_numpy(dtype=float)
    return matrix if len(matrix) else None


def _pivot(runs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Seed x challenge scores of a teacher's ok runs (NaN where a run is not ok)."""
    ok = runs[runs["status"] == Status.OK]
    pivot = ok.pivot(index="seed", columns="challenge", values=metric)
    return pivot.reindex(columns=sorted(runs["challenge"].unique()))


def _applicable_challenges(runs: pd.DataFrame) -> list[str]:
    return sorted(runs.loc[runs["status"] != Status.NOT_APPLICABLE, "challenge"].unique())


def poi_table(frame: pd.DataFrame, reps: int, seed: int, metric: str) -> pd.DataFrame:
    """P(X > Y) over the challenges both teachers ran, per (suite, tier, level), every pair."""
    rows = []
    for key, block in frame.groupby(BLOCK, sort=True):
        pivots, applicable = {}, {}
        for teacher, runs in block.groupby("teacher", sort=True):
            pivots[teacher], applicable[teacher] = (
                _pivot(runs, metric),
                _applicable_challenges(runs),
            )
        for x, y in itertools.combinations(sorted(pivots), 2):
            common = sorted(set(applicable[x]) & set(applicable[y]))
            mx = pivots[x][common].dropna().to_numpy(dtype=float)
            my = pivots[y][common].dropna().to_numpy(dtype=float)
            if not common or not len(mx) or not len(my):
                continue
            p, lo, hi = bootstrap.poi_interval(
                mx, my, reps, derive_seed(seed, *map(str, key), x, y)
            )
            labels = dict(zip(BLOCK, key, strict=True))
            rows.append(
                {
                    **labels,
                    "x": x,
                    "y": y,
                    "point": p,
                    "low": lo,
                    "high": hi,
                    "n_runs_x": len(mx),
                    "n_runs_y": len(my),
                    "n_challenges": len(common),
                }
            )
            rows.append(
                {
                    **labels,
                    "x": y,
                    "y": x,
                    "point": 1 - p,
                    "low": 1 - hi,
                    "high": 1 - lo,
                    "n_runs_x": len(my),
                    "n_runs_y": len(mx),
                    "n_challenges": len(common),
                }
            )
    columns = [*BLOCK, "x", "y", "point", "low", "high", "n_runs_x", "n_runs_y", "n_challenges"]
    return pd.DataFrame(rows, columns=columns)


def profiles_table(frame: pd.DataFrame, reps: int, seed: int, metric: str) -> pd.DataFrame:
    """Score distributions (performance profiles) per (suite, tier, level), one per teacher."""
    parts = []
    for key, block in frame.groupby(BLOCK, sort=True):
        scores = {}
        for teacher, runs in block.groupby("teacher", sort=True):
            challenges = _applicable_challenges(runs)
            matrix = seed_matrix(runs, metric, challenges) if challenges else None
            if matrix is not None:
                scores[teacher] = matrix
        if scores:
            profile = performance_profiles(scores, reps=reps, seed=derive_seed(seed, *key))
            parts.append(profile.assign(**dict(zip(BLOCK, key, strict=True))))
    columns = [*BLOCK, "teacher", "tau", "point", "low", "high"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def curves_table(frame: pd.DataFrame, reps: int, seed: int) -> pd.DataFrame:
    """IQM of %-mastered over ok runs at every evaluation step, with a pointwise bootstrap band.

    One row per (suite, tier, level, challenge, teacher, step). All runs of a teacher in a cell
    must share their evaluation steps (one protocol, one schedule).
    """
    rows = []
    ok = frame[frame["status"] == Status.OK]
    for key, runs in ok.groupby([*BLOCK, "challenge", "teacher"], sort=True):
        steps = np.asarray(runs["curve_steps"].iloc[0], dtype=float)
        if any(not np.array_equal(s, steps) for s in runs["curve_steps"]):
            where = "/".join(map(str, key))
            raise ValueError(
                f"{where}: runs evaluate at different steps; curves of one protocol must share "
                "the evaluation schedule"
            )
        curves = np.vstack([np.asarray(c, dtype=float) for c in runs["curve_mastered"]])
        point, low, high = iqm_curve(
            curves, reps=reps, seed=derive_seed(seed, *map(str, key)), name="/".join(map(str, key))
        )
        labels = dict(zip([*BLOCK, "challenge", "teacher"], key, strict=True))
        rows.append(pd.DataFrame({**labels, "step": steps, "point": point, "low": low,
                                  "high": high, "n_runs": len(curves)}))  # fmt: skip
    columns = [*BLOCK, "challenge", "teacher", "step", "point", "low", "high", "n_runs"]
    return pd.concat(rows, ignore_index=True)[columns] if rows else pd.DataFrame(columns=columns)


def build_report(
    frame: pd.DataFrame, reps: int = 2000, seed: int = 0, metric: str = "final_mastered"
) -> Report:
    """All statistics of a run frame: table, POI, profiles, ratio to Random, IQM curves."""
    validate_runs(frame)
    table = leaderboard_table(frame, reps=reps, seed=seed, metric=metric)
    ok = frame["status"] == Status.OK
    return Report(
        runs=frame,
        table=table,
        poi=poi_table(frame, reps, seed, metric),
        profiles=profiles_table(frame, reps, seed, metric),
        ratios=ratio_to_random_table(frame, metric=metric) if ok.any() else pd.DataFrame(),
        curves=curves_table(frame, min(reps, CURVE_REPS), seed),
        settings={"reps": reps, "seed": seed, "metric": metric},
    )
