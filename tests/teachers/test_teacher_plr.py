"""Robust PLR: replays high-score tasks, refreshes stale ones, keeps the best scores."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.plr import RobustPLR


def _plr(contract, seed=0, **kwargs) -> RobustPLR:
    knowledge = contract.knowledge("none")
    return RobustPLR(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def _fill(teacher: RobustPLR, contract, n: int, value_error) -> None:
    """Play n new tasks; the score of each is value_error(task) (return - V(s0))."""
    for _ in range(n):
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(100.0, initial_value=100.0 - value_error(task)))


def test_scores_by_value_error_when_the_student_reports_v0(contract):
    teacher = _plr(contract, buffer_size=3, replay_prob=0.0)
    _fill(teacher, contract, 3, lambda task: -task[0])
    tasks, scores = teacher.buffer
    np.testing.assert_allclose(scores, tasks[:, 0])


def test_return_based_score_without_value(contract):
    teacher = _plr(contract, buffer_size=4, replay_prob=0.0)
    teacher._new_task = lambda: np.array([1.0, 1.0])  # fix the new tasks
    teacher.update(teacher.sample_task(), contract.outcome(10.0))
    teacher.update(teacher.sample_task(), contract.outcome(50.0))
    np.testing.assert_allclose(teacher.buffer[1], [0.0, 40.0])


def test_replays_high_score_tasks(contract):
    teacher = _plr(contract, buffer_size=20, replay_prob=1.0, min_fill=1.0, staleness_coef=0.0)
    _fill(teacher, contract, 20, lambda task: task[0])
    tasks, scores = teacher.buffer
    best = tasks[np.argmax(scores)]
    replays = [teacher.sample_task() for _ in range(50)]
    share = np.mean([np.array_equal(r, best) for r in replays])
    assert share > 0.9, "temperature 0.1 concentrates on the top rank"


def test_staleness_refreshes_unplayed_tasks(contract):
    teacher = _plr(contract, buffer_size=10, replay_prob=1.0, min_fill=1.0, staleness_coef=1.0)
    _fill(teacher, contract, 10, lambda task: task[0])
    stale = teacher.replay_distribution()
    np.testing.assert_allclose(stale, np.arange(9, -1, -1) / 45)  # oldest first
    played = set()
    for _ in range(30):
        task = teacher.sample_task()
        played.add(tuple(task))
        teacher.update(task, contract.outcome(100.0, initial_value=100.0))
    assert len(played) >= 8


def test_replaced_only_by_a_better_new_task(contract):
    teacher = _plr(contract, buffer_size=5, replay_prob=0.0)
    _fill(teacher, contract, 5, lambda task: 10.0 + task[0])
    _, before = teacher.buffer
    _fill(teacher, contract, 5, lambda task: 1.0)
    np.testing.assert_array_equal(teacher.buffer[1], before)
    _fill(teacher, contract, 1, lambda task: 100.0)
    _, after = teacher.buffer
    assert after.max() == 100.0 and before.min() not in after


def test_replayed_score_is_updated(contract):
    teacher = _plr(contract, buffer_size=1, replay_prob=1.0, min_fill=1.0)
    _fill(teacher, contract, 1, lambda task: 5.0)
    task = teacher.sample_task()
    np.testing.assert_array_equal(task, teacher.buffer[0][0])
    teacher.update(task, contract.outcome(100.0, initial_value=70.0))
    np.testing.assert_allclose(teacher.buffer[1], [30.0])


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("none")
        return RobustPLR(knowledge.space, knowledge, rng, buffer_size=30, min_fill=0.3)

    contract.determinism(build, 150)
    contract.round_trip(build, 70, 80)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: RobustPLR(
            space, knowledge, rng, buffer_size=20, min_fill=0.5
        ),
        "none",
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("buffer_size", 0, ValueError),
        ("replay_prob", 2.0, ValueError),
        ("min_fill", -0.5, ValueError),
        ("temperature", 0.0, ValueError),
        ("staleness_coef", "0.1", TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(RobustPLR, contract.knowledge("none"), name, value, error)
