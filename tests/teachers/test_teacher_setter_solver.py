"""Setter-Solver: the judge learns success, the setter follows feasibility and success."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from teachbench.baselines.teachers.setter_solver import SetterSolver
from teachbench.harness.knowledge import SUCCESS_THRESHOLD


def _setter(contract, seed=0, **kwargs) -> SetterSolver:
    knowledge = contract.knowledge("low")
    return SetterSolver(knowledge.space, knowledge, np.random.default_rng(seed), **kwargs)


def _train_on_low_stumps(teacher: SetterSolver, contract, episodes: int) -> None:
    """The solver succeeds exactly on stumps lower than 1.5."""
    for _ in range(episodes):
        task = teacher.sample_task()
        teacher.update(task, contract.outcome(300.0 if task[0] < 1.5 else 0.0))


def test_requires_success_threshold_and_defaults(contract):
    assert SUCCESS_THRESHOLD in SetterSolver.requires
    teacher = _setter(contract)
    assert (teacher.update_frequency, teacher.setter_loss_noise_ub, teacher.train_steps) == (
        50,
        0.1,
        1,
    )
    linear = [m for m in teacher._judge if isinstance(m, torch.nn.Linear)]
    assert [m.out_features for m in linear] == [64, 64, 64, 1], "the paper's 3-layer judge"


def test_flow_density_is_normalised(contract):
    teacher = _setter(contract, seed=1)
    grid = np.linspace(0.0025, 0.9975, 200)
    u = np.array(np.meshgrid(grid, grid)).reshape(2, -1).T
    density = np.exp(teacher.log_density(contract.space.from_unit(u), feasibility=0.5))
    assert density.mean() == pytest.approx(1.0, abs=0.05)


@pytest.fixture(scope="module")
def trained(kit):
    """A setter-solver after 300 episodes (6 updates of 50 Adam steps each).

    The default, one step per update, needs thousands of episodes to move.
    """
    teacher = _setter(kit, train_steps=50)
    _train_on_low_stumps(teacher, kit, 300)
    return teacher


def test_judge_learns_where_the_solver_succeeds(trained):
    easy = trained.judge_probability(np.array([[0.5, 3.0], [1.0, 1.0]]))
    hard = trained.judge_probability(np.array([[2.5, 3.0], [2.8, 5.0]]))
    assert easy.min() > 0.6 and hard.max() < 0.4


def test_setter_follows_the_requested_feasibility(trained):
    feasible, infeasible = trained.propose(0.95, 300), trained.propose(0.05, 300)
    assert trained.judge_probability(feasible).mean() > 0.7
    assert trained.judge_probability(infeasible).mean() < 0.3
    assert feasible[:, 0].mean() < 1.5 < infeasible[:, 0].mean()


def test_setter_prefers_achieved_goals(trained):
    heights = np.linspace(0.1, 1.4, 20)
    achieved = np.column_stack([heights, np.full(20, 3.0)])
    failed = np.column_stack([heights + 1.5, np.full(20, 3.0)])
    assert trained.log_density(achieved, 0.5).mean() > trained.log_density(failed, 0.5).mean()


def test_leaves_torch_global_rng_alone(contract):
    before = torch.get_rng_state()
    teacher = _setter(contract, update_frequency=10, train_steps=3)
    contract.play(teacher, 30)
    assert torch.equal(before, torch.get_rng_state())


def test_contract(contract):
    def build(rng):
        knowledge = contract.knowledge("low")
        return SetterSolver(
            knowledge.space,
            knowledge,
            rng,
            update_frequency=20,
            train_steps=5,
            setter_hidden_size=16,
            judge_hidden_size=16,
        )

    contract.determinism(build, 50)
    contract.round_trip(build, 30, 30)


def test_fixed_dimension(contract):
    def build(space, knowledge, rng):
        return SetterSolver(space, knowledge, rng, update_frequency=20, train_steps=5)

    contract.odd_space(build, "low", episodes=50)


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("update_frequency", 0, ValueError),
        ("setter_loss_noise_ub", -0.1, ValueError),
        ("setter_hidden_size", 64.0, TypeError),
        ("coupling_layers", 0, ValueError),
        ("learning_rate", 2.0, ValueError),
    ],
)
def test_rejects_bad_hyperparameters(contract, name, value, error):
    contract.rejects(SetterSolver, contract.knowledge("low"), name, value, error)
