"""RIAC: Robust Intelligent Adaptive Curiosity.

Baranes, Oudeyer. "R-IAC: Robust Intrinsically Motivated Exploration and Active
Learning". IEEE Transactions on Autonomous Mental Development, 2009.

The task space is split recursively into regions. Every region on a task's path
from the root keeps the last ``max_region_size`` (task, return) pairs, and its
absolute learning progress (ALP) is the gap between the mean return of the older
and the newer half of that window. When a leaf is full, ``nb_split_attempts``
random cuts (a dimension and a threshold) are tried; a cut is valid when each
child keeps at least ``min_region_size`` points and is at least
``min_dims_range_ratio`` of the space wide along the cut dimension. The valid cut
of highest score ``|child 1| * |child 2| * |ALP 1 - ALP 2|`` splits the leaf, as
in the paper; when none separates different progress, the oldest
``discard_ratio`` of the leaf's points are dropped instead.

Tasks are sampled in three modes: with probability 1 - ``random_task_ratio`` -
``low_task_ratio`` a region (any node, leaves and ancestors) is picked in
proportion to its ALP and a task drawn uniformly in it; with
``random_task_ratio`` uniformly from the whole space; with ``low_task_ratio`` a
region is picked the same way and its lowest-return task is replayed with
Gaussian noise of std ``low_task_noise`` (raw units), clipped to the region.

Defaults are TeachMyAgent's benchmark values: regions of 150 points, 75 split
attempts, a minimum width of 10% of the range, 1/4 discarded, modes 70/20/10%,
noise 0.1; the minimum region size is ``max_region_size / 20`` rounded up.
TeachMyAgent's split score is ``4 * |ALP 1 - ALP 2|`` (it takes the length of the
two-element list of children rather than the children's sizes), so it ignores
how balanced a cut is; this module uses the paper's product of sizes.

TeachMyAgent turned seed 0 into a random seed, so its seed-0 runs cannot be
repeated; here every draw comes from the harness's generator, seed 0 included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param


@dataclass
class _Region:
    low: np.ndarray
    high: np.ndarray
    parent: int
    split_dim: int = -1
    split_value: float = 0.0
    children: tuple[int, int] | None = None
    tasks: list[np.ndarray] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    alp: float = 0.0


def window_alp(returns: list[float] | np.ndarray) -> float:
    """|mean of the newer half - mean of the older half| of a chronological window."""
    n = len(returns)
    if n < 2:
        return 0.0
    half = n // 2
    return float(abs(np.mean(returns[half:]) - np.mean(returns[:half])))


class RIAC(Teacher):
    """RIAC (see the module docstring for the paper and hyper-parameters)."""

    display_name = "RIAC"

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        max_region_size: int = 150,
        nb_split_attempts: int = 75,
        min_dims_range_ratio: float = 0.1,
        min_region_size: int | None = None,
        discard_ratio: float = 0.25,
        random_task_ratio: float = 0.2,
        low_task_ratio: float = 0.1,
        low_task_noise: float = 0.1,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.max_region_size = check_param(name, "max_region_size", max_region_size, int, low=4)
        self.nb_split_attempts = check_param(
            name, "nb_split_attempts", nb_split_attempts, int, low=1
        )
        self.min_dims_range_ratio = check_param(
            name, "min_dims_range_ratio", min_dims_range_ratio, float, low=0.0, high=0.5
        )
        if min_region_size is None:
            min_region_size = math.ceil(self.max_region_size / 20)
        self.min_region_size = check_param(
            name, "min_region_size", min_region_size, int, low=1, high=self.max_region_size // 2
        )
        self.discard_ratio = check_param(
            name, "discard_ratio", discard_ratio, float, low=0.0, high=1.0
        )
        if math.floor(self.discard_ratio * self.max_region_size) < 1:
            raise ValueError(
                f"{name}: hyper-parameter 'discard_ratio' ({discard_ratio}) drops no point "
                f"of a region of {self.max_region_size}"
            )
        self.random_task_ratio = check_param(
            name, "random_task_ratio", random_task_ratio, float, low=0.0, high=1.0
        )
        self.low_task_ratio = check_param(
            name, "low_task_ratio", low_task_ratio, float, low=0.0, high=1.0
        )
        if self.random_task_ratio + self.low_task_ratio > 1.0:
            raise ValueError(
                f"{name}: hyper-parameters 'random_task_ratio' + 'low_task_ratio' exceed 1"
            )
        self.low_task_noise = check_param(name, "low_task_noise", low_task_noise, float, low=0.0)
        self._regions = [_Region(space.low.copy(), space.high.copy(), parent=-1)]

    # --- sampling ----------------------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        mode = self.rng.random()
        if mode < self.random_task_ratio:
            return self.space.sample(self.rng)
        region = self._regions[self._pick_region()]
        if mode < self.random_task_ratio + self.low_task_ratio and region.returns:
            worst = region.tasks[int(np.argmin(region.returns))]
            noisy = worst + self.rng.normal(0.0, self.low_task_noise, self.space.dim)
            return np.clip(noisy, region.low, region.high)
        return region.low + self.rng.random(self.space.dim) * (region.high - region.low)

    def _pick_region(self) -> int:
        alps = np.array([r.alp for r in self._regions])
        total = alps.sum()
        if total <= 0:
            return int(self.rng.integers(len(self._regions)))
        return int(self.rng.choice(len(alps), p=alps / total))

    # --- learning ----------------------------------------------------------------------------

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        task = np.asarray(task, dtype=np.float64)
        index = 0
        while True:
            region = self._regions[index]
            region.tasks.append(task)
            region.returns.append(float(outcome.episodic_return))
            if region.children is None:
                break
            del region.tasks[: -self.max_region_size], region.returns[: -self.max_region_size]
            region.alp = window_alp(region.returns)
            left, right = region.children
            index = left if task[region.split_dim] < region.split_value else right
        if len(region.returns) >= self.max_region_size and not self._split(index):
            drop = math.floor(self.discard_ratio * len(region.returns))
            del region.tasks[:drop], region.returns[:drop]
        region.alp = window_alp(region.returns)

    def _split(self, index: int) -> bool:
        """Try random cuts of a full leaf; apply the best valid one. True if it split."""
        region = self._regions[index]
        tasks, returns = np.array(region.tasks), np.array(region.returns)
        min_width = self.min_dims_range_ratio * self.space.width
        best_score, best_cut = 0.0, None
        for _ in range(self.nb_split_attempts):
            dim = int(self.rng.integers(self.space.dim))
            value = float(self.rng.uniform(region.low[dim], region.high[dim]))
            if min(value - region.low[dim], region.high[dim] - value) < min_width[dim]:
                continue
            left = tasks[:, dim] < value
            n_left = int(left.sum())
            n_right = len(returns) - n_left
            if min(n_left, n_right) < self.min_region_size:
                continue
            gap = abs(window_alp(returns[left]) - window_alp(returns[~left]))
            score = n_left * n_right * gap
            if score > best_score:
                best_score, best_cut = score, (dim, value)
        if best_cut is None:
            return False
        dim, value = best_cut
        left = tasks[:, dim] < value
        for is_left, side in ((True, left), (False, ~left)):
            low, high = region.low.copy(), region.high.copy()
            (high if is_left else low)[dim] = value
            child = _Region(low, high, parent=index)
            child.tasks = list(tasks[side])
            child.returns = returns[side].tolist()
            child.alp = window_alp(child.returns)
            self._regions.append(child)
        region.split_dim, region.split_value = dim, value
        region.children = (len(self._regions) - 2, len(self._regions) - 1)
        return True

    @property
    def regions(self) -> list[tuple[np.ndarray, np.ndarray, float, bool]]:
        """Every region as (low, high, ALP, is_leaf), root first."""
        return [(r.low.copy(), r.high.copy(), r.alp, r.children is None) for r in self._regions]

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        regions = self._regions
        counts = np.array([len(r.returns) for r in regions], dtype=np.int64)
        tasks = [t for r in regions for t in r.tasks]
        return {
            "low": np.array([r.low for r in regions]),
            "high": np.array([r.high for r in regions]),
            "parent": np.array([r.parent for r in regions], dtype=np.int64),
            "split_dim": np.array([r.split_dim for r in regions], dtype=np.int64),
            "split_value": np.array([r.split_value for r in regions]),
            "counts": counts,
            "tasks": np.array(tasks).reshape(-1, self.space.dim),
            "returns": np.array([x for r in regions for x in r.returns], dtype=np.float64),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        tasks = np.asarray(state["tasks"], dtype=np.float64).reshape(-1, self.space.dim)
        returns = np.asarray(state["returns"], dtype=np.float64)
        ends = np.cumsum(np.asarray(state["counts"], dtype=np.int64))
        starts = ends - np.asarray(state["counts"], dtype=np.int64)
        self._regions = []
        for i, parent in enumerate(np.asarray(state["parent"], dtype=np.int64)):
            region = _Region(
                np.array(state["low"][i], dtype=np.float64),
                np.array(state["high"][i], dtype=np.float64),
                parent=int(parent),
                split_dim=int(state["split_dim"][i]),
                split_value=float(state["split_value"][i]),
            )
            region.tasks = list(tasks[starts[i] : ends[i]])
            region.returns = returns[starts[i] : ends[i]].tolist()
            region.alp = window_alp(region.returns)
            self._regions.append(region)
        for i, region in enumerate(self._regions):
            if region.parent >= 0:
                parent = self._regions[region.parent]
                parent.children = (i,) if parent.children is None else (*parent.children, i)
