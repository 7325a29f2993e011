"""Run records: atomic, schema-checked, tamper-evident, signed; no bytes make the reader crash."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import msgspec
import pytest
from teachbench.harness.loop import execute
from teachbench.harness.records import (
    RecordDigestError,
    RecordError,
    RecordInconsistent,
    RecordMalformed,
    RecordSchemaError,
    RecordUnreadable,
    iter_record_files,
    load_record,
    read_record,
    record_path,
    write_record,
)
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import atomic_write
from teachbench.harness.vocabulary import Trust
from teachbench_testkit import SMALL_BUDGET

COMMITTED = Path(__file__).resolve().parents[2] / "results" / "baselines"


@pytest.fixture(scope="module")
def record_file(tmp_path_factory) -> Path:
    results = tmp_path_factory.mktemp("runs")
    run = RunSpec("teachbench_testkit:SMALL_SUITE", "surrogate", "upper-baseline", "none",
                  "random", 0, results)  # fmt: skip
    execute(run)
    return run.record_file


def _copy(record_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "seed-0.json"
    target.write_bytes(record_file.read_bytes())
    return target


def _reseal(doc: dict, signature: dict | None = None) -> bytes:
    """What a forger without the key can do: rewrite the content and recompute the digest."""
    body = {k: v for k, v in doc.items() if k not in ("digest", "signature")}
    data = msgspec.json.encode(body)
    digest = hashlib.sha256(data).hexdigest()
    tail = b',"digest":"' + digest.encode() + b'","signature":' + msgspec.json.encode(signature)
    return data[:-1] + tail + b"}\n"


def test_round_trip_signed_and_no_temporary_files_left(record_file: Path) -> None:
    loaded = load_record(record_file)
    assert loaded.doc["budget_steps"] == SMALL_BUDGET and loaded.doc["schema_version"] == 3
    assert loaded.trust == Trust.VERIFIED and loaded.unverified_because is None
    assert not [p for p in record_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_truncated_record_names_the_file(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    target.write_bytes(target.read_bytes()[:200])
    with pytest.raises(RecordMalformed, match=f"{target}: not a valid JSON record"):
        read_record(target)


def test_hand_edited_score_is_detected(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    target.write_bytes(target.read_bytes().replace(b'"final_mastered":', b'"final_mastered":9'))
    with pytest.raises(RecordError, match=r"edited or damaged|not a valid"):
        read_record(target)


def test_missing_field_is_named(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    doc = json.loads(target.read_text())
    del doc["seed"]
    target.write_bytes(_reseal(doc))
    with pytest.raises(RecordSchemaError, match=r"missing required field `seed`"):
        read_record(target)


# --- issue 14, item 2: a forged record is shown as unverified ----------------------------------


def test_forged_record_with_recomputed_digest_reads_as_unverified(
    record_file: Path, tmp_path: Path
) -> None:
    """Before: an edited record with a recomputed digest was accepted like any other."""
    target = _copy(record_file, tmp_path)
    doc = json.loads(target.read_text())
    doc["evaluations"] = [{**e, "returns": [300.0] * len(e["returns"])} for e in doc["evaluations"]]
    doc["final_mastered"], doc["auc"] = 100.0, 100.0
    target.write_bytes(_reseal(doc))  # unsigned forgery
    loaded = load_record(target)
    assert loaded.doc["final_mastered"] == 100.0
    assert loaded.trust == Trust.UNVERIFIED and loaded.unverified_because == "unsigned"

    target.write_bytes(_reseal(doc, signature=doc["signature"]))  # the old signature, kept
    loaded = load_record(target)
    assert loaded.trust == Trust.UNVERIFIED and "does not match" in loaded.unverified_because


def test_record_signed_with_another_key_is_unverified(
    record_file: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("TEACHBENCH_SIGNING_KEY", str(tmp_path / "other" / "signing.key"))
    loaded = load_record(record_file)
    assert (
        loaded.trust == Trust.UNVERIFIED and loaded.unverified_because == "signed with another key"
    )


def test_committed_schema_2_records_still_read_as_unsigned() -> None:
    path = next(iter_record_files(COMMITTED))
    loaded = load_record(path)
    assert loaded.doc["schema_version"] == 2 and loaded.trust == Trust.UNVERIFIED
    assert loaded.unverified_because == "unsigned"


def test_edited_schema_2_record_fails_its_digest(tmp_path: Path) -> None:
    doc = json.loads(next(iter_record_files(COMMITTED)).read_text())
    doc["final_mastered"] = 100.0
    target = tmp_path / "seed-0.json"
    target.write_text(json.dumps(doc))
    with pytest.raises(RecordDigestError, match="edited or damaged"):
        read_record(target)


# --- issue 14, item 6: no file makes the reader raise anything but a named RecordError ----------


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (b'{"challenge": "caf\xe9"}', RecordUnreadable, "UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, RecordMalformed, "nested|depth|recursion"),
        (b"[1, 2]", RecordSchemaError, "must be a JSON object"),
        (b'{"schema_version": 9}', RecordSchemaError, "schema version 9"),
        (b'{"schema_version": 2, "protocol": 5}', RecordSchemaError, "not a valid record"),
        (b"NaN", RecordMalformed, "not a valid JSON record"),
    ],
)
def test_bad_bytes_are_named_record_errors(
    tmp_path: Path, content: bytes, error: type, message: str
) -> None:
    """Before: a non-UTF-8 file or deep nesting raised UnicodeDecodeError / RecursionError."""
    target = tmp_path / "seed-0.json"
    target.write_bytes(content)
    with pytest.raises(error, match=message):
        read_record(target)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seed", "zero", r"Expected `int`, got `str` - at `\$.seed`"),
        ("teacher", {"name": 1}, r"at `\$.teacher.name`"),
        ("evaluations", [{"step": 1, "returns": "x"}], r"evaluations\[0\].returns"),
        ("challenge", "../../etc", r"\$.challenge"),
        ("level", "ultra", r"\$.level"),
        ("diagnostics", {"x": None}, r"\$.diagnostics"),
        ("extra_field", 1, "unknown field `extra_field`"),
    ],
)
def test_resealed_records_with_wrong_types_are_schema_errors(
    record_file: Path, tmp_path: Path, field: str, value: object, message: str
) -> None:
    """Before: wrongly typed fields in a re-sealed record crashed the leaderboard."""
    doc = json.loads(record_file.read_text())
    doc[field] = value
    target = tmp_path / "seed-0.json"
    target.write_bytes(_reseal(doc))
    with pytest.raises(RecordSchemaError, match=message):
        read_record(target)


def test_record_that_contradicts_itself_is_inconsistent(record_file: Path, tmp_path: Path) -> None:
    doc = json.loads(record_file.read_text())
    doc["final_mastered"] = 99.0
    target = tmp_path / "seed-0.json"
    target.write_bytes(_reseal(doc))
    with pytest.raises(RecordInconsistent, match="do not match the recorded evaluations"):
        read_record(target)


def test_digest_mismatch_is_a_digest_error(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    target.write_bytes(target.read_bytes().replace(b'"episodes":', b'"episodes":1', 1))
    with pytest.raises(RecordDigestError, match="edited or damaged"):
        read_record(target)


def test_reader_skips_links_hidden_folders_and_other_names(
    record_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    _copy(record_file, tmp_path / "a")
    (tmp_path / "a" / ".seed-0.work").mkdir()
    (tmp_path / "a" / ".seed-0.work" / "seed-1.json").write_text("{}")
    (tmp_path / "a" / "seed-2.json").symlink_to("/dev/zero")
    (tmp_path / "a" / "notes.json").write_text("{}")
    assert [p.name for p in iter_record_files(tmp_path)] == ["seed-0.json"]
    with pytest.raises(RecordUnreadable, match="symbolic link"):
        read_record(tmp_path / "a" / "seed-2.json")


def test_names_that_are_not_slugs_never_build_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"teacher name '\.\./x' cannot name a folder"):
        record_path(tmp_path, "s", "surrogate", "c", "none", "../x", 0)


def test_inconsistent_score_cannot_be_written(record_file: Path, tmp_path: Path) -> None:
    doc = read_record(record_file)
    doc["final_mastered"] = 50.0
    with pytest.raises(RecordError, match="do not match the recorded evaluations"):
        write_record(tmp_path / "x.json", doc)
    assert not (tmp_path / "x.json").exists()


def test_failed_record_needs_its_error(record_file: Path, tmp_path: Path) -> None:
    doc = read_record(record_file)
    doc["status"] = "failed"
    with pytest.raises(RecordError, match="must carry its error"):
        write_record(tmp_path / "x.json", doc)


def test_records_get_the_usual_file_permissions(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write(tmp_path / "a.json", b"{}")
    finally:
        os.umask(previous)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o644


def test_signing_key_is_private_and_outside_results(signing_key: Path, record_file: Path) -> None:
    assert signing_key.exists() and signing_key.stat().st_mode & 0o777 == 0o600
    assert record_file.parents[5] not in signing_key.parents
