"""GoalGAN: goals labelled by success rate; the GAN learns to propose GOIDs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from teachbench.baselines.teachers.goalgan import GoalGAN
from teachbench.harness.knowledge import SUCCESS_THRESHOLD

SMALL = {
    "generator_hidden": 16,
    "discriminator_hidden": 16,
    "pretrain_samples": 64,
    "pretrain_iterations": 20,
    "gan_iterations": 20,
}


def _goalgan(contract, level="low", seed=0, **kwargs) -> GoalGAN:
    knowledge = contract.knowledge(level)
    return GoalGAN(knowledge.space, knowledge, np.random.default_rng(seed), **{**SMALL, **kwargs})


def _play_goal(teacher: GoalGAN, contract, successes: list[bool]) -> np.ndarray:
    goals = []
    for success in successes:
        goals.append(teacher.sample_task())
        teacher.update(goals[-1], contract.outcome(300.0 if success else 0.0))
    assert all(np.array_equal(g, goals[0]) for g in goals), "one goal per n_rollouts episodes"
    return goals[0]


def test_requires_success_threshold_and_defaults(contract):
    assert SUCCESS_THRESHOLD in GoalGAN.requires
    knowledge = contract.knowledge("low")
    teacher = GoalGAN(knowledge.space, knowledge, np.random.default_rng(0), pretrain_iterations=0)
    assert (teacher.state_noise_level, teacher.update_size, teacher.p_old) == (0.1, 100, 0.1)
    assert (teacher.n_rollouts, teacher.goid_lb, teacher.goid_ub) == (2, 0.25, 0.75)


def test_labels_goals_of_intermediate_difficulty(contract):
    teacher = _goalgan(contract, n_rollouts=4, update_size=10)
    half = _play_goal(teacher, contract, [True, False, True, False])
    mastered = _play_goal(teacher, contract, [True] * 4)
    failed = _play_goal(teacher, contract, [False] * 4)
    goals, labels = teacher.labelled
    np.testing.assert_array_equal(goals, [half, mastered, failed])
    np.testing.assert_array_equal(labels, [True, False, False])
    np.testing.assert_array_equal(teacher.success_buffer, [mastered])


def test_old_mastered_goals_are_replayed_with_noise(contract):
    teacher = _goalgan(contract, n_rollouts=1, p_old=1.0, state_noise_level=0.01)
    mastered = _play_goal(teacher, contract, [True])
    replay = teacher.sample_task()
    assert np.all(np.abs(replay - mastered) < 0.1 * contract.space.width)


def test_high_knowledge_pretrains_on_easy_tasks(contract):
    teacher = _goalgan(
        contract, "high", pretrain_iterations=200, n_rollouts=1, state_noise_level=0.0
    )
    tasks = []
    for _ in range(100):
        tasks.append(teacher.sample_task())
        teacher.update(tasks[-1], contract.outcome(0.0))
    tasks = np.array(tasks)
    assert tasks[:, 0].mean() < 1.0 and tasks[:, 1].mean() > 4.0


def test_discriminator_learns_where_goids_are(contract):
    teacher = _goalgan(contract, n_rollouts=1, update_size=60, gan_iterations=300)
    goids = np.column_stack([np.linspace(0, 1, 30), np.full(30, 5.5)])
    others = np.column_stack([np.linspace(2, 3, 30), np.full(30, 0.5)])
    teacher._train(np.vstack([goids, others]), np.arange(60) < 30, 300)
    assert teacher.discriminate(goids).mean() > teacher.discriminate(others).mean() + 0.5


def test_leaves_torch_global_rng_alone(contract):
    before = torch.get_rng_state()
    teacher = _goalgan(contract, update_size=5, n_rollouts=1)
    contract.play(teacher, 30)
    assert torch.equal(before, torch.get_rng_state())


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("low")
        return GoalGAN(knowledge.space, knowledge, rng, update_size=10, **SMALL)

    contract.determinism(build, 80)
    contract.round_trip(build, 45, 50)


def test_fixed_dimension(contract):
    contract.odd_space(
        lambda space, knowledge, rng: GoalGAN(space, knowledge, rng, update_size=10, **SMALL),
        "high",
    )


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("state_noise_level", -0.1, ValueError),
        ("update_size", 0, ValueError),
        ("p_old", 1.1, ValueError),
        ("n_rollouts", 2.0, TypeError),
        ("goid_ub", 0.1, ValueError),
        ("generator_hidden", "64", TypeError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(GoalGAN, contract.knowledge("low"), name, value, error)
