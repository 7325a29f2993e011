"""Maps from the teacher's task space to the environment's parameters.

A challenge may show the teacher a space that differs from what the environment
receives: extra distractor dimensions, or cells shuffled per seed (TeachMyAgent's
rugged-difficulty challenge). The mapping is part of the challenge and is never
visible to the teacher.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from teachbench.harness.space import TaskSpace

TaskMap = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Identity:
    """The teacher's task is the environment's task."""

    def bind(self, space: TaskSpace, rng: np.random.Generator) -> TaskMap:
        return lambda task: task

    def to_json(self) -> dict:
        return {"kind": "identity"}


@dataclass(frozen=True)
class SelectDimensions:
    """Keep some dimensions, drop the others: the dropped ones are distractors."""

    keep: tuple[int, ...]

    def bind(self, space: TaskSpace, rng: np.random.Generator) -> TaskMap:
        if max(self.keep) >= space.dim:
            raise ValueError(
                f"SelectDimensions keeps {self.keep} but the space has {space.dim} dims"
            )
        keep = np.array(self.keep)
        return lambda task: task[keep]

    def to_json(self) -> dict:
        return {"kind": "select", "keep": list(self.keep)}


@dataclass(frozen=True)
class ShuffledCells:
    """Cut each dimension into ``cuttings`` intervals and permute them per seed.

    The map is piecewise linear: a point keeps its relative position inside its
    interval, and the interval moves. The permutation comes from the run's
    mapping stream, so each seed sees its own rugged landscape.
    """

    cuttings: int = 4

    def bind(self, space: TaskSpace, rng: np.random.Generator) -> TaskMap:
        cuttings = self.cuttings
        perms = np.stack([rng.permutation(cuttings) for _ in range(space.dim)])
        low, width = space.low, space.width
        safe_width = np.where(width > 0, width, 1.0)
        dims = np.arange(space.dim)

        def shuffle(task: np.ndarray) -> np.ndarray:
            scaled = (task - low) / safe_width * cuttings
            cell = np.minimum(scaled.astype(np.int64), cuttings - 1)
            moved = perms[dims, cell] + (scaled - cell)
            return low + moved / cuttings * width

        return shuffle

    def to_json(self) -> dict:
        return {"kind": "shuffle", "cuttings": self.cuttings}


TaskMapping = Identity | SelectDimensions | ShuffledCells
