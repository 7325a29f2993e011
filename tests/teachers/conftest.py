"""Shared checks for the baseline teachers: spaces, knowledge, and the contract checks.

The checks are handed out as fixtures (this folder has no ``__init__.py``, so test
modules cannot import helpers by name).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from teachbench.harness import (
    ExpertKnowledge,
    GaussianDistribution,
    Level,
    Outcome,
    TaskSpace,
    Teacher,
)
from teachbench.harness.storage import load_state, save_state

#: Stump Tracks' TeachMyAgent numbers: reward range, mastery threshold, easy tasks.
REWARD_RANGE = (-150.0, 350.0)
THRESHOLD = 230.0
STUMPS = TaskSpace(["stump_height", "obstacle_spacing"], [0.0, 0.0], [3.0, 6.0])
EASY = GaussianDistribution(mean=(0.0, 6.0), std=(0.3, 0.6))
#: A space like Parkour's: a fixed (degenerate) dimension among free ones.
ODD = TaskSpace(["a", "fixed", "c"], [0.0, 0.25, -1.0], [1.0, 0.25, 1.0])


def make_knowledge(level: str = "high", space: TaskSpace = STUMPS) -> ExpertKnowledge:
    """Knowledge at ``level``; the easy-task prior is Stump Tracks' (or the space's centre)."""
    if level == "none":
        return ExpertKnowledge(Level.NONE, space)
    easy = EASY if space == STUMPS else None
    if easy is None:
        easy = GaussianDistribution(
            mean=tuple((space.low + space.high) / 2), std=tuple(0.1 * space.width)
        )
    return ExpertKnowledge(
        Level(level),
        space,
        reward_range=REWARD_RANGE,
        success_threshold=THRESHOLD,
        initial_distribution=easy if level == "high" else None,
    )


def make_outcome(episodic_return: float, initial_value: float | None = None) -> Outcome:
    """An outcome graded as the harness does for Stump Tracks."""
    low, high = REWARD_RANGE
    return Outcome(
        episodic_return=float(episodic_return),
        success=bool(episodic_return > THRESHOLD),
        length=100,
        competence=float(np.clip((episodic_return - low) / (high - low), 0.0, 1.0)),
        initial_value=initial_value,
    )


def landscape_return(task: np.ndarray, episode: int) -> float:
    """A deterministic return that varies in space and time, for contract checks."""
    unit = STUMPS.to_unit(task[:2]) if len(task) >= 2 else np.array([task[0], 0.0])
    return float(-150 + 500 * unit[1] * (1 - unit[0]) * min(1.0, episode / 200) + 10 * unit[0])


def play(teacher: Teacher, episodes: int, start: int = 0) -> np.ndarray:
    """Run the sample/update loop on ``landscape_return``; return the tasks."""
    tasks = []
    for episode in range(start, start + episodes):
        task = teacher.sample_task()
        assert isinstance(task, np.ndarray) and task.dtype == np.float64
        assert task.shape == (teacher.space.dim,) and teacher.space.contains(task), task
        value = landscape_return(task, episode)
        teacher.update(task, make_outcome(value, initial_value=value - 20.0))
        tasks.append(task)
    return np.array(tasks)


class ContractChecks:
    """Determinism, validity and checkpoint round trip, shared by every teacher's tests.

    It also carries the builders above, so that test modules reach them through the
    ``contract`` fixture.
    """

    space = STUMPS
    threshold = THRESHOLD
    knowledge = staticmethod(make_knowledge)
    outcome = staticmethod(make_outcome)
    play = staticmethod(play)

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path

    def determinism(self, build: Callable[[np.random.Generator], Teacher], episodes: int) -> None:
        first = play(build(np.random.default_rng(7)), episodes)
        second = play(build(np.random.default_rng(7)), episodes)
        other = play(build(np.random.default_rng(8)), episodes)
        np.testing.assert_array_equal(first, second)
        assert not np.array_equal(first, other), "a different seed gave the same tasks"

    def round_trip(
        self, build: Callable[[np.random.Generator], Teacher], before: int, after: int
    ) -> None:
        """Save after ``before`` episodes, restore into a fresh teacher, compare the future."""
        original = build(np.random.default_rng(11))
        play(original, before)
        path = self.tmp_path / "teacher.npz"
        save_state(path, original.state_dict())
        restored = build(np.random.default_rng(999))
        restored.load_state_dict(load_state(path))
        restored.rng.bit_generator.state = original.rng.bit_generator.state
        np.testing.assert_array_equal(
            play(original, after, start=before), play(restored, after, start=before)
        )

    @staticmethod
    def odd_space(
        build: Callable[[TaskSpace, ExpertKnowledge, np.random.Generator], Teacher],
        level: str = "high",
        episodes: int = 120,
    ) -> None:
        """Valid tasks on a space with a fixed dimension (``play`` checks each one)."""
        teacher = build(ODD, make_knowledge(level, ODD), np.random.default_rng(5))
        tasks = play(teacher, episodes)
        assert np.all(tasks[:, 1] == 0.25)
        assert np.ptp(tasks[:, 0]) > 0 and np.ptp(tasks[:, 2]) > 0

    @staticmethod
    def rejects(
        cls: type[Teacher], knowledge: ExpertKnowledge, name: str, value: object, error: type
    ) -> None:
        with pytest.raises(error, match=name):
            cls(knowledge.space, knowledge, np.random.default_rng(0), **{name: value})


@pytest.fixture
def contract(tmp_path: Path) -> ContractChecks:
    return ContractChecks(tmp_path)


@pytest.fixture(scope="session")
def kit() -> type[ContractChecks]:
    """The builders alone, for fixtures broader than one test (no tmp_path)."""
    return ContractChecks
