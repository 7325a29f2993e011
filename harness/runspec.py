"""The identity of one run, and the names it resolves to."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from teachbench.harness import registry
from teachbench.harness.challenge import Challenge, Suite, canonical_json, sha256_hex
from teachbench.harness.errors import RunFailure
from teachbench.harness.knowledge import ALL_REQUIREMENTS
from teachbench.harness.records import record_path
from teachbench.harness.student import Student
from teachbench.harness.teacher import Teacher
from teachbench.harness.vocabulary import is_slug


@dataclass(frozen=True)
class RunSpec:
    """Plain names only, so a spec crosses process and cluster boundaries unchanged."""

    suite: str
    tier: str
    challenge: str
    level: str
    teacher: str
    seed: int
    results: Path
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    trace: bool = True

    @property
    def teacher_key(self) -> str:
        """The folder name of this teacher's records: its key, plus a digest of overrides."""
        base = name_key(self.teacher, "teacher")
        if not self.hyperparameters:
            return base
        return f"{base}-{sha256_hex(canonical_json(self.hyperparameters))[:8]}"

    @property
    def record_file(self) -> Path:
        return record_path(
            self.results,
            name_key(self.suite, "suite"),
            self.tier,
            self.challenge,
            self.level,
            self.teacher_key,
            self.seed,
        )

    def label(self) -> str:
        return f"{self.teacher} on {self.challenge}/{self.level} seed {self.seed}"


def name_key(name: str, kind: str) -> str:
    """The folder key of a registered name or a ``package.module:Attr`` entry point.

    A registered name is its own key and must be a slug. An entry point gets a slug of
    its attribute plus a short hash of the whole entry point, so ``a.mod:RandomTeacher``
    and ``b.mod:RandomTeacher`` never share a folder, and a class named ``random`` never
    lands in the baseline's.
    """
    if ":" not in name:
        if not is_slug(name):
            raise registry.RegistryError(
                f"{kind} name {name!r} is not a slug (lower-case letters, digits, '-', '_'); "
                "register it under such a name"
            )
        return name
    attr = name.rsplit(":", 1)[1].split(".")[-1]
    readable = re.sub(r"[^a-z0-9_-]+", "-", attr.lower()).strip("-_")[:40].strip("-_") or kind
    return f"{readable}-{sha256_hex(name)[:8]}"


@dataclass(frozen=True)
class ResolvedRun:
    spec: RunSpec
    suite: Suite
    challenge: Challenge
    protocol_hash: str
    teacher: registry.Resolved
    student: registry.Resolved


def resolve_suite(name: str) -> Suite:
    suite = registry.resolve(registry.SUITES, name).obj
    if not isinstance(suite, Suite):
        raise registry.RegistryError(f"suite {name!r} is a {type(suite).__name__}, not a Suite")
    return suite


def resolve_teacher(name: str) -> registry.Resolved:
    resolved = registry.resolve(registry.TEACHERS, name)
    cls = resolved.obj
    if not (inspect.isclass(cls) and issubclass(cls, Teacher)):
        raise registry.RegistryError(
            f"teacher {name!r} resolves to {cls!r}, which is not a subclass of teachbench.Teacher"
        )
    if inspect.isabstract(cls):
        missing = ", ".join(sorted(cls.__abstractmethods__))
        raise registry.RegistryError(f"teacher {name!r} does not implement: {missing}")
    unknown = set(cls.requires) - ALL_REQUIREMENTS
    if unknown:
        raise registry.RegistryError(
            f"teacher {name!r} requires unknown item(s) {sorted(unknown)}; "
            f"known: {sorted(ALL_REQUIREMENTS)}"
        )
    return resolved


def resolve_student(name: str) -> registry.Resolved:
    resolved = registry.resolve(registry.STUDENTS, name)
    if not (inspect.isclass(resolved.obj) and issubclass(resolved.obj, Student)):
        raise registry.RegistryError(f"student {name!r} is not a subclass of teachbench.Student")
    return resolved


def resolve_run(spec: RunSpec) -> ResolvedRun:
    suite = resolve_suite(spec.suite)
    challenge = suite.challenge(spec.tier, spec.challenge)
    if spec.level not in challenge.levels:
        raise RunFailure(
            f"challenge {challenge.name!r}", f"has no level {spec.level!r}; use {challenge.levels}"
        )
    return ResolvedRun(
        spec=spec,
        suite=suite,
        challenge=challenge,
        protocol_hash=suite.protocol_hash(spec.tier, challenge),
        teacher=resolve_teacher(spec.teacher),
        student=resolve_student(challenge.student),
    )


def code_version(cls: type) -> str:
    """A digest of the module defining ``cls``: records say which code produced them."""
    try:
        source = inspect.getsource(inspect.getmodule(cls))
    except (OSError, TypeError):
        return "unknown"
    return hashlib.sha256(source.encode()).hexdigest()[:12]


def unresolved_identity(spec: RunSpec) -> dict[str, Any]:
    """A teacher's identity from its name alone, importing nothing (for a run that died early)."""
    entry = ":" in spec.teacher
    registered = None if entry else registry.names(registry.TEACHERS).get(spec.teacher)
    return {
        "name": registry.short_name(spec.teacher) if entry else spec.teacher,
        "key": spec.teacher_key,
        "entry_point": registered or spec.teacher,
        "hyperparameters": json.loads(canonical_json(spec.hyperparameters)),
        "code_version": "unknown",
    }


def teacher_identity(run: ResolvedRun) -> dict[str, Any]:
    return {
        "name": run.teacher.name,
        "key": run.spec.teacher_key,
        "entry_point": run.teacher.entry_point,
        "hyperparameters": json.loads(canonical_json(run.spec.hyperparameters)),
        "code_version": code_version(run.teacher.obj),
    }
