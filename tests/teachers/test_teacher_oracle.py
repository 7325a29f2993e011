"""Oracle: a window that moves by a step vector once the student masters it."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.oracle import Oracle
from teachbench.harness import TaskSpace
from teachbench.harness.knowledge import INITIAL_DISTRIBUTION, SUCCESS_THRESHOLD


def _oracle(contract, space=None, seed=0, **kwargs) -> Oracle:
    knowledge = contract.knowledge("high", space or contract.space)
    return Oracle(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def test_requires_high_knowledge_and_reproduces_the_stump_tracks_step(contract):
    assert {SUCCESS_THRESHOLD, INITIAL_DISTRIBUTION} <= Oracle.requires
    teacher = _oracle(contract)
    np.testing.assert_allclose(teacher.step, [0.1, -0.2])
    low, high = teacher.window
    np.testing.assert_allclose(low, [0.0, 5.0])
    np.testing.assert_allclose(high, [0.5, 6.0])
    with pytest.raises(ValueError, match="high"):
        knowledge = contract.knowledge("low")
        Oracle(knowledge.space, knowledge, np.random.default_rng(0))


def test_samples_inside_the_window(contract):
    teacher = _oracle(contract)
    low, high = teacher.window
    tasks = np.array([teacher.sample_task() for _ in range(200)])
    assert np.all(tasks >= low) and np.all(tasks <= high)
    assert np.ptp(tasks[:, 0]) > 0.4


def test_moves_after_mastery_and_not_before(contract):
    teacher = _oracle(contract)
    start = teacher.window[0]
    for _ in range(49):
        teacher.update(teacher.sample_task(), contract.outcome(300.0))
    np.testing.assert_array_equal(teacher.window[0], start)
    teacher.update(teacher.sample_task(), contract.outcome(300.0))
    np.testing.assert_allclose(teacher.window[0], start + np.array([0.1, -0.2]))
    for _ in range(100):  # mean return at the threshold is not mastery (strict >)
        teacher.update(teacher.sample_task(), contract.outcome(contract.threshold))
    np.testing.assert_allclose(teacher.window[0], start + np.array([0.1, -0.2]))


def test_window_stays_inside_the_space(contract):
    teacher = _oracle(contract, step=[1.0, -2.0], mastery_window=1)
    for _ in range(20):
        teacher.update(teacher.sample_task(), contract.outcome(300.0))
    low, high = teacher.window
    np.testing.assert_allclose(low, [2.5, 0.0])
    np.testing.assert_allclose(high, [3.0, 1.0])


def test_default_step_points_from_the_easy_mean_to_the_centre(contract):
    space = TaskSpace(["a", "b", "c"], [0, 0, 0], [4, 4, 4])
    knowledge = contract.knowledge("high", space)  # easy mean = centre
    teacher = Oracle(space, knowledge, np.random.default_rng(0))
    np.testing.assert_array_equal(teacher.step, [0.0, 0.0, 0.0])


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("high")
        return Oracle(knowledge.space, knowledge, rng, mastery_window=5)

    contract.determinism(build, 120)
    contract.round_trip(build, 63, 60)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: Oracle(
            space, knowledge, rng, mastery_window=5, window_ratio=0.5
        ),
        "high",
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("window_ratio", 1.5, ValueError),
        ("mastery_window", 0, ValueError),
        ("mastery_window", "50", TypeError),
        ("step", [0.1], ValueError),
        ("step", 0.1, TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(Oracle, contract.knowledge("high"), name, value, error)
