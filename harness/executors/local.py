"""The local executor: up to ``workers`` supervised, sandboxed run processes on this machine.

A process per run (rather than a thread or a shared pool worker) is what makes a
hanging, crashing or exiting teacher harmless: ``harness.supervisor`` kills it
(with any helper processes), records how it ended, and the other runs go on. Each
run goes through the same claim, retry and record path as on Ray or Slurm
(``executors.attempt``), so two commands on one results folder never run the same
run twice. SIGINT (Ctrl-C) and SIGTERM (``kill``, ``timeout``) stop every run at
once and leave no record for the interrupted ones, so running the same command
again resumes them (from their checkpoints where they have one).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Generator, Sequence

from teachbench.harness.executors.attempt import POLL_S, ClaimedRun
from teachbench.harness.executors.base import (
    Progress,
    RunOptions,
    RunReport,
    Work,
    planned,
    run_campaign,
)
from teachbench.harness.runspec import RunSpec
from teachbench.harness.supervisor import SupervisorOptions, sandbox_problem


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


class LocalExecutor:
    """Runs on this machine: up to ``workers`` runs in flight, polled from the calling thread."""

    name = "local"
    units_per_run = 1.0

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()

    def run(
        self, work: Sequence[Work], options: RunOptions, progress: Progress
    ) -> Generator[RunReport, None, None]:
        problem = sandbox_problem(SupervisorOptions(sandbox=options.sandbox)) if work else None
        if problem:
            print(f"teachbench: runs are NOT sandboxed ({problem})", file=sys.stderr)
        queue = list(work)
        running: list[ClaimedRun] = []
        try:
            while queue or running:
                while queue and len(running) < self.workers:
                    run = ClaimedRun(queue.pop(0), options)
                    report = run.begin()
                    if report is None:
                        running.append(run)
                    else:
                        yield report
                time.sleep(POLL_S)
                for run in list(running):
                    report = run.poll()
                    if report is None:
                        progress.steps(run.spec, run.steps)
                        continue
                    running.remove(run)
                    yield report
                progress.refresh()
        finally:
            for run in running:
                run.release()


def run_local(
    specs: Sequence[tuple[RunSpec, int]],
    workers: int | None = None,
    timeout_s: float | None = None,
    checkpoint_every_s: float = 60.0,
    progress: bool = True,
    sandbox: bool = True,
    retries: int = 0,
) -> list[RunReport]:
    """Execute ``(spec, budget_steps)`` pairs here, blocking; one report per run as each ends.

    For callers that plan their own runs (``submit``, ``verify``, tests); ``retries`` counts
    extra attempts of runs that died outside the loop (crash, hang), as ``--retries`` does.
    """
    work = [planned(spec, budget) for spec, budget in specs]
    options = RunOptions(timeout_s, checkpoint_every_s, retries, sandbox=sandbox)
    reports, _ = run_campaign(LocalExecutor(workers), work, options, progress=progress)
    return reports
