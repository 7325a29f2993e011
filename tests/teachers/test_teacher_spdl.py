"""SPDL: the context distribution moves from easy tasks to the target as values rise."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.spdl import SPDL
from teachbench.harness.knowledge import VALUE_ESTIMATE

FAST = {"update_offset": 500, "update_frequency": 500, "alpha_offset": 0}


def _spdl(contract, level="high", seed=0, estimator=None, **kwargs) -> SPDL:
    knowledge = contract.knowledge(level)
    teacher = SPDL(knowledge.space, knowledge, np.random.default_rng(seed), **{**FAST, **kwargs})
    teacher.set_value_estimator(estimator or (lambda task: 100.0))
    return teacher


def _run(teacher: SPDL, contract, episodes: int) -> None:
    for _ in range(episodes):  # 100 steps each: by default one update every 5 episodes
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(0.0))


def test_requires_value_estimate_and_defaults(contract):
    assert VALUE_ESTIMATE in SPDL.requires
    knowledge = contract.knowledge("low")
    teacher = SPDL(knowledge.space, knowledge, np.random.default_rng(0))
    assert (teacher.update_offset, teacher.update_frequency) == (200_000, 50_000)
    assert (teacher.alpha_offset, teacher.zeta, teacher.max_kl) == (10, 0.25, 0.1)


def test_high_knowledge_starts_at_the_easy_tasks(contract):
    mean, covariance = _spdl(contract, "high").distribution
    np.testing.assert_allclose(mean, [0.0, 6.0])
    np.testing.assert_allclose(np.sqrt(np.diag(covariance)), [0.3, 0.6])
    low_means = {tuple(_spdl(contract, "low", seed=s).distribution[0]) for s in range(3)}
    assert len(low_means) == 3


def test_moves_towards_the_target_as_values_rise(contract):
    teacher = _spdl(contract, "high", update_frequency=2000, update_offset=2000)
    kls = [teacher.kl_to_target()]
    for _ in range(8):
        _run(teacher, contract, 20)  # one update of 20 contexts
        kls.append(teacher.kl_to_target())
    assert np.all(np.diff(kls) < 0), kls
    distance = np.linalg.norm(contract.space.to_unit(teacher.distribution[0]) - 0.5)
    assert distance < np.linalg.norm(contract.space.to_unit([0.0, 6.0]) - 0.5) - 0.1


def test_no_pull_to_the_target_while_values_are_zero(contract):
    teacher = _spdl(contract, "high", estimator=lambda task: 0.0)
    before = teacher.kl_to_target()
    _run(teacher, contract, 20)
    assert teacher.kl_to_target() == pytest.approx(before, rel=0.05)


def test_respects_the_trust_region(contract):
    teacher = _spdl(contract, "high", max_kl=0.05, estimator=lambda task: 1000.0)
    previous = teacher._gaussian(teacher._mean, teacher._chol)
    _run(teacher, contract, 5)
    from torch.distributions import kl_divergence

    step = float(kl_divergence(teacher._gaussian(teacher._mean, teacher._chol), previous))
    assert 0 < step <= 0.05 * 1.001


def test_without_alpha_it_follows_the_values(contract):
    teacher = _spdl(contract, "low", seed=3, alpha_offset=100, estimator=lambda task: 100 * task[0])
    start = teacher.distribution[0][0]
    _run(teacher, contract, 30)
    assert teacher.distribution[0][0] > start + 0.1


def test_step_updates_give_the_performance(contract):
    teacher = _spdl(contract, "high", discount=0.5)
    teacher.sample_task()
    for reward in (1.0, 2.0, 4.0):
        teacher.step_update((None, None, reward, None, False))
    assert teacher._discounted == pytest.approx(1.0 + 1.0 + 1.0)


def test_needs_the_estimator_at_update_time(contract):
    knowledge = contract.knowledge("low")
    teacher = SPDL(knowledge.space, knowledge, np.random.default_rng(0), **FAST)
    with pytest.raises(RuntimeError, match="value estimator"):
        _run(teacher, contract, 5)


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("high")
        teacher = SPDL(knowledge.space, knowledge, rng, **FAST)
        teacher.set_value_estimator(lambda task: 50.0 + 10 * task[0])
        return teacher

    contract.determinism(build, 40)
    contract.round_trip(build, 22, 20)


def test_fixed_dimension(contract):
    def build(space, knowledge, rng):
        teacher = SPDL(space, knowledge, rng, **FAST)
        teacher.set_value_estimator(lambda task: 10.0 + task[0])
        return teacher

    contract.odd_space(build, "high", episodes=30)
    contract.odd_space(build, "low", episodes=30)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("update_offset", -1, ValueError),
        ("update_frequency", 0, ValueError),
        ("zeta", "0.25", TypeError),
        ("max_kl", 0.0, ValueError),
        ("discount", 1.5, ValueError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(SPDL, contract.knowledge("high"), name, value, error)
