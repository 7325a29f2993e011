"""Planning a campaign: which runs a command asks for, and which of them are already done."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teachbench.harness import registry
from teachbench.harness.challenge import Suite
from teachbench.harness.records import RecordError, load_record
from teachbench.harness.runspec import RunSpec, resolve_suite
from teachbench.harness.storage import StorageError
from teachbench.harness.supervisor import TeacherInfo, inspect_teacher
from teachbench.harness.vocabulary import Status, Trust


@dataclass
class Plan:
    """Runs to execute (with their budgets), runs skipped because done, and what was set aside."""

    todo: list[tuple[RunSpec, int]] = field(default_factory=list)
    done: list[RunSpec] = field(default_factory=list)
    set_aside: list[tuple[Path, str]] = field(default_factory=list)
    #: Done runs whose record this machine's key does not verify (copied in, or edited).
    unverified: list[RunSpec] = field(default_factory=list)


def plan_runs(
    suite_name: str,
    tier: str,
    teacher: str,
    results: Path,
    challenges: list[str] | None = None,
    levels: list[str] | None = None,
    seeds: tuple[int, ...] | None = None,
    hyperparameters: dict[str, Any] | None = None,
    trace: bool = True,
    teacher_info: TeacherInfo | None = None,
) -> Plan:
    """Expand a command into runs; resolve every name first so typos fail before any work.

    The teacher is loaded in a sandboxed child (``inspect_teacher``) unless the caller
    already did and passes ``teacher_info``; this process never imports submitted code.
    """
    info = teacher_info or inspect_teacher(teacher, dict(hyperparameters or {}))
    current = teacher_identity(info)
    suite: Suite = resolve_suite(suite_name)
    chosen = (
        [suite.challenge(tier, name) for name in challenges]
        if challenges
        else list(suite.challenges(tier))
    )
    for challenge in chosen:
        if ":" not in challenge.student:
            registry.registered_targets(registry.STUDENTS, challenge.student)
    plan = Plan()
    for challenge in chosen:
        protocol_hash = suite.protocol_hash(tier, challenge)
        for level in levels or [lv.value for lv in challenge.levels]:
            if level not in challenge.levels:
                raise ValueError(
                    f"challenge {challenge.name!r} has no level {level!r}; "
                    f"it has {', '.join(lv.value for lv in challenge.levels)}"
                )
            for seed in seeds if seeds is not None else challenge.seeds:
                spec = RunSpec(
                    suite=suite_name,
                    tier=tier,
                    challenge=challenge.name,
                    level=level,
                    teacher=teacher,
                    seed=seed,
                    results=results,
                    hyperparameters=dict(hyperparameters or {}),
                    trace=trace,
                )
                if _already_done(spec, protocol_hash, current, plan):
                    plan.done.append(spec)
                else:
                    plan.todo.append((spec, challenge.budget_steps))
    return plan


def teacher_identity(info: TeacherInfo) -> dict[str, str]:
    """The record fields that must match the teacher's code now for its runs to count as done."""
    return {"entry_point": info.entry_point, "code_version": info.code_version}


@dataclass(frozen=True)
class RecordVerdict:
    """What an existing record means for its run; judged without touching the file."""

    done: bool
    #: ``(suffix, why)`` when the file must be renamed out of the way before the run is redone.
    set_aside: tuple[str, str] | None = None
    #: A done run whose record this machine's key does not verify.
    unverified: bool = False


def judge_record(spec: RunSpec, protocol_hash: str, current: dict[str, str]) -> RecordVerdict:
    """A run is done if a valid record of the same protocol, teacher code and settings exists.

    A record that cannot be read (whatever the damage), belongs to another protocol
    version, or was made by another entry point or another version of the teacher's
    code is never overwritten: it is to be renamed aside, so nothing is lost, and the run
    redone. Failed runs are redone. Read-only, so a dry run can count what a real one would do.
    """
    path = spec.record_file
    if not path.exists():
        return RecordVerdict(done=False)
    try:
        loaded = load_record(path)
    except RecordError as exc:
        return RecordVerdict(False, (f"invalid-{time.strftime('%Y%m%dT%H%M%S')}", str(exc)))
    doc = loaded.doc
    if doc["protocol"]["hash"] != protocol_hash:
        # A record of another protocol version is still somebody's result: keep it.
        why = "recorded under another protocol version"
        return RecordVerdict(False, (f"superseded-{doc['protocol']['hash']}", why))
    recorded = {k: doc["teacher"].get(k) for k in current}
    if recorded != current:
        changed = " and ".join(k.replace("_", " ") for k in current if recorded[k] != current[k])
        why = f"recorded with another teacher {changed}"
        return RecordVerdict(False, (f"superseded-{time.strftime('%Y%m%dT%H%M%S')}", why))
    done = (
        doc["status"] != Status.FAILED and doc["teacher"]["hyperparameters"] == spec.hyperparameters
    )
    return RecordVerdict(done, unverified=done and loaded.trust != Trust.VERIFIED)


def _already_done(spec: RunSpec, protocol_hash: str, current: dict[str, str], plan: Plan) -> bool:
    """Judge the run's record and act on it: set it aside, or note that it is unverified."""
    verdict = judge_record(spec, protocol_hash, current)
    if verdict.set_aside is not None:
        _set_aside(spec.record_file, *verdict.set_aside, plan)
    if verdict.unverified:
        plan.unverified.append(spec)
    return verdict.done


def _set_aside(path: Path, suffix: str, why: str, plan: Plan) -> None:
    """Move a record out of the way, never deleting or overwriting one: ``seed-0.json.<suffix>``.

    An earlier record set aside under the same name is kept (the new one gets ``.1``, ``.2``
    ...): a hard link claims the name atomically, where a rename would silently replace it.
    A record another process moved away meanwhile is simply gone from here.
    """
    for attempt in range(1000):
        aside = path.with_name(f"{path.name}.{suffix}" + (f".{attempt}" if attempt else ""))
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(
                f"cannot set {path} aside ({exc.strerror}); fix the results folder's permissions"
            ) from None
        path.unlink(missing_ok=True)
        plan.set_aside.append((aside, why))
        return
    raise StorageError(f"{path}: 1000 records already set aside beside it; tidy that folder")
