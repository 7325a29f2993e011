"""The run loop end to end on the surrogate tier: determinism, resume, and every error path."""

from __future__ import annotations

import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest
from teachbench.harness.loop import checkpoint_path, execute
from teachbench.harness.records import read_record, trace_path
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import load_state, save_state
from teachbench_testkit import SMALL_BUDGET, comparable

SUITE = "teachbench_testkit:SMALL_SUITE"


def spec(results: Path, teacher: str = "random", seed: int = 0, **kw) -> RunSpec:
    fields = dict(suite=SUITE, tier="surrogate", challenge="mostly-unfeasible", level="none")
    fields.update(kw)
    return RunSpec(teacher=teacher, seed=seed, results=results, **fields)


def test_ok_record_holds_the_protocol_and_a_mastery_curve(results: Path) -> None:
    record = execute(spec(results))
    assert record["status"] == "ok"
    assert [e["step"] for e in record["evaluations"]] == [500_000, 1_000_000, 1_500_000, 2_000_000]
    assert all(len(e["returns"]) == 100 for e in record["evaluations"])
    assert SMALL_BUDGET <= record["steps"] < SMALL_BUDGET + 2000
    assert (
        record["teacher"]["entry_point"]
        == "teachbench.baselines.teachers.random_teacher:RandomTeacher"
    )
    assert read_record(spec(results).record_file) == record
    trace = load_state(trace_path(spec(results).record_file))
    assert trace["tasks"].shape == (record["episodes"], 2)
    assert int(trace["lengths"].sum()) == record["steps"]


def test_record_keeps_returns_to_two_decimals_and_times_each_teacher_call(results: Path) -> None:
    record = execute(spec(results, teacher="alp-gmm"))
    returns = np.array([e["returns"] for e in record["evaluations"]])
    assert np.array_equal(returns, np.round(returns, 2)) and len(np.unique(returns)) > 10
    timings = record["timings"]
    assert timings["sample_task_us"] > 0 and timings["update_us"] > 0
    split = timings["sample_task_us"] + timings["update_us"]
    assert split == pytest.approx(timings["teacher_us_per_episode"])


@pytest.mark.parametrize("teacher", ["random", "alp-gmm"])
def test_same_seed_same_record_bit_for_bit(tmp_path: Path, teacher: str) -> None:
    first = execute(spec(tmp_path / "a", teacher, challenge="distractors"))
    second = execute(spec(tmp_path / "b", teacher, challenge="distractors"))
    assert comparable(first) == comparable(second)
    trace_a = trace_path(spec(tmp_path / "a", teacher, challenge="distractors").record_file)
    trace_b = trace_path(spec(tmp_path / "b", teacher, challenge="distractors").record_file)
    assert trace_a.read_bytes() != b"" and np.array_equal(
        load_state(trace_a)["tasks"], load_state(trace_b)["tasks"]
    )
    other = execute(spec(tmp_path / "c", teacher, seed=1, challenge="distractors"))
    assert other["evaluations"] != first["evaluations"]


def test_teacher_requiring_more_knowledge_is_not_applicable(results: Path) -> None:
    record = execute(spec(results, "teachbench_testkit:NeedsRewardRange"))
    assert record["status"] == "not_applicable"
    assert "reward_range" in record["reason"] and "'none'" in record["reason"]
    low = execute(spec(results, "teachbench_testkit:NeedsRewardRange", level="low"))
    assert low["status"] == "ok"


@pytest.mark.parametrize(
    ("teacher", "expected"),
    [
        ("OutOfBoundsTeacher", "out of bounds: stump_height=10"),
        ("NaNTeacher", "non-finite task"),
        ("WrongShapeTeacher", "returned shape (3,)"),
    ],
)
def test_invalid_tasks_fail_the_run_naming_teacher_call_and_value(
    results: Path, teacher: str, expected: str
) -> None:
    record = execute(spec(results, f"teachbench_testkit:{teacher}"))
    assert record["status"] == "failed"
    assert f"teacher '{teacher}' sample_task() (episode 0)" == record["error"]["where"]
    assert expected in record["error"]["message"]


def test_exception_in_update_fails_the_run_and_names_the_call(results: Path) -> None:
    record = execute(spec(results, "teachbench_testkit:RaisingUpdateTeacher"))
    assert record["status"] == "failed"
    assert record["error"]["where"] == "teacher update()"
    assert record["error"]["message"] == "boom in update"
    assert "RuntimeError" in record["error"]["traceback"]


def test_bad_hyperparameter_fails_at_construction(results: Path) -> None:
    record = execute(spec(results, "alp-gmm", hyperparameters={"fit_rate": "often"}))
    assert record["status"] == "failed"
    assert record["error"]["where"] == "teacher 'alp-gmm' construction"
    assert "'fit_rate'" in record["error"]["message"]


def _run_with_fast_checkpoints(run: RunSpec) -> None:
    execute(run, checkpoint_every_s=0.0)


def test_a_run_killed_half_way_resumes_to_the_identical_record(tmp_path: Path) -> None:
    reference = execute(spec(tmp_path / "straight", "alp-gmm"))
    run = spec(tmp_path / "killed", "alp-gmm")
    process = mp.get_context("fork").Process(target=_run_with_fast_checkpoints, args=(run,))
    process.start()
    ckpt = checkpoint_path(run.record_file)
    deadline = time.monotonic() + 60
    while not ckpt.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.join()
    assert ckpt.exists() and not run.record_file.exists(), "kill the run between checkpoints"
    resumed = execute(run)
    assert not ckpt.exists()
    assert comparable(resumed) == comparable(reference)


def test_a_stale_checkpoint_of_another_teacher_setting_is_not_resumed(tmp_path: Path) -> None:
    run = spec(tmp_path, "random")
    ckpt = checkpoint_path(run.record_file)
    execute(run, checkpoint_every_s=0.0)
    record = json.loads(run.record_file.read_text())
    run.record_file.unlink()
    # A checkpoint from another protocol: identity mismatch, so the run starts afresh.
    save_state(ckpt, {"identity": {"protocol": "other"}})
    again = execute(run)
    assert comparable(again) == comparable(record)


@pytest.mark.parametrize("damage", [b"not a zip at all", b"PK\x03\x04 truncated zip"])
def test_a_checkpoint_that_cannot_be_loaded_is_set_aside_and_the_run_starts_over(
    tmp_path: Path, damage: bytes
) -> None:
    """Before: a corrupt checkpoint failed its run on every retry, blamed on the teacher."""
    reference = execute(spec(tmp_path / "straight", "random"))
    run = spec(tmp_path / "damaged", "random")
    ckpt = checkpoint_path(run.record_file)
    ckpt.parent.mkdir(parents=True)
    ckpt.write_bytes(damage)
    with pytest.warns(UserWarning, match="cannot be loaded.*started the run over"):
        again = execute(run)
    assert again["status"] == "ok" and comparable(again) == comparable(reference)


def test_a_checkpoint_with_the_right_identity_but_garbage_inside_starts_over(
    tmp_path: Path,
) -> None:
    run = spec(tmp_path, "random")
    reference = execute(run)
    run.record_file.unlink()
    identity = {"protocol": reference["protocol"]["hash"], "teacher": reference["teacher"],
                "seed": 0}  # fmt: skip
    save_state(checkpoint_path(run.record_file), {"identity": identity, "loop": {"steps": "x"}})
    with pytest.warns(UserWarning, match="cannot be loaded"):
        again = execute(run)
    assert comparable(again) == comparable(reference)


def test_a_trace_that_cannot_be_written_never_costs_the_result(tmp_path: Path) -> None:
    """Before: a failing trace write turned a finished run into a failed one."""
    run = spec(tmp_path, "random")
    blocker = trace_path(run.record_file)
    (blocker / "in-the-way").mkdir(parents=True)  # a folder where the trace file should go
    with pytest.warns(UserWarning, match="the trace was not written"):
        record = execute(run)
    assert record["status"] == "ok" and record["trace"] is None
    assert "cannot write" in record["provenance"]["trace_error"]
    assert read_record(run.record_file) == record
