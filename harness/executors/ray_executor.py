"""The Ray executor: one Ray task per run, on an existing cluster or a local one.

Who writes the records: the *task*, through ``attempt.attempt_run``, the same
supervisor and atomic writer as the local executor. The supervisor has to sit
next to the run (the driver cannot see a hung child process on another node),
a run's checkpoint and claim must live beside its record for a retry or a
second command to find them, and one writer means one way a record can come
about. The price is a results folder that every node sees (a shared file
system); the driver checks that with a probe task before it submits any run.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Generator, Sequence
from pathlib import Path

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

POLL_S = 0.2
#: How often the driver reads the claims of runs in flight for the progress bar, and how many.
CLAIM_POLL_S = 2.0
CLAIM_POLL_MAX = 256


def _ray_attempt(work: Work, options: RunOptions) -> RunReport:
    return attempt_run(work, options)


def _sees(path: str, token: str) -> bool:
    try:
        return Path(path).read_text() == token
    except OSError:
        return False


class RayExecutor:
    """Runs each planned run as a Ray task asking for ``cpus_per_run`` CPUs and ``gpus_per_run`` GPUs."""

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        cpus_per_run: float = 1.0,
        gpus_per_run: float = 0.0,
    ):
        self.address = address
        self.workers = workers
        self.cpus_per_run = cpus_per_run
        self.gpus_per_run = gpus_per_run
        self.units_per_run = gpus_per_run or cpus_per_run

    def run(
        self, work: Sequence[Work], options: RunOptions, progress: Progress
    ) -> Generator[RunReport, None, None]:
        ray = require("ray", "ray")
        if not work:
            return
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(
                address=self.address,
                num_cpus=self.workers if self.address is None else None,
                include_dashboard=False,
                configure_logging=False,
            )
        try:
            self._check_shared(ray, work[0].spec.results)
            task = ray.remote(_ray_attempt).options(
                num_cpus=self.cpus_per_run, num_gpus=self.gpus_per_run, max_retries=options.retries
            )
            pending = {task.remote(item, options): item for item in absolute(work)}
            yield from self._collect(ray, pending, progress)
        finally:
            if started_here:
                ray.shutdown()

    def _collect(self, ray, pending: dict, progress: Progress) -> Generator[RunReport, None, None]:
        last_poll = 0.0
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=len(pending), timeout=POLL_S)
            for ref in ready:
                item = pending.pop(ref)
                try:
                    report = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    report = lost(item, "ray task", f"the Ray task was lost ({type(exc).__name__})")
                yield report
            if time.monotonic() - last_poll > CLAIM_POLL_S:
                last_poll = time.monotonic()
                for item in list(pending.values())[:CLAIM_POLL_MAX]:
                    holder = current_holder(item.spec.record_file)
                    if holder is not None:
                        progress.steps(item.spec, holder.steps)
            progress.refresh()

    def _check_shared(self, ray, results: Path) -> None:
        """Refuse to start unless a Ray worker sees the driver's results folder."""
        results.mkdir(parents=True, exist_ok=True)
        probe = results / f".ray-probe-{uuid.uuid4().hex}"
        token = f"{os.uname().nodename}:{os.getpid()}"
        probe.write_text(token)
        try:
            seen = ray.get(
                ray.remote(_sees).options(num_cpus=0).remote(str(probe.resolve()), token)
            )
        finally:
            probe.unlink(missing_ok=True)
        if not seen:
            raise ExecutorUnavailable(
                f"Ray workers cannot see the results folder {results.resolve()}; put it on a file "
                "system every node mounts at the same path (records are written by the tasks)"
            )
