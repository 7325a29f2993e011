"""Covar-GMM: sampling concentrates where return grows with time."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.covar_gmm import CovarGMM


def _covar(contract, level="none", seed=0, **kwargs) -> CovarGMM:
    knowledge = contract.knowledge(level)
    return CovarGMM(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def test_defaults_match_teachmyagent(contract):
    teacher = _covar(contract)
    assert (teacher.fit_rate, teacher.random_task_ratio, teacher.max_k) == (150, 0.1, 15)
    assert teacher.absolute_lp is False
    assert CovarGMM.requires == frozenset()


def test_bootstrap_uses_easy_tasks_under_high_knowledge(contract):
    teacher = _covar(contract, "high")
    tasks = np.array([teacher.sample_task() for _ in range(100)])
    assert tasks[:, 0].mean() < 0.5 and tasks[:, 1].mean() > 5.0
    uniform = _covar(contract, "low")
    spread = np.array([uniform.sample_task() for _ in range(100)])
    assert 1.0 < spread[:, 0].mean() < 2.0 and spread[:, 0].max() > 2.5


def test_concentrates_where_return_correlates_with_time(contract):
    teacher = _covar(contract, fit_rate=60, max_k=5, random_task_ratio=0.0)
    assert teacher.progress_weights is None
    for i in range(60):
        task = teacher.sample_task()
        progressing = task[0] < 1.0
        teacher.update(task, contract.outcome(5.0 * i if progressing else 50.0))
    weights, means = teacher.progress_weights, teacher.component_means
    assert weights is not None and weights.sum() == pytest.approx(1.0)
    assert np.sum(weights[means[:, 0] < 1.0]) > 0.9
    tasks = np.array([teacher.sample_task() for _ in range(300)])
    assert np.mean(tasks[:, 0] < 1.2) > 0.8


def test_absolute_lp_also_follows_decreasing_returns(contract):
    teacher = _covar(contract, fit_rate=60, max_k=5, random_task_ratio=0.0, absolute_lp=True)
    for i in range(60):
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(300.0 - 5.0 * i if task[0] > 2.0 else 50.0))
    tasks = np.array([teacher.sample_task() for _ in range(300)])
    assert np.mean(tasks[:, 0] > 1.8) > 0.8


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("high")
        return CovarGMM(knowledge.space, knowledge, rng, fit_rate=30, max_k=3)

    contract.determinism(build, 65)
    contract.round_trip(build, 50, 40)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: CovarGMM(space, knowledge, rng, fit_rate=30, max_k=3), "high"
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("fit_rate", 5, ValueError),
        ("fit_rate", 150.0, TypeError),
        ("random_task_ratio", -0.1, ValueError),
        ("max_k", 2, ValueError),
        ("absolute_lp", 1, TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(CovarGMM, contract.knowledge("none"), name, value, error)
