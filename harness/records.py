"""Run records: one JSON document per run, validated on write and on read.

A record is the unit of truth: the leaderboard is recomputed from records
alone. Each carries a digest of its own content, so a record edited by hand (or
truncated by a crash) is detected and named instead of silently changing a
leaderboard.

Records are meant to be committed by the thousand (a surrogate campaign is
~2,500 runs), so they are written as compact JSON and evaluation returns are
kept to ``RETURN_DECIMALS`` decimals: far below any return's noise, it keeps a
record near 30 KB, and git's compression takes it to a few KB.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness.challenge import canonical_json, sha256_hex
from teachbench.harness.storage import atomic_write
from teachbench.harness.vocabulary import Level, Status, Tier

SCHEMA_VERSION = 2
#: Evaluation returns are rounded to this many decimals when recorded.
RETURN_DECIMALS = 2
RECORD_SUFFIX = ".json"
TRACE_SUFFIX = ".trace.npz"


class RecordError(ValueError):
    """A record that cannot be trusted; the message names the file and the problem."""


def mastered_percent(returns: list[float] | np.ndarray, threshold: float) -> float:
    """TeachMyAgent's metric: % of test tasks whose return is strictly above the threshold."""
    return 100.0 * float(np.mean(np.asarray(returns) > threshold))


def mastered_curve(doc: dict[str, Any]) -> list[float]:
    threshold = doc["protocol"]["mastery_threshold"]
    return [mastered_percent(e["returns"], threshold) for e in doc["evaluations"]]


def record_path(
    results: Path, suite: str, tier: str, challenge: str, level: str, teacher_key: str, seed: int
) -> Path:
    return results / suite / tier / challenge / level / teacher_key / f"seed-{seed}{RECORD_SUFFIX}"


def trace_path(record_file: Path) -> Path:
    return record_file.with_name(record_file.name.removesuffix(RECORD_SUFFIX) + TRACE_SUFFIX)


def _digest(doc: dict[str, Any]) -> str:
    return sha256_hex(canonical_json({k: v for k, v in doc.items() if k != "digest"}))


def seal(doc: dict[str, Any]) -> dict[str, Any]:
    """Validate a new record and add its digest."""
    sealed = {**doc, "schema_version": SCHEMA_VERSION}
    sealed["digest"] = _digest(sealed)
    validate(sealed, "<new record>")
    return sealed


def write_record(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    sealed = seal(doc)
    text = json.dumps(sealed, separators=(",", ":"), allow_nan=False)
    atomic_write(path, (text + "\n").encode())
    return sealed


def read_record(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as exc:
        raise RecordError(f"{path}: cannot read record ({exc.strerror})") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); the file is corrupt — "
            "delete it (or move it away) and re-run that run"
        ) from None
    validate(doc, str(path))
    return doc


def iter_record_files(results: Path) -> Iterator[Path]:
    yield from sorted(p for p in results.rglob(f"*{RECORD_SUFFIX}") if p.is_file())


# --- validation -------------------------------------------------------------------------------

Check = Callable[[Any], bool]


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (isinstance(v, int | float) and not isinstance(v, bool)) and math.isfinite(v)


def _opt(check: Check) -> Check:
    return lambda v: v is None or check(v)


def _is_str(v: Any) -> bool:
    return isinstance(v, str) and bool(v)


_TOP: dict[str, Check] = {
    "schema_version": lambda v: v == SCHEMA_VERSION,
    "protocol": lambda v: isinstance(v, dict),
    "challenge": _is_str,
    "level": lambda v: v in tuple(Level),
    "seed": lambda v: _is_int(v) and v >= 0,
    "teacher": lambda v: isinstance(v, dict),
    "student": lambda v: isinstance(v, dict),
    "budget_steps": lambda v: _is_int(v) and v > 0,
    "status": lambda v: v in tuple(Status),
    "error": _opt(lambda v: isinstance(v, dict)),
    "reason": _opt(_is_str),
    "steps": lambda v: _is_int(v) and v >= 0,
    "episodes": lambda v: _is_int(v) and v >= 0,
    "evaluations": lambda v: isinstance(v, list),
    "final_mastered": _opt(lambda v: _is_num(v) and 0 <= v <= 100),
    "auc": _opt(lambda v: _is_num(v) and 0 <= v <= 100),
    "diagnostics": lambda v: isinstance(v, dict) and all(_is_num(x) for x in v.values()),
    "timings": lambda v: isinstance(v, dict) and all(_is_num(x) for x in v.values()),
    "provenance": lambda v: isinstance(v, dict),
    "trace": _opt(lambda v: isinstance(v, dict) and _is_str(v.get("file"))),
    "digest": _is_str,
}
_PROTOCOL = {
    "suite": _is_str,
    "suite_version": _is_str,
    "tier": lambda v: v in tuple(Tier),
    "hash": _is_str,
    "mastery_threshold": _is_num,
}
_TEACHER = {
    "name": _is_str,
    "key": _is_str,
    "entry_point": _is_str,
    "hyperparameters": lambda v: isinstance(v, dict),
}


def _check_fields(doc: dict, spec: dict[str, Check], where: str, source: str) -> None:
    missing = sorted(set(spec) - set(doc))
    if missing:
        raise RecordError(f"{source}: {where} is missing field(s) {', '.join(missing)}")
    for name, check in spec.items():
        if not check(doc[name]):
            raise RecordError(f"{source}: {where}field {name!r} has an invalid value {doc[name]!r}")


def validate(doc: Any, source: str) -> None:
    """Raise ``RecordError`` naming ``source`` if ``doc`` is not a valid, untouched record."""
    if not isinstance(doc, dict):
        raise RecordError(f"{source}: a record must be a JSON object")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise RecordError(
            f"{source}: schema version {doc.get('schema_version')!r} is not {SCHEMA_VERSION}; "
            "re-run it with this version of teachbench"
        )
    _check_fields(doc, _TOP, "", source)
    _check_fields(doc["protocol"], _PROTOCOL, "protocol ", source)
    _check_fields(doc["teacher"], _TEACHER, "teacher ", source)
    if doc["digest"] != _digest(doc):
        raise RecordError(
            f"{source}: content does not match its digest — the record was edited or damaged "
            "after it was written; restore it or delete it and re-run that run"
        )
    status = doc["status"]
    if status == Status.FAILED and not doc["error"]:
        raise RecordError(f"{source}: a failed record must carry its error")
    if status == Status.NOT_APPLICABLE and not doc["reason"]:
        raise RecordError(f"{source}: a not_applicable record must carry its reason")
    if status == Status.OK:
        _validate_evaluations(doc, source)


def _validate_evaluations(doc: dict, source: str) -> None:
    evaluations = doc["evaluations"]
    if not evaluations or doc["final_mastered"] is None or doc["auc"] is None:
        raise RecordError(f"{source}: an ok record needs evaluations, final_mastered and auc")
    previous = -1
    for i, evaluation in enumerate(evaluations):
        step, returns = evaluation.get("step"), evaluation.get("returns")
        if not (_is_int(step) and step > previous):
            raise RecordError(f"{source}: evaluation {i} has a bad or non-increasing step {step!r}")
        if not (isinstance(returns, list) and returns and all(_is_num(r) for r in returns)):
            raise RecordError(f"{source}: evaluation {i} must hold finite returns")
        previous = step
    curve = mastered_curve(doc)
    if doc["final_mastered"] != curve[-1] or not math.isclose(doc["auc"], float(np.mean(curve))):
        raise RecordError(
            f"{source}: final_mastered/auc do not match the recorded evaluations; "
            "the record is inconsistent — delete it and re-run that run"
        )
