"""Test fixtures importable by name (``teachbench_testkit:Attr``), also from worker processes.

A small suite keeps loop tests fast; deliberately broken teachers exercise the
harness's error paths. They are real Teacher subclasses run through the real
registry, loop and executor.
"""

from __future__ import annotations

import os
import time

import numpy as np
from teachbench.baselines.teachers.random_teacher import RandomTeacher
from teachbench.harness import Outcome
from teachbench.harness.challenge import Suite
from teachbench.harness.knowledge import REWARD_RANGE
from teachbench.tasks.suites.teachmyagent import surrogate_challenges

SMALL_BUDGET = 2_000_000


def _shrink(challenge):
    from dataclasses import replace

    return replace(
        challenge,
        budget_steps=SMALL_BUDGET,
        eval_every_steps=500_000,
        reset_every_steps=700_000 if challenge.reset_every_steps else None,
    )


SMALL_SUITE = Suite(
    name="small",
    version="test",
    tiers={"surrogate": tuple(_shrink(c) for c in surrogate_challenges())},
)


class _Uniform(RandomTeacher):
    """Uniform sampling, to be broken in one place by each subclass."""


class OutOfBoundsTeacher(_Uniform):
    def sample_task(self) -> np.ndarray:
        return self.space.high + 1.0


class NaNTeacher(_Uniform):
    def sample_task(self) -> np.ndarray:
        return np.full(self.space.dim, np.nan)


class WrongShapeTeacher(_Uniform):
    def sample_task(self) -> np.ndarray:
        return np.zeros(self.space.dim + 1)


class RaisingUpdateTeacher(_Uniform):
    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        raise RuntimeError("boom in update")


class HangingTeacher(_Uniform):
    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        time.sleep(3600)


class CrashingTeacher(_Uniform):
    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        os._exit(3)


class NeedsRewardRange(_Uniform):
    requires = frozenset({REWARD_RANGE})


class NotATeacher:
    pass


class GlobalRandomTeacher(_Uniform):
    """Breaks determinism on purpose: draws from numpy's global RNG."""

    def sample_task(self) -> np.ndarray:
        return self.space.low + np.random.random(self.space.dim) * self.space.width  # noqa: NPY002


def comparable(record: dict) -> dict:
    """A record without what legitimately differs between identical runs: time and place."""
    differs = ("timings", "provenance", "digest", "signature")
    return {k: v for k, v in record.items() if k not in differs}


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """``teachbench ARGV`` in-process: its exit code, stdout and stderr."""
    from teachbench.harness.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err
