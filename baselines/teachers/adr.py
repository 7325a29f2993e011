"""ADR: Automatic Domain Randomization.

OpenAI, Akkaya et al. "Solving Rubik's Cube with a Robot Hand". arXiv 1910.07113, 2019.

Tasks are drawn uniformly from a box that starts as a single point and grows
where the student copes. With probability ``boundary_sampling_p`` one bound of
one dimension is probed instead: the task is uniform in the box except that
dimension, which is set to that bound, and the episode's return joins the
bound's queue. When a queue holds ``queue_len`` returns, a mean at or above
``max_reward_thr`` pushes the bound outwards by ``step_size`` (raw units,
clipped to the space), a mean at or below ``min_reward_thr`` pulls it inwards
(never past the opposite bound), and the queue is emptied.

Defaults are TeachMyAgent's benchmark values: step 0.1, probing probability 0.7,
thresholds 0 and 180, queues of 10. The thresholds are raw returns, which is
why ADR needs the reward range (``low`` knowledge); left as ``None`` they are
placed at the same fractions of the challenge's reward range as 0 and 180 are of
Stump Tracks' [-150, 350] (30% and 66%), so other challenges get comparable ones.
With ``high`` knowledge the box starts at the easy-task distribution's mean,
otherwise at a uniformly random task, as in TeachMyAgent.

As in TeachMyAgent, a bound already at the space's limit is no longer probed
(the paper probes all 2d bounds): the probes go to the bounds that can still
move outwards.

TeachMyAgent turned seed 0 into a random seed, so its seed-0 runs cannot be
repeated; here every draw comes from the harness's generator, seed 0 included.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param
from teachbench.harness.knowledge import REWARD_RANGE

#: Where TeachMyAgent's thresholds (0, 180) sit in Stump Tracks' reward range (-150, 350).
DEFAULT_THRESHOLD_FRACTIONS = (0.3, 0.66)


class ADR(Teacher):
    """ADR (see the module docstring for the paper and hyper-parameters)."""

    display_name = "ADR"

    requires = frozenset({REWARD_RANGE})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        step_size: float = 0.1,
        boundary_sampling_p: float = 0.7,
        min_reward_thr: float | None = None,
        max_reward_thr: float | None = None,
        queue_len: int = 10,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.step_size = check_param(name, "step_size", step_size, float, low=0.0)
        if self.step_size == 0.0:
            raise ValueError(f"{name}: hyper-parameter 'step_size' must be > 0, got {step_size!r}")
        self.boundary_sampling_p = check_param(
            name, "boundary_sampling_p", boundary_sampling_p, float, low=0.0, high=1.0
        )
        self.queue_len = check_param(name, "queue_len", queue_len, int, low=1)
        if knowledge.reward_range is None:
            raise ValueError(f"{name} needs the challenge's reward range (knowledge level 'low')")
        low_r, high_r = knowledge.reward_range
        low_f, high_f = DEFAULT_THRESHOLD_FRACTIONS
        if min_reward_thr is None:
            min_reward_thr = low_r + low_f * (high_r - low_r)
        if max_reward_thr is None:
            max_reward_thr = low_r + high_f * (high_r - low_r)
        self.min_reward_thr = check_param(name, "min_reward_thr", min_reward_thr, float)
        self.max_reward_thr = check_param(
            name, "max_reward_thr", max_reward_thr, float, low=self.min_reward_thr
        )
        if knowledge.initial_distribution is not None:
            start = space.clip(np.asarray(knowledge.initial_distribution.mean, dtype=np.float64))
        else:
            start = space.sample(rng)
        self._lower = start.copy()
        self._upper = start.copy()
        # One queue per bound: index 2*i is dimension i's lower bound, 2*i + 1 its upper.
        self._queues: list[list[float]] = [[] for _ in range(2 * space.dim)]
        self._probe = -1  # the bound probed by the last sampled task, or -1

    @property
    def box(self) -> tuple[np.ndarray, np.ndarray]:
        """The current sampling box (lower and upper corners)."""
        return self._lower.copy(), self._upper.copy()

    def sample_task(self) -> np.ndarray:
        task = self._lower + self.rng.random(self.space.dim) * (self._upper - self._lower)
        self._probe = -1
        if self.rng.random() < self.boundary_sampling_p:
            movable = self._movable_bounds()
            if movable:
                self._probe = int(movable[self.rng.integers(len(movable))])
                dim, side = divmod(self._probe, 2)
                task[dim] = (self._lower, self._upper)[side][dim]
        return self.space.clip(task)

    def _movable_bounds(self) -> list[int]:
        """Bounds that can still expand (not yet at the space's limit)."""
        bounds = []
        for dim in range(self.space.dim):
            if self._lower[dim] > self.space.low[dim]:
                bounds.append(2 * dim)
            if self._upper[dim] < self.space.high[dim]:
                bounds.append(2 * dim + 1)
        return bounds

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        if self._probe < 0:
            return
        queue = self._queues[self._probe]
        queue.append(float(outcome.episodic_return))
        if len(queue) < self.queue_len:
            return
        mean = float(np.mean(queue))
        queue.clear()
        if mean >= self.max_reward_thr:
            self._move(self._probe, outward=True)
        elif mean <= self.min_reward_thr:
            self._move(self._probe, outward=False)

    def _move(self, bound: int, outward: bool) -> None:
        dim, side = divmod(bound, 2)
        direction = (-1.0 if side == 0 else 1.0) * (1.0 if outward else -1.0)
        if side == 0:
            moved = self._lower[dim] + direction * self.step_size
            self._lower[dim] = min(max(moved, self.space.low[dim]), self._upper[dim])
        else:
            moved = self._upper[dim] + direction * self.step_size
            self._upper[dim] = max(min(moved, self.space.high[dim]), self._lower[dim])

    def state_dict(self) -> dict[str, Any]:
        return {
            "lower": self._lower.copy(),
            "upper": self._upper.copy(),
            "queues": [list(q) for q in self._queues],
            "probe": self._probe,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._lower = np.array(state["lower"], dtype=np.float64)
        self._upper = np.array(state["upper"], dtype=np.float64)
        self._queues = [[float(r) for r in q] for q in state["queues"]]
        self._probe = int(state["probe"])
