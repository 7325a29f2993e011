"""The supervisor and the local executor: every way a run ends is one record; the others finish.

Issue 14, items 1 and 3: each test reproduces an attack or a fault of the issue and
shows the new behaviour.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from teachbench.harness import sandbox
from teachbench.harness.executors.local import run_local
from teachbench.harness.records import iter_record_files, load_record, read_record
from teachbench.harness.runspec import RunSpec
from teachbench.harness.supervisor import SupervisorOptions, run_supervised
from teachbench.harness.vocabulary import Trust
from teachbench_hostile import HELPER_MARK

SUITE = "teachbench_testkit:SMALL_SUITE"
HOSTILE = "teachbench_hostile"
BUDGET = 2_000_000

needs_landlock = pytest.mark.skipif(
    sandbox.unavailable_reason() is not None,
    reason=f"no sandbox on this kernel: {sandbox.unavailable_reason()}",
)


def _spec(results: Path, teacher: str, seed: int = 0) -> RunSpec:
    return RunSpec(SUITE, "surrogate", "upper-baseline", "none", teacher, seed, results)


def _run(specs: list[RunSpec], **options) -> dict[str, str]:
    options.setdefault("timeout_s", 60)
    outcome = run_local([(s, BUDGET) for s in specs], workers=2, progress=False, **options)
    assert len(outcome) == len(specs)
    return {f"{r.spec.teacher.split(':')[-1]}{r.spec.seed}": r.status for r in outcome}


def test_hanging_and_crashing_teachers_fail_alone(results: Path) -> None:
    specs = [
        _spec(results, "teachbench_testkit:HangingTeacher"),
        _spec(results, "teachbench_testkit:CrashingTeacher"),
        _spec(results, "random", 0),
        _spec(results, "random", 1),
    ]
    status = _run(specs, timeout_s=8)
    assert status == {"HangingTeacher0": "failed", "CrashingTeacher0": "failed",
                      "random0": "ok", "random1": "ok"}  # fmt: skip
    hung = read_record(specs[0].record_file)
    assert hung["error"]["where"] == "teacher update()"
    assert "timed out after 8 s in teacher update() (episode 0)" in hung["error"]["message"]
    crashed = read_record(specs[1].record_file)
    assert "exited (code 3) in teacher update() without a result" in crashed["error"]["message"]
    assert load_record(specs[2].record_file).trust == Trust.VERIFIED


def test_sys_exit_and_os_exit_give_one_failed_record_each_and_the_others_finish(
    results: Path,
) -> None:
    """Before: sys.exit(0)/os._exit(0) in a teacher aborted the command (exit 2), no record."""
    specs = [
        _spec(results, f"{HOSTILE}:ExitTeacher"),
        _spec(results, f"{HOSTILE}:HardExitTeacher"),
        _spec(results, "random", 0),
    ]
    status = _run(specs)
    assert status == {"ExitTeacher0": "failed", "HardExitTeacher0": "failed", "random0": "ok"}
    soft = read_record(specs[0].record_file)["error"]
    assert soft["where"] == "teacher update()" and "called sys.exit(0)" in soft["message"]
    hard = read_record(specs[1].record_file)["error"]
    assert "exited (code 0) in teacher update() without a result" in hard["message"]


def test_a_finished_run_is_not_overwritten_by_a_lingering_thread(results: Path) -> None:
    """Before: a non-daemon thread kept the process alive; at the limit 'ok' became 'timed out'."""
    spec = _spec(results, f"{HOSTILE}:LingeringThreadTeacher")
    assert _run([spec], timeout_s=15) == {"LingeringThreadTeacher0": "ok"}
    first = spec.record_file.read_bytes()
    time.sleep(1)
    assert (
        spec.record_file.read_bytes() == first and read_record(spec.record_file)["status"] == "ok"
    )


def _helpers() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and HELPER_MARK.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_helper_processes_die_with_their_run(results: Path) -> None:
    """Before: a helper process a teacher started survived the run's timeout."""
    spec = _spec(results, f"{HOSTILE}:HelperProcessTeacher")
    result = run_supervised(spec, SupervisorOptions(timeout_s=6))
    assert result.status == "failed" and "timed out" in result.message
    deadline = time.monotonic() + 5
    while _helpers() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _helpers() == []


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file() and ".work" not in str(p)
    }


@needs_landlock
def test_a_tampering_teacher_cannot_change_any_file_outside_its_scratch_folder(
    tmp_path: Path,
) -> None:
    """Before: a teacher rewrote ALP-GMM's records in __init__ and moved its cell 8.0 -> 0.0."""
    for sandboxed in (False, True):
        results = tmp_path / f"sandbox-{sandboxed}"
        assert _run([_spec(results, "random", 0), _spec(results, "random", 1)]) == {
            "random0": "ok", "random1": "ok"}  # fmt: skip
        before = _snapshot(results)
        attacker = _spec(results, f"{HOSTILE}:TamperingTeacher")
        status = _run([attacker], sandbox=sandboxed)
        record = read_record(attacker.record_file)
        after = _snapshot(results)
        changed = {k for k in before if after.get(k) != before[k]} | (set(after) - set(before))
        own = attacker.record_file.relative_to(results)
        changed -= {str(own), str(own.with_name("seed-0.trace.npz"))}  # written by the parent
        if not sandboxed:  # the attack is real: unconfined, it succeeds
            assert status == {"TamperingTeacher0": "failed"}
            assert "attack succeeded" in record["error"]["message"] and changed
        else:
            assert status == {"TamperingTeacher0": "ok"}, record["error"]
            assert changed == set(), f"changed outside the scratch folder: {changed}"
            assert all(load_record(p).trust == Trust.VERIFIED for p in iter_record_files(results))


def test_a_teacher_mutating_its_tasks_cannot_corrupt_the_trace(tmp_path: Path) -> None:
    """Before: a teacher changing the task array in update() corrupted an ok record's trace."""
    from teachbench.harness.loop import execute
    from teachbench.harness.records import trace_path
    from teachbench.harness.storage import load_state

    plain = _spec(tmp_path / "a", "random")
    mutating = _spec(tmp_path / "b", f"{HOSTILE}:MutatingTeacher")
    execute(plain), execute(mutating)
    tasks = [load_state(trace_path(s.record_file))["tasks"] for s in (plain, mutating)]
    assert tasks[0].shape == tasks[1].shape and (tasks[0] == tasks[1]).all()
    assert read_record(plain.record_file)["evaluations"] == read_record(
        mutating.record_file)["evaluations"]  # fmt: skip


SCRIPT = """
import sys
sys.path[:0] = {paths!r}
from pathlib import Path
from teachbench.harness.cli import main
sys.exit(main({argv!r}))
"""


def _cli_process(tmp_path: Path, argv: list[str]) -> subprocess.Popen:
    tests = str(Path(__file__).resolve().parents[1])
    script = tmp_path / "cli.py"
    script.write_text(textwrap.dedent(SCRIPT.format(paths=[tests], argv=argv)))
    return subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is dead)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _group_leader(pid: int) -> bool:
    try:
        return os.getpgid(pid) == pid
    except ProcessLookupError:
        return False


def _children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,pgid="], capture_output=True, text=True)
    table = [tuple(int(x) for x in line.split()) for line in out.stdout.splitlines()]
    family, grew = {pid}, True
    while grew:
        new = {p for p, ppid, _ in table if ppid in family} - family
        grew, family = bool(new), family | new
    return sorted(family - {pid})


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_every_run_with_one_line(tmp_path: Path, sig: signal.Signals) -> None:
    """Before: kill/timeout left orphaned runs working; Ctrl-C printed a raw traceback."""
    results = tmp_path / "runs"
    argv = ["run", "--suite", SUITE, "--challenge", "upper-baseline", "--level", "none",
            "--seeds", "0-1", "--results", str(results), "--workers", "2",
            "--teacher", f"{HOSTILE}:HelperProcessTeacher"]  # fmt: skip
    process = _cli_process(tmp_path, argv)
    deadline = time.monotonic() + 60
    while len(_helpers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_helpers()) == 2, "both runs started their helpers"
    family = _children_of(process.pid)
    process.send_signal(sig)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "interrupted; run the same command to resume"
    assert "Traceback" not in err
    time.sleep(0.5)
    alive = [p for p in family if _alive(p)]
    assert alive == [] and _helpers() == []
    assert list(iter_record_files(results)) == [], "interrupted runs are redone, not recorded"


def test_runs_and_their_helpers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """Before: SIGKILL of the command left its run processes working (orphans)."""
    results = tmp_path / "runs"
    argv = ["run", "--suite", SUITE, "--challenge", "upper-baseline", "--level", "none",
            "--seeds", "0", "--results", str(results), "--workers", "1",
            "--teacher", f"{HOSTILE}:HelperProcessTeacher"]  # fmt: skip
    process = _cli_process(tmp_path, argv)
    deadline = time.monotonic() + 60
    runs: list[int] = []
    while time.monotonic() < deadline and not (runs and _helpers()):
        runs = [p for p in _children_of(process.pid) if _group_leader(p)]
        time.sleep(0.2)
    assert runs and _helpers(), "the run process leads its own group and started its helper"
    process.kill()
    process.wait()
    deadline = time.monotonic() + 10
    while (any(_alive(p) for p in runs) or _helpers()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in runs) and _helpers() == []


def test_a_forged_result_is_refused_by_the_parent(results: Path) -> None:
    """The parent validates what the child returns: a result naming another run is not recorded."""
    spec = _spec(results, f"{HOSTILE}:ForgedResultTeacher")
    assert _run([spec]) == {"ForgedResultTeacher0": "failed"}
    error = read_record(spec.record_file)["error"]
    assert "the run returned an unusable result (it names another run" in error["message"]
    assert "seed" in error["message"]
    assert [p.name for p in iter_record_files(results)] == ["seed-0.json"]


def test_unconfined_runs_say_so_whichever_command_started_them(results: Path, capsys) -> None:
    """`run`, `campaign`, `submit` and `verify` share the local executor, and its warning."""
    assert _run([_spec(results, "random")], sandbox=False) == {"random0": "ok"}
    assert "runs are NOT sandboxed (sandboxing turned off)" in capsys.readouterr().err
