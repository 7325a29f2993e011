"""Challenges and suites: frozen descriptions of what is run, and their protocol hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from teachbench.harness.knowledge import ExpertKnowledge, GaussianDistribution, Level
from teachbench.harness.mapping import Identity, TaskMapping
from teachbench.harness.space import TaskSpace
from teachbench.harness.student import Student

#: Bump when the run loop changes in a way that changes results.
HARNESS_PROTOCOL_VERSION = 1


def canonical_json(data: Any) -> str:
    """The one serialisation that hashes are computed on: sorted keys, no spaces."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def sha256_hex(text: str | bytes) -> str:
    if isinstance(text, str):
        text = text.encode()
    return hashlib.sha256(text).hexdigest()


@dataclass(frozen=True, eq=False)
class TestSet:
    """A fixed list of environment tasks, identified by its content hash."""

    __test__ = False  # not a pytest class

    name: str
    tasks: np.ndarray

    def __post_init__(self) -> None:
        tasks = np.array(self.tasks, dtype=np.float64)
        if tasks.ndim != 2 or len(tasks) == 0 or not np.all(np.isfinite(tasks)):
            raise ValueError(f"test set {self.name!r} must be a non-empty finite 2-D array")
        tasks.setflags(write=False)
        object.__setattr__(self, "tasks", tasks)

    @property
    def sha256(self) -> str:
        return sha256_hex(np.ascontiguousarray(self.tasks).tobytes())

    def to_json(self) -> dict:
        return {"name": self.name, "size": len(self.tasks), "sha256": self.sha256}


def _frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, eq=False)
class Challenge:
    """One cell family of the benchmark: everything that can change a result but the teacher.

    ``space`` is what the teacher sees; ``mapping`` turns its tasks into the
    environment parameters the student receives (``env_space``). The test set
    and the diagnostics live in the environment's space.
    """

    name: str
    description: str
    space: TaskSpace
    env_id: str
    env_space: TaskSpace
    student: str
    test_set: TestSet
    budget_steps: int
    eval_every_steps: int
    mastery_threshold: float  # a task is mastered when its return is above it (strict >)
    reward_range: tuple[float, float]  # the returns' scale, told to teachers at level "low"
    max_episode_steps: int  # an episode's time-out (the students honour it; the loop checks it)
    mapping: TaskMapping = field(default_factory=Identity)
    env_kwargs: Mapping[str, Any] = field(default_factory=dict)
    student_kwargs: Mapping[str, Any] = field(default_factory=dict)
    reset_every_steps: int | None = None
    levels: tuple[Level, ...] = (Level.NONE, Level.LOW, Level.HIGH)
    seeds: tuple[int, ...] = tuple(range(16))
    initial_distribution: GaussianDistribution | None = None
    target_distribution: GaussianDistribution | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "env_kwargs", _frozen(self.env_kwargs))
        object.__setattr__(self, "student_kwargs", _frozen(self.student_kwargs))
        object.__setattr__(self, "levels", tuple(Level(level) for level in self.levels))
        if min(self.budget_steps, self.eval_every_steps, self.max_episode_steps) <= 0:
            raise ValueError(
                f"challenge {self.name!r}: budget, evaluation period and episode cap must be > 0"
            )
        if self.test_set.tasks.shape[1] != self.env_space.dim:
            raise ValueError(
                f"challenge {self.name!r}: test set {self.test_set.name!r} has "
                f"{self.test_set.tasks.shape[1]} dims, the environment space {self.env_space.dim}"
            )

    def knowledge(self, level: Level | str) -> ExpertKnowledge:
        """What a teacher is told at ``level`` (TeachMyAgent's none / low / high)."""
        level = Level(level)
        if level not in self.levels:
            raise ValueError(f"challenge {self.name!r} has no level {level.value!r}")
        if level is Level.NONE:
            return ExpertKnowledge(level, self.space)
        low = dict(reward_range=self.reward_range, success_threshold=self.mastery_threshold)
        if level is Level.LOW:
            return ExpertKnowledge(level, self.space, **low)
        return ExpertKnowledge(
            level,
            self.space,
            **low,
            initial_distribution=self.initial_distribution,
            target_distribution=self.target_distribution,
        )

    def make_student(self, student_class: type[Student], rng: np.random.Generator) -> Student:
        """The challenge's student, built as every run builds it: its environment, the
        environment's kwargs, the mastery threshold, the episode cap and the challenge's
        student kwargs."""
        return student_class(
            self.env_id,
            self.env_space,
            dict(self.env_kwargs),
            rng,
            mastery_threshold=self.mastery_threshold,
            max_episode_steps=self.max_episode_steps,
            **self.student_kwargs,
        )

    def to_json(self) -> dict:
        """Everything that can change a result, as canonical JSON-able data."""
        return {
            "name": self.name,
            "space": self.space.to_json(),
            "env_id": self.env_id,
            "env_space": self.env_space.to_json(),
            "env_kwargs": dict(self.env_kwargs),
            "student": self.student,
            "student_kwargs": dict(self.student_kwargs),
            "mapping": self.mapping.to_json(),
            "test_set": self.test_set.to_json(),
            "budget_steps": self.budget_steps,
            "eval_every_steps": self.eval_every_steps,
            "mastery_threshold": self.mastery_threshold,
            "reward_range": list(self.reward_range),
            "reset_every_steps": self.reset_every_steps,
            "max_episode_steps": self.max_episode_steps,
            "initial_distribution": _dist_json(self.initial_distribution),
            "target_distribution": _dist_json(self.target_distribution),
        }


def _dist_json(dist: GaussianDistribution | None) -> dict | None:
    return None if dist is None else dist.to_json()


@dataclass(frozen=True)
class Suite:
    """A named, versioned set of challenges, per tier."""

    name: str
    version: str
    tiers: Mapping[str, Sequence[Challenge]]

    def challenges(self, tier: str) -> tuple[Challenge, ...]:
        if tier not in self.tiers:
            raise KeyError(
                f"suite {self.name!r} has no tier {tier!r}; it has: {', '.join(self.tiers)}"
            )
        return tuple(self.tiers[tier])

    def challenge(self, tier: str, name: str) -> Challenge:
        found = {c.name: c for c in self.challenges(tier)}
        if name not in found:
            raise KeyError(
                f"unknown challenge {name!r} in suite {self.name!r} (tier {tier}); "
                f"known: {', '.join(sorted(found))}"
            )
        return found[name]

    def protocol_hash(self, tier: str, challenge: Challenge) -> str:
        """The hash that decides which records are comparable."""
        return sha256_hex(
            canonical_json(
                {
                    "harness_protocol": HARNESS_PROTOCOL_VERSION,
                    "suite": self.name,
                    "suite_version": self.version,
                    "tier": tier,
                    "challenge": challenge.to_json(),
                }
            )
        )[:16]
