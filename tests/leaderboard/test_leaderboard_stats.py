"""Statistics: reproducible bootstraps, hand-checked aggregates, honest tiny inputs."""

import math

import numpy as np
import pytest
import scipy.stats
from teachbench.leaderboard.stats import (
    METRICS,
    SINGLE_RUN_NOTE,
    interval_estimates,
    iqm_curve,
    probability_of_improvement,
    welch_ratio_to_baseline,
)

REPS = 200


def _scores(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"a": rng.uniform(20, 80, (6, 3)), "b": rng.uniform(0, 60, (5, 3))}


def _bounds(result):
    return {(t, m): (e.low, e.high) for t, est in result.items() for m, e in est.items()}


def test_same_seed_gives_identical_intervals_and_other_seed_differs():
    scores = _scores()
    first = _bounds(interval_estimates(scores, reps=REPS, seed=7))
    again = _bounds(interval_estimates(scores, reps=REPS, seed=7))
    other = _bounds(interval_estimates(scores, reps=REPS, seed=8))
    assert first == again
    assert first != other


def test_bootstrap_leaves_global_numpy_rng_untouched():
    np.random.seed(123)  # noqa: NPY002 - the test is about the global RNG
    before = np.random.get_state()  # noqa: NPY002
    interval_estimates(_scores(), reps=REPS, seed=0)
    probability_of_improvement(_scores(), reps=20, seed=0)
    after = np.random.get_state()  # noqa: NPY002
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_aggregates_match_hand_computed_values():
    # 8 scores: IQM drops the 2 lowest and 2 highest -> mean(20, 30, 40, 50) = 35.
    scores = np.array([[0.0, 70.0], [10.0, 60.0], [20.0, 50.0], [30.0, 40.0]])
    est = interval_estimates({"t": scores}, reps=REPS)["t"]
    assert est["iqm"].point == pytest.approx(35.0)
    assert est["mean"].point == pytest.approx(35.0)
    # Per-task means 15 and 55; median of two values is their mean.
    assert est["median"].point == pytest.approx(35.0)
    assert est["optimality_gap"].point == pytest.approx(65.0)


def test_optimality_gap_clips_at_100():
    est = interval_estimates({"t": np.array([[100.0], [100.0], [50.0]])}, reps=REPS)["t"]
    assert est["optimality_gap"].point == pytest.approx(100 - 250 / 3)


def test_interval_contains_point_estimate():
    for estimates in interval_estimates(_scores(3), reps=REPS, seed=1).values():
        assert set(estimates) == set(METRICS)
        for est in estimates.values():
            assert est.low <= est.point <= est.high
            assert est.low < est.high


def test_teacher_interval_does_not_depend_on_other_teachers():
    scores = _scores()
    alone = interval_estimates({"a": scores["a"]}, reps=REPS, seed=0)["a"]["iqm"]
    together = interval_estimates(scores, reps=REPS, seed=0)["a"]["iqm"]
    assert alone == together


def test_single_run_collapses_interval_and_says_so():
    est = interval_estimates({"solo": np.array([[42.0, 44.0]])}, reps=REPS)["solo"]["iqm"]
    assert est.low == est.point == est.high == pytest.approx(43.0)
    assert est.n_runs == 1
    assert est.note == SINGLE_RUN_NOTE


@pytest.mark.parametrize("bad", [np.empty((0, 2)), [], [[np.nan]], [[101.0]], [[-1.0]]])
def test_invalid_scores_raise_naming_the_teacher(bad):
    with pytest.raises(ValueError, match="my-teacher"):
        interval_estimates({"my-teacher": bad}, reps=REPS)


def test_probability_of_improvement_all_pairs_and_complements():
    scores = {
        "strong": np.array([[90.0], [95.0], [85.0]]),
        "weak": np.array([[10.0], [20.0], [15.0]]),
        "mid": np.array([[50.0], [12.0], [88.0]]),
    }
    poi = probability_of_improvement(scores, reps=50, seed=0).set_index(["x", "y"])
    assert len(poi) == 6
    assert poi.loc[("strong", "weak"), "point"] == pytest.approx(1.0)
    assert poi.loc[("weak", "strong"), "point"] == pytest.approx(0.0)
    forward, back = poi.loc[("mid", "weak")], poi.loc[("weak", "mid")]
    assert forward["point"] + back["point"] == pytest.approx(1.0)
    assert forward["low"] == pytest.approx(1 - back["high"])
    assert ((poi["low"] <= poi["point"]) & (poi["point"] <= poi["high"])).all()
    assert ((poi["low"] >= 0) & (poi["high"] <= 1)).all()


def test_probability_of_improvement_needs_same_tasks():
    with pytest.raises(ValueError, match="tasks"):
        probability_of_improvement({"a": np.ones((3, 2)), "b": np.ones((3, 1))}, reps=10)


def test_welch_ratio_to_random_matches_scipy_and_marks_significance():
    random = np.array([10.0, 12.0, 11.0, 9.0])
    better = np.array([30.0, 32.0, 29.0, 31.0])
    same = np.array([10.0, 12.0, 11.0, 9.5])
    view = welch_ratio_to_baseline({"random": random, "better": better, "same": same})
    view = view.set_index("teacher")
    assert view.loc["better", "ratio"] == pytest.approx(better.mean() / random.mean())
    expected_p = scipy.stats.ttest_ind(better, random, equal_var=False).pvalue
    assert view.loc["better", "p_value"] == pytest.approx(expected_p)
    assert view.loc["better", "better"]
    assert not view.loc["same", "better"]
    assert view.loc["random", "ratio"] == pytest.approx(1.0)
    assert math.isnan(view.loc["random", "p_value"])


def test_welch_undefined_cases_are_explained_not_starred():
    view = welch_ratio_to_baseline({"random": [0.0, 0.0], "t": [0.0, 0.0], "u": [50.0]})
    view = view.set_index("teacher")
    assert math.isnan(view.loc["t", "ratio"])
    assert "no variance" in view.loc["t", "note"]
    assert "fewer than 2 runs" in view.loc["u", "note"]
    assert not view["better"].any()
    with pytest.raises(ValueError, match="baseline 'random'"):
        welch_ratio_to_baseline({"t": [1.0, 2.0]})


def test_iqm_curve_is_pointwise_trimmed_mean_with_band():
    curves = np.random.default_rng(0).uniform(0, 100, (8, 5))
    point, low, high = iqm_curve(curves, reps=REPS, seed=0)
    np.testing.assert_allclose(point, scipy.stats.trim_mean(curves, 0.25, axis=0))
    assert point.shape == low.shape == high.shape == (5,)
    assert np.all(low <= point) and np.all(point <= high)
