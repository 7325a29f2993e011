"""The surrogate student: a skill field over a known difficulty landscape.

It stands in for a DRL learner so that a whole 20M-step protocol runs in
seconds. Its learning rule keeps the features that make curricula matter:
- impossible and too-hard tasks teach nothing (outside the zone of proximal
  development, nothing is learned);
- the zone grows from what is mastered, so skill spreads outward from easy
  tasks, as a walker learns low stumps before high ones;
- mastered tasks teach little (gains shrink with what is left to learn);
- learning generalises to neighbouring tasks through a Gaussian kernel.
Returns and episode lengths are on the Stump Tracks scale (mastered <=> return
> 230; up to 2000 steps), so budgets mean the same as on the DRL tier.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from teachbench.harness import Student
from teachbench.harness.knowledge import VALUE_ESTIMATE
from teachbench.harness.outcome import Episode
from teachbench.harness.space import TaskSpace
from teachbench.tasks.surrogate.landscape import make_landscape
from teachbench.tasks.surrogate.profiles import BODIES, LEARNERS

#: Return of a student with skill k on a task: -100 (falls at once) to 270.
RETURN_AT_ZERO_SKILL, RETURN_SPAN = -100.0, 370.0
#: Episode length: a failing walker falls or gets stuck early; a skilled one walks the track.
LENGTH_AT_ZERO_SKILL, LENGTH_SPAN, LENGTH_JITTER = 700, 900, 100
RETURN_NOISE_SD = 8.0
#: Cells up to this difficulty are learnable from scratch (nearly flat ground).
STARTING_DIFFICULTY = 0.1


class SurrogateStudent(Student):
    """A numpy learner with a known ground truth (see the module docstring)."""

    capabilities: ClassVar[frozenset[str]] = frozenset({VALUE_ESTIMATE})

    def __init__(
        self,
        env_id: str,
        env_space: TaskSpace,
        env_kwargs: dict[str, Any],
        rng: np.random.Generator,
        *,
        mastery_threshold: float,
        max_episode_steps: int,
        body: str = "old_classic_bipedal",
        learner: str = "sac",
    ):
        if body not in BODIES or learner not in LEARNERS:
            raise ValueError(
                f"surrogate student: unknown body {body!r} or learner {learner!r}; "
                f"bodies: {sorted(BODIES)}, learners: {sorted(LEARNERS)}"
            )
        if env_kwargs:
            raise ValueError(f"surrogate student takes no environment kwargs, got {env_kwargs}")
        self.landscape = make_landscape(env_id)
        #: Skill above which a task's (noiseless) return passes the challenge's threshold.
        self.mastered_skill = (mastery_threshold - RETURN_AT_ZERO_SKILL) / RETURN_SPAN
        self.rng = rng
        self.max_episode_steps = max_episode_steps
        learner_profile = LEARNERS[learner]
        self._learning_rate = learner_profile.learning_rate
        self._unlock_level = learner_profile.unlock_level
        self._kernel_radius = int(np.ceil(3 * learner_profile.kernel_width))
        offsets = np.arange(-self._kernel_radius, self._kernel_radius + 1)
        squared = offsets[:, None] ** 2 + offsets[None, :] ** 2
        self._kernel = np.exp(-squared / (2 * learner_profile.kernel_width**2))
        self._zone_radius = int(np.floor(learner_profile.zone))
        zone = np.arange(-self._zone_radius, self._zone_radius + 1)
        self._zone_disk = zone[:, None] ** 2 + zone[None, :] ** 2 <= learner_profile.zone**2

        difficulty = self.landscape.difficulty
        self.feasible = difficulty <= BODIES[body].feasibility
        self.impossible = difficulty > 1.0
        self.in_region = self._region_mask(env_space)
        self._origin = [float(v) for v in self.landscape.origin]
        self._inverse_size = [float(1 / v) for v in self.landscape.cell_size]
        self._last_cell = [n - 1 for n in self.landscape.shape]
        self._relevant = list(self.landscape.relevant)
        self.steps_total = 0
        self.steps_unlearnable = 0
        self.steps_impossible = 0
        self.reset()
        self.visited = np.zeros(self.landscape.shape, dtype=bool)

    def _region_mask(self, env_space: TaskSpace) -> np.ndarray:
        """Cells the challenge's environment space can reach (for coverage diagnostics)."""
        box = self.landscape.box
        if env_space.dim != box.dim or not (
            box.contains(env_space.low) and box.contains(env_space.high)
        ):
            raise ValueError(
                f"surrogate landscape {self.landscape.name!r} covers {box}; "
                f"the challenge's environment space {env_space} does not fit in it"
            )
        relevant = list(self.landscape.relevant)
        inside = [
            (centre >= lo - size / 2) & (centre <= hi + size / 2)
            for centre, lo, hi, size in zip(
                self.landscape.centres(),
                env_space.low[relevant],
                env_space.high[relevant],
                self.landscape.cell_size,
                strict=True,
            )
        ]
        return np.logical_and.outer(*inside)

    # --- the Student contract ----------------------------------------------------------------

    def reset(self) -> None:
        shape = self.landscape.shape
        self.skill = np.zeros(shape)
        self.crossed = np.zeros(shape, dtype=bool)
        self.unlocked = self.feasible & (self.landscape.difficulty <= STARTING_DIFFICULTY)
        self._open = self.unlocked.astype(np.float64)

    def run_episode(self, task: np.ndarray, seed: int) -> Episode:
        i, j = self._cell(task)
        skill = self.skill[i, j]
        expected = RETURN_AT_ZERO_SKILL + RETURN_SPAN * skill
        episodic_return = expected + RETURN_NOISE_SD * self.rng.standard_normal()
        jitter = int(self.rng.integers(-LENGTH_JITTER, LENGTH_JITTER + 1))
        length = min(LENGTH_AT_ZERO_SKILL + int(LENGTH_SPAN * skill) + jitter,
                     self.max_episode_steps)  # fmt: skip
        self.steps_total += length
        self.visited[i, j] = True
        if not self.feasible[i, j]:
            self.steps_unlearnable += length
            if self.impossible[i, j]:
                self.steps_impossible += length
        elif self._open[i, j]:
            self._learn(i, j)
        return Episode(float(episodic_return), length, float(expected))

    def evaluate(self, tasks: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        """Deterministic-policy returns: the noiseless return of the current skill."""
        for task in tasks:
            self.landscape.check_inside(task)
        return RETURN_AT_ZERO_SKILL + RETURN_SPAN * self.skill[self.landscape.cells(tasks)]

    def learnable(self, env_tasks: np.ndarray) -> np.ndarray:
        """The landscape's truth: whether each task's cell is one this body can ever master."""
        return self.feasible[self.landscape.cells(env_tasks)]

    def value_estimate(self, task: np.ndarray) -> float:
        i, j = self._cell(task)
        return float(RETURN_AT_ZERO_SKILL + RETURN_SPAN * self.skill[i, j])

    def state_dict(self) -> dict[str, Any]:
        return {
            "skill": self.skill.copy(),
            "crossed": self.crossed.copy(),
            "unlocked": self.unlocked.copy(),
            "visited": self.visited.copy(),
            "steps": [self.steps_total, self.steps_unlearnable, self.steps_impossible],
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.skill = np.array(state["skill"], dtype=np.float64)
        self.crossed = np.array(state["crossed"], dtype=bool)
        self.unlocked = np.array(state["unlocked"], dtype=bool)
        self.visited = np.array(state["visited"], dtype=bool)
        self._open = self.unlocked.astype(np.float64)
        self.steps_total, self.steps_unlearnable, self.steps_impossible = (
            int(v) for v in state["steps"]
        )

    def diagnostics(self) -> dict[str, float]:
        """Curriculum diagnostics from the known ground truth."""
        learnable = self.feasible & self.in_region
        mastered = self.skill > self.mastered_skill
        steps = max(self.steps_total, 1)
        return {
            "unlearnable_budget_share": self.steps_unlearnable / steps,
            "impossible_budget_share": self.steps_impossible / steps,
            "learnable_share_of_space": float(learnable.sum() / self.in_region.sum()),
            "learnable_mastered": float((mastered & learnable).sum() / max(learnable.sum(), 1)),
            "learnable_visited": float((self.visited & learnable).sum() / max(learnable.sum(), 1)),
        }

    # --- learning rule -----------------------------------------------------------------------

    def _cell(self, task: np.ndarray) -> tuple[int, int]:
        if task.shape != (self.landscape.box.dim,) or not np.isfinite(task).all():
            self.landscape.check_inside(task)
        h, s = (float(task[k]) for k in self._relevant)
        i = min(max(int((h - self._origin[0]) * self._inverse_size[0]), 0), self._last_cell[0])
        j = min(max(int((s - self._origin[1]) * self._inverse_size[1]), 0), self._last_cell[1])
        return i, j

    def _learn(self, i: int, j: int) -> None:
        """One episode on open cell (i, j) raises skill on the open cells around it."""
        r = self._kernel_radius
        rows, cols = self.landscape.shape
        i0, i1, j0, j1 = max(i - r, 0), min(i + r + 1, rows), max(j - r, 0), min(j + r + 1, cols)
        weights = self._kernel[i0 - i + r : i1 - i + r, j0 - j + r : j1 - j + r]
        patch = self.skill[i0:i1, j0:j1]
        patch += self._learning_rate * weights * self._open[i0:i1, j0:j1] * (1.0 - patch)
        newly = (patch >= self._unlock_level) & ~self.crossed[i0:i1, j0:j1]
        if newly.any():
            for a, b in zip(*np.nonzero(newly), strict=True):
                self._open_zone(i0 + int(a), j0 + int(b))

    def _open_zone(self, i: int, j: int) -> None:
        """A cell that crossed the unlock level opens the feasible cells of its zone."""
        self.crossed[i, j] = True
        z = self._zone_radius
        rows, cols = self.landscape.shape
        i0, i1, j0, j1 = max(i - z, 0), min(i + z + 1, rows), max(j - z, 0), min(j + z + 1, cols)
        disk = self._zone_disk[i0 - i + z : i1 - i + z, j0 - j + z : j1 - j + z]
        opened = self.unlocked[i0:i1, j0:j1] | (disk & self.feasible[i0:i1, j0:j1])
        self.unlocked[i0:i1, j0:j1] = opened
        self._open[i0:i1, j0:j1] = opened
