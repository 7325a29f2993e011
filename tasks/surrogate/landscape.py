"""Difficulty landscapes: the known ground truth behind the surrogate tier.

A landscape discretises the relevant environment parameters into cells and
gives each cell a difficulty ``d >= 0``. Cells with ``d > 1`` are physically
impossible for every student; a student profile may be weaker (its own
feasibility limit is at most 1). Because the truth is known, the surrogate tier
can say how much budget a curriculum wasted and how much of the learnable region
it covered — which no DRL run can.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from teachbench.harness.space import TaskSpace

#: Stumps are at least 0.05 terrain steps high, whatever the task asks
#: (TeachMyAgent draws ``max(0.05, N(h, 0.1))``): negative heights are flat ground.
MIN_STUMP_HEIGHT = 0.05


@dataclass(frozen=True, eq=False)
class GridLandscape:
    """Cells over a box of environment parameters, each with a difficulty.

    ``relevant`` are the indices of the environment parameters the difficulty
    depends on; the others (if any) do not matter to the student.
    """

    name: str
    box: TaskSpace
    relevant: tuple[int, ...]
    origin: np.ndarray  # lower corner of cell (0, ..., 0), relevant dims only
    cell_size: np.ndarray
    difficulty: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.difficulty.shape

    def centres(self) -> list[np.ndarray]:
        """Cell centres along each relevant dimension."""
        return [
            self.origin[i] + (np.arange(n) + 0.5) * self.cell_size[i]
            for i, n in enumerate(self.shape)
        ]

    def cells(self, tasks: np.ndarray) -> tuple[np.ndarray, ...]:
        """Cell indices of each row of ``tasks`` (environment parameters)."""
        tasks = np.atleast_2d(np.asarray(tasks, dtype=np.float64))
        relevant = tasks[:, list(self.relevant)]
        index = np.floor((relevant - self.origin) / self.cell_size).astype(np.int64)
        index = np.clip(index, 0, np.array(self.shape) - 1)
        return tuple(index.T)

    def check_inside(self, task: np.ndarray) -> None:
        if not self.box.contains(task):
            raise ValueError(
                f"surrogate landscape {self.name!r}: task {np.asarray(task).tolist()} is outside "
                f"{self.box}"
            )


def stump_tracks() -> GridLandscape:
    """Stump Tracks: harder with stump height, easier with wider spacing.

    The difficulty is the effective stump height over the highest height that can
    be crossed at that spacing, ``H(s) = 2 + s/6`` (denser stumps leave no room to
    land between them). Heights at or below zero are flat ground. The box covers
    every variant of the TeachMyAgent challenges: h in [-3, 9], spacing in [0, 6].
    Cells are 1/6 high and 1/3 wide and centred on multiples of those, so every
    point of the 10x10 test grid sits at a cell centre.
    """
    box = TaskSpace(["stump_height", "obstacle_spacing"], [-3.0, 0.0], [9.0, 6.0])
    cell_size = np.array([1 / 6, 1 / 3])
    origin = box.low - cell_size / 2
    shape = tuple(int(n) for n in np.round(box.width / cell_size) + 1)
    heights, spacings = (
        origin[i] + (np.arange(n) + 0.5) * cell_size[i] for i, n in enumerate(shape)
    )
    effective = np.maximum(heights, MIN_STUMP_HEIGHT)[:, None]
    crossable = 2.0 + spacings[None, :] / 6.0
    return GridLandscape("stump-tracks", box, (0, 1), origin, cell_size, effective / crossable)


LANDSCAPES = {"surrogate/stump-tracks": stump_tracks}


def make_landscape(env_id: str) -> GridLandscape:
    if env_id not in LANDSCAPES:
        raise ValueError(
            f"no surrogate landscape for environment {env_id!r}; known: {', '.join(LANDSCAPES)}"
        )
    return LANDSCAPES[env_id]()
