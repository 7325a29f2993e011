"""RIAC: regions split where learning progress differs, within the size limits."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.riac import RIAC, window_alp


def _riac(contract, seed=0, **kwargs) -> RIAC:
    knowledge = contract.knowledge("none")
    return RIAC(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def _progress_on_low_heights(teacher: RIAC, contract, episodes: int) -> None:
    """Returns climb on h < 1.5 and stay flat elsewhere."""
    for i in range(episodes):
        task = contract.space.sample(teacher.rng)
        teacher.update(task, contract.outcome(2.0 * i if task[0] < 1.5 else 0.0))


def test_defaults_match_teachmyagent(contract):
    teacher = _riac(contract)
    assert (teacher.max_region_size, teacher.nb_split_attempts) == (150, 75)
    assert (teacher.min_dims_range_ratio, teacher.min_region_size) == (0.1, 8)
    assert teacher.discard_ratio == 0.25


def test_window_alp_compares_older_and_newer_halves():
    assert window_alp([0.0, 0.0, 4.0, 6.0]) == 5.0
    assert window_alp([3.0]) == 0.0


def test_splits_where_progress_differs(contract):
    teacher = _riac(contract, max_region_size=60)
    _progress_on_low_heights(teacher, contract, 60)
    regions = teacher.regions
    assert len(regions) == 3 and not regions[0][3]
    (_, left_high, left_alp, _), (right_low, _, right_alp, _) = regions[1:]
    assert left_high[0] == right_low[0] < 3.0, "the cut is on the stump height"
    cut = left_high[0]
    assert 0.75 < cut < 2.25, "the cut should separate progress from no progress"
    assert left_alp > right_alp
    teacher.random_task_ratio = teacher.low_task_ratio = 0.0
    tasks = np.array([teacher.sample_task() for _ in range(300)])
    assert np.mean(tasks[:, 0] < cut) > 0.6


def test_respects_minimum_width_and_size(contract):
    teacher = _riac(contract, max_region_size=40, min_dims_range_ratio=0.4, min_region_size=15)
    _progress_on_low_heights(teacher, contract, 400)
    leaves = [r for r in teacher.regions if r[3]]
    assert len(leaves) >= 2
    for low, high, _, _ in teacher.regions[1:]:
        width = high - low
        assert np.all(width >= 0.4 * contract.space.width - 1e-9)


def test_children_start_with_at_least_min_region_size(contract):
    teacher = _riac(contract, max_region_size=30, min_region_size=12, min_dims_range_ratio=0.0)
    _progress_on_low_heights(teacher, contract, 30)
    counts = [len(r.returns) for r in teacher._regions[1:]]
    assert counts and all(c >= 12 for c in counts)


def test_discards_oldest_points_when_no_cut_separates_progress(contract):
    teacher = _riac(contract, max_region_size=40)
    for _ in range(40):
        teacher.update(contract.space.sample(teacher.rng), contract.outcome(10.0))
    assert len(teacher.regions) == 1
    assert len(teacher._regions[0].returns) == 30


def test_low_return_mode_replays_the_worst_task_nearby(contract):
    teacher = _riac(contract, random_task_ratio=0.0, low_task_ratio=1.0, low_task_noise=0.01)
    teacher.update(np.array([1.0, 1.0]), contract.outcome(-100.0))
    teacher.update(np.array([2.0, 5.0]), contract.outcome(200.0))
    task = teacher.sample_task()
    np.testing.assert_allclose(task, [1.0, 1.0], atol=0.1)


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("none")
        return RIAC(knowledge.space, knowledge, rng, max_region_size=30)

    contract.determinism(build, 200)
    contract.round_trip(build, 150, 100)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: RIAC(space, knowledge, rng, max_region_size=30), "none"
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("max_region_size", 2, ValueError),
        ("nb_split_attempts", 0, ValueError),
        ("min_dims_range_ratio", 0.6, ValueError),
        ("min_region_size", 100, ValueError),
        ("discard_ratio", 0.001, ValueError),
        ("random_task_ratio", 0.95, ValueError),
        ("low_task_noise", "big", TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(RIAC, contract.knowledge("none"), name, value, error)
