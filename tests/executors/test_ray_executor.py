"""The Ray executor on a real local Ray cluster (2 CPUs) gives the local executor's records."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from campaign_kit import (
    OPTIONS,
    SUITE,
    TESTS,
    record_files,
    same_records,
    small_campaign,
    subprocess_env,
)
from teachbench.harness.executors.base import run_campaign
from teachbench.harness.executors.local import LocalExecutor

ray = pytest.importorskip("ray")
from teachbench.harness.executors.ray_executor import RayExecutor  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    """A Ray cluster of 2 CPUs started here; its workers import the test kit from tests/."""
    saved = os.environ.get("PYTHONPATH")
    here = str(Path(__file__).parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(TESTS), here, saved) if p)
    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, log_to_driver=False)
    yield
    ray.shutdown()
    if saved is None:
        os.environ.pop("PYTHONPATH")
    else:
        os.environ["PYTHONPATH"] = saved


def test_ray_campaign_records_equal_the_local_executors(tmp_path: Path, cluster) -> None:
    local = small_campaign(tmp_path / "local")
    on_ray = small_campaign(tmp_path / "ray")
    reports, _ = run_campaign(LocalExecutor(2), local, OPTIONS, progress=False)
    assert {r.status for r in reports} == {"ok"}
    started = time.perf_counter()
    reports, summary = run_campaign(RayExecutor(), on_ray, OPTIONS, progress=False)
    assert sorted(r.status for r in reports) == ["ok"] * len(on_ray)
    assert summary.counts == {"ok": len(on_ray)} and summary.unit == "CPU"
    assert 0 < summary.unit_hours * 3600 <= 2 * (time.perf_counter() - started)
    same_records(local, on_ray)
    # Nothing left behind: no claim, no checkpoint, no probe file.
    assert record_files(tmp_path / "ray") == record_files(tmp_path / "local")
    assert not [p for p in (tmp_path / "ray").rglob(".*") if p.is_file()]


def test_a_run_recorded_after_planning_is_not_run_again(tmp_path: Path, cluster) -> None:
    first = small_campaign(tmp_path / "runs", seeds=(0,))
    second = small_campaign(tmp_path / "runs", seeds=(0,))  # planned before anything ran
    run_campaign(RayExecutor(), first, OPTIONS, progress=False)
    stamps = [w.spec.record_file.stat().st_mtime_ns for w in first]
    reports, summary = run_campaign(RayExecutor(), second, OPTIONS, progress=False)
    assert {r.status for r in reports} == {"recorded"}
    assert [w.spec.record_file.stat().st_mtime_ns for w in first] == stamps
    assert "ok 0, failed 0, not applicable 0, skipped 2 (already recorded)" in summary.line()


def test_the_command_joins_an_existing_cluster_by_address(tmp_path: Path, cluster) -> None:
    address = ray.get_runtime_context().gcs_address
    results = tmp_path / "runs"
    command = [sys.executable, "-m", "teachbench.harness.cli", "run", "--suite", SUITE,
               "--teacher", "random", "--challenge", "upper-baseline", "--level", "none",
               "--seeds", "0", "--results", str(results), "--executor", "ray",
               "--address", address]  # fmt: skip
    done = subprocess.run(
        command, env=subprocess_env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "campaign: ok 1, failed 0" in done.stderr
    (work,) = small_campaign(results, seeds=(0,))[:1]
    reference = small_campaign(tmp_path / "local", seeds=(0,))[:1]
    run_campaign(LocalExecutor(1), reference, OPTIONS, progress=False)
    same_records(reference, [work])
    assert ray.is_initialized()  # the command left the cluster it joined running
