"""Expert knowledge: what a challenge level tells a teacher beyond the task space.

TeachMyAgent crosses every challenge with three levels of expert knowledge; a
teacher declares what it needs in ``Teacher.requires`` and the harness refuses to
run it (``not_applicable``) where the level does not grant it, instead of letting
the teacher crash or silently fall back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from teachbench.harness.space import TaskSpace
from teachbench.harness.vocabulary import Level

__all__ = ["ExpertKnowledge", "GaussianDistribution", "Level"]


#: Names a teacher may list in ``requires``.
REWARD_RANGE = "reward_range"
SUCCESS_THRESHOLD = "success_threshold"
INITIAL_DISTRIBUTION = "initial_distribution"
TARGET_DISTRIBUTION = "target_distribution"
#: Capabilities of the student rather than knowledge of the challenge.
VALUE_ESTIMATE = "value_estimate"
STEP_UPDATES = "step_updates"

KNOWLEDGE_REQUIREMENTS = frozenset(
    {REWARD_RANGE, SUCCESS_THRESHOLD, INITIAL_DISTRIBUTION, TARGET_DISTRIBUTION}
)
STUDENT_REQUIREMENTS = frozenset({VALUE_ESTIMATE, STEP_UPDATES})
ALL_REQUIREMENTS = KNOWLEDGE_REQUIREMENTS | STUDENT_REQUIREMENTS


@dataclass(frozen=True)
class GaussianDistribution:
    """A diagonal Gaussian over the teacher's space (TeachMyAgent's easy-task prior)."""

    mean: tuple[float, ...]
    std: tuple[float, ...]

    def sample(self, rng: np.random.Generator, space: TaskSpace) -> np.ndarray:
        """Draw one task, clipped to the space as TeachMyAgent does."""
        return space.clip(rng.normal(np.asarray(self.mean), np.asarray(self.std)))

    def to_json(self) -> dict:
        return {"mean": list(self.mean), "std": list(self.std)}


@dataclass(frozen=True)
class ExpertKnowledge:
    """Everything granted to a teacher at one level; fields not granted are ``None``."""

    level: Level
    space: TaskSpace
    reward_range: tuple[float, float] | None = None
    success_threshold: float | None = None
    initial_distribution: GaussianDistribution | None = None
    target_distribution: GaussianDistribution | None = None

    def granted(self) -> frozenset[str]:
        names = {
            REWARD_RANGE: self.reward_range,
            SUCCESS_THRESHOLD: self.success_threshold,
            INITIAL_DISTRIBUTION: self.initial_distribution,
            TARGET_DISTRIBUTION: self.target_distribution,
        }
        return frozenset(name for name, value in names.items() if value is not None)
