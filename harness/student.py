"""The Student contract: the learner a curriculum is built for."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from teachbench.harness.outcome import Episode
from teachbench.harness.space import TaskSpace


class Student(ABC):
    """A learner that plays one episode per task the teacher picks.

    Students receive *environment* parameters (the challenge maps the teacher's
    space to them) and report raw episodes; grading against the challenge's
    threshold is the harness's job. ``capabilities`` lists optional features
    (``value_estimate``, ``step_updates``) that some teachers require.
    """

    capabilities: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def __init__(
        self,
        env_id: str,
        env_space: TaskSpace,
        env_kwargs: dict[str, Any],
        rng: np.random.Generator,
        *,
        mastery_threshold: float,
        max_episode_steps: int,
        **kwargs: Any,
    ):
        """Build the learner for one environment (or surrogate landscape).

        ``env_space`` is the box of environment parameters the challenge can ask for;
        ``mastery_threshold`` is the challenge's (a task is mastered when its return is above
        it), for students whose diagnostics or return scale depend on it;
        ``max_episode_steps`` is the challenge's episode cap: an episode ends (time-out, not
        failure) after that many steps, and the harness fails a run whose student reports a
        longer one. ``kwargs`` are the challenge's ``student_kwargs``.
        """

    @abstractmethod
    def run_episode(self, task: np.ndarray, seed: int) -> Episode:
        """Play and learn from one episode on ``task``."""

    @abstractmethod
    def evaluate(self, tasks: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        """Returns of the deterministic policy on each task; no learning."""

    @abstractmethod
    def reset(self) -> None:
        """Forget everything learned (the forgetting challenge)."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]: ...

    @abstractmethod
    def load_state_dict(self, state: dict[str, Any]) -> None: ...

    def set_step_listener(self, listener: Callable[[tuple], None] | None) -> None:
        """Receive every training transition ``(s, a, r, s', terminated)`` as it happens.

        The harness calls this for teachers that use per-step feedback (``step_updates``);
        only students with the ``step_updates`` capability must support it.
        """
        raise NotImplementedError(f"{type(self).__name__} has no per-step channel")

    def value_estimate(self, task: np.ndarray) -> float:
        """V(s0) for ``task``; only students with the ``value_estimate`` capability."""
        raise NotImplementedError(f"{type(self).__name__} has no value estimate")

    def learnable(self, env_tasks: np.ndarray) -> np.ndarray:
        """Whether each task (a row of environment parameters) can ever be mastered.

        Only a student with a known ground truth (a surrogate) can say; curriculum pictures
        draw the region. Real learners leave this undefined.
        """
        raise NotImplementedError(f"{type(self).__name__} has no known ground truth")

    def diagnostics(self) -> dict[str, float]:
        """Curriculum diagnostics a student with a known ground truth can report."""
        return {}
