"""Leaderboard: rliable statistics, tables, paper-ready figures and a static HTML page.

The entry point is a pandas frame with one row per run (``teachbench.leaderboard.runs``):
``build_report`` computes every statistic once (``teachbench.leaderboard.report``), the
writers (Markdown, CSV, LaTeX, HTML) and the figures render it, and ``publish`` does all of it
for a results folder.
"""

from teachbench.leaderboard.figures import plot_interval_estimates, teacher_colour
from teachbench.leaderboard.report import Report, build_report
from teachbench.leaderboard.stats import (
    interval_estimates,
    performance_profiles,
    probability_of_improvement,
    welch_ratio_to_baseline,
)
from teachbench.leaderboard.tables import (
    leaderboard_table,
    ratio_to_random_table,
    to_csv,
    to_latex,
    to_markdown,
)

__all__ = [
    "Report",
    "build_report",
    "interval_estimates",
    "leaderboard_table",
    "performance_profiles",
    "plot_interval_estimates",
    "probability_of_improvement",
    "ratio_to_random_table",
    "teacher_colour",
    "to_csv",
    "to_latex",
    "to_markdown",
    "welch_ratio_to_baseline",
]
