"""Start one run in a child process, poll it, kill it: the run supervisor's API, on this branch.

Every executor builds on these three calls (``start``, ``poll``, ``kill``), from
the main thread of whatever process hosts the runs (the command, a Ray worker, a
Slurm job). They are the API of ``harness.supervisor`` from the trusted-results
work (issue 14), which adds the sandbox, process groups and signed records; on a
branch that has it, this module is replaced by::

    from teachbench.harness.supervisor import Attempt, SupervisorOptions, kill, poll, start

Here they run the loop in a forked child exactly as ``executors.local`` does: a
crash or a timeout becomes a ``failed`` record written by ``loop.write_failure``.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from dataclasses import dataclass
from typing import Any

from teachbench.harness.executors.local import RunResult, _child, _poll, _Running
from teachbench.harness.runspec import RunSpec


@dataclass(frozen=True)
class SupervisorOptions:
    timeout_s: float | None = None
    checkpoint_every_s: float = 60.0


@dataclass
class Attempt:
    """One started run: its child process, its heartbeat (phase, episode, steps) and its clock."""

    spec: RunSpec
    process: Any
    heartbeat: Any
    started: float
    options: SupervisorOptions


def start(spec: RunSpec, options: SupervisorOptions) -> Attempt:
    """Start one run in a child process; return at once."""
    context = mp.get_context("fork")
    heartbeat = context.Array("q", 3, lock=False)
    process = context.Process(
        target=_child, args=(spec, heartbeat, options.checkpoint_every_s), daemon=True
    )
    process.start()
    return Attempt(spec, process, heartbeat, time.monotonic(), options)


def poll(attempt: Attempt) -> RunResult | None:
    """``None`` while the run goes on; otherwise its record is written and this says how it ended."""
    job = _Running(attempt.spec, attempt.process, attempt.heartbeat, attempt.started, 0)
    return _poll(job, attempt.options.timeout_s)


def kill(attempt: Attempt) -> None:
    if attempt.process.exitcode is None:
        attempt.process.kill()
    attempt.process.join()
