"""The surrogate student: its ground truth holds whatever the curriculum does."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.tasks.envs.constants import MAX_EPISODE_STEPS
from teachbench.tasks.envs.constants import SUCCESS_RETURN as MASTERY_RETURN
from teachbench.tasks.suites.teachmyagent import stump_space, stump_test_set
from teachbench.tasks.surrogate.landscape import stump_tracks
from teachbench.tasks.surrogate.profiles import BODIES, LEARNERS
from teachbench.tasks.surrogate.student import SurrogateStudent

GRID = stump_test_set().tasks


def make(body: str = "old_classic_bipedal", learner: str = "sac", seed: int = 0, high: float = 9.0):
    space = stump_space(-3.0, high)
    return SurrogateStudent("surrogate/stump-tracks", space, {}, np.random.default_rng(seed),
                            mastery_threshold=MASTERY_RETURN, max_episode_steps=MAX_EPISODE_STEPS,
                            body=body, learner=learner)  # fmt: skip


def hammer(student: SurrogateStudent, episodes: int, seed: int = 1) -> None:
    """Uniform training over the whole landscape box, far beyond any budget's worth per cell."""
    rng = np.random.default_rng(seed)
    box = student.landscape.box
    for _ in range(episodes):
        student.run_episode(box.sample(rng), 0)


def test_test_grid_points_sit_at_cell_centres() -> None:
    landscape = stump_tracks()
    rows, cols = landscape.cells(GRID)
    assert len(set(zip(rows.tolist(), cols.tolist(), strict=True))) == 100


def test_default_profile_can_master_about_half_of_the_test_grid() -> None:
    student = make()
    learnable = student.feasible[student.landscape.cells(GRID)].mean()
    assert 0.4 <= learnable <= 0.6


@pytest.mark.parametrize("body", sorted(BODIES))
@pytest.mark.parametrize("learner", sorted(LEARNERS))
def test_no_profile_ever_masters_an_unlearnable_task(body: str, learner: str) -> None:
    student = make(body, learner)
    hammer(student, 60_000)
    box = student.landscape.box
    probes = np.vstack([box.sample(np.random.default_rng(s)) for s in range(2000)])
    returns = student.evaluate(probes, np.zeros(len(probes), dtype=np.int64))
    difficulty = student.landscape.difficulty[student.landscape.cells(probes)]
    assert np.all(returns[difficulty > BODIES[body].feasibility] <= MASTERY_RETURN)
    assert np.all(returns[difficulty > 1.0] <= MASTERY_RETURN)
    assert np.any(returns > MASTERY_RETURN), "the learnable region must be masterable"


def test_too_hard_tasks_teach_nothing_and_easy_ones_do() -> None:
    student = make()
    hard, easy = np.array([2.8, 0.5]), np.array([0.05, 5.0])
    for _ in range(200):
        student.run_episode(hard, 0)
    assert student.value_estimate(hard) == student.value_estimate(np.array([2.8, 0.5]))
    before = student.value_estimate(easy)
    for _ in range(200):
        student.run_episode(easy, 0)
    assert student.value_estimate(easy) > before + 100
    assert student.diagnostics()["unlearnable_budget_share"] == pytest.approx(0.5, abs=0.2)


def test_reset_forgets_and_state_dict_round_trips() -> None:
    student = make()
    hammer(student, 5_000)
    state = student.state_dict()
    twin = make(seed=0)
    twin.load_state_dict(state)
    assert np.array_equal(twin.evaluate(GRID, None), student.evaluate(GRID, None))
    student.reset()
    assert np.all(student.evaluate(GRID, None) == -100.0)


def test_task_outside_the_landscape_is_refused() -> None:
    with pytest.raises(ValueError, match="does not fit"):
        SurrogateStudent("surrogate/stump-tracks", stump_space(0, 12), {},
                         np.random.default_rng(0), mastery_threshold=MASTERY_RETURN,
                         max_episode_steps=MAX_EPISODE_STEPS)  # fmt: skip
    with pytest.raises(ValueError, match="no surrogate landscape"):
        SurrogateStudent("surrogate/nope", stump_space(), {}, np.random.default_rng(0),
                         mastery_threshold=MASTERY_RETURN, max_episode_steps=MAX_EPISODE_STEPS)  # fmt: skip
