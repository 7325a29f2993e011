"""The local executor: one run per process, a pool of ``workers`` processes.

A process per run (rather than a thread or a shared pool worker) is what makes
a hanging or crashing teacher harmless: the process is killed, the run gets a
``failed`` record that says where it was stuck, and the other runs go on. The
run loop reports its phase and step count through a small shared array, which
feeds both the hang diagnosis and the progress bar.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from teachbench.harness.loop import EPISODE, PHASE, PHASES, STEPS, execute, write_failure
from teachbench.harness.records import read_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.vocabulary import Status
from threadpoolctl import threadpool_limits
from tqdm import tqdm

POLL_S = 0.05


@dataclass(frozen=True)
class RunResult:
    spec: RunSpec
    status: str
    message: str = ""


@dataclass
class _Running:
    spec: RunSpec
    process: mp.Process
    heartbeat: object
    started: float
    budget: int


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def _child(spec: RunSpec, heartbeat, checkpoint_every_s: float) -> None:
    # One run per core: a library that spawns its own threads would fight the other runs.
    threadpool_limits(1)
    execute(spec, heartbeat=heartbeat, checkpoint_every_s=checkpoint_every_s)


def run_local(
    specs: Sequence[tuple[RunSpec, int]],
    workers: int | None = None,
    timeout_s: float | None = None,
    checkpoint_every_s: float = 60.0,
    progress: bool = True,
) -> list[RunResult]:
    """Execute ``(spec, budget_steps)`` pairs; return one result per spec, in order of completion."""
    workers = workers or default_workers()
    context = mp.get_context("fork")
    queue = list(specs)
    running: list[_Running] = []
    results: list[RunResult] = []
    total_steps = sum(budget for _, budget in specs)
    done_steps = 0
    bar = tqdm(
        total=total_steps,
        unit="step",
        unit_scale=True,
        disable=not progress,
        dynamic_ncols=True,
        mininterval=0.5,
        bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} env steps [{elapsed}<{remaining}] {postfix}",
    )
    try:
        while queue or running:
            while queue and len(running) < workers:
                spec, budget = queue.pop(0)
                heartbeat = context.Array("q", 3, lock=False)
                process = context.Process(
                    target=_child, args=(spec, heartbeat, checkpoint_every_s), daemon=True
                )
                process.start()
                running.append(_Running(spec, process, heartbeat, time.monotonic(), budget))
            time.sleep(POLL_S)
            for job in list(running):
                result = _poll(job, timeout_s)
                if result is None:
                    continue
                running.remove(job)
                results.append(result)
                done_steps += job.budget
            live = sum(min(job.heartbeat[STEPS], job.budget) for job in running)
            failed = sum(r.status == Status.FAILED for r in results)
            bar.set_postfix_str(f"runs {len(results)}/{len(specs)}, failed {failed}", refresh=False)
            bar.update(done_steps + live - bar.n)
    finally:
        for job in running:
            job.process.kill()
        bar.close()
    return results


def _poll(job: _Running, timeout_s: float | None) -> RunResult | None:
    process = job.process
    if process.exitcode is None:
        if timeout_s is None or time.monotonic() - job.started < timeout_s:
            return None
        process.kill()
        process.join()
        phase = PHASES[job.heartbeat[PHASE]]
        message = (
            f"timed out after {timeout_s:g} s in {phase} (episode {job.heartbeat[EPISODE]}); "
            "a checkpoint, if any, lets a re-run resume"
        )
        write_failure(job.spec, phase, message)
        return RunResult(job.spec, Status.FAILED, message)
    process.join()
    if process.exitcode != 0:
        phase = PHASES[job.heartbeat[PHASE]]
        message = f"the run process died (exit code {process.exitcode}) in {phase}"
        write_failure(job.spec, phase, message)
        return RunResult(job.spec, Status.FAILED, message)
    return _result_from_record(job.spec)


def _result_from_record(spec: RunSpec) -> RunResult:
    doc = read_record(Path(spec.record_file))
    if doc["status"] == "failed":
        return RunResult(spec, Status.FAILED, f"{doc['error']['where']}: {doc['error']['message']}")
    return RunResult(spec, doc["status"], doc.get("reason") or "")
