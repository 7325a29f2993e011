"""The command line: one-line errors that say what to do, resume, leaderboard, check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from teachbench.harness.cli import main
from teachbench.harness.records import write_record
from teachbench_testkit import SMALL_SUITE, run_cli

SUITE = "teachbench_testkit:SMALL_SUITE"


run = run_cli


def small_run(results: Path, *extra: str) -> list[str]:
    return ["run", "--suite", SUITE, "--challenge", "upper-baseline", "--level", "none",
            "--seeds", "0-1", "--results", str(results), "--workers", "2", *extra]  # fmt: skip


def test_unknown_teacher_is_one_line_naming_it(capsys, results: Path) -> None:
    code, _, err = run([*small_run(results), "--teacher", "no-such-teacher"], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert "unknown teacher 'no-such-teacher'" in err and "teachbench list teachers" in err
    assert not results.exists()


def test_unknown_challenge_lists_the_known_ones(capsys, results: Path) -> None:
    code, _, err = run(["run", "--teacher", "random", "--challenge", "nope",
                        "--results", str(results)], capsys)  # fmt: skip
    assert code == 2 and "unknown challenge 'nope'" in err and "mostly-unfeasible" in err


def test_invalid_seed_range(capsys, results: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--teacher", "random", "--seeds", "5-2", "--results", str(results)])
    assert exit_info.value.code == 2
    assert "invalid seed range '5-2'" in capsys.readouterr().err


def test_not_a_teacher_class(capsys, results: Path) -> None:
    code, _, err = run([*small_run(results), "--teacher", "teachbench_testkit:NotATeacher"], capsys)
    assert code == 2 and "not a subclass of teachbench.Teacher" in err


def test_run_resume_and_leaderboard(capsys, results: Path, tmp_path: Path) -> None:
    code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
    assert code == 0 and "2 run(s) to do, 0 already recorded" in err
    code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
    assert code == 0 and "0 run(s) to do, 2 already recorded" in err

    out = tmp_path / "board"
    code, markdown, _ = run(["leaderboard", "--results", str(results), "--out", str(out),
                             "--reps", "100"], capsys)  # fmt: skip
    assert code == 0
    assert "| random |" in markdown and "upper-baseline" in markdown
    assert (out / "leaderboard.csv").stat().st_size > 0
    assert (out / "small-surrogate-iqm.png").stat().st_size > 10_000


def test_leaderboard_of_several_folders_counts_a_repeated_run_once_and_refuses_a_conflict(
    capsys, results: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine"
    assert run([*small_run(results), "--teacher", "random"], capsys)[0] == 0
    assert run([*small_run(mine), "--teacher", "adr", "--level", "high"], capsys)[0] == 0
    both = ["leaderboard", "--results", str(results), "--results", str(mine), "--reps", "50",
            "--out", str(tmp_path / "board")]  # fmt: skip
    code, markdown, _ = run(both, capsys)
    assert code == 0 and "| random |" in markdown and "| adr |" in markdown
    assert "1/0/0" not in markdown

    shutil.copytree(results, mine, dirs_exist_ok=True)  # the same runs, re-run elsewhere
    code, again, _ = run(both, capsys)
    assert code == 0 and again == markdown, "an identical run counts once"

    record = next(mine.rglob("random/seed-1.json"))
    doc = json.loads(record.read_text())
    doc["episodes"] += 1  # another result, still a valid record
    write_record(record, {k: v for k, v in doc.items() if k not in ("digest", "schema_version")})
    code, _, err = run(both, capsys)
    assert code == 2 and "two different records" in err
    assert err.count("random/seed-1.json") == 2, "names both files of that run"


def test_corrupt_record_stops_the_leaderboard_and_is_set_aside_on_rerun(
    capsys, results: Path, tmp_path: Path
) -> None:
    assert run([*small_run(results), "--teacher", "random"], capsys)[0] == 0
    record = next(results.rglob("seed-0.json"))
    doc = json.loads(record.read_text())
    doc["final_mastered"] = 100.0
    record.write_text(json.dumps(doc))

    code, _, err = run(["leaderboard", "--results", str(results), "--out", str(tmp_path)], capsys)
    assert code == 2 and str(record) in err and "edited or damaged" in err
    with pytest.warns(UserWarning, match="skipped invalid record"):
        code, markdown, _ = run(["leaderboard", "--results", str(results), "--out",
                                 str(tmp_path), "--skip-invalid", "--reps", "50"], capsys)  # fmt: skip
    assert code == 0 and "1/0/0" in markdown

    code, _, err = run([*small_run(results), "--teacher", "random"], capsys)
    assert code == 0 and "kept" in err and "1 run(s) to do" in err
    kept = list(record.parent.glob("seed-0.json.invalid-*"))
    assert len(kept) == 1 and json.loads(kept[0].read_text())["final_mastered"] == 100.0


def test_failed_runs_make_a_nonzero_exit_and_say_why(capsys, results: Path) -> None:
    code, out, _ = run([*small_run(results), "--teacher", "teachbench_testkit:NaNTeacher"], capsys)
    assert code == 1
    assert "FAILED teachbench_testkit:NaNTeacher on upper-baseline/none seed 0" in out
    assert "non-finite" in out


def test_list(capsys) -> None:
    code, out, _ = run(["list", "teachers"], capsys)
    assert code == 0 and "alp-gmm" in out and "random" in out
    code, out, _ = run(["list", "challenges"], capsys)
    assert "teachmyagent/distractors" in out


def test_check_passes_the_baselines_and_fails_a_nondeterministic_teacher(capsys) -> None:
    code, out, _ = run(["check", "alp-gmm"], capsys)
    assert code == 0 and out.count("PASS") == 7 and "FAIL" not in out
    code, out, _ = run(["check", "teachbench_testkit:GlobalRandomTeacher"], capsys)
    assert code == 1 and "FAIL  determinism" in out and "self.rng" in out
    code, out, _ = run(["check", "teachbench_testkit:OutOfBoundsTeacher"], capsys)
    assert code == 1 and "FAIL  valid tasks" in out


def test_show_writes_a_picture_and_rejects_a_bad_task(capsys, tmp_path: Path) -> None:
    out = tmp_path / "stumps.png"
    code, _, _ = run(["show", "teachbench/StumpTracks-v0", "--task", "2,1", "--out",
                           str(out)], capsys)  # fmt: skip
    assert code == 0 and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, _, err = run(["show", "teachbench/StumpTracks-v0", "--task", "1", "--out",
                        str(tmp_path / "x.png")], capsys)  # fmt: skip
    assert code == 2 and "expected 2" in err and not (tmp_path / "x.png").exists()


def test_all_registered_teachers_in_one_command(capsys, results: Path) -> None:
    code, _, err = run(["run", "--suite", SUITE, "--teacher", "all", "--challenge", "distractors",
                        "--level", "none", "--seeds", "0", "--results", str(results),
                        "--workers", "2", "--no-trace"], capsys)  # fmt: skip
    assert code == 0
    for teacher in ("random", "alp-gmm", "riac", "adr", "goalgan", "setter-solver"):
        assert f"{teacher}: 1 run(s) to do" in err
    statuses = {p.parent.name: json.loads(p.read_text())["status"] for p in results.rglob("*.json")}
    assert statuses["adr"] == "not_applicable" and statuses["riac"] == "ok"


def test_campaign_runs_every_challenge_and_level_then_writes_the_leaderboard(
    capsys, results: Path
) -> None:
    argv = ["campaign", "--suite", SUITE, "--teacher", "random", "--teacher", "adr",
            "--seeds", "0", "--results", str(results), "--reps", "50"]  # fmt: skip
    code, out, err = run(argv, capsys)
    assert code == 0, err
    records = {p.relative_to(results).parts[2:5] for p in results.rglob("seed-0.json")}
    expected = {(c.name, lv.value, t) for c in SMALL_SUITE.challenges("surrogate")
                for lv in c.levels for t in ("random", "adr")}  # fmt: skip
    assert records == expected and len(expected) >= 40
    assert not list(results.rglob("*.trace.npz")), "a campaign keeps no traces"
    assert "| random |" in out and (results / "leaderboard" / "leaderboard.md").exists()
    code, _, err = run(argv, capsys)
    assert code == 0 and err.count("0 run(s) to do") == 2
