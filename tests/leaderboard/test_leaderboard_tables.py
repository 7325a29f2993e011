"""Leaderboard tables: protocol safety, run accounting, aggregates and the three writers."""

import io
import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from teachbench.leaderboard.stats import SINGLE_RUN_NOTE
from teachbench.leaderboard.tables import (
    AGGREGATE,
    leaderboard_table,
    ratio_to_random_table,
    to_csv,
    to_latex,
    to_markdown,
)

REPS = 100


def _row(table: pd.DataFrame, teacher: str, challenge: str, level: str = "none") -> pd.Series:
    match = table[
        (table["teacher"] == teacher)
        & (table["challenge"] == challenge)
        & (table["level"] == level)
    ]
    assert len(match) == 1
    return match.iloc[0]


def test_one_row_per_cell_plus_aggregates(runs):
    table = leaderboard_table(runs, reps=REPS)
    # 2 levels x (2 challenges + 1 aggregate) x 3 teachers.
    assert len(table) == 18
    assert table["is_aggregate"].sum() == 6
    assert set(table.loc[table["is_aggregate"], "challenge"]) == {AGGREGATE}
    cell = _row(table, "alp-gmm", "rugged")
    scores = runs.query("teacher == 'alp-gmm' and challenge == 'rugged' and level == 'none'")
    assert cell["n_runs"] == 5
    assert cell["iqm"] == pytest.approx(scipy.stats.trim_mean(scores["final_mastered"], 0.25))
    assert cell["mean"] == pytest.approx(scores["final_mastered"].mean())
    assert cell["iqm_low"] <= cell["iqm"] <= cell["iqm_high"]


def test_same_seed_same_table(runs):
    first = leaderboard_table(runs, reps=REPS, seed=3)
    again = leaderboard_table(runs, reps=REPS, seed=3)
    pd.testing.assert_frame_equal(first, again)


def test_confidence_level_is_used(runs):
    wide = leaderboard_table(runs, reps=REPS, confidence=0.95)
    narrow = leaderboard_table(runs, reps=REPS, confidence=0.5)
    assert ((narrow["iqm_high"] - narrow["iqm_low"]) < (wide["iqm_high"] - wide["iqm_low"])).all()
    assert "50% stratified-bootstrap" in to_markdown(narrow)


def test_mixed_protocol_hashes_are_refused_naming_the_cell(runs):
    mask = (runs["challenge"] == "rugged") & (runs["level"] == "low") & (runs["seed"] == 0)
    runs.loc[mask, "protocol_hash"] = "hash-other"
    with pytest.raises(ValueError, match="challenge=rugged, level=low") as err:
        leaderboard_table(runs, reps=REPS)
    assert "hash-other" in str(err.value)
    assert "hash-rugged-low" in str(err.value)


def test_duplicate_runs_are_refused(runs):
    doubled = pd.concat([runs, runs.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate"):
        leaderboard_table(doubled, reps=REPS)


def test_failed_and_not_applicable_runs_are_counted_not_scored(runs):
    cell = (
        (runs["teacher"] == "random") & (runs["challenge"] == "rugged") & (runs["level"] == "none")
    )
    failed = cell & (runs["seed"] == 0)
    # A failed run with a perfect score must not lift the IQM.
    runs.loc[failed, ["status", "final_mastered"]] = ["failed", 100.0]
    runs.loc[runs["teacher"] == "alp-gmm", "status"] = "not_applicable"
    table = leaderboard_table(runs, reps=REPS)

    row = _row(table, "random", "rugged")
    ok_scores = runs.loc[cell & ~failed, "final_mastered"]
    assert (row["n_runs"], row["n_failed"], row["n_not_applicable"]) == (4, 1, 0)
    assert row["iqm"] == pytest.approx(scipy.stats.trim_mean(ok_scores, 0.25))

    na = _row(table, "alp-gmm", "rugged")
    assert (na["n_runs"], na["n_not_applicable"]) == (0, 5)
    assert math.isnan(na["iqm"])
    assert na["notes"] == "not applicable at this level"


def test_aggregate_uses_only_seeds_ok_on_every_challenge(runs):
    failed = (
        (runs["teacher"] == "random")
        & (runs["challenge"] == "mostly-trivial")
        & (runs["level"] == "none")
        & (runs["seed"] == 2)
    )
    runs.loc[failed, "status"] = "failed"
    agg = _row(leaderboard_table(runs, reps=REPS), "random", AGGREGATE)
    kept = runs[(runs["teacher"] == "random") & (runs["level"] == "none") & (runs["seed"] != 2)]
    matrix = kept.pivot(index="seed", columns="challenge", values="final_mastered").to_numpy()
    assert (agg["n_runs"], agg["n_challenges"], agg["n_failed"]) == (4, 2, 1)
    assert agg["iqm"] == pytest.approx(scipy.stats.trim_mean(matrix, 0.25, axis=None))
    assert "seeds ok on every challenge: 0-1, 3-4" in agg["notes"]
    assert "dropped seeds 2" in agg["notes"]


def test_aggregate_says_when_it_covers_fewer_challenges(runs):
    gone = (runs["teacher"] == "alp-gmm") & (runs["challenge"] == "rugged")
    runs.loc[gone, "status"] = "not_applicable"
    agg = _row(leaderboard_table(runs, reps=REPS), "alp-gmm", AGGREGATE)
    assert agg["n_challenges"] == 1
    assert "covers 1 of 2 challenges" in agg["notes"]


def test_single_run_cell_is_flagged(runs_factory):
    table = leaderboard_table(runs_factory(n_seeds=1, levels=("none",)), reps=REPS)
    cells = table[~table["is_aggregate"]]
    assert (cells["iqm_low"] == cells["iqm_high"]).all()
    assert cells["notes"].str.contains(SINGLE_RUN_NOTE, regex=False).all()


def test_auc_metric_and_unknown_metric(runs):
    table = leaderboard_table(runs, reps=REPS, metric="auc")
    row = _row(table, "random", "rugged")
    scores = runs.query("teacher == 'random' and challenge == 'rugged' and level == 'none'")["auc"]
    assert row["iqm"] == pytest.approx(scipy.stats.trim_mean(scores, 0.25))
    with pytest.raises(ValueError, match="metric"):
        leaderboard_table(runs, reps=REPS, metric="return")


def test_markdown_rows_sorted_by_score_with_best_in_bold(runs):
    table = leaderboard_table(runs, reps=REPS)
    text = to_markdown(table)
    block = text.split("### teachmyagent / surrogate / expert knowledge: none")[1].split("###")[0]
    lines = [line for line in block.splitlines() if line.startswith("| ")]
    assert lines[0].startswith(f"| Teacher | mostly-trivial | rugged | {AGGREGATE} |")
    body = lines[1:]
    assert len(body) == 3
    agg = table[table["is_aggregate"] & (table["level"] == "none")]
    order = list(agg.sort_values("iqm", ascending=False)["teacher"])
    assert [line.split(" | ")[0][2:] for line in body] == order
    best = _row(table, order[0], "rugged")
    assert f"**{best['iqm']:.1f} [{best['iqm_low']:.1f}, {best['iqm_high']:.1f}]**" in body[0]
    assert "**" not in body[-1]
    assert "100 bootstrap reps" in text and "5 seeds per cell" in text
    assert "% mastered test tasks at the last evaluation" in text


def test_markdown_marks_not_applicable_cells(runs):
    runs.loc[runs["teacher"] == "alp-gmm", "status"] = "not_applicable"
    text = to_markdown(leaderboard_table(runs, reps=REPS))
    line = next(x for x in text.splitlines() if x.startswith("| alp-gmm |"))
    assert line == "| alp-gmm | n/a | n/a | n/a | 0/0/10 |"
    assert "not applicable at this level" not in text, "the n/a cells say it once"


def test_markdown_notes_name_a_teacher_once_per_note(runs):
    runs.loc[(runs["teacher"] == "random") & (runs["level"] == "none"), "status"] = "failed"
    text = to_markdown(leaderboard_table(runs, reps=REPS))
    block = text.split("expert knowledge: none")[1].split("###")[0]
    random_notes = [x for x in block.splitlines() if x.startswith("- random (")]
    assert "- random (mostly-trivial, rugged): no ok runs (5 failed)" in random_notes


def test_csv_parses_back_to_the_table(runs, tmp_path):
    table = leaderboard_table(runs, reps=REPS)
    path = tmp_path / "board.csv"
    text = to_csv(table, path)
    assert path.read_text() == text
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    assert len(back) == len(table)
    assert list(back.columns[: len(table.columns)]) == list(table.columns)
    np.testing.assert_allclose(back["iqm"], table["iqm"], rtol=1e-5)
    assert (back["teacher"] == table["teacher"]).all()
    assert set(back["bootstrap_reps"]) == {REPS}
    assert set(back["metric"]) == {"final_mastered"}


def test_latex_is_booktabs_with_escaped_names_and_caption(runs):
    table = leaderboard_table(runs, reps=REPS)
    text = to_latex(table)
    assert text.count(r"\begin{table}") == 2
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert text.count(rule) == 2
    assert r"my\_teacher &" in text
    assert "my_teacher" not in text
    assert r"\textbf{" in text
    caption = next(line for line in text.splitlines() if line.startswith(r"\caption"))
    assert r"\% mastered test tasks" in caption
    assert "100 bootstrap reps" in caption and "5 seeds per cell" in caption
    # 3 teacher rows + 1 header row per table, each ending in \\.
    assert text.count(r"\\" + "\n") == 8


def test_ratio_to_random_per_cell(runs):
    runs = runs[~((runs["challenge"] == "rugged") & (runs["teacher"] == "random"))]
    view = ratio_to_random_table(runs)
    assert len(view) == 2 * 2 * 3 - 2
    row = view.query("challenge == 'mostly-trivial' and level == 'low' and teacher == 'my_teacher'")
    cell = runs.query("challenge == 'mostly-trivial' and level == 'low'")
    mine = cell.loc[cell["teacher"] == "my_teacher", "final_mastered"]
    random = cell.loc[cell["teacher"] == "random", "final_mastered"]
    assert row["ratio"].item() == pytest.approx(mine.mean() / random.mean())
    orphan = view[view["challenge"] == "rugged"]
    assert orphan["ratio"].isna().all()
    assert orphan["note"].str.contains("no ok random runs").all()
    assert not orphan["better"].any()


def test_cell_with_only_failed_runs_is_shown_as_missing(runs):
    cell = (
        (runs["teacher"] == "random") & (runs["challenge"] == "rugged") & (runs["level"] == "none")
    )
    runs.loc[cell, "status"] = "failed"
    table = leaderboard_table(runs, reps=REPS)
    row = _row(table, "random", "rugged")
    assert (row["n_runs"], row["n_failed"]) == (0, 5)
    assert row["notes"] == "no ok runs (5 failed)"
    agg = _row(table, "random", AGGREGATE)
    assert agg["n_runs"] == 0 and math.isnan(agg["iqm"])
    line = next(x for x in to_markdown(table).splitlines() if x.startswith("| random |"))
    assert line.split(" | ")[2] == "--"
