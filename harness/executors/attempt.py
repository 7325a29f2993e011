"""One run, whatever the executor: claim it, run it under the supervisor, retry, release.

``attempt_run`` is what a local worker thread, a Ray task and a Slurm job all
call, so a record is written by one code path everywhere: the local supervisor
(``local.run_local``) runs the loop in a child process and turns a crash or a
hang into a ``failed`` record. Only such *aborted* attempts are retried (the
run's checkpoint lets the retry resume); a failure raised inside the loop (a
teacher's bug) is deterministic, so retrying it would only repeat it.

This module also holds the local executor: ``workers`` threads, each taking the
next planned run and calling ``attempt_run`` on it.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from teachbench.harness.claims import Holder, try_claim
from teachbench.harness.executors.base import (
    ELSEWHERE,
    RECORDED,
    Progress,
    RunOptions,
    RunReport,
    Work,
)
from teachbench.harness.executors.local import default_workers, run_local
from teachbench.harness.loop import checkpoint_path, write_failure
from teachbench.harness.records import RecordError, read_record, write_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.vocabulary import Status

#: The error type of a record written for a run that died outside the loop (``loop.write_failure``).
ABORTED = "RunAborted"
POLL_S = 0.2


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
    """A run that failed for good says how often it was tried (rewritten atomically, resealed)."""
    doc = _current(spec)
    if doc is not None and doc["status"] == Status.FAILED:
        doc["error"] = {**doc["error"], "attempts": attempts}
        write_record(spec.record_file, doc)


def attempt_run(
    work: Work,
    options: RunOptions,
    owner: str | None = None,
    on_steps: Callable[[RunSpec, int], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> RunReport:
    """Execute one planned run at most ``1 + options.retries`` times, under its claim."""
    spec = work.spec
    claim = try_claim(spec.record_file, owner, options.stale_after_s, options.heartbeat_s)
    if isinstance(claim, Holder):
        return RunReport(spec, ELSEWHERE, f"claimed by {claim.describe()}")
    started = time.perf_counter()
    with claim:
        _sweep_torn_writes(spec)
        if _recorded_meanwhile(work):
            return RunReport(spec, RECORDED, "recorded by another command meanwhile")

        def heard(run: RunSpec, steps: int) -> None:
            claim.report_steps(steps)
            if on_steps is not None:
                on_steps(run, steps)

        attempts = 0
        while True:
            attempts += 1
            if log is not None and checkpoint_path(spec.record_file).exists():
                log(f"{spec.label()}: resuming from its checkpoint (attempt {attempts})")
            (result,) = run_local(
                [(spec, work.budget)],
                workers=1,
                timeout_s=options.timeout_s,
                checkpoint_every_s=options.checkpoint_every_s,
                progress=False,
                on_steps=heard,
            )
            if result.status != Status.FAILED or attempts > options.retries or not _aborted(spec):
                break
        message = result.message
        if result.status == Status.FAILED:
            _stamp_attempts(spec, attempts)
            message = f"{message} (attempts: {attempts})"
        return RunReport(spec, result.status, message, attempts, time.perf_counter() - started)


def lost(work: Work, where: str, message: str) -> RunReport:
    """A run whose task or job vanished without a report (node lost, job killed): unless it
    left a finished record, record it failed, through the same writer as every record."""
    doc = _current(work.spec)
    if doc is not None and doc["status"] != Status.FAILED:
        return RunReport(work.spec, doc["status"], "finished, but its task did not report back")
    write_failure(work.spec, where, message)
    return RunReport(work.spec, Status.FAILED, message)


class LocalExecutor:
    """Runs on this machine: ``workers`` threads, each supervising one run process at a time."""

    name = "local"
    units_per_run = 1.0

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()

    def run(
        self, work: Sequence[Work], options: RunOptions, progress: Progress
    ) -> Iterator[RunReport]:
        todo: queue.SimpleQueue[Work] = queue.SimpleQueue()
        for item in work:
            todo.put(item)
        done: queue.SimpleQueue[RunReport | BaseException] = queue.SimpleQueue()
        stop = threading.Event()

        def worker() -> None:
            while not stop.is_set():
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    done.put(attempt_run(item, options, on_steps=progress.steps))
                except BaseException as exc:  # surfaced in the main thread, which stops the rest
                    done.put(exc)
                    return

        threads = [threading.Thread(target=worker, daemon=True) for _ in range(self.workers)]
        for thread in threads:
            thread.start()
        try:
            for _ in range(len(work)):
                while True:
                    try:
                        report = done.get(timeout=POLL_S)
                        break
                    except queue.Empty:
                        progress.refresh()
                if isinstance(report, BaseException):
                    raise report
                yield report
        finally:
            stop.set()
