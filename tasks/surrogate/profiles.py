"""Student profiles: how embodiments and learners differ on the surrogate tier.

A profile is a body (what is feasible at all) combined with a learner (how fast
and how widely it learns). The numbers are calibrated, not measured: the default
SAC bipedal can master about half of the 10x10 Stump Tracks test grid, which is
where TeachMyAgent's best teachers end up, and a uniform curriculum cannot
master all of it within the 20M-step budget.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Body:
    """``feasibility``: highest landscape difficulty this body can ever master (<= 1)."""

    feasibility: float


@dataclass(frozen=True)
class Learner:
    """How a learning algorithm turns episodes into skill.

    ``learning_rate``: skill gained by one episode on an unlocked cell, as a share
    of what is left to learn (mastered cells teach little).
    ``kernel_width``: generalisation to neighbouring cells, in cells (Gaussian sd).
    ``zone``: zone of proximal development — how many cells beyond a mastered cell
    are learnable; farther, harder tasks teach nothing.
    ``unlock_level``: skill a cell needs before it opens the zone around it.
    """

    learning_rate: float
    kernel_width: float
    zone: float
    unlock_level: float


#: Keyed by the body names of :data:`teachbench.harness.vocabulary.BODIES`.
BODIES = {
    "old_classic_bipedal": Body(feasibility=0.6),
    "small_bipedal": Body(feasibility=0.45),
    "spider": Body(feasibility=0.7),
}
LEARNERS = {
    "sac": Learner(learning_rate=0.01, kernel_width=1.0, zone=2.0, unlock_level=0.6),
    "ppo": Learner(learning_rate=0.006, kernel_width=1.5, zone=2.0, unlock_level=0.6),
}


def describe(body: str, learner: str) -> dict[str, float]:
    return {**asdict(BODIES[body]), **asdict(LEARNERS[learner])}
