"""Run one ``RunSpec`` in a supervised, sandboxed child and turn whatever happens into one record.

This is the one place where submitted code is started, and the API every executor
builds on (local pool, Ray task, Slurm job)::

    attempt = start(spec, SupervisorOptions(timeout_s=600))
    while (result := poll(attempt)) is None:
        time.sleep(0.05)
    # or, blocking: result = run_supervised(spec, options)

The child (a fresh process from a fork server, so it holds none of the parent's
memory, the signing key included):
- leads its own process group, so it and every helper process it starts are
  killed together;
- dies with its parent (``PR_SET_PDEATHSIG``);
- is confined by ``harness.sandbox`` to its scratch folder: it cannot touch any
  record, trace or checkpoint but its own, nor read the signing key;
- computes the run and leaves the record and trace, unsigned, in its scratch folder.

The parent runs no teacher or student code. It reads the child's result without
pickle, checks it names the run it was started for, validates it against the
record schema, signs it and writes it. Every way a child can end becomes exactly
one record per attempt: a result, an exit without one (``sys.exit``, ``os._exit``,
a segfault, a kill), or a timeout; a record once written is never replaced by a
later event of the same attempt, because only the parent writes, once.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing as mp
import os
import signal
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness import sandbox, signing
from teachbench.harness.arguments import ArgumentProblem, check_hyperparameters
from teachbench.harness.challenge import canonical_json
from teachbench.harness.loop import (
    EPISODE,
    PHASE,
    PHASES,
    RunOutput,
    compute,
    failure_output,
    persist,
    scratch_dir,
)
from teachbench.harness.records import RecordError
from teachbench.harness.registry import RegistryError
from teachbench.harness.runspec import (
    RunSpec,
    code_version,
    name_key,
    resolve_suite,
    resolve_teacher,
)
from teachbench.harness.storage import StorageError, load_state, save_state
from teachbench.harness.vocabulary import Status

RESULT_FILE = "result.npz"
CRASH_FILE = "crash.txt"
#: The teacher identity a run reports once resolved, for its failure record if it then dies.
IDENTITY_FILE = "identity.json"
#: Exit code of a child that could not confine itself (the parent then fails the run).
EXIT_NOT_CONFINED = 97
_PR_SET_PDEATHSIG = 1
_PHASE_DONE = len(PHASES)


@dataclass(frozen=True)
class RunResult:
    """How one attempt ended: the record's status, and a one-line message when not ``ok``."""

    spec: RunSpec
    status: str
    message: str = ""


@dataclass(frozen=True)
class SupervisorOptions:
    timeout_s: float | None = None
    checkpoint_every_s: float = 60.0
    #: Confine runs with Landlock where the kernel has it (tests of the loop itself turn it off).
    sandbox: bool = True


@dataclass
class Attempt:
    """One started run: its child process, its heartbeat and its clock."""

    spec: RunSpec
    process: Any
    heartbeat: Any
    started: float
    options: SupervisorOptions
    scratch: Path = field(init=False)

    def __post_init__(self) -> None:
        self.scratch = scratch_dir(self.spec.record_file)

    @property
    def phase(self) -> str:
        index = int(self.heartbeat[PHASE])  # written by untrusted code: check before use
        return PHASES[index] if 0 <= index < len(PHASES) else "finishing"


_context: Any = None


def _fork_server() -> Any:
    """Children come from a fork server started before any key is read: they inherit nothing."""
    global _context
    if _context is None:
        _context = mp.get_context("forkserver")
        _context.set_forkserver_preload(
            ["teachbench.harness.run_server", "teachbench.harness.loop"]
        )
    return _context


@contextmanager
def _without_main_module() -> Iterator[None]:
    """Start a child without it re-running the caller's ``__main__`` (a script, a notebook).

    multiprocessing re-imports the main module in every non-fork child so that pickled
    functions defined there resolve; the child's target lives in this module, so that
    re-import only costs time (and runs a user's unguarded script once per run).
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def sandbox_problem(options: SupervisorOptions) -> str | None:
    """Why runs will not be sandboxed, or ``None`` when they will."""
    if not options.sandbox:
        return "sandboxing turned off"
    return sandbox.unavailable_reason()


def start(spec: RunSpec, options: SupervisorOptions) -> Attempt:
    """Start one run in a supervised child; return at once."""
    signing.ensure_key()  # created here, before any child, never inside one
    scratch = scratch_dir(spec.record_file)
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        for stale in (RESULT_FILE, CRASH_FILE, IDENTITY_FILE):
            (scratch / stale).unlink(missing_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot prepare {scratch} for {spec.label()} ({exc.strerror or exc}); check the "
            "results folder, then run the same command again"
        ) from None
    context = _fork_server()
    heartbeat = context.Array("q", 3, lock=False)
    confine = _confined(options)
    process = context.Process(
        target=_child_main,
        args=(spec, heartbeat, options.checkpoint_every_s, scratch, signing.key_path(), confine),
        daemon=True,
        name=f"teachbench run {spec.label()}",
    )
    with _without_main_module():
        process.start()
    return Attempt(spec, process, heartbeat, time.monotonic(), options)


def poll(attempt: Attempt) -> RunResult | None:
    """``None`` while the run goes on; otherwise its record is written and this says how it ended."""
    process, timeout_s = attempt.process, attempt.options.timeout_s
    if process.exitcode is None:
        if timeout_s is None or time.monotonic() - attempt.started < timeout_s:
            return None
        phase = attempt.phase
        kill(attempt)
        if (attempt.scratch / RESULT_FILE).exists():  # finished, but something kept it alive
            return _finish(attempt)
        return _failed(
            attempt,
            phase,
            f"timed out after {timeout_s:g} s in {phase} (episode {int(attempt.heartbeat[EPISODE])}"
            "); a checkpoint, if any, lets a re-run resume",
        )
    kill(attempt)  # helper processes the run left behind die with it
    return _finish(attempt)


def run_supervised(spec: RunSpec, options: SupervisorOptions, poll_s: float = 0.05) -> RunResult:
    """Run one spec to its record, blocking: what a Ray task or a Slurm job calls."""
    attempt = start(spec, options)
    try:
        while (result := poll(attempt)) is None:
            time.sleep(poll_s)
    except BaseException:
        kill(attempt)
        raise
    return result


def kill(attempt: Attempt) -> None:
    """Kill the run's whole process group (the child and any helpers it started)."""
    _kill_group(attempt.process)


def _kill_group(process: Any) -> None:
    if process.pid is None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if process.exitcode is None:  # not yet in its own group (killed at birth)
        process.kill()
    process.join()


def _finish(attempt: Attempt) -> RunResult:
    result_file = attempt.scratch / RESULT_FILE
    if result_file.is_file() and not result_file.is_symlink():
        try:
            output = _read_result(result_file, attempt.spec)
        except Exception as exc:  # whatever the child left, it is data to check, not to trust
            return _failed(attempt, attempt.phase, f"the run returned an unusable result ({exc})")
        try:
            doc = persist(attempt.spec, output)
        except RecordError as exc:
            return _failed(
                attempt, "the run's result", f"the run returned an invalid record: {exc}"
            )
        return _result(attempt.spec, doc)
    code = attempt.process.exitcode
    if code == EXIT_NOT_CONFINED:
        return _failed(
            attempt, "sandbox", "the run process could not confine itself: " + _crash(attempt)
        )
    how = f"was killed by {_signal_name(-code)}" if code < 0 else f"exited (code {code})"
    detail = _crash(attempt)
    return _failed(
        attempt,
        attempt.phase,
        f"the run process {how} in {attempt.phase} without a result"
        + (f": {detail}" if detail else ""),
    )


def _read_result(path: Path, spec: RunSpec) -> RunOutput:
    """The child's result, as data; refused unless it is a result of exactly this run."""
    saved = load_state(path)
    doc, trace = saved["doc"], saved["trace"]
    suite = resolve_suite(spec.suite)
    protocol = suite.protocol_hash(spec.tier, suite.challenge(spec.tier, spec.challenge))
    expected = {"challenge": spec.challenge, "level": spec.level, "seed": spec.seed,
                "protocol": protocol, "key": spec.teacher_key,
                "hyperparameters": json.loads(canonical_json(spec.hyperparameters))}  # fmt: skip
    claimed = {
        "challenge": doc.get("challenge"),
        "level": doc.get("level"),
        "seed": doc.get("seed"),
        "protocol": doc.get("protocol", {}).get("hash"),
        "key": doc.get("teacher", {}).get("key"),
        "hyperparameters": doc.get("teacher", {}).get("hyperparameters"),
    }
    wrong = sorted(k for k in expected if claimed[k] != expected[k])
    if wrong:
        raise ValueError(f"it names another run (its {', '.join(wrong)} differ)")
    if trace is not None:
        if set(trace) != {"tasks", "returns", "lengths"} or not all(
            isinstance(a, np.ndarray) and a.dtype.kind in "fiu" for a in trace.values()
        ):
            raise ValueError("its trace is not three numeric arrays")
    return RunOutput(doc, trace)


def _reported_identity(attempt: Attempt) -> dict[str, Any] | None:
    """The teacher identity the run wrote before it died, if it is one for this run."""
    try:
        identity = json.loads((attempt.scratch / IDENTITY_FILE).read_text())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(identity, dict) or identity.get("key") != attempt.spec.teacher_key:
        return None
    return identity


def _crash(attempt: Attempt) -> str:
    try:
        text = (attempt.scratch / CRASH_FILE).read_text(errors="replace")[-500:]
    except OSError:
        return ""
    return " ".join(text.split())


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _failed(attempt: Attempt, where: str, message: str) -> RunResult:
    output = failure_output(attempt.spec, where, message, _reported_identity(attempt))
    try:
        persist(attempt.spec, output)
    except RecordError:  # the identity the run reported does not pass the schema: ignore it
        persist(attempt.spec, failure_output(attempt.spec, where, message))
    return RunResult(attempt.spec, Status.FAILED, message)


def _result(spec: RunSpec, doc: dict[str, Any]) -> RunResult:
    if doc["status"] == Status.FAILED:
        return RunResult(spec, Status.FAILED, f"{doc['error']['where']}: {doc['error']['message']}")
    return RunResult(spec, doc["status"], doc.get("reason") or "")


# --- the child --------------------------------------------------------------------------------


def _isolate(scratch: Path, secret: Path, confine: bool) -> None:
    """First thing in a child: own process group, die with the parent, sandbox, one thread."""
    os.setpgid(0, 0)
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when runs stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the fork server's handler
    os.environ["TMPDIR"] = str(scratch)
    os.environ["JOBLIB_MULTIPROCESSING"] = "0"  # its semaphores live outside the sandbox
    os.environ["CUDA_CACHE_PATH"] = str(scratch / "cuda-cache")  # not ~/.nv, outside it
    tempfile.tempdir = str(scratch)
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)  # one run per core: a library's own threads would fight the others
    if confine:
        try:
            sandbox.confine(scratch, secret)
        except OSError as exc:
            (scratch / CRASH_FILE).write_text(str(exc))
            os._exit(EXIT_NOT_CONFINED)


def _child_main(
    spec: RunSpec,
    heartbeat: Any,
    checkpoint_every_s: float,
    scratch: Path,
    secret: Path,
    confine: bool,
) -> None:
    """Body of the run process: isolate, compute, leave the result in scratch, exit hard."""
    try:
        _isolate(scratch, secret, confine)

        def report_identity(base: dict[str, Any]) -> None:
            (scratch / IDENTITY_FILE).write_text(json.dumps(base["teacher"]))

        output = compute(spec, heartbeat, checkpoint_every_s, on_start=report_identity)
        save_state(scratch / RESULT_FILE, {"doc": output.doc, "trace": output.trace})
        heartbeat[PHASE] = _PHASE_DONE
    except BaseException:
        try:
            (scratch / CRASH_FILE).write_text(traceback.format_exc(limit=-3))
        except OSError:
            pass
        os._exit(1)
    os._exit(0)  # a teacher's leftover non-daemon thread must not keep the process alive


# --- loading a teacher without running it in the parent ---------------------------------------

INSPECT_FILE = "inspect.json"
#: Importing a teacher's module may take a while (torch); longer is a hang.
INSPECT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class TeacherInfo:
    """What the parent needs to know of a teacher, learnt without importing it."""

    name: str
    entry_point: str
    code_version: str


def inspect_teacher(
    entry: str, hyperparameters: dict[str, Any], options: SupervisorOptions | None = None
) -> TeacherInfo:
    """Import and check a teacher in a sandboxed child; raise the child's one-line error.

    Module-level code of a submission runs there, never in the command's process:
    resolving the name, checking ``--hp`` against its constructor, and hashing its
    code (``code_version``) all happen in the child.
    """
    name_key(entry, "teacher")
    options = options or SupervisorOptions()
    signing.ensure_key()
    with tempfile.TemporaryDirectory(prefix="teachbench-inspect-") as folder:
        scratch = Path(folder)
        process = _fork_server().Process(
            target=_inspect_main,
            args=(entry, hyperparameters, scratch, signing.key_path(), _confined(options)),
            daemon=True,
        )
        with _without_main_module():
            process.start()
        process.join(INSPECT_TIMEOUT_S)
        _kill_group(process)
        try:
            report = json.loads((scratch / INSPECT_FILE).read_text())
            error, kind = report.get("error"), report.get("kind")
            info = None if error else TeacherInfo(*(str(report[k]) for k in _INFO_KEYS))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            raise RegistryError(
                f"teacher {entry!r} could not be loaded: the process importing it ended "
                f"(exit code {process.exitcode}) without a report"
                + (f": {_printable(_crash_text(scratch))}" if _crash_text(scratch) else "")
            ) from None
    if info is None:
        problem = ArgumentProblem if kind == "argument" else RegistryError
        raise problem(_printable(str(error)))
    return info


_INFO_KEYS = ("name", "entry_point", "code_version")


def _confined(options: SupervisorOptions) -> bool:
    return sandbox_problem(options) is None


def _printable(text: str, limit: int = 500) -> str:
    """Text from a child, fit for one terminal line (no escape sequences, bounded)."""
    return "".join(c if c.isprintable() else " " for c in text)[:limit]


def _crash_text(scratch: Path) -> str:
    try:
        return (scratch / CRASH_FILE).read_text(errors="replace")[-500:]
    except OSError:
        return ""


def _inspect_main(
    entry: str, hyperparameters: dict[str, Any], scratch: Path, secret: Path, confine: bool
) -> None:
    try:
        _isolate(scratch, secret, confine)
        try:
            resolved = resolve_teacher(entry)
            check_hyperparameters(entry, resolved.obj, hyperparameters)
            report = {"name": resolved.name, "entry_point": resolved.entry_point,
                      "code_version": code_version(resolved.obj)}  # fmt: skip
        except RegistryError as exc:
            report = {"error": str(exc).strip("'\""), "kind": "registry"}
        except ArgumentProblem as exc:
            report = {"error": str(exc), "kind": "argument"}
        (scratch / INSPECT_FILE).write_text(json.dumps(report))
    except BaseException:
        try:
            (scratch / CRASH_FILE).write_text(traceback.format_exc(limit=-2))
        except OSError:
            pass
        os._exit(1)
    os._exit(0)
