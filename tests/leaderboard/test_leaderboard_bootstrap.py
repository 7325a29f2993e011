"""Our vectorised bootstrap against rliable itself: same seed, same resamples, same intervals.

rliable draws its resampling indices from numpy's global RNG; here (and only here) the tests
seed that global RNG around rliable's call, which is what a user of rliable has to do.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from rliable import library as rly
from rliable import metrics
from teachbench.leaderboard import bootstrap
from teachbench.leaderboard.stats import (
    SCORE_MAX,
    derive_seed,
    interval_estimates,
    iqm_curve,
    performance_profiles,
    probability_of_improvement,
)

REPS = 300


@contextmanager
def seeded_global_rng(seed: int) -> Iterator[None]:
    saved = np.random.get_state()  # noqa: NPY002 - rliable reads the global RNG
    np.random.seed(seed)  # noqa: NPY002
    try:
        yield
    finally:
        np.random.set_state(saved)  # noqa: NPY002


def _rliable(data, func, seed: int, reps: int = REPS):
    with seeded_global_rng(seed):
        points, cis = rly.get_interval_estimates({"k": data}, func, reps=reps)
    return np.atleast_1d(points["k"]), cis["k"]


def _rliable_metrics(scores: np.ndarray) -> np.ndarray:
    return np.array(
        [
            metrics.aggregate_iqm(scores),
            metrics.aggregate_mean(scores),
            metrics.aggregate_median(scores),
            metrics.aggregate_optimality_gap(scores, gamma=SCORE_MAX),
        ]
    )


def _matrix(seed: int, shape: tuple[int, int], whole: bool = False) -> np.ndarray:
    values = np.random.default_rng(seed).uniform(0, 100, shape)
    return np.round(values) if whole else values  # whole numbers make ties, as real % do


@pytest.mark.parametrize("shape", [(8, 1), (8, 10), (5, 3), (1, 4), (7, 40)])
def test_resampling_indices_are_rliables(shape):
    (ours,) = bootstrap.resampling_indices(11, 50, [shape])
    with seeded_global_rng(11):
        theirs = np.stack([rly.StratifiedBootstrap(np.zeros(shape)).update_indices()[0]
                           for _ in range(50)])  # fmt: skip
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape", [(8, 1), (8, 10), (5, 3), (1, 4)])
def test_interval_estimates_equal_rliables(shape):
    scores = _matrix(1, shape, whole=True)
    ours = interval_estimates({"t": scores}, reps=REPS, seed=5)["t"]
    point, ci = _rliable(scores, _rliable_metrics, derive_seed(5, "t"))
    for i, name in enumerate(["iqm", "mean", "median", "optimality_gap"]):
        assert ours[name].point == pytest.approx(point[i], rel=1e-12, abs=1e-12)
        assert ours[name].low == pytest.approx(ci[0, i], rel=1e-12, abs=1e-12)
        assert ours[name].high == pytest.approx(ci[1, i], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(("nx", "ny"), [(8, 8), (6, 4)])
def test_probability_of_improvement_equals_rliables(nx, ny):
    x, y = _matrix(2, (nx, 3), whole=True), _matrix(3, (ny, 3), whole=True)
    poi = probability_of_improvement({"x": x, "y": y}, reps=REPS, seed=9).set_index(["x", "y"])
    point, ci = _rliable(
        [x, y], lambda a, b: np.array([metrics.probability_of_improvement(a, b)]),
        derive_seed(9, "x", "y"),
    )  # fmt: skip
    row = poi.loc[("x", "y")]
    assert row["point"] == pytest.approx(point[0], abs=1e-12)
    assert (row["low"], row["high"]) == pytest.approx((ci[0, 0], ci[1, 0]), abs=1e-12)


def test_iqm_curve_equals_rliables_pointwise_interval():
    curves = _matrix(4, (8, 12))
    point, low, high = iqm_curve(curves, reps=REPS, seed=21)
    ref_point, ci = _rliable(curves, lambda s: bootstrap.iqm_per_task(s), 21)
    np.testing.assert_allclose(point, metrics.scipy.stats.trim_mean(curves, 0.25, axis=0))
    np.testing.assert_allclose(point, ref_point, rtol=1e-12)
    np.testing.assert_allclose(np.stack([low, high]), ci, rtol=1e-12)


def test_performance_profile_equals_rliables():
    scores = _matrix(6, (8, 5), whole=True)
    taus = np.linspace(0, 100, 11)
    ours = performance_profiles({"t": scores}, taus=taus, reps=REPS, seed=2)
    with seeded_global_rng(derive_seed(2, "profile", "t")):
        points, cis = rly.create_performance_profile({"t": scores}, taus, reps=REPS)
    np.testing.assert_allclose(ours["point"], points["t"])
    np.testing.assert_allclose(ours["low"], cis["t"][0])
    np.testing.assert_allclose(ours["high"], cis["t"][1])


def test_same_seed_same_intervals_and_global_rng_untouched():
    scores = {"a": _matrix(7, (8, 4)), "b": _matrix(8, (8, 4))}
    np.random.seed(123)  # noqa: NPY002 - the test is about the global RNG
    before = np.random.get_state()  # noqa: NPY002
    first = probability_of_improvement(scores, reps=REPS, seed=1)
    again = probability_of_improvement(scores, reps=REPS, seed=1)
    after = np.random.get_state()  # noqa: NPY002
    pd.testing.assert_frame_equal(first, again)
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def _markdown_cell(markdown: str, level: str, teacher: str, column: int) -> str:
    block = markdown.split(f"expert knowledge: {level}")[1].split("###")[0]
    row = next(line for line in block.splitlines() if line.startswith(f"| {teacher} |"))
    return row.split(" | ")[column].strip("* |")


def test_markdown_table_numbers_are_rliables_on_the_same_score_matrix(runs):
    from teachbench.leaderboard.tables import leaderboard_table, to_markdown

    markdown = to_markdown(leaderboard_table(runs, reps=REPS, seed=3))
    for level, teacher in [("none", "alp-gmm"), ("low", "my_teacher")]:
        mine = runs[(runs["level"] == level) & (runs["teacher"] == teacher)]
        cell = mine[mine["challenge"] == "rugged"]["final_mastered"].to_numpy()[:, None]
        key = f"teachmyagent/surrogate/rugged/{level}/{teacher}"
        point, ci = _rliable(cell, lambda s: np.array([metrics.aggregate_iqm(s)]),
                             derive_seed(3, key))  # fmt: skip
        expected = f"{point[0]:.1f} [{ci[0, 0]:.1f}, {ci[1, 0]:.1f}]"
        assert _markdown_cell(markdown, level, teacher, 2) == expected
        matrix = mine.pivot(index="seed", columns="challenge", values="final_mastered")
        key = f"teachmyagent/surrogate/all challenges/{level}/{teacher}"
        point, ci = _rliable(matrix.to_numpy(), lambda s: np.array([metrics.aggregate_iqm(s)]),
                             derive_seed(3, key))  # fmt: skip
        expected = f"{point[0]:.1f} [{ci[0, 0]:.1f}, {ci[1, 0]:.1f}]"
        assert _markdown_cell(markdown, level, teacher, 3) == expected


def test_published_probability_of_improvement_is_rliables(runs):
    from teachbench.leaderboard.report import build_report
    from teachbench.leaderboard.stat_tables import statistics_markdown

    report = build_report(runs, reps=REPS, seed=4)
    text = statistics_markdown(report)
    block = text.split("## teachmyagent / surrogate / low")[1].split("### Probability")[1]
    level = runs[runs["level"] == "low"]

    def matrix(teacher):
        rows = level[level["teacher"] == teacher]
        return rows.pivot(index="seed", columns="challenge", values="final_mastered").to_numpy()

    x, y = "my_teacher", "random"
    point, ci = _rliable(
        [matrix(x), matrix(y)],
        lambda a, b: np.array([metrics.probability_of_improvement(a, b)]),
        derive_seed(4, "teachmyagent", "surrogate", "low", x, y),
    )
    header = next(line for line in block.splitlines() if line.startswith("| P(row > column)"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    row = next(line for line in block.splitlines() if line.startswith(f"| {x} |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[columns.index(y)] == f"{point[0]:.2f} [{ci[0, 0]:.2f}, {ci[1, 0]:.2f}]"
