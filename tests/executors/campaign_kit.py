"""A small surrogate campaign and how to compare two results folders of it, for executor tests."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from teachbench.baselines.teachers.random_teacher import RandomTeacher
from teachbench.harness import Outcome
from teachbench.harness.executors.base import RunOptions, Work, planned
from teachbench.harness.records import read_record, trace_path
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import load_state
from teachbench_testkit import SMALL_BUDGET, comparable

SUITE = "teachbench_testkit:SMALL_SUITE"
HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
OPTIONS = RunOptions(timeout_s=120, checkpoint_every_s=0.0, retries=1)


def small_campaign(
    results: Path, seeds: tuple[int, ...] = (0, 1), teacher: str = "random"
) -> list[Work]:
    """Two challenges x ``seeds`` of a 2M-step surrogate run: a few seconds each."""
    specs = [
        RunSpec(SUITE, "surrogate", challenge, "none", teacher, seed, results)
        for challenge in ("upper-baseline", "forgetting")
        for seed in seeds
    ]
    return [planned(spec, SMALL_BUDGET) for spec in specs]


def same_records(first: list[Work], second: list[Work]) -> None:
    """Each run's record and trace in ``second`` equals ``first``'s, timings and provenance aside."""
    for a, b in zip(first, second, strict=True):
        record_a, record_b = read_record(a.spec.record_file), read_record(b.spec.record_file)
        assert record_a["status"] == "ok", record_a.get("error")
        assert comparable(record_a) == comparable(record_b), a.spec.label()
        trace_a = load_state(trace_path(a.spec.record_file))
        trace_b = load_state(trace_path(b.spec.record_file))
        assert all(np.array_equal(trace_a[k], trace_b[k]) for k in trace_a)


def record_files(results: Path) -> list[Path]:
    return sorted(p.relative_to(results) for p in results.rglob("seed-*") if p.is_file())


class SlowRandom(RandomTeacher):
    """Random, slowed to a few seconds per small run: long enough to be interrupted mid-way."""

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        time.sleep(0.001)


SLOW = "campaign_kit:SlowRandom"


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return children


def descendants(pid: int) -> list[int]:
    found, todo = [], child_pids(pid)
    while todo:
        child = todo.pop()
        found.append(child)
        todo += child_pids(child)
    return found


def run_processes(pid: int) -> list[int]:
    """The processes running runs under a command: the leaves of its process tree.

    (A fork server or multiprocessing's resource tracker may stand between or beside them.)
    """

    def is_run(child: int) -> bool:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return False
        return not child_pids(child) and b"resource_tracker" not in cmdline

    return [child for child in descendants(pid) if is_run(child)]


def wait_for(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def subprocess_env() -> dict[str, str]:
    """The environment of a subprocess that must import the test kits by name."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(TESTS), str(HERE), env.get("PYTHONPATH")) if p
    )
    return env
