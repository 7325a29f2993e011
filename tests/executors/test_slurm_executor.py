"""The Slurm executor through submitit's local executor: real job subprocesses, real requeue."""

from __future__ import annotations

import os
import shutil
import signal
from dataclasses import replace
from pathlib import Path

import pytest
from campaign_kit import (
    OPTIONS,
    SLOW,
    child_pids,
    record_files,
    same_records,
    small_campaign,
    subprocess_env,
    wait_for,
)
from teachbench.harness.executors.base import ExecutorUnavailable, Work, run_campaign
from teachbench.harness.executors.local import LocalExecutor
from teachbench.harness.loop import checkpoint_path

submitit = pytest.importorskip("submitit")
from teachbench.harness.executors.slurm_executor import SlurmExecutor, array_chunks  # noqa: E402


@pytest.fixture(autouse=True)
def importable_kits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Job subprocesses import the test kits by name, like a user's own teacher module."""
    monkeypatch.setenv("PYTHONPATH", subprocess_env()["PYTHONPATH"])


def test_runs_are_cut_into_arrays_no_larger_than_the_limit(tmp_path: Path) -> None:
    work = [Work(w.spec, w.budget) for w in small_campaign(tmp_path, seeds=tuple(range(5)))]
    chunks = array_chunks(work, 4)
    assert [len(c) for c in chunks] == [4, 4, 2]
    assert [w for c in chunks for w in c] == work
    with pytest.raises(ValueError, match="--array-size must be at least 1"):
        array_chunks(work, 0)


def test_slurm_jobs_give_the_local_executors_records(tmp_path: Path) -> None:
    local = small_campaign(tmp_path / "local", seeds=(0,))
    on_slurm = small_campaign(tmp_path / "slurm", seeds=(0,))
    run_campaign(LocalExecutor(2), local, OPTIONS, progress=False)
    executor = SlurmExecutor(tmp_path / "jobs", cluster="local", array_size=1, time_limit_min=10)
    reports, summary = run_campaign(executor, on_slurm, OPTIONS, progress=False)
    assert [r.status for r in reports] == ["ok", "ok"], [r.message for r in reports]
    assert len(executor.jobs) == 2 and summary.counts == {"ok": 2}
    same_records(local, on_slurm)
    assert record_files(tmp_path / "slurm") == record_files(tmp_path / "local")


def test_a_pre_empted_job_is_requeued_and_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    (reference,) = small_campaign(tmp_path / "reference", seeds=(0,), teacher=SLOW)[:1]
    (work,) = small_campaign(tmp_path / "slurm", seeds=(0,), teacher=SLOW)[:1]
    options = replace(OPTIONS, checkpoint_every_s=0.0)  # a checkpoint at every evaluation
    run_campaign(LocalExecutor(1), [reference], options, progress=False)

    executor = SlurmExecutor(tmp_path / "jobs", cluster="local", time_limit_min=10)
    (job,) = executor.submit([work], options)
    wait_for(checkpoint_path(work.spec.record_file).exists)
    # What Slurm does before pre-empting a job or at its time limit: USR2 to the job's process
    # (under submitit's local controller, which restarts the job when it asks for a requeue).
    (job_process,) = child_pids(job._process.pid)
    os.kill(job_process, signal.SIGUSR2)
    wait_for(job.done, timeout_s=120)
    report = job.result()
    assert report.status == "ok", report.message
    log = Path(job.paths.stdout).read_text()
    assert "resuming from its checkpoint" in log, log
    same_records([reference], [work])
    assert not checkpoint_path(work.spec.record_file).exists()


def test_without_slurm_the_error_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    if shutil.which("srun"):
        pytest.skip("this machine has Slurm")
    with pytest.raises(ExecutorUnavailable, match="run the command on a login node"):
        SlurmExecutor(tmp_path / "jobs").executor()


def test_the_job_array_script_carries_partition_limits_and_concurrency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # submitit only checks that srun exists before it writes a Slurm script; nothing is submitted.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "srun").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "srun").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    executor = SlurmExecutor(tmp_path / "jobs", partition="gpu", time_limit_min=90,
                             gpus_per_run=1, max_concurrent=64, max_requeues=12).executor()  # fmt: skip
    slurm = executor._executor
    slurm.parameters["map_count"] = 1000  # what submitit sets for an array of 1000 jobs
    script = slurm._make_submission_file_text("python -m submitit.core._submit jobs", "uid")
    for line in ("--array=0-999%64", "--partition=gpu", "--time=90", "--gpus-per-node=1",
                 "--cpus-per-task=1", "--signal=USR2@"):  # fmt: skip
        assert f"#SBATCH {line}" in script, line
    assert slurm.max_num_timeout == 12
