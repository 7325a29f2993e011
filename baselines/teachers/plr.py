"""Robust PLR: prioritised level replay over a continuous task space.

Jiang, Dennis, Parker-Holder, Foerster, Grefenstette, Rocktäschel. "Replay-Guided
Adversarial Environment Design". NeurIPS 2021 (arXiv 2110.02439); built on Jiang,
Grefenstette, Rocktäschel. "Prioritized Level Replay". ICML 2021.

The teacher keeps a buffer of up to ``buffer_size`` tasks it has sampled, each
with a score and the episode at which it was last played. Once the buffer is at
least ``min_fill`` full, each episode replays a buffered task with probability
``replay_prob``; otherwise a new task is drawn uniformly. A replayed task is
picked from ``(1 - staleness_coef) * P_score + staleness_coef * P_stale``, where
``P_score`` is rank prioritisation (``(1 / rank) ** (1 / temperature)``, the best
score ranked 1) and ``P_stale`` is proportional to the episodes since the task
was last played, so stale scores get refreshed. A replayed task's score is
replaced by its new one; a new task enters the buffer while it has room, and
afterwards only if it beats the lowest score, which it replaces.

The papers score a level by the positive value loss (mean clipped GAE) over the
student's trajectory. A teacher here sees one outcome per episode, so the score
is the one-step analogue ``|return - V(s0)|`` when the student reports its
initial value, and otherwise ``|return - reference|``, the reference being the
task's previous return when it is replayed, or the last return of the nearest
buffered task for a new one (absolute learning progress, as in ALP-GMM).

The harness trains the student on every episode it plays, so the "robust" part
of Robust PLR (no gradient updates on new, unscored levels) cannot be enforced
by a teacher: this is PLR's sampling with Robust PLR's replacement rule.
Defaults: temperature 0.1 and staleness 0.1 (PLR's Procgen setting), a buffer of
1000 tasks, replays with probability 0.5 once it is half full (our choice for
continuous spaces).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param


class RobustPLR(Teacher):
    """Robust PLR (see the module docstring for the papers and hyper-parameters)."""

    display_name = "Robust PLR"

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        buffer_size: int = 1000,
        replay_prob: float = 0.5,
        min_fill: float = 0.5,
        temperature: float = 0.1,
        staleness_coef: float = 0.1,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.buffer_size = check_param(name, "buffer_size", buffer_size, int, low=1)
        self.replay_prob = check_param(name, "replay_prob", replay_prob, float, low=0.0, high=1.0)
        self.min_fill = check_param(name, "min_fill", min_fill, float, low=0.0, high=1.0)
        self.temperature = check_param(name, "temperature", temperature, float, low=1e-3)
        self.staleness_coef = check_param(
            name, "staleness_coef", staleness_coef, float, low=0.0, high=1.0
        )
        self._tasks = np.empty((0, space.dim))
        self._scores = np.empty(0)
        self._returns = np.empty(0)
        self._last_played = np.empty(0, dtype=np.int64)
        self._episodes = 0
        self._replayed = -1  # buffer index of the task being played, -1 for a new task

    # --- sampling ----------------------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        ready = len(self._scores) >= max(1, self.min_fill * self.buffer_size)
        if ready and self.rng.random() < self.replay_prob:
            self._replayed = int(self.rng.choice(len(self._scores), p=self.replay_distribution()))
            return self._tasks[self._replayed].copy()
        self._replayed = -1
        return self._new_task()

    def _new_task(self) -> np.ndarray:
        return self.space.sample(self.rng)

    def replay_distribution(self) -> np.ndarray:
        """Probability of replaying each buffered task next."""
        n = len(self._scores)
        ranks = np.empty(n)
        ranks[np.argsort(-self._scores, kind="stable")] = np.arange(1, n + 1)
        weights = (1.0 / ranks) ** (1.0 / self.temperature)
        by_score = weights / weights.sum()
        staleness = (self._episodes - self._last_played).astype(np.float64)
        total = staleness.sum()
        by_staleness = staleness / total if total > 0 else np.full(n, 1.0 / n)
        return (1 - self.staleness_coef) * by_score + self.staleness_coef * by_staleness

    # --- learning ----------------------------------------------------------------------------

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        self._episodes += 1
        task = np.asarray(task, dtype=np.float64)
        episodic_return = float(outcome.episodic_return)
        if self._replayed >= 0:
            i = self._replayed
            self._scores[i] = self._score(outcome, self._returns[i])
            self._returns[i] = episodic_return
            self._last_played[i] = self._episodes
            return
        reference = self._returns[self._nearest(task)] if len(self._returns) else None
        self._insert(task, self._score(outcome, reference), episodic_return)

    def _score(self, outcome: Outcome, reference: float | None) -> float:
        if outcome.initial_value is not None:
            return abs(outcome.episodic_return - outcome.initial_value)
        if reference is None:
            return 0.0
        return abs(outcome.episodic_return - reference)

    def _nearest(self, task: np.ndarray) -> int:
        gaps = self.space.to_unit(self._tasks) - self.space.to_unit(task)
        return int(np.argmin(np.einsum("ij,ij->i", gaps, gaps)))

    def _insert(self, task: np.ndarray, score: float, episodic_return: float) -> None:
        """Add a new task, or replace the lowest score if the buffer is full and it beats it."""
        if len(self._scores) < self.buffer_size:
            self._tasks = np.vstack([self._tasks, task])
            self._scores = np.append(self._scores, score)
            self._returns = np.append(self._returns, episodic_return)
            self._last_played = np.append(self._last_played, self._episodes)
            return
        worst = int(np.argmin(self._scores))
        if score > self._scores[worst]:
            self._tasks[worst], self._scores[worst] = task, score
            self._returns[worst], self._last_played[worst] = episodic_return, self._episodes

    @property
    def buffer(self) -> tuple[np.ndarray, np.ndarray]:
        """The buffered tasks and their scores."""
        return self._tasks.copy(), self._scores.copy()

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "tasks": self._tasks.copy(),
            "scores": self._scores.copy(),
            "returns": self._returns.copy(),
            "last_played": self._last_played.copy(),
            "episodes": self._episodes,
            "replayed": self._replayed,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._tasks = np.array(state["tasks"], dtype=np.float64).reshape(-1, self.space.dim)
        self._scores = np.array(state["scores"], dtype=np.float64)
        self._returns = np.array(state["returns"], dtype=np.float64)
        self._last_played = np.array(state["last_played"], dtype=np.int64)
        self._episodes = int(state["episodes"])
        self._replayed = int(state["replayed"])
