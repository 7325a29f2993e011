"""What every executor shares: the unit of work, its report, one progress bar and one summary.

An executor (local, ray, slurm) only decides *where* a run happens. What happens
to one run is the same everywhere (``attempt.attempt_run``): claim it, run it
under the local supervisor (crash and hang become failed records, checkpoints
make a retry resume), retry a crashed, hung or pre-empted run a bounded number
of times, release the claim. So records are written by one code path whatever
the executor, and the campaign's progress and summary are shown by this module
whatever the executor.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Protocol, TextIO

from teachbench.harness.claims import HEARTBEAT_S, STALE_AFTER_S
from teachbench.harness.records import RecordError, read_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.vocabulary import Status
from tqdm import tqdm

#: Report statuses beyond a record's own: the run was left to another command.
ELSEWHERE = "elsewhere"  # claimed by another live command or executor
RECORDED = "recorded"  # recorded by another command between planning and claiming
EXECUTORS = ("local", "ray", "slurm")


@dataclass(frozen=True)
class Work:
    """One planned run: its spec, budget, and the digest of the record seen when planning."""

    spec: RunSpec
    budget: int
    seen: str | None = None


def planned(spec: RunSpec, budget: int) -> Work:
    """A ``Work`` that remembers which record (if any) was on disk when the run was planned."""
    try:
        seen = read_record(spec.record_file)["digest"] if spec.record_file.exists() else None
    except RecordError:
        seen = None
    return Work(spec, budget, seen)


@dataclass(frozen=True)
class RunOptions:
    """How each run is executed, whatever the executor."""

    timeout_s: float | None = None
    checkpoint_every_s: float = 60.0
    retries: int = 1
    device: str = "cpu"
    #: Confine each run process to its scratch folder (``harness.sandbox``); off only in tests
    #: that show what an unconfined attack does.
    sandbox: bool = True
    stale_after_s: float = STALE_AFTER_S
    heartbeat_s: float = HEARTBEAT_S


@dataclass(frozen=True)
class RunReport:
    """What became of one run in this command."""

    spec: RunSpec
    status: str
    message: str = ""
    attempts: int = 0
    wall_s: float = 0.0


class Executor(Protocol):
    """Runs planned work somewhere and yields one report per run as each finishes."""

    name: str
    #: Processors one run holds while it runs (for the compute summary): CPUs, or GPUs on cuda.
    units_per_run: float

    def run(
        self, work: Sequence[Work], options: RunOptions, progress: Progress
    ) -> Generator[RunReport, None, None]: ...


def _key(spec: RunSpec) -> Path:
    """A run's key: its absolute record file (a RunSpec holds a dict, so it is not hashable, and
    a remote executor hands back specs whose results folder was made absolute)."""
    return Path(os.path.abspath(spec.record_file))


def absolute(work: Sequence[Work]) -> list[Work]:
    """The same work with absolute results folders, for executors whose runs start elsewhere."""
    return [
        replace(w, spec=replace(w.spec, results=Path(os.path.abspath(w.spec.results))))
        for w in work
    ]


class Progress:
    """One bar in env steps for the whole campaign; executors feed it from any thread."""

    def __init__(self, work: Sequence[Work], enabled: bool = True, stream: TextIO | None = None):
        self._budgets = {_key(w.spec): w.budget for w in work}
        self._live: dict[Path, int] = {}
        self._done_steps = 0
        self._lock = threading.Lock()
        self.reports: list[RunReport] = []
        self.bar = tqdm(
            total=sum(self._budgets.values()),
            unit="step",
            unit_scale=True,
            disable=not enabled or not work,
            dynamic_ncols=True,
            mininterval=0.5,
            file=stream,
            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} env steps [{elapsed}<{remaining}] {postfix}",
        )

    def steps(self, spec: RunSpec, steps: int) -> None:
        """A run in flight has reached ``steps`` (called by executors, from any thread)."""
        with self._lock:
            key = _key(spec)
            if key in self._budgets:
                self._live[key] = min(steps, self._budgets[key])

    def finished(self, report: RunReport) -> None:
        with self._lock:
            self._live.pop(_key(report.spec), None)
            self._done_steps += self._budgets.get(_key(report.spec), 0)
            self.reports.append(report)
        self.refresh()

    def refresh(self) -> None:
        with self._lock:
            reached = self._done_steps + sum(self._live.values())
            failed = sum(r.status == Status.FAILED for r in self.reports)
            finished = len(self.reports)
        self.bar.set_postfix_str(
            f"runs {finished}/{len(self._budgets)}, failed {failed}", refresh=False
        )
        self.bar.update(reached - self.bar.n)

    def close(self) -> None:
        self.refresh()
        self.bar.close()


@dataclass
class Summary:
    """The end of a campaign in numbers: what ran, what was skipped, the compute it used."""

    counts: dict[str, int] = field(default_factory=dict)
    already_recorded: int = 0
    unit_hours: float = 0.0
    unit: str = "CPU"
    wall_s: float = 0.0

    def line(self) -> str:
        c = self.counts
        skipped = self.already_recorded + c.get(RECORDED, 0)
        parts = [
            f"ok {c.get(Status.OK, 0)}",
            f"failed {c.get(Status.FAILED, 0)}",
            f"not applicable {c.get(Status.NOT_APPLICABLE, 0)}",
            f"skipped {skipped} (already recorded)",
        ]
        if c.get(ELSEWHERE):
            parts.append(f"{c[ELSEWHERE]} left to another command that holds them")
        return (
            f"campaign: {', '.join(parts)}; compute used {self.unit_hours:.3g} {self.unit}-h "
            f"in {self.wall_s:.0f} s"
        )


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: every run in flight was stopped; the same command resumes."""


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGINT/SIGTERM into ``Interrupted`` while a campaign runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_campaign(
    executor: Executor,
    work: Sequence[Work],
    options: RunOptions,
    already_recorded: int = 0,
    progress: bool = True,
) -> tuple[list[RunReport], Summary]:
    """Run ``work`` on ``executor`` behind one progress bar; return the reports and a summary.

    A signal stops the campaign: each executor's clean-up stops its runs in flight and
    releases their claims, and ``Interrupted`` reaches the caller.
    """
    started = time.perf_counter()
    bar = Progress(work, enabled=progress)
    try:
        with stop_on_signals():
            reports = executor.run(work, options, bar)
            try:
                for report in reports:
                    bar.finished(report)
            finally:
                reports.close()  # the executor's own clean-up runs now, not when collected
    finally:
        bar.close()
    summary = Summary(already_recorded=already_recorded, wall_s=time.perf_counter() - started)
    summary.unit = "GPU" if options.device == "cuda" else "CPU"
    for report in bar.reports:
        summary.counts[report.status] = summary.counts.get(report.status, 0) + 1
        summary.unit_hours += report.wall_s * executor.units_per_run / 3600
    return bar.reports, summary


class ExecutorUnavailable(ValueError):
    """An executor that cannot be used here (its extra is missing); the CLI prints one line."""


def require(module: str, extra: str) -> ModuleType:
    """Import an optional dependency, or explain in one line how to install it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ExecutorUnavailable(
            f"the {extra} executor needs the '{extra}' extra: "
            f"pip install 'teachbench[{extra}]' -c constraints.txt"
        ) from None
