"""Records are untrusted input: names become paths and table cells only when they are slugs,
every format escapes what it prints, and a bad result set is a one-line message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from teachbench.harness.cli import main
from teachbench.harness.records import RecordError
from teachbench.leaderboard.publish import inside, publish
from teachbench.leaderboard.tables import csv_safe, leaderboard_table, to_csv, to_latex, to_markdown
from teachbench_forgery import forge

CAMPAIGN = Path(__file__).resolve().parents[2] / "results" / "baselines"
CELL = "teachmyagent/surrogate/mostly-unfeasible/none"


def _copy_cell(dest: Path, teachers=("random", "alp-gmm")) -> Path:
    for teacher in teachers:
        shutil.copytree(CAMPAIGN / CELL / teacher, dest / CELL / teacher)
    return dest


def test_a_suite_that_is_a_path_writes_nothing_outside_out(tmp_path):
    records = _copy_cell(tmp_path / "records")
    target = tmp_path / "elsewhere"
    forged = records / CELL / "random" / "seed-0.json"
    forge(forged, lambda d: d["protocol"].update(suite=str(target)))
    with pytest.raises(RecordError, match=r"seed-0\.json") as err:
        publish(records, tmp_path / "out", reps=20)
    assert "slug" in str(err.value) or "suite" in str(err.value)
    assert not target.exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*"))


def test_a_teacher_name_with_a_newline_is_refused_naming_the_file(tmp_path):
    records = _copy_cell(tmp_path / "records")
    forged = records / CELL / "alp-gmm" / "seed-3.json"
    forge(forged, lambda d: d["teacher"].update(key="alp\n# Injected heading"))
    with pytest.raises(RecordError, match=r"alp-gmm/seed-3\.json"):
        publish(records, tmp_path / "out", reps=20)


def test_markup_in_names_is_escaped_in_every_format(runs):
    evil = "x|y\n# Injected <script>alert(1)</script> & 50% $\\frac{a}{b}$"
    runs.loc[runs["teacher"] == "my_teacher", "teacher"] = evil
    table = leaderboard_table(runs, reps=20)
    markdown = to_markdown(table)
    assert not any(line.startswith("#") and "Injected" in line for line in markdown.splitlines())
    assert "<script>" not in markdown
    assert all(line.count(" | ") == markdown.splitlines()[4].count(" | ")
               for line in markdown.splitlines()[4:6])  # fmt: skip
    latex = to_latex(table)
    assert "\\frac" not in latex.replace("\\textbackslash{}frac", "")
    assert "50\\% \\$" in latex
    assert not any(line.startswith("# Injected") for line in latex.splitlines())


def test_html_escapes_names(runs, tmp_path):
    from teachbench.leaderboard.html import page
    from teachbench.leaderboard.report import build_report

    evil = "<img src=x onerror=alert(1)>"
    runs.loc[runs["teacher"] == "my_teacher", "teacher"] = evil
    for column, value in [("record_file", "r.json"), ("entry_point", "<b>ep</b>"),
                          ("code_version", ""), ("package_version", "0"), ("git_commit", ""),
                          ("device", "cpu"), ("env_steps", 1), ("wall_s", 1.0)]:  # fmt: skip
        runs[column] = value
    text = page(build_report(runs, reps=20), tmp_path, [])
    assert evil not in text and "<b>ep</b>" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_csv_neutralises_formulas(runs):
    assert csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)" and csv_safe(-1.5) == -1.5
    runs.loc[runs["teacher"] == "my_teacher", "teacher"] = "=cmd|' /C calc'!A0"
    text = to_csv(leaderboard_table(runs, reps=20))
    assert "\n=cmd" not in text and ",=cmd" not in text
    assert "'=cmd" in text


def test_inside_refuses_escaping_names(tmp_path):
    assert inside(tmp_path, "a-b.png") == tmp_path / "a-b.png"
    for bad in ("../x.png", "/etc/x", "a/b.png"):
        with pytest.raises(ValueError, match="outside"):
            inside(tmp_path, bad)


def test_empty_and_unrankable_result_sets_are_one_line_messages(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert (
        main(["leaderboard", "--results", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
        == 2
    )
    err = capsys.readouterr().err.strip()
    assert err.startswith("teachbench: error: no run records") and "\n" not in err
    records = tmp_path / "na"
    shutil.copytree(CAMPAIGN / "teachmyagent/surrogate/mostly-unfeasible/none/adr",
                    records / "teachmyagent/surrogate/mostly-unfeasible/none/adr")  # fmt: skip
    assert main(["leaderboard", "--results", str(records), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "no ok run among 8 records (8 not_applicable)" in err and "\n" not in err


def test_the_frames_curves_are_the_records_own(tmp_path):
    from teachbench.harness.records import iter_record_files, mastered_curve, read_record
    from teachbench.leaderboard.runs import runs_frame

    records = _copy_cell(tmp_path / "records")
    frame = runs_frame(records).set_index("record_file")
    for path in iter_record_files(records):
        assert frame.loc[str(path), "curve_mastered"] == mastered_curve(read_record(path))
