"""One run, whatever the executor: claim it, run it under the supervisor, retry, release.

A local executor slot, a Ray task and a Slurm job all drive a run through
``ClaimedRun`` (``attempt_run`` is its blocking form), so a record is written by
one code path everywhere: the supervisor runs the loop in a child process and
turns a crash or a hang into a ``failed`` record. Only such *aborted* attempts
are retried (the run's checkpoint lets the retry resume); a failure raised inside
the loop (a teacher's bug) is deterministic, so retrying it would only repeat it.

Everything here runs in the calling process's own thread, one poll at a time:
the supervisor may install signal handlers, which only a main thread can do.
The local executor (``executors.local``) polls up to ``workers`` of them in turn.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from teachbench.harness.claims import Claim, Holder, try_claim
from teachbench.harness.executors.base import (
    ELSEWHERE,
    RECORDED,
    RunOptions,
    RunReport,
    Work,
)
from teachbench.harness.loop import STEPS, checkpoint_path, failure_output, persist
from teachbench.harness.records import RecordError, read_record, write_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.supervisor import (
    Attempt,
    SupervisorOptions,
    kill,
    poll,
    start,
)
from teachbench.harness.vocabulary import Status

#: The error type of a record written for a run that died outside the loop (crash, kill, timeout).
ABORTED = "RunAborted"
POLL_S = 0.05


def _current(spec: RunSpec) -> dict | None:
    try:
        return read_record(spec.record_file)
    except (RecordError, FileNotFoundError):
        return None


def _recorded_meanwhile(work: Work) -> bool:
    """Another command finished this run between our planning and our claim."""
    doc = _current(work.spec)
    return doc is not None and doc["digest"] != work.seen and doc["status"] != Status.FAILED


def _aborted(spec: RunSpec) -> bool:
    doc = _current(spec)
    return doc is not None and doc["status"] == Status.FAILED and doc["error"]["type"] == ABORTED


def _sweep_torn_writes(spec: RunSpec) -> None:
    """Remove temporary files a killed holder of this run left half-written (we hold it now)."""
    stem = spec.record_file.name.removesuffix(".json")
    for leftover in spec.record_file.parent.glob(f".{stem}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _stamp_attempts(spec: RunSpec, attempts: int) -> None:
    """A run tried more than once, or failed for good, says how often it was tried.

    The count goes into the record's provenance (resealed, rewritten atomically): how a
    result came about, not part of the result, so records stay comparable.
    """
    doc = _current(spec)
    if doc is not None:
        doc["provenance"] = {**doc["provenance"], "attempts": attempts}
        write_record(spec.record_file, doc)


class ClaimedRun:
    """One planned run through its claim, its attempts and its release, one poll at a time."""

    def __init__(
        self,
        work: Work,
        options: RunOptions,
        owner: str | None = None,
        log: Callable[[str], None] | None = None,
    ):
        self.work, self.options, self.owner, self.log = work, options, owner, log
        self.attempts = 0
        self.claim: Claim | None = None
        self.attempt: Attempt | None = None
        self.started = time.perf_counter()

    @property
    def spec(self) -> RunSpec:
        return self.work.spec

    def begin(self) -> RunReport | None:
        """Claim the run and start it; a report instead when another command has it or did it."""
        options = self.options
        claim = try_claim(
            self.spec.record_file, self.owner, options.stale_after_s, options.heartbeat_s
        )
        if isinstance(claim, Holder):
            return RunReport(self.spec, ELSEWHERE, f"claimed by {claim.describe()}")
        self.claim = claim
        _sweep_torn_writes(self.spec)
        if _recorded_meanwhile(self.work):
            self.release()
            return RunReport(self.spec, RECORDED, "recorded by another command meanwhile")
        self._start()
        return None

    def _start(self) -> None:
        self.attempts += 1
        if self.log is not None and checkpoint_path(self.spec.record_file).exists():
            self.log(f"{self.spec.label()}: resuming from its checkpoint (attempt {self.attempts})")
        supervisor = SupervisorOptions(
            self.options.timeout_s, self.options.checkpoint_every_s, self.options.sandbox
        )
        self.attempt = start(self.spec, supervisor)

    @property
    def steps(self) -> int:
        return int(self.attempt.heartbeat[STEPS]) if self.attempt is not None else 0

    def poll(self) -> RunReport | None:
        """``None`` while the run goes on (retries included); its report once it has ended."""
        result = poll(self.attempt)
        if result is None:
            self.claim.report_steps(self.steps)
            return None
        self.attempt = None
        failed = result.status == Status.FAILED
        if failed and self.attempts <= self.options.retries and _aborted(self.spec):
            self._start()
            return None
        message = result.message
        if failed or self.attempts > 1:
            _stamp_attempts(self.spec, self.attempts)
        if failed:
            message = f"{message} (attempts: {self.attempts})"
        self.release()
        wall = time.perf_counter() - self.started
        return RunReport(self.spec, result.status, message, self.attempts, wall)

    def release(self) -> None:
        """Stop the run if it is still going and give its claim back (idempotent)."""
        if self.attempt is not None:
            kill(self.attempt)
            self.attempt = None
        if self.claim is not None:
            self.claim.release()
            self.claim = None


def attempt_run(
    work: Work,
    options: RunOptions,
    owner: str | None = None,
    log: Callable[[str], None] | None = None,
) -> RunReport:
    """Execute one planned run at most ``1 + options.retries`` times, under its claim (blocking)."""
    run = ClaimedRun(work, options, owner, log)
    try:
        report = run.begin()
        while report is None:
            time.sleep(POLL_S)
            report = run.poll()
        return report
    finally:
        run.release()


def lost(work: Work, where: str, message: str) -> RunReport:
    """A run whose task or job vanished without a report (node lost, job killed): unless it
    left a finished record, record it failed, through the same writer as every record."""
    doc = _current(work.spec)
    if doc is not None and doc["status"] != Status.FAILED:
        return RunReport(work.spec, doc["status"], "finished, but its task did not report back")
    persist(work.spec, failure_output(work.spec, where, message))
    return RunReport(work.spec, Status.FAILED, message)
