"""ACCEL: prioritised level replay that edits the levels it replays.

Parker-Holder, Jiang, Dennis, Samvelyan, Foerster, Grefenstette, Rocktäschel.
"Evolving Curricula with Regret-Based Environment Design". ICML 2022
(arXiv 2203.01302).

ACCEL is Robust PLR (see ``teachbench.baselines.teachers.plr``) plus an editor: after each
replayed episode, the replayed task is mutated and the child is the next task
played; it is scored like any new task and enters the buffer if its score earns
a place. Curricula thus grow by small steps from tasks already at the frontier.
An edit here moves one random dimension by a uniform amount in
``± mutation_scale`` of that dimension's range; a child gets ``n_edits`` of them
and is clipped to the space.

The paper's generator proposes simple levels (empty mazes, flat terrain) and
lets edits add difficulty; with ``high`` knowledge new tasks are drawn from the
easy-task distribution for the same reason, otherwise uniformly. Defaults: PLR's
(see there), 3 edits of at most 5% of the range each (our choice for continuous
spaces). The child is played and learned from, whereas the paper only evaluates
it: the harness trains on every episode.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.baselines.teachers.plr import RobustPLR
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, check_param


class ACCEL(RobustPLR):
    """ACCEL (see the module docstring for the paper and hyper-parameters)."""

    display_name = "ACCEL"

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        n_edits: int = 3,
        mutation_scale: float = 0.05,
        **plr_hyperparams: Any,
    ):
        super().__init__(space, knowledge, rng, **plr_hyperparams)
        self.n_edits = check_param("ACCEL", "n_edits", n_edits, int, low=1)
        self.mutation_scale = check_param(
            "ACCEL", "mutation_scale", mutation_scale, float, low=0.0, high=1.0
        )
        self._easy = knowledge.initial_distribution
        self._child: np.ndarray | None = None

    def sample_task(self) -> np.ndarray:
        if self._child is None:
            return super().sample_task()
        child, self._child = self._child, None
        self._replayed = -1
        return child

    def _new_task(self) -> np.ndarray:
        if self._easy is not None:
            return self._easy.sample(self.rng, self.space)
        return self.space.sample(self.rng)

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        super().update(task, outcome)
        if self._replayed >= 0:
            self._child = self.mutate(self._tasks[self._replayed])

    def mutate(self, task: np.ndarray) -> np.ndarray:
        """A child of ``task``: ``n_edits`` small moves of random dimensions."""
        child = np.array(task, dtype=np.float64)
        for _ in range(self.n_edits):
            dim = int(self.rng.integers(self.space.dim))
            child[dim] += self.rng.uniform(-1.0, 1.0) * self.mutation_scale * self.space.width[dim]
        return self.space.clip(child)

    def state_dict(self) -> dict[str, Any]:
        child = None if self._child is None else self._child.copy()
        return {**super().state_dict(), "child": child}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        child = state["child"]
        self._child = None if child is None else np.array(child, dtype=np.float64)
