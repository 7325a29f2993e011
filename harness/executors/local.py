"""The local executor: a pool of ``workers`` supervised, sandboxed run processes.

A process per run (rather than a thread or a shared pool worker) is what makes a
hanging, crashing or exiting teacher harmless: ``harness.supervisor`` kills it
(with any helper processes), records how it ended, and the other runs go on. The
run loop reports its phase and step count through a small shared array, which
feeds both the hang diagnosis and the progress bar.

SIGINT (Ctrl-C) and SIGTERM (``kill``, ``timeout``) stop every run at once and
leave no record for the interrupted ones, so running the same command again
resumes them (from their checkpoints where they have one).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from teachbench.harness.executors.base import Interrupted, stop_on_signals
from teachbench.harness.loop import STEPS
from teachbench.harness.runspec import RunSpec
from teachbench.harness.supervisor import (
    Attempt,
    RunResult,
    SupervisorOptions,
    kill,
    poll,
    sandbox_problem,
    start,
)
from teachbench.harness.vocabulary import Status
from tqdm import tqdm

__all__ = ["Interrupted", "RunResult", "default_workers", "run_local", "stop_on_signals"]

POLL_S = 0.05


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def run_local(
    specs: Sequence[tuple[RunSpec, int]],
    workers: int | None = None,
    timeout_s: float | None = None,
    checkpoint_every_s: float = 60.0,
    progress: bool = True,
    sandbox: bool = True,
) -> list[RunResult]:
    """Execute ``(spec, budget_steps)`` pairs; return one result per spec, in order of completion."""
    workers = workers or default_workers()
    options = SupervisorOptions(timeout_s, checkpoint_every_s, sandbox)
    problem = sandbox_problem(options) if specs else None
    if problem and sandbox:
        print(f"teachbench: runs are NOT sandboxed ({problem})", file=sys.stderr)
    queue = list(specs)
    budgets = {id(spec): budget for spec, budget in specs}
    running: list[Attempt] = []
    results: list[RunResult] = []
    done_steps = 0
    bar = tqdm(
        total=sum(budgets.values()),
        unit="step",
        unit_scale=True,
        disable=not progress,
        dynamic_ncols=True,
        mininterval=0.5,
        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} env steps [{elapsed}<{remaining}] {postfix}",
    )
    try:
        with stop_on_signals():
            while queue or running:
                while queue and len(running) < workers:
                    spec, _ = queue.pop(0)
                    running.append(start(spec, options))
                time.sleep(POLL_S)
                for attempt in list(running):
                    result = poll(attempt)
                    if result is None:
                        continue
                    running.remove(attempt)
                    results.append(result)
                    done_steps += budgets[id(attempt.spec)]
                live = sum(
                    min(max(int(a.heartbeat[STEPS]), 0), budgets[id(a.spec)]) for a in running
                )
                failed = sum(r.status == Status.FAILED for r in results)
                bar.set_postfix_str(
                    f"runs {len(results)}/{len(specs)}, failed {failed}", refresh=False
                )
                bar.update(done_steps + live - bar.n)
    finally:
        for attempt in running:
            kill(attempt)
        bar.close()
    return results
