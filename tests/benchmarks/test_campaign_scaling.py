"""Campaign speed-up from 1 to 2 workers, local and on Ray, and Ray's overhead per run.

The same surrogate campaign (8 full-budget Random runs, about 2 s each) runs with
1 and with 2 workers on the local executor and on a local Ray cluster, all in one
process, and the ratios are printed side by side. Ray's overhead per run is
printed two ways: an empty task's round trip, and the extra wall time per run of
the Ray campaign over the local one at 2 workers.

Target (issue 13): >= 1.7x from 1 to 2 workers on 2 cores, local executor. The ratio
means something only on an otherwise idle machine: with Linux's autogroup scheduling
(``/proc/sys/kernel/sched_autogroup_enabled``) every session gets a fair share of the
CPUs, so while other sessions are busy a second worker adds no CPU time at all.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from teachbench.harness.executors.base import RunOptions, Work, run_campaign
from teachbench.harness.executors.local import LocalExecutor
from teachbench.harness.runspec import RunSpec

ray = pytest.importorskip("ray")
from targets import check_target  # noqa: E402
from teachbench.harness.executors.ray_executor import RayExecutor  # noqa: E402

RUNS = 8
TARGET = 1.7
OPTIONS = RunOptions(timeout_s=600, retries=0)


def _campaign(results: Path) -> list[Work]:
    specs = [RunSpec("teachmyagent", "surrogate", "upper-baseline", "none", "random", seed, results,
                     trace=False) for seed in range(RUNS)]  # fmt: skip
    return [Work(spec, 20_000_000) for spec in specs]


#: Runs in flight on average (the runs' summed wall time over the campaign's), per campaign.
IN_FLIGHT: dict[str, float] = {}


def _wall(executor, results: Path) -> float:
    start = time.perf_counter()
    reports, _ = run_campaign(executor, _campaign(results), OPTIONS, progress=False)
    wall = time.perf_counter() - start
    assert [r.status for r in reports] == ["ok"] * RUNS
    IN_FLIGHT[results.name] = sum(r.wall_s for r in reports) / wall
    return wall


def _autogroup() -> str:
    try:
        return (
            "on"
            if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
            else "off"
        )
    except OSError:
        return "unknown"


def _ray_walls(tmp_path: Path) -> tuple[float, float, float]:
    walls = []
    for workers in (1, 2):
        ray.init(num_cpus=workers, include_dashboard=False, configure_logging=False)
        try:
            walls.append(_wall(RayExecutor(), tmp_path / f"ray-{workers}"))
            if workers == 2:
                task = ray.remote(lambda: None)  # pickled by value: workers need no module
                ray.get(task.remote())
                start = time.perf_counter()
                for _ in range(50):
                    ray.get(task.remote())
                round_trip = (time.perf_counter() - start) / 50
        finally:
            ray.shutdown()
    return walls[0], walls[1], round_trip


def test_campaign_speed_up_from_one_to_two_workers(tmp_path: Path, capsys) -> None:
    local_1 = _wall(LocalExecutor(1), tmp_path / "local-1")
    local_2 = _wall(LocalExecutor(2), tmp_path / "local-2")
    ray_1, ray_2, round_trip = _ray_walls(tmp_path)
    overhead_ms = 1000 * (ray_2 - local_2) * 2 / RUNS
    cores = len(os.sched_getaffinity(0))
    with capsys.disabled():
        print(
            f"\n{RUNS} surrogate runs on {cores} core(s): local 1 worker {local_1:.1f} s, "
            f"2 workers {local_2:.1f} s, speed-up {local_1 / local_2:.2f}x (target >= {TARGET}x) | "
            f"Ray 1 worker {ray_1:.1f} s, 2 workers {ray_2:.1f} s, speed-up {ray_1 / ray_2:.2f}x | "
            f"Ray overhead: empty task round trip {1000 * round_trip:.1f} ms, "
            f"{overhead_ms:.0f} ms per run over the local executor at 2 workers | "
            f"runs in flight with 2 workers: local {IN_FLIGHT['local-2']:.2f}, "
            f"Ray {IN_FLIGHT['ray-2']:.2f} | load average {os.getloadavg()[0]:.1f}, autogroup {_autogroup()} "
            "(a busy machine shared per session gives a second worker no CPU)"
        )
    if cores >= 2:
        check_target("local speed-up 1 -> 2 workers", local_1 / local_2, TARGET, True)
