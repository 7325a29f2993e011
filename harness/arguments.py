"""Checks on what a command is asked to do, before any run starts.

A mistake on the command line should be one line of error before any work, not a
campaign of ``failed`` records that blame a baseline for a typo: hyper-parameters
are checked against the teacher's constructor, a timeout must be a positive
number, and a seed range is bounded before it is expanded.
"""

from __future__ import annotations

import inspect
import math
import re
import types
import typing
from typing import Any

#: More seeds than any protocol uses (TeachMyAgent: 16); a range beyond is a typo.
MAX_SEEDS = 10_000
#: Above this many runs in one command, ask first (or take ``--yes``).
CONFIRM_RUNS = 5_000
#: The Teacher contract's own constructor arguments; the rest are hyper-parameters.
_CONTRACT_ARGS = ("self", "space", "knowledge", "rng")
_RANGE = re.compile(r"\s*(\d+)\s*-\s*(\d+)\s*")


class ArgumentProblem(ValueError):
    """A command-line value that cannot be right; the message names it and what to do."""


def check_seed_count(text: str) -> None:
    """Refuse ``0-1000000000`` before it is expanded into a billion integers."""
    total = 0
    for part in text.split(","):
        match = _RANGE.fullmatch(part)
        total += int(match[2]) - int(match[1]) + 1 if match else 1
    if total > MAX_SEEDS:
        raise ArgumentProblem(
            f"seed range {text!r} asks for {total:,} seeds; at most {MAX_SEEDS:,} per command "
            "(TeachMyAgent's protocol uses 16)"
        )


def positive_seconds(text: str) -> float:
    """A ``--timeout``: a positive, finite number of seconds (0 and NaN are mistakes)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ArgumentProblem(f"--timeout {text!r} must be a positive number of seconds")
    return value


def check_hyperparameters(teacher: str, cls: type, given: dict[str, Any]) -> None:
    """Check ``--hp`` names and values against ``cls.__init__`` before any run is planned.

    Unknown names (unless the constructor takes ``**kwargs``), non-finite numbers,
    and values whose type contradicts the parameter's annotation or default are refused.
    The teacher still validates its own ranges when it is built.
    """
    try:
        parameters = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return  # a constructor Python cannot introspect: the teacher checks its own
    try:
        hints = typing.get_type_hints(cls.__init__)
    except Exception:  # an annotation that does not evaluate: fall back to the defaults
        hints = {}
    accepts_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    known = {
        name: p
        for name, p in parameters.items()
        if name not in _CONTRACT_ARGS and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    for name, value in given.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ArgumentProblem(f"--hp {name}={value}: hyper-parameters must be finite")
        if name not in known:
            if accepts_any:
                continue
            options = ", ".join(sorted(known)) or "none"
            raise ArgumentProblem(
                f"teacher {teacher!r} has no hyper-parameter {name!r}; it takes: {options}"
            )
        expected = _expected_type(hints.get(name), known[name].default)
        if expected is not None and not _fits(value, expected):
            raise ArgumentProblem(
                f"--hp {name}={value!r}: teacher {teacher!r} expects "
                f"{' or '.join(t.__name__ for t in expected)}"
            )


def _expected_type(hint: Any, default: Any) -> tuple[type, ...] | None:
    """The plain types a parameter takes, from its annotation, else its default; None: any."""
    if hint is not None:
        union = typing.get_origin(hint) in (typing.Union, types.UnionType)
        args = typing.get_args(hint) if union else (hint,)
        plain = all(isinstance(a, type) and typing.get_origin(a) is None for a in args)
        return args if plain else None  # list[float], Literal[...]: left to the teacher
    if default is inspect.Parameter.empty or default is None:
        return None
    return (type(default),)


def _fits(value: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in expected
    if isinstance(value, int) and float in expected:
        return True
    return isinstance(value, expected)


def usable_teachers(
    given: list[str], hyperparameters: dict[str, Any], warn: typing.Callable[[str], None]
) -> dict[str, Any]:
    """Expand ``all``; load every teacher in a sandboxed child and check ``hyperparameters``.

    Returns each usable teacher's ``TeacherInfo`` by name. A teacher named explicitly
    that cannot be used stops the command. Under ``all`` (every registered teacher,
    third-party plugins included) a broken one is reported through ``warn`` and
    skipped: one bad plugin must not block everyone.
    """
    from teachbench.harness import registry
    from teachbench.harness.supervisor import inspect_teacher

    chosen: list[tuple[str, bool]] = []
    for name in given:
        if name == "all":
            chosen += [(n, True) for n in sorted(registry.names(registry.TEACHERS))]
        else:
            chosen.append((name, False))
    usable = {}
    for name, optional in dict(chosen).items():
        try:
            usable[name] = inspect_teacher(name, hyperparameters)
        except (registry.RegistryError, ArgumentProblem) as exc:
            if not optional:
                raise
            warn(f"skipping teacher {name!r}: {exc}")
    return usable


def confirm_size(runs: int, assume_yes: bool, ask: typing.Callable[[str], str] | None) -> None:
    """Above ``CONFIRM_RUNS`` runs, ask (``ask`` is ``input`` on a terminal) or need ``--yes``."""
    if runs <= CONFIRM_RUNS or assume_yes:
        return
    question = f"{runs:,} runs to do; start them? [y/N] "
    if ask is None:
        raise ArgumentProblem(
            f"{runs:,} runs to do (more than {CONFIRM_RUNS:,}); pass --yes to start them, or "
            "narrow --challenge/--level/--seeds"
        )
    if ask(question).strip().lower() not in ("y", "yes"):
        raise ArgumentProblem("nothing started")
