"""The run loop: teacher picks, student plays, harness counts, evaluates and records.

One call of ``execute`` is one run. Everything that can fail inside it becomes a
``failed`` record naming the culprit; the caller never sees an exception for a
bad teacher, so the other runs go on.
"""

from __future__ import annotations

import shutil
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness.challenge import Challenge, Suite
from teachbench.harness.errors import RunFailure
from teachbench.harness.knowledge import STEP_UPDATES, VALUE_ESTIMATE
from teachbench.harness.outcome import Episode, grade
from teachbench.harness.provenance import provenance
from teachbench.harness.records import RETURN_DECIMALS, mastered_percent, trace_path, write_record
from teachbench.harness.runspec import (
    ResolvedRun,
    RunSpec,
    resolve_run,
    resolve_suite,
    teacher_identity,
    unresolved_identity,
)
from teachbench.harness.seeding import run_streams
from teachbench.harness.storage import StorageError, load_state, save_state, write_with_retry
from teachbench.harness.student import Student
from teachbench.harness.teacher import Teacher
from teachbench.harness.validation import TaskValidator, check_returns
from teachbench.harness.vocabulary import Status

#: Indices into the heartbeat an executor watches (shared memory across processes).
PHASE, EPISODE, STEPS = 0, 1, 2
PHASES = ("starting", "teacher sample_task()", "student run_episode()", "teacher update()",
          "evaluation", "writing the record")  # fmt: skip

CHECKPOINT_SUFFIX = ".ckpt.npz"


@dataclass
class LoopState:
    """Everything the loop itself must carry across a checkpoint."""

    steps: int = 0
    episodes: int = 0
    next_eval: int = 0
    next_reset: int | None = None
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    sample_s: float = 0.0
    update_s: float = 0.0
    student_s: float = 0.0
    evaluation_s: float = 0.0
    tasks: list[np.ndarray] = field(default_factory=list)
    returns: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)


def scratch_dir(record_file: Path) -> Path:
    """The run's own folder (checkpoint, temporary files): the only place its code may write.

    A hidden folder beside the record, so record readers never look inside it.
    """
    return record_file.with_name("." + record_file.name.removesuffix(".json") + ".work")


def checkpoint_path(record_file: Path) -> Path:
    return scratch_dir(record_file) / f"checkpoint{CHECKPOINT_SUFFIX}"


@dataclass
class RunOutput:
    """What a run computes: its record (not yet sealed) and, if asked for, its trace arrays."""

    doc: dict[str, Any]
    trace: dict[str, np.ndarray] | None


def execute(
    spec: RunSpec,
    heartbeat: Any = None,
    checkpoint_every_s: float = 60.0,
) -> dict[str, Any]:
    """Run one (teacher, challenge, level, seed) in this process and write its record.

    For tests and benchmarks of the loop itself; commands run submitted code through
    ``teachbench.harness.supervisor``, in a sandboxed child.
    """
    return persist(spec, compute(spec, heartbeat, checkpoint_every_s))


def compute(
    spec: RunSpec,
    heartbeat: Any = None,
    checkpoint_every_s: float = 60.0,
    on_start: Callable[[dict[str, Any]], None] | None = None,
) -> RunOutput:
    """Run one (teacher, challenge, level, seed); return its record and trace, writing neither.

    ``on_start`` receives the record's identity part as soon as the teacher is resolved,
    so a supervisor can name the teacher's code in a failure record if the run then dies.
    """
    heartbeat = heartbeat if heartbeat is not None else [0, 0, 0]
    started = time.time()
    wall = time.perf_counter()
    try:
        run = resolve_run(spec)
    except (LookupError, RunFailure) as exc:
        raise RunFailure(spec.label(), str(exc).strip("'\"")) from None
    base = _record_base(
        spec, run.suite, run.challenge, run.protocol_hash, teacher_identity(run), started
    )
    if on_start is not None:
        on_start(base)
    missing = _missing_requirements(run)
    trace = None
    if missing:
        doc = {**base, "status": Status.NOT_APPLICABLE, "reason": missing}
    else:
        doc, trace = _run_guarded(run, base, heartbeat, checkpoint_every_s)
    heartbeat[PHASE] = len(PHASES) - 1
    doc["timings"] = {**doc["timings"], "wall_s": time.perf_counter() - wall}
    doc["provenance"]["finished"] = _iso(time.time())
    return RunOutput(doc, trace)


def persist(spec: RunSpec, output: RunOutput) -> dict[str, Any]:
    """Write the trace (if any), then the record; a trace that cannot be written never costs
    the result: the record is written without it, and says so."""
    doc = dict(output.doc)
    if output.trace is not None:
        path = trace_path(spec.record_file)
        try:
            write_with_retry(lambda: save_state(path, output.trace), path)
            doc["trace"] = {"file": path.name, "episodes": str(len(output.trace["returns"]))}
        except StorageError as exc:
            doc["trace"] = None
            doc["provenance"] = {**doc["provenance"], "trace_error": str(exc)}
            warnings.warn(
                f"{spec.label()}: the trace was not written ({exc}); its record is kept "
                "without a trace",
                stacklevel=2,
            )
    record = write_with_retry(lambda: write_record(spec.record_file, doc), spec.record_file)
    shutil.rmtree(scratch_dir(spec.record_file), ignore_errors=True)
    return record


def failure_output(
    spec: RunSpec, where: str, message: str, teacher: dict[str, Any] | None = None
) -> RunOutput:
    """The record of a run that died; imports no teacher code (the supervisor calls it).

    ``teacher`` is the identity the run reported before it died, if it got that far;
    otherwise it is taken from the registry without importing the teacher.
    """
    suite = resolve_suite(spec.suite)
    challenge = suite.challenge(spec.tier, spec.challenge)
    identity = teacher or unresolved_identity(spec)
    protocol_hash = suite.protocol_hash(spec.tier, challenge)
    doc = _record_base(spec, suite, challenge, protocol_hash, identity, time.time())
    doc["status"] = Status.FAILED
    doc["error"] = {"type": "RunAborted", "message": message, "where": where, "traceback": ""}
    return RunOutput(doc, None)


def _missing_requirements(run: ResolvedRun) -> str | None:
    granted = run.challenge.knowledge(run.spec.level).granted()
    granted |= set(run.student.obj.capabilities)
    lacking = sorted(set(run.teacher.obj.requires) - granted)
    if not lacking:
        return None
    return (
        f"teacher {run.teacher.name!r} requires {', '.join(lacking)}, which level "
        f"{run.spec.level!r} of {run.challenge.name!r} with student {run.challenge.student!r} "
        "does not provide"
    )


def _record_base(
    spec: RunSpec,
    suite: Suite,
    challenge: Challenge,
    protocol_hash: str,
    teacher: dict[str, Any],
    started: float,
) -> dict[str, Any]:
    return {
        "protocol": {
            "suite": suite.name,
            "suite_version": suite.version,
            "tier": spec.tier,
            "hash": protocol_hash,
            "mastery_threshold": challenge.mastery_threshold,
            "test_set": challenge.test_set.to_json(),
        },
        "challenge": challenge.name,
        "level": spec.level,
        "seed": spec.seed,
        "teacher": teacher,
        "student": {"name": challenge.student, "kwargs": dict(challenge.student_kwargs)},
        "budget_steps": challenge.budget_steps,
        "status": Status.OK,
        "error": None,
        "reason": None,
        "steps": 0,
        "episodes": 0,
        "evaluations": [],
        "final_mastered": None,
        "auc": None,
        "diagnostics": {},
        "timings": {},
        "provenance": provenance(started=_iso(started)),
        "trace": None,
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _run_guarded(
    run: ResolvedRun, base: dict[str, Any], heartbeat: Any, checkpoint_every_s: float
) -> tuple[dict[str, Any], dict[str, np.ndarray] | None]:
    try:
        return _run(run, base, heartbeat, checkpoint_every_s)
    except RunFailure as exc:
        return {**base, "status": Status.FAILED, "error": _error(exc, exc.where)}, None
    except (Exception, SystemExit) as exc:  # a teacher's bug, or sys.exit(), ends this run only
        where = PHASES[heartbeat[PHASE]]
        return {**base, "status": Status.FAILED, "error": _error(exc, where)}, None


def _error(exc: BaseException, where: str) -> dict[str, str]:
    message = str(exc)
    if isinstance(exc, SystemExit):
        message = f"called sys.exit({exc.code!r}); a teacher or student must return, not exit"
    return {
        "type": type(exc).__name__,
        "message": message,
        "where": where,
        "traceback": "".join(traceback.format_exception(exc, limit=-8)),
    }


def _run(
    run: ResolvedRun, base: dict[str, Any], heartbeat: Any, checkpoint_every_s: float
) -> tuple[dict[str, Any], dict[str, np.ndarray] | None]:
    spec, challenge = run.spec, run.challenge
    streams = run_streams(run.suite.name, challenge.name, spec.level, spec.seed)
    to_env = challenge.mapping.bind(challenge.space, streams.mapping)
    knowledge = challenge.knowledge(spec.level)
    teacher_name = run.teacher.name
    try:
        teacher: Teacher = run.teacher.obj(
            challenge.space, knowledge, streams.teacher, **spec.hyperparameters
        )
    except (TypeError, ValueError) as exc:
        raise RunFailure(f"teacher {teacher_name!r} construction", str(exc)) from None
    student: Student = challenge.make_student(run.student.obj, streams.student)
    if VALUE_ESTIMATE in teacher.requires:
        teacher.set_value_estimator(lambda task: student.value_estimate(to_env(task)))
    if _wants_steps(teacher, student):
        student.set_step_listener(teacher.step_update)

    state = LoopState(next_eval=challenge.eval_every_steps, next_reset=challenge.reset_every_steps)
    ckpt = checkpoint_path(spec.record_file)
    identity = {"protocol": run.protocol_hash, "teacher": base["teacher"], "seed": spec.seed}
    test_tasks = challenge.test_set.tasks
    # Drawn before a restore, which puts the stream where it was after this same draw.
    eval_seeds = streams.evaluation.integers(2**31, size=len(test_tasks))
    if ckpt.exists():
        _restore(ckpt, identity, state, streams, teacher, student)

    validate = TaskValidator(challenge.space, teacher_name)
    threshold, reward_range = challenge.mastery_threshold, challenge.reward_range
    budget, max_len = challenge.budget_steps, challenge.max_episode_steps
    env_rng, student_name = streams.env, challenge.student
    clock = time.perf_counter
    last_checkpoint = clock()

    while state.steps < budget:
        episode = state.episodes
        heartbeat[PHASE], heartbeat[EPISODE] = 1, episode
        t0 = clock()
        # The harness keeps its own read-only copy: a teacher or student that changes an array
        # it was handed (or returned) cannot change what is recorded.
        task = np.array(validate(teacher.sample_task(), episode))
        task.flags.writeable = False
        heartbeat[PHASE] = 2
        t1 = clock()
        played = student.run_episode(to_env(task.copy()), int(env_rng.integers(2**31)))
        t2 = clock()
        outcome = grade(_checked(played, max_len, student_name), threshold, reward_range)
        heartbeat[PHASE] = 3
        teacher.update(task.copy(), outcome)
        t3 = clock()
        state.sample_s += t1 - t0
        state.update_s += t3 - t2
        state.student_s += t2 - t1
        state.steps += outcome.length
        state.episodes += 1
        heartbeat[STEPS] = state.steps
        if spec.trace:
            state.tasks.append(task)
            state.returns.append(outcome.episodic_return)
            state.lengths.append(outcome.length)
        evaluated = False
        while state.next_eval <= min(state.steps, budget):
            heartbeat[PHASE] = 4
            t4 = clock()
            returns = check_returns(
                student.evaluate(test_tasks, eval_seeds), len(test_tasks), student_name
            )
            recorded = np.round(returns, RETURN_DECIMALS).tolist()
            state.evaluations.append({"step": state.next_eval, "returns": recorded})
            state.evaluation_s += clock() - t4
            state.next_eval += challenge.eval_every_steps
            evaluated = True
        if state.next_reset is not None and state.steps >= state.next_reset:
            student.reset()
            state.next_reset += challenge.reset_every_steps
        # After the reset: a checkpoint taken between an evaluation and a due reset would
        # resume without that reset.
        if evaluated and clock() - last_checkpoint >= checkpoint_every_s:
            _save(ckpt, identity, state, streams, teacher, student)
            last_checkpoint = clock()

    return _finish(run, base, state, student, teacher_name)


def _wants_steps(teacher: Teacher, student: Student) -> bool:
    """Per-step transitions go to teachers that require them or override ``step_update``.

    A teacher that merely overrides the hook (SPDL) still runs with students that cannot
    feed it, and gets the transitions where the student can.
    """
    if STEP_UPDATES not in type(student).capabilities:
        return False
    overrides = type(teacher).step_update is not Teacher.step_update
    return STEP_UPDATES in teacher.requires or overrides


def _checked(played: Episode, max_len: int, student_name: str) -> Episode:
    if not isinstance(played, Episode):
        raise RunFailure(
            f"student {student_name!r} run_episode()",
            f"returned {type(played).__name__}; expected teachbench.harness.outcome.Episode",
        )
    if not np.isfinite(played.episodic_return) or not 1 <= played.length <= max_len:
        raise RunFailure(
            f"student {student_name!r} run_episode()",
            f"returned return {played.episodic_return!r} and length {played.length!r}; "
            f"need a finite return and 1 <= length <= {max_len}",
        )
    return played


def _finish(
    run: ResolvedRun, base: dict[str, Any], state: LoopState, student: Student, teacher_name: str
) -> tuple[dict[str, Any], dict[str, np.ndarray] | None]:
    threshold = run.challenge.mastery_threshold
    curve = [mastered_percent(e["returns"], threshold) for e in state.evaluations]
    teacher_s = state.sample_s + state.update_s
    total = teacher_s + state.student_s + state.evaluation_s
    per_episode_us = 1e6 / max(state.episodes, 1)
    doc = {
        **base,
        "steps": state.steps,
        "episodes": state.episodes,
        "evaluations": state.evaluations,
        "final_mastered": curve[-1],
        "auc": float(np.mean(curve)),
        "diagnostics": {k: float(v) for k, v in student.diagnostics().items()},
        "timings": {
            "teacher_s": teacher_s,
            "student_s": state.student_s,
            "evaluation_s": state.evaluation_s,
            "teacher_us_per_episode": teacher_s * per_episode_us,
            "sample_task_us": state.sample_s * per_episode_us,
            "update_us": state.update_s * per_episode_us,
            "accounted_s": total,
        },
    }
    trace = None
    if run.spec.trace:
        trace = {
            "tasks": np.asarray(state.tasks, dtype=np.float32),
            "returns": np.asarray(state.returns, dtype=np.float32),
            "lengths": np.asarray(state.lengths, dtype=np.int32),
        }
    return doc, trace


def _save(ckpt, identity, state: LoopState, streams, teacher: Teacher, student: Student) -> None:
    loop = {k: v for k, v in vars(state).items() if k not in ("tasks", "returns", "lengths")}
    save_state(
        ckpt,
        {
            "identity": identity,
            "loop": loop,
            "trace": {
                "tasks": np.asarray(state.tasks, dtype=np.float64),
                "returns": np.asarray(state.returns, dtype=np.float64),
                "lengths": np.asarray(state.lengths, dtype=np.int64),
            },
            "streams": streams.state(),
            "teacher": teacher.state_dict(),
            "student": student.state_dict(),
        },
    )


def _restore(ckpt, identity, state: LoopState, streams, teacher: Teacher, student: Student) -> None:
    """Resume from a checkpoint; one that cannot be loaded is set aside and the run starts over.

    A damaged checkpoint is the harness's problem, not the teacher's: it must not fail
    the run on every retry. (A teacher whose ``load_state_dict`` raises still fails.)
    """
    fresh = streams.state()
    try:
        saved = load_state(ckpt)
        if not isinstance(saved, dict) or saved.get("identity") != identity:
            # A checkpoint of another protocol or teacher version: it cannot be resumed.
            ckpt.unlink()
            return
        loop = {k: v for k, v in saved["loop"].items() if k in LoopState.__dataclass_fields__}
        restored = LoopState(**loop)
        restored.tasks = list(saved["trace"]["tasks"])
        restored.returns = saved["trace"]["returns"].tolist()
        restored.lengths = saved["trace"]["lengths"].tolist()
        streams.load_state(saved["streams"])
    except Exception as exc:  # any damage: zip, JSON, missing keys, wrong shapes
        streams.load_state(fresh)
        aside = ckpt.with_name(f"{ckpt.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
        ckpt.rename(aside)
        warnings.warn(
            f"checkpoint {ckpt} cannot be loaded ({type(exc).__name__}: {exc}); kept it as "
            f"{aside.name} and started the run over",
            stacklevel=2,
        )
        return
    vars(state).update(vars(restored))
    teacher.load_state_dict(saved["teacher"])
    student.load_state_dict(saved["student"])
