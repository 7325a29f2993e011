"""Random: tasks drawn uniformly from the whole space, the baseline every curriculum must beat."""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.harness import Outcome, Teacher


class RandomTeacher(Teacher):
    """Uniform sampling over the task space (TeachMyAgent's ``Random``); learns nothing."""

    display_name = "Random"

    def sample_task(self) -> np.ndarray:
        return self.space.sample(self.rng)

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        pass
