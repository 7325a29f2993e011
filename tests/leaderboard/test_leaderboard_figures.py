"""Figures: files written at paper sizes, and one colour per teacher across every figure."""

import matplotlib.image
import pytest
from teachbench.harness import registry
from teachbench.leaderboard.figures import (
    BASELINE_COLOURS,
    curves_figure,
    interval_figure,
    plot_interval_estimates,
    save_figure,
    teacher_colour,
)
from teachbench.leaderboard.figures_stats import poi_figure, profiles_figure, radar_figure
from teachbench.leaderboard.report import build_report, curves_table
from teachbench.leaderboard.tables import leaderboard_table

REPS = 100


def _colours(fig, teacher: str) -> set[str]:
    """Colours of the artists labelled with the teacher's name, across all panels."""
    return {
        line.get_color()
        for ax in fig.axes
        for line in ax.get_lines()
        if line.get_label() == teacher
    }


@pytest.mark.parametrize(("columns", "width_px"), [(1, 990), (2, 2100)])
def test_interval_plot_writes_png_and_pdf_at_paper_width(runs, tmp_path, columns, width_px):
    table = leaderboard_table(runs, reps=REPS)
    paths = plot_interval_estimates(table, tmp_path / "out" / "intervals", columns=columns)
    png, pdf = paths
    assert (png.name, pdf.name) == ("intervals.png", "intervals.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 1000
    assert matplotlib.image.imread(png).shape[1] == width_px  # 3.3 or 7 in at 300 dpi


def test_interval_plot_has_one_panel_per_challenge_and_aggregate(runs):
    fig = interval_figure(leaderboard_table(runs, reps=REPS))
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["mostly-trivial", "rugged", "all challenges"]
    assert "% mastered test tasks (IQM)" in [text.get_text() for text in fig.texts]


def test_curves_plot_writes_files_and_refuses_mismatched_steps(runs, tmp_path):
    png, pdf = save_figure(curves_figure(curves_table(runs, REPS, 0)), tmp_path / "curves")
    assert png.stat().st_size > 1000 and pdf.stat().st_size > 1000
    runs.at[0, "curve_steps"] = [s + 1 for s in runs.at[0, "curve_steps"]]
    with pytest.raises(ValueError, match="evaluation schedule"):
        curves_table(runs, REPS, 0)


@pytest.mark.parametrize("columns", [1, 2])
def test_statistics_figures_have_a_panel_per_level_and_none_empty(runs, columns):
    report = build_report(runs, reps=REPS)
    for fig in (
        poi_figure(report.poi, columns),
        profiles_figure(report.profiles, columns),
        radar_figure(report.ratios, columns),
        curves_figure(report.curves, columns),
    ):
        panels = [ax for ax in fig.axes if ax.get_title()]
        assert panels, "titled panels"
        assert all(ax.has_data() for ax in panels), "no empty panels"
    titles = [ax.get_title() for ax in poi_figure(report.poi, columns).axes if ax.get_title()]
    assert titles == ["expert knowledge: none", "expert knowledge: low"]


def test_radar_stars_exactly_the_significant_cells(runs):
    report = build_report(runs, reps=REPS)
    fig = radar_figure(report.ratios)
    starred = sum(
        len(line.get_xdata()) for ax in fig.axes for line in ax.get_lines()
        if line.get_marker() == "*"
    )  # fmt: skip
    assert starred == int(report.ratios["better"].sum()) > 0


def test_teacher_keeps_its_colour_across_figures_with_different_teachers(runs_factory):
    few = runs_factory(teachers=("random", "my_teacher"), levels=("none",))
    many = runs_factory(teachers=("zeta", "alp-gmm", "my_teacher", "spdl"), levels=("none",))
    figures = [
        interval_figure(leaderboard_table(few, reps=REPS)),
        interval_figure(leaderboard_table(many, reps=REPS)),
        curves_figure(curves_table(few, REPS, 0)),
        curves_figure(curves_table(many, REPS, 0)),
        profiles_figure(build_report(few, reps=REPS).profiles),
        radar_figure(build_report(few, reps=REPS).ratios),
    ]
    seen = [_colours(fig, "my_teacher") for fig in figures]
    assert all(len(colours) == 1 for colours in seen)
    assert set.union(*seen) == {teacher_colour("my_teacher")}
    assert _colours(figures[0], "random") == {BASELINE_COLOURS["random"]}


def test_baselines_have_distinct_fixed_colours_and_aliases_match():
    assert len(set(BASELINE_COLOURS.values())) == len(BASELINE_COLOURS) == 12
    assert set(BASELINE_COLOURS) == set(registry.names(registry.TEACHERS)), "by registered name"
    assert teacher_colour("ALP_GMM") == teacher_colour("alp-gmm") == BASELINE_COLOURS["alp-gmm"]


def test_unknown_teacher_colours_are_pinned_not_hash_salted():
    # Python's salted hash() would change these between processes; pinning them also keeps a
    # teacher's colour stable across teachbench versions, so old and new figures agree.
    expected = [
        "#EE3377", "#EE3377", "#DDAA33", "#DDAA33", "#009988",
        "#CC3311", "#0077BB", "#004488", "#004488", "#009988",
    ]  # fmt: skip
    assert [teacher_colour(f"teacher-{i}") for i in range(10)] == expected


def test_low_dpi_and_bad_width_are_refused(runs, tmp_path):
    table = leaderboard_table(runs, reps=REPS)
    with pytest.raises(ValueError, match="dpi"):
        plot_interval_estimates(table, tmp_path / "x", dpi=100)
    with pytest.raises(ValueError, match="columns"):
        plot_interval_estimates(table, tmp_path / "x", columns=3)


def test_figures_of_teachers_that_master_nothing(runs_factory):
    runs = runs_factory(teachers=("random", "my_teacher"), levels=("none",))
    runs["final_mastered"] = 0.0
    runs["curve_mastered"] = [[0.0] * len(c) for c in runs["curve_mastered"]]
    report = build_report(runs, reps=REPS)
    assert profiles_figure(report.profiles).axes[0].get_xlim() == (0.0, 10.0)
    assert curves_figure(report.curves).axes
