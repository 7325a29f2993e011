"""Run records: one JSON document per run, validated against one schema on write and on read.

A record is the unit of truth: the leaderboard is recomputed from records alone.
Records read from disk are untrusted input, so reading one never raises anything
but a ``RecordError`` (a named subclass per kind of damage), whatever the bytes.

The schema is declared once, as msgspec ``Struct`` types below. msgspec rather
than pydantic: it checks types while it parses (no intermediate Python objects
to walk), rejects NaN/Infinity as JSON does, and reads the committed campaign's
2,880 records several times faster; a benchmark in ``tests/benchmarks`` holds it
to that.

Integrity has two layers (README, "What the digest and the signature protect
against"): a SHA-256 digest over the record's bytes catches accidents
(truncation, a hand edit, a bad merge); an HMAC signature under a key kept
outside the results folder (``harness/signing.py``) shows that this harness on
this machine wrote it. Schema 2 records (the committed campaign) carry only a
digest over their canonical JSON: they still read, as ``unverified``.

Records are meant to be committed by the thousand, so they are written as
compact JSON and evaluation returns are kept to ``RETURN_DECIMALS`` decimals: far
below any return's noise, it keeps a record near 30 KB, and git's compression
takes it to a few KB.
"""

from __future__ import annotations

import errno
import hashlib
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec
import numpy as np
from teachbench.harness import signing
from teachbench.harness.challenge import canonical_json, sha256_hex
from teachbench.harness.storage import atomic_write
from teachbench.harness.vocabulary import SLUG, Level, Status, Tier, Trust, is_slug

SCHEMA_VERSION = 3
#: The committed campaign's schema: a digest over canonical JSON, no signature. Still read.
UNSIGNED_SCHEMA_VERSION = 2
#: Evaluation returns are rounded to this many decimals when recorded.
RETURN_DECIMALS = 2
RECORD_SUFFIX = ".json"
TRACE_SUFFIX = ".trace.npz"
#: A record is ~30 KB; anything far larger is not one (and must not be read into memory).
MAX_RECORD_BYTES = 16 * 2**20
RECORD_NAME = re.compile(r"seed-(0|[1-9][0-9]{0,9})\.json")
_DIGEST_MARK = b',"digest":"'


class RecordError(ValueError):
    """A record that cannot be trusted; the message names the file and the problem."""


class RecordUnreadable(RecordError):
    """The file cannot be read: permissions, not a regular file, too large, not UTF-8."""


class RecordMalformed(RecordError):
    """Not JSON, or JSON nested deeper than any record is."""


class RecordSchemaError(RecordError):
    """JSON, but not a record: a missing, unknown or wrongly typed field, or a bad name."""


class RecordDigestError(RecordError):
    """The content does not match its digest: edited or damaged after it was written."""


class RecordInconsistent(RecordError):
    """Every field is well-typed, yet they contradict each other (a score its returns don't give)."""


# --- the schema -------------------------------------------------------------------------------

Slug = Annotated[str, msgspec.Meta(pattern=f"^{SLUG.pattern}$")]
Text = Annotated[str, msgspec.Meta(min_length=1)]
Count = Annotated[int, msgspec.Meta(ge=0)]
Finite = Annotated[float, msgspec.Meta(ge=-1e300, le=1e300)]
Percent = Annotated[float, msgspec.Meta(ge=0.0, le=100.0)]
Hex = Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{8,64}$")]


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True, gc=False):
    """Every record part: unknown fields are refused, not ignored.

    ``gc=False``: parsed data holds no reference cycles, and thousands of tracked objects
    would make the garbage collector rescan them while a campaign is read.
    """


class TestSetRef(_Strict):
    __test__ = False  # not a pytest class

    name: Text
    size: Annotated[int, msgspec.Meta(ge=1)]
    sha256: Hex


class Protocol(_Strict):
    suite: Slug
    suite_version: Text
    tier: Tier
    hash: Hex
    mastery_threshold: Finite
    test_set: TestSetRef


class TeacherId(_Strict):
    name: Text
    key: Slug
    entry_point: Text
    hyperparameters: dict[str, Any]
    code_version: Text = "unknown"


class StudentId(_Strict):
    name: Text
    kwargs: dict[str, Any]


class ErrorInfo(_Strict):
    type: Text
    message: str
    where: str
    traceback: str


class Evaluation(_Strict):
    step: Count
    returns: Annotated[list[Finite], msgspec.Meta(min_length=1)]


class TraceRef(_Strict):
    file: Annotated[str, msgspec.Meta(pattern=r"^seed-[0-9]{1,10}\.trace\.npz$")]
    episodes: str


class Signature(_Strict):
    alg: Annotated[str, msgspec.Meta(pattern=f"^{signing.ALGORITHM}$")]
    key_id: Hex
    value: Hex


class Record(_Strict):
    """One run. ``digest`` and ``signature`` are checked against the bytes, not by type alone."""

    schema_version: Annotated[int, msgspec.Meta(ge=UNSIGNED_SCHEMA_VERSION, le=SCHEMA_VERSION)]
    protocol: Protocol
    challenge: Slug
    level: Level
    seed: Count
    teacher: TeacherId
    student: StudentId
    budget_steps: Annotated[int, msgspec.Meta(ge=1)]
    status: Status
    error: ErrorInfo | None
    reason: Text | None
    steps: Count
    episodes: Count
    evaluations: list[Evaluation]
    final_mastered: Percent | None
    auc: Percent | None
    diagnostics: dict[str, Finite]
    timings: dict[str, Finite]
    provenance: dict[str, Any]
    trace: TraceRef | None
    digest: Hex
    signature: Signature | None = None


@dataclass(frozen=True)
class LoadedRecord:
    """A record read and checked, with whether its signature shows this machine wrote it."""

    path: Path
    doc: dict[str, Any]
    trust: Trust
    unverified_because: str | None


# --- paths ------------------------------------------------------------------------------------


def mastered_percent(returns: list[float] | np.ndarray, threshold: float) -> float:
    """TeachMyAgent's metric: % of test tasks whose return is strictly above the threshold."""
    return 100.0 * float(np.mean(np.asarray(returns) > threshold))


def mastered_curve(doc: dict[str, Any]) -> list[float]:
    threshold = doc["protocol"]["mastery_threshold"]
    if not doc["evaluations"]:
        return []
    returns = np.array([e["returns"] for e in doc["evaluations"]], dtype=np.float64)
    return (100.0 * np.mean(returns > threshold, axis=1)).tolist()


def record_path(
    results: Path, suite: str, tier: str, challenge: str, level: str, teacher_key: str, seed: int
) -> Path:
    """Where a run's record lives; every name must be a slug, so none can leave ``results``."""
    names = {"suite": suite, "tier": tier, "challenge": challenge, "level": level,
             "teacher": teacher_key}  # fmt: skip
    for what, name in names.items():
        if not is_slug(name):
            raise ValueError(
                f"{what} name {name!r} cannot name a folder: use lower-case letters, digits, "
                "'-' and '_' (at most 64)"
            )
    if not (isinstance(seed, int) and seed >= 0):
        raise ValueError(f"seed {seed!r} must be a non-negative integer")
    return results / suite / tier / challenge / level / teacher_key / f"seed-{seed}{RECORD_SUFFIX}"


def trace_path(record_file: Path) -> Path:
    return record_file.with_name(record_file.name.removesuffix(RECORD_SUFFIX) + TRACE_SUFFIX)


def iter_record_files(results: Path) -> Iterator[Path]:
    """Every ``seed-N.json`` under ``results``, outside hidden folders (scratch, set-aside).

    Symbolic links are not followed: a shared folder must not make the reader open
    a device or a file elsewhere.
    """
    found = []
    for path in results.rglob(f"seed-*{RECORD_SUFFIX}"):
        relative = path.relative_to(results).parts
        if any(part.startswith(".") for part in relative) or not RECORD_NAME.fullmatch(path.name):
            continue
        if not path.is_symlink():
            found.append(path)
    yield from sorted(found)


# --- writing ----------------------------------------------------------------------------------

_encoder = msgspec.json.Encoder()
_sorted_encoder = msgspec.json.Encoder(order="sorted")
_decoder = msgspec.json.Decoder()


def _body_bytes(doc: dict[str, Any]) -> bytes:
    body = {k: v for k, v in doc.items() if k not in ("digest", "signature", "schema_version")}
    body["schema_version"] = SCHEMA_VERSION
    try:
        return _encoder.encode(body)
    except (TypeError, ValueError, OverflowError) as exc:
        raise RecordSchemaError(f"<new record>: cannot be written as JSON ({exc})") from None


def _tail(digest: str, signature: dict[str, str] | None) -> bytes:
    return _DIGEST_MARK + digest.encode() + b'","signature":' + _encoder.encode(signature) + b"}"


def seal(doc: dict[str, Any], sign: bool = True) -> bytes:
    """The bytes of a new record: validated, with its digest and (normally) its signature."""
    body = _body_bytes(doc)
    digest = hashlib.sha256(body).hexdigest()
    data = body[:-1] + _tail(digest, signing.sign(digest) if sign else None) + b"\n"
    parse(data, "<new record>")
    return data


def write_record(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """Seal, sign and atomically write a record; return it as it now reads."""
    data = seal(doc)
    atomic_write(path, data)
    return _decoder.decode(data)


# --- reading ----------------------------------------------------------------------------------


def read_record(path: Path) -> dict[str, Any]:
    """The record at ``path`` as plain JSON values; raises ``RecordError`` for any damage."""
    return load_record(path).doc


def load_record(path: Path) -> LoadedRecord:
    """Read, parse against the schema, check the digest, and check the signature."""
    data = _read_bytes(path)
    doc, record = parse(data, str(path))
    why = signing.check(record.digest, msgspec.to_builtins(record.signature))
    trust = Trust.VERIFIED if why is None else Trust.UNVERIFIED
    return LoadedRecord(path, doc, trust, why)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of a record's size (never a link, FIFO, device)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RecordUnreadable(
                f"{path}: a symbolic link, not a record; records are plain JSON files"
            ) from None
        raise RecordUnreadable(f"{path}: cannot read record ({exc.strerror})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RecordUnreadable(f"{path}: not a regular file; a record is a plain JSON file")
        if info.st_size > MAX_RECORD_BYTES:
            raise RecordUnreadable(
                f"{path}: {info.st_size} bytes is far too large for a record; move it away"
            )
        try:
            return handle.read(MAX_RECORD_BYTES + 1)
        except OSError as exc:
            raise RecordUnreadable(f"{path}: cannot read record ({exc.strerror})") from None


def parse(data: bytes, source: str) -> tuple[dict[str, Any], Record]:
    """Check ``data`` as a record: JSON, schema, digest, consistency. Raises ``RecordError``."""
    try:
        doc = _decoder.decode(data)
    except msgspec.DecodeError as exc:
        kind = RecordUnreadable if "UTF-8" in str(exc) else RecordMalformed
        raise kind(
            f"{source}: not a valid JSON record ({exc}); the file is corrupt — "
            "delete it (or move it away) and re-run that run"
        ) from None
    except RecursionError:
        raise RecordMalformed(
            f"{source}: JSON nested far deeper than any record; move it away"
        ) from None
    if not isinstance(doc, dict):
        raise RecordSchemaError(f"{source}: a record must be a JSON object")
    version = doc.get("schema_version")
    if version not in (UNSIGNED_SCHEMA_VERSION, SCHEMA_VERSION):
        raise RecordSchemaError(
            f"{source}: schema version {version!r} is not one this teachbench reads "
            f"({UNSIGNED_SCHEMA_VERSION} or {SCHEMA_VERSION}); re-run it with this version"
        )
    try:
        record = msgspec.convert(doc, Record)
    except msgspec.ValidationError as exc:
        raise RecordSchemaError(
            f"{source}: not a valid record ({exc}); move it away and re-run that run"
        ) from None
    if not _digest_matches(data, doc, record):
        raise RecordDigestError(
            f"{source}: content does not match its digest — the record was edited or damaged "
            "after it was written; restore it or delete it and re-run that run"
        )
    _check_consistency(record, source)
    return doc, record


def _digest_matches(data: bytes, doc: dict[str, Any], record: Record) -> bool:
    if record.schema_version == UNSIGNED_SCHEMA_VERSION:
        if record.signature is not None:
            return False
        # The digest covers every field but itself: take it out of ``doc`` for the hash (no
        # copy of a 30 kB document per record) and put it back whatever the outcome.
        digest = doc.pop("digest")
        try:
            # msgspec's sorted encoding equals the canonical JSON except in how it spells some
            # floats (1e-05) and non-ASCII text: try it first (twice as fast), then the original.
            if hashlib.sha256(_sorted_encoder.encode(doc)).hexdigest() == record.digest:
                return True
            return sha256_hex(canonical_json(doc)) == record.digest
        finally:
            doc["digest"] = digest
    # Schema 3: the digest is over the exact bytes before it; the tail must be exactly ours.
    mark = data.rfind(_DIGEST_MARK)
    if mark < 0:
        return False
    tail = _tail(record.digest, doc.get("signature"))
    if data[mark:].rstrip(b"\n") != tail:
        return False
    return hashlib.sha256(data[:mark] + b"}").hexdigest() == record.digest


def _check_consistency(record: Record, source: str) -> None:
    status = record.status
    if status == Status.FAILED and record.error is None:
        raise RecordInconsistent(f"{source}: a failed record must carry its error")
    if status == Status.NOT_APPLICABLE and not record.reason:
        raise RecordInconsistent(f"{source}: a not_applicable record must carry its reason")
    if status != Status.OK:
        return
    evaluations = record.evaluations
    if not evaluations or record.final_mastered is None or record.auc is None:
        raise RecordInconsistent(
            f"{source}: an ok record needs evaluations, final_mastered and auc"
        )
    steps = [e.step for e in evaluations]
    if steps != sorted(set(steps)):  # strictly increasing, checked in C
        raise RecordInconsistent(f"{source}: evaluation steps must increase, got {steps}")
    sizes = {len(e.returns) for e in evaluations}
    if len(sizes) != 1:
        raise RecordInconsistent(f"{source}: evaluations hold different numbers of returns")
    returns = np.array([e.returns for e in evaluations], dtype=np.float64)
    curve = 100.0 * (returns > record.protocol.mastery_threshold).mean(axis=1)
    if not (
        math.isclose(record.final_mastered, float(curve[-1]), abs_tol=1e-9)
        and math.isclose(record.auc, float(curve.mean()), abs_tol=1e-9)
    ):
        raise RecordInconsistent(
            f"{source}: final_mastered/auc do not match the recorded evaluations; "
            "the record is inconsistent — delete it and re-run that run"
        )
