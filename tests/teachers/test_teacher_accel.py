"""ACCEL: PLR whose replayed tasks are followed by small mutations of themselves."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.accel import ACCEL


def _accel(contract, level="none", seed=0, **kwargs) -> ACCEL:
    knowledge = contract.knowledge(level)
    return ACCEL(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def test_a_replay_is_followed_by_a_small_mutation(contract):
    teacher = _accel(contract, buffer_size=5, replay_prob=1.0, min_fill=1.0, mutation_scale=0.05)
    for _ in range(5):
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(100.0, initial_value=90.0))
    replayed = teacher.sample_task()
    assert any(np.array_equal(replayed, t) for t in teacher.buffer[0])
    teacher.update(replayed, contract.outcome(100.0, initial_value=90.0))
    child = teacher.sample_task()
    gap = np.abs(child - replayed)
    assert np.any(gap > 0)
    assert np.all(gap <= 3 * 0.05 * contract.space.width + 1e-12)
    teacher.update(child, contract.outcome(100.0, initial_value=0.0))  # score 100: the best
    tasks, scores = teacher.buffer
    np.testing.assert_array_equal(tasks[np.argmax(scores)], child)


def test_mutation_is_clipped_and_edits_few_dimensions(contract):
    teacher = _accel(contract, n_edits=1, mutation_scale=1.0)
    corner = contract.space.high.copy()
    children = np.array([teacher.mutate(corner) for _ in range(50)])
    assert all(contract.space.contains(c) for c in children)
    assert np.all(np.sum(children != corner, axis=1) <= 1)


def test_new_tasks_are_easy_under_high_knowledge(contract):
    teacher = _accel(contract, "high", replay_prob=0.0)
    tasks = np.array([teacher.sample_task() for _ in range(100)])
    assert tasks[:, 0].mean() < 0.5 and tasks[:, 1].mean() > 5.0


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("none")
        return ACCEL(knowledge.space, knowledge, rng, buffer_size=30, min_fill=0.3)

    contract.determinism(build, 150)
    contract.round_trip(build, 71, 80)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: ACCEL(space, knowledge, rng, buffer_size=20, min_fill=0.5),
        "high",
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("n_edits", 0, ValueError),
        ("mutation_scale", 2.0, ValueError),
        ("buffer_size", 1.5, TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(ACCEL, contract.knowledge("none"), name, value, error)
