"""ADR: the box grows where the student copes and shrinks where it fails."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.baselines.teachers.adr import ADR
from teachbench.harness import ExpertKnowledge, Level
from teachbench.harness.knowledge import REWARD_RANGE


def _adr(contract, level="high", seed=0, **kwargs) -> ADR:
    knowledge = contract.knowledge(level)
    return ADR(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def _feed(teacher: ADR, contract, episodic_return: float, episodes: int) -> None:
    for _ in range(episodes):
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(episodic_return))


def test_requires_reward_range_and_defaults_match_teachmyagent(contract):
    assert REWARD_RANGE in ADR.requires
    teacher = _adr(contract)
    assert (teacher.min_reward_thr, teacher.max_reward_thr) == pytest.approx((0.0, 180.0))
    assert (teacher.step_size, teacher.boundary_sampling_p, teacher.queue_len) == (0.1, 0.7, 10)


def test_high_knowledge_starts_at_the_easy_mean_low_at_a_random_point(contract):
    lower, upper = _adr(contract, "high").box
    np.testing.assert_array_equal(lower, [0.0, 6.0])
    np.testing.assert_array_equal(upper, [0.0, 6.0])
    starts = {tuple(_adr(contract, "low", seed=s).box[0]) for s in range(3)}
    assert len(starts) == 3


def test_expands_when_queue_mean_reaches_upper_threshold(contract):
    teacher = _adr(contract, boundary_sampling_p=1.0, queue_len=2)
    _feed(teacher, contract, 180.0, 3)  # at least one bound got 2 returns of exactly 180
    lower, upper = teacher.box
    assert np.any(upper > [0.0, 6.0]) or np.any(lower < [0.0, 6.0])
    assert np.all(upper - lower <= 0.1 + 1e-12)
    _feed(teacher, contract, 300.0, 400)
    lower, upper = teacher.box
    np.testing.assert_allclose(lower, contract.space.low)
    np.testing.assert_allclose(upper, contract.space.high)


def test_shrinks_under_lower_threshold_and_holds_in_between(contract):
    teacher = _adr(contract, boundary_sampling_p=1.0, queue_len=1, step_size=0.5)
    _feed(teacher, contract, 300.0, 12)
    grown = teacher.box
    assert np.all(grown[1] - grown[0] > 0)
    _feed(teacher, contract, 100.0, 20)  # between the thresholds: nothing moves
    for before, after in zip(grown, teacher.box, strict=True):
        np.testing.assert_array_equal(before, after)
    _feed(teacher, contract, -100.0, 40)
    lower, upper = teacher.box
    assert np.all(lower <= upper)
    assert np.prod(upper - lower) < np.prod(grown[1] - grown[0])


def test_only_probed_episodes_fill_queues(contract):
    teacher = _adr(contract, boundary_sampling_p=0.0, queue_len=1)
    _feed(teacher, contract, 300.0, 50)
    lower, upper = teacher.box
    np.testing.assert_array_equal(lower, upper)


def test_tasks_stay_in_the_box(contract):
    teacher = _adr(contract, boundary_sampling_p=0.5, queue_len=2)
    _feed(teacher, contract, 300.0, 30)
    lower, upper = teacher.box
    for _ in range(200):
        task = teacher.sample_task()
        assert np.all(task >= lower) and np.all(task <= upper)
        teacher.update(task, contract.outcome(100.0))


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("low")
        return ADR(knowledge.space, knowledge, rng, queue_len=3)

    contract.determinism(build, 150)
    contract.round_trip(build, 77, 80)


def test_fixed_dimension(contract):
    def build(space, knowledge, rng):  # thresholds low enough that the box always grows
        return ADR(space, knowledge, rng, queue_len=2, min_reward_thr=-1e4, max_reward_thr=-1e4)

    contract.odd_space(build, "low")


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("step_size", 0.0, ValueError),
        ("step_size", "0.1", TypeError),
        ("boundary_sampling_p", 1.5, ValueError),
        ("queue_len", 0, ValueError),
        ("queue_len", 2.5, TypeError),
        ("max_reward_thr", -500.0, ValueError),
        ("min_reward_thr", True, TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(ADR, contract.knowledge("low"), name, value, error)


def test_refuses_knowledge_without_reward_range(contract):
    with pytest.raises(ValueError, match="reward range"):
        ADR(contract.space, ExpertKnowledge(Level.NONE, contract.space), np.random.default_rng(0))
