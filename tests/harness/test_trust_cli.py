"""Issue 14 through the command line: check, identity, reader, storage and argument faults.

Each test reproduces one fault the issue lists and shows the new behaviour.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import msgspec
import pytest
from teachbench.harness import sandbox, signing
from teachbench.harness.arguments import ArgumentProblem, confirm_size, usable_teachers
from teachbench.harness.cli import main
from teachbench.harness.records import iter_record_files
from teachbench.harness.registry import RegistryError
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import StorageError, check_writable
from teachbench_testkit import run_cli

SUITE = "teachbench_testkit:SMALL_SUITE"
HOSTILE = "teachbench_hostile"


run = run_cli


def small_run(results: Path, *extra: str) -> list[str]:
    return ["run", "--suite", SUITE, "--challenge", "upper-baseline", "--level", "none",
            "--seeds", "0", "--results", str(results), "--workers", "2", *extra]  # fmt: skip


# --- item 4: `check` ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("teacher", "failing", "reason"),
    [
        ("ExitTeacher", "valid tasks", "exited (code 0) without a report"),
        ("SegfaultTeacher", "valid tasks", "killed by SIGSEGV without a report"),
        ("HangingTeacher", "valid tasks", "did not finish within 3 s"),
        ("HashSeededTeacher", "determinism across runs", "two fresh interpreters"),
        ("MutatingTeacher", "tasks not mutated", "was changed afterwards"),
    ],
)
def test_check_fails_what_used_to_pass_or_hang(
    capsys, teacher: str, failing: str, reason: str
) -> None:
    """Before: sys.exit(0) passed silently (exit 0), a hang never returned, a segfault gave
    exit 139 with no report, hash()-seeded and task-mutating teachers passed."""
    code, out, _ = run(["check", f"{HOSTILE}:{teacher}", "--timeout", "3"], capsys)
    assert code == 1
    line = next(line for line in out.splitlines() if failing in line)
    assert line.startswith("FAIL") and reason in line


# --- item 5: identity --------------------------------------------------------------------------


def test_entry_points_with_one_class_name_never_share_a_folder(results: Path) -> None:
    """Before: a.mod:RandomTeacher and b.mod:RandomTeacher shared one folder."""

    def spec(teacher: str) -> RunSpec:
        return RunSpec(SUITE, "surrogate", "upper-baseline", "none", teacher, 0, results)

    a, b = spec("teachbench_testkit:HangingTeacher"), spec(f"{HOSTILE}:HangingTeacher")
    assert a.teacher_key != b.teacher_key and a.record_file != b.record_file
    assert a.teacher_key.startswith("hangingteacher-")
    assert spec("my_pkg.mod:random").teacher_key != "random", "never the baseline's folder"
    with pytest.raises(RegistryError, match="not a slug"):
        _ = spec("../evil").record_file


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch) -> Path:
    """A third-party distribution registering a shadowing, a broken and a path-like teacher."""
    site = tmp_path / "site"
    info = site / "evil_plugins-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: evil-plugins\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        textwrap.dedent(f"""
        [teachbench.teachers]
        random = {HOSTILE}:ExitTeacher
        broken = no_such_module_anywhere:Teacher
        ../escape = {HOSTILE}:ExitTeacher
        """)
    )
    monkeypatch.syspath_prepend(str(site))
    return site


def test_shadowing_broken_and_path_like_plugins_are_refused_or_skipped(
    plugins: Path, capsys, results: Path
) -> None:
    """Before: a class named 'random' took the baseline's folder, '../' wrote outside --results,
    and one broken plugin blocked `--teacher all` and `campaign` for everyone."""
    code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
    assert code == 2 and "registered by more than one package" in err
    code, _, err = run([*small_run(results), "--teacher", "../escape"], capsys)
    assert code == 2 and "not a slug" in err
    code, _, err = run([*small_run(results), "--teacher", "broken"], capsys)
    assert code == 2 and "no_such_module_anywhere" in err
    assert not results.exists() and not (results.parent / "escape").exists()

    warnings: list[str] = []
    usable = usable_teachers(["all"], {}, warnings.append)
    assert "alp-gmm" in usable and not {"random", "broken", "../escape"} & set(usable)
    assert len(warnings) == 3 and all(w.startswith("skipping teacher") for w in warnings)


TEACHER_V1 = '''
from teachbench.baselines.teachers.random_teacher import RandomTeacher
class Edited(RandomTeacher):
    """version one"""
'''


def test_a_record_of_other_teacher_code_is_superseded_and_re_run(
    capsys, results: Path, tmp_path: Path, monkeypatch
) -> None:
    """Before: editing a teacher's code never re-ran it (code_version recorded, not compared)."""
    package = tmp_path / "src"
    package.mkdir()
    (package / "edited_teacher.py").write_text(TEACHER_V1)
    monkeypatch.syspath_prepend(str(package))
    argv = [*small_run(results), "--teacher", "edited_teacher:Edited"]
    assert run(argv, capsys)[0] == 0
    code, _, err = run(argv, capsys)
    assert code == 0 and "0 run(s) to do, 1 already recorded" in err
    (package / "edited_teacher.py").write_text(TEACHER_V1.replace("one", "two"))
    code, _, err = run(argv, capsys)
    assert code == 0 and "another teacher code version" in err and "1 run(s) to do" in err
    assert len(list(results.rglob("seed-0.json.superseded-*"))) == 1, "the old record is kept"
    assert "edited_teacher" not in sys.modules, "submitted code is imported in children only"


# --- item 6: the reader ------------------------------------------------------------------------


def _bad_records(folder: Path) -> list[Path]:
    """A non-UTF-8 file, 100k-deep JSON, and a re-sealed record with wrongly typed fields."""
    good = next(iter_record_files(folder))
    doc = json.loads(good.read_text())
    doc["seed"], doc["teacher"] = 7, {"name": 5}
    body = msgspec.json.encode({k: v for k, v in doc.items() if k not in ("digest", "signature")})
    resealed = body[:-1] + b',"digest":"' + hashlib.sha256(body).hexdigest().encode() + b'"}'
    contents = [b'{"challenge": "\xff\xfe"}', b"[" * 100_000 + b"]" * 100_000, resealed]
    paths = []
    for seed, content in zip((5, 6, 7), contents, strict=True):
        paths.append(good.with_name(f"seed-{seed}.json"))
        paths[-1].write_bytes(content)
    return paths


def test_bad_records_are_skipped_by_the_leaderboard_and_set_aside_by_run(
    capsys, results: Path, tmp_path: Path
) -> None:
    """Before: each of these crashed `leaderboard --skip-invalid` and blocked `run` in planning."""
    assert run([*small_run(results), "--teacher", "random"], capsys)[0] == 0
    bad = _bad_records(results)
    board = ["leaderboard", "--results", str(results), "--out", str(tmp_path / "b"), "--reps", "20"]
    code, _, err = run(board, capsys)
    assert code == 2 and err.count("\n") == 1 and str(bad[0]) in err
    with pytest.warns(UserWarning, match="skipped invalid record") as caught:
        code, markdown, _ = run([*board, "--skip-invalid"], capsys)
    assert code == 0 and "| random |" in markdown and len(caught) == 3

    code, _, err = run([*small_run(results), "--teacher", "random", "--seeds", "5-7"], capsys)
    assert code == 0 and err.count("kept ") == 3 and "3 run(s) to do" in err
    assert len(list(results.rglob("seed-*.json.invalid-*"))) == 3


# --- item 7: storage ---------------------------------------------------------------------------


def test_an_unusable_results_folder_is_refused_before_any_run(capsys, tmp_path: Path) -> None:
    """Before: discovered after every run had computed, as tracebacks and failed records."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for results in (blocker, blocker / "runs"):
        code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
        assert code == 2 and err.startswith("teachbench: storage error:") and "not a folder" in err
    with pytest.raises(StorageError, match="MiB free"):
        check_writable(tmp_path, min_free_bytes=2**62)


# --- item 8: arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--teacher", "alp-gmm", "--hp", "fitrate=10"], "has no hyper-parameter 'fitrate'"),
        (["--teacher", "alp-gmm", "--hp", "fit_rate=often"], "expects int"),
        (["--teacher", "alp-gmm", "--hp", "random_task_ratio=NaN"], "must be finite"),
        (["--teacher", f"{HOSTILE}:TypedTeacher", "--hp", "rate=true"], "expects float"),
    ],
)
def test_bad_hyperparameters_are_refused_before_any_run(
    capsys, results: Path, extra: list[str], message: str
) -> None:
    """Before: they wrote failed records for the baselines."""
    code, _, err = run([*small_run(results), *extra], capsys)
    assert code == 2 and message in err and not results.exists()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--timeout", "-5"], "must be a positive number"),
        (["--timeout", "nan"], "must be a positive number"),
        (["--timeout", "0"], "must be a positive number"),
        (["--seeds", "0-1000000000"], "1,000,000,001 seeds; at most 10,000"),
    ],
)
def test_bad_timeouts_and_huge_seed_ranges_are_refused(
    capsys, results: Path, option: list[str], message: str
) -> None:
    """Before: --timeout -5/nan failed every run, 0 meant 600, 0-1000000000 died of MemoryError."""
    with pytest.raises(SystemExit) as exit_info:
        main([*small_run(results, "--teacher", "random"), *option])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_a_very_large_command_asks_first(capsys, results: Path) -> None:
    """Before: 100,001 runs started without a word."""
    argv = [*small_run(results, "--teacher", "random"), "--seeds", "0-9999"]
    code, _, err = run(argv, capsys)
    assert code == 2 and "10,000 runs to do" in err and "--yes" in err
    assert list(iter_record_files(results)) == []
    with pytest.raises(ArgumentProblem, match="nothing started"):
        confirm_size(10_000, False, lambda question: "n")
    confirm_size(10_000, False, lambda question: "y")


def test_a_forged_record_is_marked_unverified_by_run_and_leaderboard(capsys, results: Path) -> None:
    """Before: Random edited to 100% mastered, digest recomputed, was accepted like any record."""
    from teachbench.leaderboard.runs import runs_frame

    assert run([*small_run(results, "--seeds", "0-1"), "--teacher", "random"], capsys)[0] == 0
    record = next(iter_record_files(results))
    doc = json.loads(record.read_text())
    doc["evaluations"] = [{**e, "returns": [300.0] * len(e["returns"])} for e in doc["evaluations"]]
    doc["final_mastered"], doc["auc"] = 100.0, 100.0
    body = msgspec.json.encode({k: v for k, v in doc.items() if k not in ("digest", "signature")})
    digest = hashlib.sha256(body).hexdigest().encode()
    record.write_bytes(body[:-1] + b',"digest":"' + digest + b'","signature":null}')

    code, _, err = run([*small_run(results, "--seeds", "0-1"), "--teacher", "random"], capsys)
    assert code == 0 and "0 run(s) to do, 2 already recorded" in err and "(1 unverified)" in err
    frame = runs_frame(results).set_index("seed")
    assert frame.loc[0, "trust"] == "unverified" and frame.loc[0, "final_mastered"] == 100.0
    assert frame.loc[1, "trust"] == "verified"


READ_ONLY_SCRIPT = """
import os, sys
sys.path[:0] = {paths!r}
from pathlib import Path
from teachbench.harness import sandbox
from teachbench.harness.cli import main
# From here on, this process may write only under {writable!r}: the results folder is read-only.
sandbox.confine(Path({writable!r}), Path({writable!r}) / "no-secret")
sys.exit(main({argv!r}))
"""


@pytest.mark.skipif(
    sandbox.unavailable_reason() is not None,
    reason=f"needs Landlock to make a folder read-only for root: {sandbox.unavailable_reason()}",
)
def test_a_read_only_results_folder_is_a_storage_error_before_any_run(tmp_path: Path) -> None:
    """Before: found only after every run had computed, as tracebacks and failed records."""
    signing.ensure_key()
    results, writable = tmp_path / "results", tmp_path / "writable"
    results.mkdir()
    writable.mkdir()
    argv = small_run(results, "--teacher", "random")
    tests = str(Path(__file__).resolve().parents[1])
    script = writable / "cli.py"
    script.write_text(READ_ONLY_SCRIPT.format(paths=[tests], writable=str(writable), argv=argv))
    env = {**os.environ, "TMPDIR": str(writable)}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"teachbench: storage error: results folder {results} is not writable (Permission "
        "denied); choose another with --results or fix its permissions"
    ]
    assert list(results.iterdir()) == []


def test_a_storage_failure_during_the_runs_is_reported_as_one(capsys, results: Path) -> None:
    """Before: blamed on the run ('failed' records naming evaluation or the record's writing)."""
    run_key = RunSpec(SUITE, "surrogate", "upper-baseline", "none", "random", 0, results)
    teacher_folder = run_key.record_file.parent
    teacher_folder.parent.mkdir(parents=True)
    teacher_folder.write_text("a file where the runs' folder must go")
    code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
    assert code == 2 and "Traceback" not in err
    assert err.splitlines()[-1].startswith("teachbench: storage error: cannot prepare")
    assert list(iter_record_files(results)) == []
