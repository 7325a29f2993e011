"""`teachbench run --executor ray|slurm` end to end, as a user types it, and the campaign bar."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from campaign_kit import record_files, same_records, small_campaign, subprocess_env
from teachbench.harness.executors.base import Progress, RunReport, Summary
from teachbench_testkit import SMALL_BUDGET

SUITE = "teachbench_testkit:SMALL_SUITE"


def _run(results: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "teachbench.harness.cli", "run", "--suite", SUITE,
               "--teacher", "random", "--challenge", "upper-baseline", "--challenge", "forgetting",
               "--level", "none", "--seeds", "0-1", "--results", str(results), *extra]  # fmt: skip
    return subprocess.run(
        command, env=subprocess_env(), capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list:
    results = tmp_path_factory.mktemp("local") / "runs"
    done = _run(results, "--workers", "2")
    assert done.returncode == 0, done.stderr
    return small_campaign(results)


@pytest.mark.parametrize(
    "executor",
    [
        pytest.param(["--executor", "ray", "--workers", "2"], id="ray"),
        pytest.param(["--executor", "slurm", "--slurm-cluster", "local"], id="slurm"),
    ],
)
def test_the_command_runs_the_campaign_on_each_executor(
    tmp_path: Path, reference: list, executor: list[str]
) -> None:
    pytest.importorskip({"ray": "ray", "slurm": "submitit"}[executor[1]])
    results = tmp_path / "runs"
    done = _run(results, *executor)
    assert done.returncode == 0, done.stderr
    assert "campaign: ok 4, failed 0, not applicable 0, skipped 0" in done.stderr
    assert "8.00M/8.00M env steps" in done.stderr  # the one campaign bar reached its end
    same_records(reference, small_campaign(results))
    assert [p for p in record_files(results) if ".submitit" not in str(p)] == record_files(
        reference[0].spec.results
    )


def test_the_bar_counts_live_steps_then_whole_budgets(tmp_path: Path) -> None:
    work = small_campaign(tmp_path, seeds=(0,))
    stream = io.StringIO()
    bar = Progress(work, stream=stream)
    bar.steps(work[0].spec, 300_000)
    bar.steps(work[1].spec, 5 * SMALL_BUDGET)  # a run past its budget counts as its budget
    bar.refresh()
    assert bar.bar.n == 300_000 + SMALL_BUDGET
    bar.finished(RunReport(work[0].spec, "ok", wall_s=3.0))
    assert bar.bar.n == 2 * SMALL_BUDGET
    bar.close()
    assert "env steps" in stream.getvalue() and "runs 1/2, failed 0" in stream.getvalue()


def test_the_summary_says_what_ran_what_was_skipped_and_the_compute() -> None:
    summary = Summary({"ok": 3, "failed": 1, "recorded": 1, "elsewhere": 2}, already_recorded=4,
                      unit_hours=0.25, unit="GPU", wall_s=61)  # fmt: skip
    assert summary.line() == (
        "campaign: ok 3, failed 1, not applicable 0, skipped 5 (already recorded), "
        "2 left to another command that holds them; compute used 0.25 GPU-h in 61 s"
    )
