"""Fixtures for the DRL students, importable by name (``drl_testkit:Attr``), also from worker
processes and ``teachbench`` subprocesses (with ``tests/students`` on ``PYTHONPATH``).

``TINY_SUITE`` is the smoke tier of the real suite shrunk to a few hundred steps and two test
tasks, so a real Box2D run with a real SAC or PPO student takes seconds. Two extra challenges
exercise the error paths: an environment that returns NaN, and a student whose learning rate
makes it diverge.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from teachbench.baselines.teachers.random_teacher import RandomTeacher
from teachbench.harness.challenge import Suite, TestSet
from teachbench.harness.knowledge import STEP_UPDATES
from teachbench.tasks.envs.stump_tracks import StumpTracks
from teachbench.tasks.suites.teachmyagent import STUMP_ENV, drl_challenges

TINY_BUDGET, TINY_EVAL_EVERY, NAN_STEP = 600, 200, 25
#: Episodes capped at this many steps (the challenge's cap, which the students honour): a
#: walker acting at random may stand still for the whole 2000-step time-out, and a run must be
#: several episodes (with their updates) so that its checkpoints fall mid-run.
TINY_EPISODE_STEPS = 150
#: SAC acts uniformly at random all along (its warm-up).
TINY_STUDENT_KWARGS = {
    "sac": {"start_steps": 10_000},
    "ppo": {"n_steps": 200, "n_minibatches": 4},
}
NAN_ENV = "teachbench-test/NaNStumpTracks-v0"


class NaNStumpTracks(StumpTracks):
    """Stump Tracks whose observation turns NaN at step ``NAN_STEP`` of every episode."""

    def step(self, action: Any) -> tuple:
        obs, reward, terminated, truncated, info = super().step(action)
        if self.episode_steps == NAN_STEP:
            obs = np.full_like(obs, np.nan)
        return obs, reward, terminated, truncated, info


if NAN_ENV not in gym.registry:
    gym.register(id=NAN_ENV, entry_point=NaNStumpTracks, max_episode_steps=2000)


def _tiny(challenge, **changes):
    student_kwargs = {**TINY_STUDENT_KWARGS[challenge.student], **changes.pop("student_kwargs", {})}
    if challenge.env_id == STUMP_ENV:
        changes = {"max_episode_steps": TINY_EPISODE_STEPS, **changes}
    return replace(
        challenge,
        budget_steps=TINY_BUDGET,
        eval_every_steps=TINY_EVAL_EVERY,
        test_set=TestSet(f"{challenge.test_set.name}-first-2", challenge.test_set.tasks[:2]),
        student_kwargs=student_kwargs,
        reset_every_steps=TINY_EVAL_EVERY if challenge.reset_every_steps else None,
        **changes,
    )


def _tiny_challenges():
    smoke = {c.name: c for c in drl_challenges("smoke")}
    kept = ("upper-baseline", "forgetting", "students-ppo-small-bipedal", "parkour-fish")
    yield from (_tiny(smoke[name]) for name in kept)
    base = smoke["upper-baseline"]
    yield _tiny(base, name="nan-env", env_id=NAN_ENV)
    yield _tiny(base, name="diverging", student_kwargs={"lr": 1e12})


TINY_SUITE = Suite(name="tiny-drl", version="test", tiers={"smoke": tuple(_tiny_challenges())})
MISSING_STUDENT_SUITE = Suite(
    name="missing-student",
    version="test",
    tiers={
        "smoke": (
            replace(TINY_SUITE.challenge("smoke", "upper-baseline"), student="no-such-student"),
        )
    },
)


class RecordingTeacher(RandomTeacher):
    """Uniform tasks; requires the per-step channel and keeps what it receives.

    Instances are listed in ``INSTANCES`` so that a test running the loop in-process can read
    what the harness delivered.
    """

    requires = frozenset({STEP_UPDATES})
    INSTANCES: ClassVar[list[RecordingTeacher]] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.transitions: list[tuple] = []
        self.lengths: list[int] = []
        RecordingTeacher.INSTANCES.append(self)

    def step_update(self, transition: tuple) -> None:
        self.transitions.append(transition)

    def update(self, task, outcome) -> None:
        super().update(task, outcome)
        self.lengths.append(outcome.length)
