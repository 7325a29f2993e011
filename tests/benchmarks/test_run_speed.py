"""Speed of a whole 20M-step surrogate run, and what the harness itself costs per episode.

The reference is the bare work of a run measured in the same process: the same
number of surrogate episodes on uniform tasks, with no teacher, no validation,
no grading and no record. The ratio of a harness run to it, and the overhead per
episode, are printed side by side.

Targets (issue 2): Random at 20M steps in under 2 s, ALP-GMM in under 30 s.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from teachbench.harness.loop import execute
from teachbench.harness.runspec import RunSpec
from teachbench.tasks.suites.teachmyagent import SUITE
from teachbench.tasks.surrogate.student import SurrogateStudent

TARGET_S = {"random": 2.0, "alp-gmm": 30.0}


def _bare_episodes(n_episodes: int) -> float:
    challenge = SUITE.challenge("surrogate", "upper-baseline")
    rng = np.random.default_rng(0)
    student = challenge.make_student(SurrogateStudent, rng)
    tasks = [challenge.space.sample(rng) for _ in range(n_episodes)]
    start = time.perf_counter()
    for task in tasks:
        student.run_episode(task, 0)
    return time.perf_counter() - start


@pytest.mark.parametrize("teacher", ["random", "alp-gmm"])
def test_full_budget_surrogate_run(benchmark, tmp_path: Path, capsys, teacher: str) -> None:
    counter = iter(range(100))

    def one_run() -> dict:
        results = tmp_path / str(next(counter))
        run = RunSpec("teachmyagent", "surrogate", "upper-baseline", "none", teacher, 0, results,
                      trace=False)  # fmt: skip
        return execute(run)

    rounds = 3 if teacher == "random" else 1
    record = benchmark.pedantic(one_run, rounds=rounds, iterations=1)
    assert record["status"] == "ok" and record["steps"] >= 20_000_000
    run_s = benchmark.stats.stats.min
    bare_s = _bare_episodes(record["episodes"])
    timings = record["timings"]
    overhead_us = 1e6 * (run_s - bare_s - timings["teacher_s"]) / record["episodes"]
    benchmark.extra_info.update(
        episodes=record["episodes"], bare_s=bare_s, overhead_us_per_episode=overhead_us
    )
    with capsys.disabled():
        print(
            f"\n{teacher}: 20M-step run {run_s:.2f} s (target < {TARGET_S[teacher]:g} s) | "
            f"bare student episodes {bare_s:.2f} s | ratio {run_s / bare_s:.1f}x | "
            f"teacher {timings['teacher_s']:.2f} s | evaluation {timings['evaluation_s']:.2f} s | "
            f"harness overhead {overhead_us:.1f} us/episode over {record['episodes']} episodes"
        )
    assert run_s < TARGET_S[teacher]
