"""Oracle: a hand-made moving window, the expert curriculum of the ALP-GMM paper.

Portelas, Colas, Hofmann, Oudeyer. "Teacher algorithms for curriculum learning of
Deep RL in continuously parameterized environments". CoRL 2019 (arXiv 1910.07224).

Tasks are drawn uniformly from a window ``window_ratio`` (1/6) of the range wide
on each dimension. When the mean raw return of the last ``mastery_window`` (50)
episodes exceeds the challenge's success threshold (230 on Stump Tracks), the
window moves by a step vector and the return history is emptied; the window is
always kept inside the space.

The paper's step vectors were written per environment (``[0.1, -0.2]`` for
Stump Tracks: stumps taller, spacing shorter). Here the window starts centred
on the easy-task distribution's mean, and by default the step is 1/30 of the
range on each dimension, pointing from that mean towards the centre of the
space (a dimension whose easy mean is the centre does not move). On Stump
Tracks (mean h = 0, spacing = 6) this gives exactly ``[0.1, -0.2]``. A ``step``
may also be given explicitly, in raw units. The oracle therefore needs ``high``
knowledge (the easy tasks) and the success threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param
from teachbench.harness.knowledge import INITIAL_DISTRIBUTION, SUCCESS_THRESHOLD

#: Default step as a fraction of the range (0.1 of 3 and 0.2 of 6 on Stump Tracks).
STEP_RATIO = 1.0 / 30.0


class Oracle(Teacher):
    """Oracle (see the module docstring for the paper and hyper-parameters)."""

    display_name = "Oracle"

    requires = frozenset({SUCCESS_THRESHOLD, INITIAL_DISTRIBUTION})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        window_ratio: float = 1.0 / 6.0,
        mastery_window: int = 50,
        step: Sequence[float] | None = None,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.window_ratio = check_param(
            name, "window_ratio", window_ratio, float, low=0.0, high=1.0
        )
        self.mastery_window = check_param(name, "mastery_window", mastery_window, int, low=1)
        if knowledge.initial_distribution is None or knowledge.success_threshold is None:
            raise ValueError(
                f"{name} needs the easy-task distribution and the success threshold "
                "(knowledge level 'high')"
            )
        self.threshold = float(knowledge.success_threshold)
        start = space.clip(np.asarray(knowledge.initial_distribution.mean, dtype=np.float64))
        if step is None:
            centre = (space.low + space.high) / 2
            step_arr = STEP_RATIO * space.width * np.sign(centre - start)
        else:
            check_param(name, "step", step, (list, tuple, np.ndarray))
            step_arr = np.asarray(step, dtype=np.float64)
            if step_arr.shape != (space.dim,) or not np.all(np.isfinite(step_arr)):
                raise ValueError(
                    f"{name}: hyper-parameter 'step' must be {space.dim} finite numbers, "
                    f"got {step!r}"
                )
        self.step = step_arr
        self._half = self.window_ratio * space.width / 2
        self._centre = self._fit(start)
        self._returns: list[float] = []

    def _fit(self, centre: np.ndarray) -> np.ndarray:
        """The nearest centre whose window lies inside the space."""
        return np.clip(centre, self.space.low + self._half, self.space.high - self._half)

    @property
    def window(self) -> tuple[np.ndarray, np.ndarray]:
        """The current window (lower and upper corners)."""
        return self._centre - self._half, self._centre + self._half

    def sample_task(self) -> np.ndarray:
        low, high = self.window
        return self.space.clip(low + self.rng.random(self.space.dim) * (high - low))

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        self._returns.append(float(outcome.episodic_return))
        if len(self._returns) < self.mastery_window:
            return
        del self._returns[: -self.mastery_window]
        if np.mean(self._returns) > self.threshold:
            self._centre = self._fit(self._centre + self.step)
            self._returns = []

    def state_dict(self) -> dict[str, Any]:
        return {"centre": self._centre.copy(), "returns": list(self._returns)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._centre = np.array(state["centre"], dtype=np.float64)
        self._returns = [float(r) for r in state["returns"]]
