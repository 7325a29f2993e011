"""Fault injection: killed workers, killed commands, two commands on one folder, hung runs.

Each test drives the real ``teachbench run`` command in subprocesses (the way a user
or a cluster runs it) and compares every record with an uninterrupted campaign.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from campaign_kit import (
    OPTIONS,
    SLOW,
    descendants,
    record_files,
    run_processes,
    same_records,
    small_campaign,
    subprocess_env,
    wait_for,
)
from teachbench.harness.executors.attempt import lost
from teachbench.harness.executors.base import RunOptions, run_campaign
from teachbench.harness.executors.local import LocalExecutor
from teachbench.harness.loop import checkpoint_path
from teachbench.harness.records import read_record


def command(results: Path, retries: int = 0, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "teachbench.harness.cli", "run",
            "--suite", "teachbench_testkit:SMALL_SUITE", "--teacher", SLOW,
            "--challenge", "upper-baseline", "--challenge", "forgetting", "--level", "none",
            "--seeds", "0-1", "--results", str(results), "--workers", str(workers),
            "--checkpoint-every", "0", "--retries", str(retries)]  # fmt: skip


def start(results: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        command(results, **kw),
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def executed(output: str) -> int:
    """How many runs a command executed to an ok record, from its summary line."""
    return int(re.search(r"campaign: ok (\d+)", output).group(1))


def any_checkpoint(results: Path) -> bool:
    return any(results.rglob("*.ckpt.npz"))


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list:
    """The same campaign, uninterrupted, in this process."""
    work = small_campaign(tmp_path_factory.mktemp("reference"), teacher=SLOW)
    reports, _ = run_campaign(LocalExecutor(2), work, OPTIONS, progress=False)
    assert {r.status for r in reports} == {"ok"}
    return work


def assert_complete(results: Path, reference: list) -> None:
    """Every record ok and equal to the uninterrupted one; one file per run, nothing left over."""
    work = small_campaign(results, teacher=SLOW)
    same_records(reference, work)
    assert record_files(results) == record_files(reference[0].spec.results)
    assert not [p for p in results.rglob("*") if p.is_file() and p.name.startswith(".")]


def test_sigkill_of_a_worker_then_re_run_gives_every_record_ok(tmp_path: Path, reference) -> None:
    results = tmp_path / "runs"
    process = start(results)
    wait_for(lambda: any_checkpoint(results))
    workers = run_processes(process.pid)
    assert workers, "no run process to kill"
    os.kill(workers[0], signal.SIGKILL)
    code, output = finish(process)
    assert code == 1 and "failed 1" in output, output
    failed = [p for p in results.rglob("seed-*.json") if read_record(p)["status"] == "failed"]
    assert len(failed) == 1
    record = read_record(failed[0])
    assert re.search(r"exit code -9|SIGKILL", record["error"]["message"]), record["error"]
    assert record["provenance"]["attempts"] == 1

    code, output = finish(start(results))
    assert code == 0 and executed(output) == 1 and "skipped 3 (already recorded)" in output, output
    assert_complete(results, reference)


def test_sigkill_of_the_whole_command_then_re_run_recovers_its_claims(
    tmp_path: Path, reference
) -> None:
    results = tmp_path / "runs"
    process = start(results)
    wait_for(lambda: any_checkpoint(results))
    everything = [process.pid, *descendants(process.pid)]
    for pid in everything:  # the machine "crashes": nothing of the command survives
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.communicate()
    assert list(results.rglob("*.claim-*")), "the killed command should have left its claims"

    code, output = finish(start(results))
    assert code == 0 and "failed 0" in output, output
    assert_complete(results, reference)
    code, output = finish(start(results))  # and once more: nothing left to do
    assert code == 0 and executed(output) == 0 and "skipped 4" in output, output


def test_two_commands_on_one_folder_run_each_run_once(tmp_path: Path, reference) -> None:
    results = tmp_path / "runs"
    first, second = start(results, workers=1), start(results, workers=1)
    (code_1, output_1), (code_2, output_2) = finish(first), finish(second)
    assert code_1 == code_2 == 0, output_1 + output_2
    assert executed(output_1) + executed(output_2) == 4, output_1 + output_2
    assert executed(output_1) >= 1 and executed(output_2) >= 1, "the commands did not overlap"
    assert_complete(results, reference)


@pytest.mark.parametrize(
    ("teacher", "attempts", "message"),
    [
        ("teachbench_testkit:HangingTeacher", 2, r"timed out after 2 s in teacher update\(\)"),
        (
            "teachbench_testkit:CrashingTeacher",
            2,
            r"(died \(exit code 3\)|exited \(code 3\)) in teacher",
        ),
        ("teachbench_testkit:RaisingUpdateTeacher", 1, "boom in update"),  # a bug: not retried
    ],
)
def test_a_hung_or_crashed_run_is_retried_then_recorded_failed(
    results: Path, teacher: str, attempts: int, message: str
) -> None:
    (work,) = small_campaign(results, seeds=(0,), teacher=teacher)[:1]
    options = RunOptions(timeout_s=2, retries=1)
    (report,), summary = run_campaign(LocalExecutor(1), [work], options, progress=False)
    record = read_record(work.spec.record_file)
    assert report.status == record["status"] == "failed"
    assert report.attempts == record["provenance"]["attempts"] == attempts
    assert (
        re.search(message, record["error"]["message"])
        and f"(attempts: {attempts})" in report.message
    )
    assert summary.counts == {"failed": 1}
    assert not checkpoint_path(work.spec.record_file).exists()
    assert record_files(results) == [work.spec.record_file.relative_to(results)]


def test_half_written_files_of_a_killed_holder_are_swept_by_the_next(results: Path) -> None:
    (work,) = small_campaign(results, seeds=(1,))[:1]
    folder = work.spec.record_file.parent
    folder.mkdir(parents=True)
    torn = [folder / ".seed-1.ckpt.npz.x1.tmp", folder / ".seed-1.json.x2.tmp"]
    other_run = folder / ".seed-10.json.x3.tmp"
    for path in [*torn, other_run]:
        path.write_bytes(b"half")
    (report,), _ = run_campaign(LocalExecutor(1), [work], OPTIONS, progress=False)
    assert report.status == "ok"
    assert not any(p.exists() for p in torn) and other_run.exists()


def test_a_lost_task_is_recorded_failed_unless_it_left_a_finished_record(results: Path) -> None:
    finished, vanished = small_campaign(results, seeds=(0,))
    run_campaign(LocalExecutor(1), [finished], OPTIONS, progress=False)
    kept = finished.spec.record_file.read_bytes()
    assert lost(finished, "ray task", "the Ray task was lost").status == "ok"
    assert finished.spec.record_file.read_bytes() == kept
    report = lost(vanished, "slurm job", "the Slurm job 7 ended without a result")
    record = read_record(vanished.spec.record_file)
    assert report.status == record["status"] == "failed"
    assert record["error"]["where"] == "slurm job" and "job 7" in record["error"]["message"]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_the_campaign_in_one_line_and_the_same_command_resumes(
    tmp_path: Path, reference, sig: signal.Signals
) -> None:
    results = tmp_path / "runs"
    process = start(results)
    wait_for(lambda: any_checkpoint(results))
    family = descendants(process.pid)
    process.send_signal(sig)
    code, output = finish(process)
    assert code == 130 and output.strip().endswith("interrupted; run the same command to resume")
    wait_for(lambda: not [pid for pid in family if Path(f"/proc/{pid}").exists()], timeout_s=10)
    assert not list(results.rglob("*.claim-*")), "claims are given back"

    code, output = finish(start(results))
    assert code == 0 and "failed 0" in output, output
    assert_complete(results, reference)
