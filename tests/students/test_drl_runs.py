"""Real DRL runs through the real harness: CLI, executor, records, checkpoints, leaderboard.

The suite is the smoke tier shrunk to 600 steps (``drl_testkit.TINY_SUITE``): a real Box2D
environment and a real SAC or PPO student, in seconds.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from drl_testkit import NAN_ENV, NAN_STEP, TINY_BUDGET, RecordingTeacher
from teachbench.harness.cli import main
from teachbench.harness.executors.local import run_local
from teachbench.harness.loop import checkpoint_path, execute
from teachbench.harness.records import trace_path
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import load_state
from teachbench_testkit import comparable

SUITE = "drl_testkit:TINY_SUITE"
TESTS = Path(__file__).resolve().parents[1]


def spec(
    results: Path, challenge: str = "upper-baseline", teacher: str = "random", **kw
) -> RunSpec:
    fields = dict(suite=SUITE, tier="smoke", challenge=challenge, level="none", seed=0)
    fields.update(kw)
    return RunSpec(teacher=teacher, results=results, **fields)


def test_a_parkour_run_from_the_command_line_reaches_the_leaderboard(capsys, results: Path) -> None:
    code = main(["run", "--suite", SUITE, "--tier", "smoke", "--teacher", "random",
                 "--challenge", "parkour-fish", "--seeds", "0", "--results", str(results)])  # fmt: skip
    assert code == 0
    (record_file,) = results.rglob("seed-0.json")
    record = json.loads(record_file.read_text())
    assert record["status"] == "ok" and record["student"]["name"] == "sac"
    assert [e["step"] for e in record["evaluations"]] == [200, 400, 600]
    assert record["steps"] >= TINY_BUDGET and record["protocol"]["tier"] == "smoke"
    capsys.readouterr()
    assert main(["leaderboard", "--results", str(results), "--out", str(results.parent / "board"),
                 "--reps", "20"]) == 0  # fmt: skip
    table = capsys.readouterr().out
    assert "parkour-fish" in table and "smoke" in table


def test_a_smoke_run_with_an_unregistered_student_fails_before_any_work(
    capsys, results: Path
) -> None:
    code = main(["run", "--teacher", "random", "--tier", "smoke", "--seeds", "0",
                 "--suite", "drl_testkit:MISSING_STUDENT_SUITE", "--results", str(results)])  # fmt: skip
    assert code == 2 and not results.exists()
    assert "unknown student 'no-such-student'" in capsys.readouterr().err


def test_a_teacher_that_requires_step_updates_gets_every_transition(results: Path) -> None:
    RecordingTeacher.INSTANCES.clear()
    record = execute(spec(results, teacher="drl_testkit:RecordingTeacher"))
    assert record["status"] == "ok", record["error"]
    (teacher,) = RecordingTeacher.INSTANCES
    assert len(teacher.transitions) == record["steps"] == sum(teacher.lengths)
    start = 0
    for length in teacher.lengths:  # within an episode, s' of one step is s of the next
        episode = teacher.transitions[start : start + length]
        for (_, _, _, s_next, done), (s, *_) in itertools.pairwise(episode):
            assert np.array_equal(s_next, s) and not done
        assert len(episode[0]) == 5 and np.isfinite(episode[-1][2])
        start += length


def test_the_ppo_student_gets_transitions_too_and_not_a_surrogate_only_teacher(
    results: Path,
) -> None:
    RecordingTeacher.INSTANCES.clear()
    record = execute(spec(results, "students-ppo-small-bipedal", "drl_testkit:RecordingTeacher"))
    assert (
        record["status"] == "ok"
        and len(RecordingTeacher.INSTANCES[0].transitions) == record["steps"]
    )


def test_a_nan_environment_and_a_diverging_student_fail_their_runs_the_others_finish(
    results: Path,
) -> None:
    specs = [spec(results, name) for name in ("nan-env", "diverging", "forgetting")]
    outcome = {r.spec.challenge: r for r in run_local([(s, TINY_BUDGET) for s in specs], workers=2,
                                                       progress=False)}  # fmt: skip
    assert outcome["forgetting"].status == "ok"
    nan_record = json.loads(specs[0].record_file.read_text())
    assert nan_record["status"] == "failed"
    message = nan_record["error"]["message"]
    assert NAN_ENV in message and f"step {NAN_STEP}" in message and "task [" in message
    diverged = json.loads(specs[1].record_file.read_text())
    assert (
        diverged["status"] == "failed" and "student 'sac' diverged" in diverged["error"]["message"]
    )


def _cli(results: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS / "students")])}
    argv = [sys.executable, "-c", "import sys; from teachbench.harness.cli import main; sys.exit(main())",
            "run", "--suite", SUITE, "--tier", "smoke", "--teacher", "random", "--challenge",
            "forgetting", "--level", "none", "--seeds", "0", "--results", str(results), *extra]  # fmt: skip
    return subprocess.Popen(argv, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip


def _finished(process: subprocess.Popen) -> None:
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()[-2000:]


def _record_and_trace(results: Path) -> tuple[dict, dict]:
    (record_file,) = results.rglob("seed-0.json")
    record = json.loads(record_file.read_text())
    return comparable(record), load_state(trace_path(record_file))


def test_same_seed_gives_the_same_record_in_two_processes(tmp_path: Path) -> None:
    first, second = _cli(tmp_path / "a"), _cli(tmp_path / "b")
    _finished(first)
    _finished(second)
    (record_a, trace_a), (record_b, trace_b) = (
        _record_and_trace(tmp_path / "a"),
        _record_and_trace(tmp_path / "b"),
    )
    assert record_a["status"] == "ok" and record_a == record_b
    assert all(np.array_equal(trace_a[k], trace_b[k]) for k in trace_a)


def test_a_run_killed_half_way_resumes_from_its_checkpoint_to_the_same_record(
    tmp_path: Path,
) -> None:
    _finished(_cli(tmp_path / "whole"))
    results = tmp_path / "killed"
    process = _cli(results, "--checkpoint-every", "0")
    checkpoint = checkpoint_path(spec(results, "forgetting").record_file)
    deadline = time.monotonic() + 240
    while not checkpoint.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert checkpoint.exists() and not list(results.rglob("seed-0.json")), "killed too late"
    resumed_from = load_state(checkpoint)["loop"]["steps"]
    assert 0 < resumed_from < TINY_BUDGET
    _finished(_cli(results, "--checkpoint-every", "0"))
    assert not checkpoint.exists()
    (whole, whole_trace), (resumed, resumed_trace) = (
        _record_and_trace(tmp_path / "whole"), _record_and_trace(results),
    )  # fmt: skip
    assert resumed == whole
    assert all(np.array_equal(whole_trace[k], resumed_trace[k]) for k in whole_trace)
