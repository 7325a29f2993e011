"""The local executor: hangs and crashes become failed records; the other runs finish."""

from __future__ import annotations

from pathlib import Path

from teachbench.harness.executors.local import run_local
from teachbench.harness.records import read_record
from teachbench.harness.runspec import RunSpec

SUITE = "teachbench_testkit:SMALL_SUITE"


def _spec(results: Path, teacher: str, seed: int = 0) -> RunSpec:
    return RunSpec(SUITE, "surrogate", "upper-baseline", "none", teacher, seed, results)


def test_hanging_and_crashing_teachers_fail_alone(results: Path) -> None:
    specs = [
        _spec(results, "teachbench_testkit:HangingTeacher"),
        _spec(results, "teachbench_testkit:CrashingTeacher"),
        _spec(results, "random", 0),
        _spec(results, "random", 1),
    ]
    outcome = run_local([(s, 2_000_000) for s in specs], workers=2, timeout_s=8, progress=False)
    status = {r.spec.teacher_key + str(r.spec.seed): r.status for r in outcome}
    assert status == {"HangingTeacher0": "failed", "CrashingTeacher0": "failed",
                      "random0": "ok", "random1": "ok"}  # fmt: skip

    hung = read_record(specs[0].record_file)
    assert hung["status"] == "failed"
    assert hung["error"]["where"] == "teacher update()"
    assert "timed out after 8 s in teacher update() (episode 0)" in hung["error"]["message"]

    crashed = read_record(specs[1].record_file)
    assert "died (exit code 3) in teacher update()" in crashed["error"]["message"]
    assert read_record(specs[2].record_file)["status"] == "ok"
