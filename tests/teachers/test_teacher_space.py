"""SPaCE: instances ordered by value, the curriculum grows when values stall."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.space_teacher import SPaCE
from teachbench.harness.knowledge import VALUE_ESTIMATE


def _space(contract, seed=0, **kwargs) -> SPaCE:
    knowledge = contract.knowledge("none")
    return SPaCE(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def _easy_value(task: np.ndarray) -> float:
    """Low stumps and wide spacing are easy: high value."""
    return float(task[1] - task[0])


def test_requires_value_estimate(contract):
    assert VALUE_ESTIMATE in SPaCE.requires
    with pytest.raises(RuntimeError, match="value estimator"):
        _space(contract).sample_task()


def test_starts_with_the_highest_value_instance(contract):
    teacher = _space(contract, n_instances=20)
    teacher.set_value_estimator(_easy_value)
    first = teacher.sample_task()
    values = [_easy_value(t) for t in teacher._instances]
    assert _easy_value(first) == max(values)


def test_grows_when_values_stall_and_ranks_by_value_change(contract):
    teacher = _space(contract, n_instances=10, kappa=2, eta=0.1)
    clock = {"t": 0}
    teacher.set_value_estimator(lambda task: _easy_value(task) + clock["t"] * task[0])
    teacher.sample_task()
    assert len(teacher.curriculum) == 2
    teacher.sample_task()
    teacher.sample_task()  # pass 1 is over and no value moved: stalled, so it grows
    assert len(teacher.curriculum) == 4
    for _ in range(3):
        teacher.sample_task()
    clock["t"] = 50  # big value changes where stumps are high
    teacher.sample_task()  # pass 2 is over
    curriculum = teacher.curriculum  # re-ranked by |change| = 50 * height
    assert len(curriculum) == 4, "values moved a lot: no growth"
    heights = np.sort(teacher._instances[:, 0])[::-1][:4]
    np.testing.assert_allclose(np.sort(curriculum[:, 0])[::-1], heights)


def test_plays_each_curriculum_instance_once_per_pass(contract):
    teacher = _space(contract, n_instances=10, kappa=3, eta=0.0)
    clock = {"t": 0}
    teacher.set_value_estimator(lambda task: _easy_value(task) * (1 + clock["t"]))
    played = []
    for _ in range(3):
        played.append(teacher.sample_task())
        clock["t"] += 1
    assert len({tuple(t) for t in played}) == 3


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("none")
        teacher = SPaCE(knowledge.space, knowledge, rng, n_instances=15)
        teacher.set_value_estimator(_easy_value)
        return teacher

    contract.determinism(build, 60)
    contract.round_trip(build, 33, 40)


def test_fixed_dimension(contract):
    def build(space, knowledge, rng):
        teacher = SPaCE(space, knowledge, rng, n_instances=10, eta=1.0)
        teacher.set_value_estimator(lambda task: float(task[0]))
        return teacher

    contract.odd_space(build, "none", episodes=60)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("n_instances", 0, ValueError),
        ("kappa", 1000, ValueError),
        ("eta", -1.0, ValueError),
        ("eta", None, TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(SPaCE, contract.knowledge("none"), name, value, error)
