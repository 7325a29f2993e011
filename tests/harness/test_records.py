"""Run records: atomic, validated, and tamper-evident."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from teachbench.harness.loop import execute
from teachbench.harness.records import RecordError, read_record, write_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import atomic_write
from teachbench_testkit import SMALL_BUDGET


@pytest.fixture(scope="module")
def record_file(tmp_path_factory) -> Path:
    results = tmp_path_factory.mktemp("runs")
    run = RunSpec("teachbench_testkit:SMALL_SUITE", "surrogate", "upper-baseline", "none",
                  "random", 0, results)  # fmt: skip
    execute(run)
    return run.record_file


def _copy(record_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "seed-0.json"
    target.write_text(record_file.read_text())
    return target


def test_round_trip_and_no_temporary_files_left(record_file: Path) -> None:
    doc = read_record(record_file)
    assert doc["budget_steps"] == SMALL_BUDGET
    assert not [p for p in record_file.parent.iterdir() if p.name.endswith(".tmp")]


def test_truncated_record_names_the_file(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    target.write_text(target.read_text()[:200])
    with pytest.raises(RecordError, match=f"{target}: not valid JSON"):
        read_record(target)


def test_hand_edited_score_is_detected(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    doc = json.loads(target.read_text())
    doc["final_mastered"] = 99.0
    target.write_text(json.dumps(doc))
    with pytest.raises(RecordError, match="edited or damaged"):
        read_record(target)


def test_missing_field_is_named(record_file: Path, tmp_path: Path) -> None:
    target = _copy(record_file, tmp_path)
    doc = json.loads(target.read_text())
    del doc["seed"]
    target.write_text(json.dumps(doc))
    with pytest.raises(RecordError, match=r"missing field.*seed"):
        read_record(target)


def test_inconsistent_score_cannot_be_written(record_file: Path, tmp_path: Path) -> None:
    doc = {k: v for k, v in read_record(record_file).items() if k != "digest"}
    doc["final_mastered"] = 50.0
    with pytest.raises(RecordError, match="do not match the recorded evaluations"):
        write_record(tmp_path / "x.json", doc)
    assert not (tmp_path / "x.json").exists()


def test_failed_record_needs_its_error(record_file: Path, tmp_path: Path) -> None:
    doc = {k: v for k, v in read_record(record_file).items() if k != "digest"}
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
