"""The Slurm executor, through submitit: one array element per run, arrays sized to the cluster.

Every run is one job of a Slurm job array; the runs are cut into arrays of at
most ``array_size`` (Slurm's MaxArraySize) and each array runs at most
``max_concurrent`` jobs at a time (``%N``). A job calls ``attempt.attempt_run``
like every other executor, so it claims its run and writes its record into the
shared results folder itself. A job is a submitit *checkpointable*: when Slurm
pre-empts it or its time limit comes (submitit's USR2 signal), it is requeued,
and the run loop's own checkpoint (written every ``--checkpoint-every``
seconds) makes the requeued job resume where the run was. The claim carries the
Slurm job id, so the requeued job takes over its previous incarnation's claim
at once, wherever it lands.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from teachbench.harness.claims import current_holder
from teachbench.harness.executors.attempt import attempt_run, lost
from teachbench.harness.executors.base import (
    ExecutorUnavailable,
    Progress,
    RunOptions,
    RunReport,
    Work,
    absolute,
    require,
)

POLL_S = 1.0
#: Slurm's default MaxArraySize is 1001 (indices 0-1000).
ARRAY_SIZE = 1000


def array_chunks(work: Sequence[Work], array_size: int) -> list[list[Work]]:
    """Cut the planned runs into job arrays of at most ``array_size`` runs each."""
    if array_size < 1:
        raise ValueError(f"--array-size must be at least 1, got {array_size}")
    return [list(work[i : i + array_size]) for i in range(0, len(work), array_size)]


class SlurmRun:
    """One run as a submitit job; requeued from its checkpoint when pre-empted or timed out."""

    def __init__(self, work: Work, options: RunOptions):
        self.work = work
        self.options = options

    def __call__(self) -> RunReport:
        submitit = require("submitit", "slurm")
        job_id = submitit.JobEnvironment().job_id
        _only_this_process_requeues()
        return attempt_run(self.work, self.options, owner=f"slurm:{job_id}", log=_log)

    def checkpoint(self, *args: Any, **kwargs: Any) -> Any:
        """submitit calls this on USR2: requeue the same run (its checkpoint is on disk)."""
        submitit = require("submitit", "slurm")
        return submitit.helpers.DelayedSubmission(SlurmRun(self.work, self.options))


def _log(message: str) -> None:
    print(message, flush=True)


def _only_this_process_requeues() -> None:
    """The run's child process inherits submitit's USR2 handler; only the job itself may act on it.

    Slurm signals every process of a job step, so without this the run process would
    checkpoint and requeue the job a second time.
    """
    handler = signal.getsignal(signal.SIGUSR2)
    if not callable(handler):
        return
    job_pid = os.getpid()

    def guarded(signum: int, frame: Any) -> None:
        if os.getpid() == job_pid:
            handler(signum, frame)

    signal.signal(signal.SIGUSR2, guarded)


class SlurmExecutor:
    """Submits the planned runs as Slurm job arrays and follows them to the end."""

    name = "slurm"

    def __init__(
        self,
        folder: Path,
        partition: str | None = None,
        time_limit_min: int = 24 * 60,
        cpus_per_run: int = 1,
        gpus_per_run: int = 0,
        array_size: int = ARRAY_SIZE,
        max_concurrent: int | None = None,
        max_requeues: int = 10,
        cluster: str = "slurm",
    ):
        self.folder = folder
        self.partition = partition
        self.time_limit_min = time_limit_min
        self.cpus_per_run = cpus_per_run
        self.gpus_per_run = gpus_per_run
        self.array_size = array_size
        self.max_concurrent = max_concurrent
        self.max_requeues = max_requeues
        self.cluster = cluster
        self.units_per_run = float(gpus_per_run or cpus_per_run)
        self.jobs: list[Any] = []

    def executor(self) -> Any:
        """A configured submitit executor (``cluster='local'`` runs real subprocesses here)."""
        submitit = require("submitit", "slurm")
        extra = {"slurm_max_num_timeout": self.max_requeues} if self.cluster == "slurm" else {}
        try:
            executor = submitit.AutoExecutor(folder=self.folder, cluster=self.cluster, **extra)
        except RuntimeError as exc:  # submitit's "Could not detect srun"
            raise ExecutorUnavailable(
                f"cannot submit to Slurm from here ({exc}); run the command on a login node of "
                "the cluster, or add --slurm-cluster local to try the jobs on this machine"
            ) from None
        parameters: dict[str, Any] = {
            "name": "teachbench",
            "timeout_min": self.time_limit_min,
            "cpus_per_task": self.cpus_per_run,
            "gpus_per_node": self.gpus_per_run,
        }
        if self.cluster == "slurm":
            if self.partition:
                parameters["slurm_partition"] = self.partition
            if self.max_concurrent:
                parameters["slurm_array_parallelism"] = self.max_concurrent
        executor.update_parameters(**parameters)
        return executor

    def submit(self, work: Sequence[Work], options: RunOptions) -> dict[Any, Work]:
        executor = self.executor()
        jobs: dict[Any, Work] = {}
        for chunk in array_chunks(absolute(work), self.array_size):
            with executor.batch():
                submitted = [executor.submit(SlurmRun(item, options)) for item in chunk]
            jobs.update(zip(submitted, chunk, strict=True))
        self.jobs = list(jobs)
        return jobs

    def run(
        self, work: Sequence[Work], options: RunOptions, progress: Progress
    ) -> Generator[RunReport, None, None]:
        if not work:
            return
        pending = self.submit(work, options)
        try:
            yield from self._follow(pending, progress)
        finally:
            if pending:  # interrupted: a cluster campaign must outlive the command that follows it
                print(
                    f"teachbench: {len(pending)} Slurm job(s) go on without this command and "
                    f"write their records as they finish (squeue --name teachbench; scancel to stop)",
                    file=sys.stderr,
                )

    def _follow(
        self, pending: dict[Any, Work], progress: Progress
    ) -> Generator[RunReport, None, None]:
        while pending:
            for job, item in list(pending.items()):
                if not job.done():
                    holder = current_holder(item.spec.record_file)
                    if holder is not None:
                        progress.steps(item.spec, holder.steps)
                    continue
                del pending[job]
                try:
                    report = job.result()
                except Exception as exc:  # submitit raises for a job that died without a result
                    why = (
                        f"the Slurm job {job.job_id} ended without a result ({type(exc).__name__})"
                    )
                    report = lost(item, "slurm job", why)
                yield report
            progress.refresh()
            if pending:
                time.sleep(POLL_S)
