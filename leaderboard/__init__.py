"""Leaderboard: rliable statistics, tables and paper-ready figures from teachbench run records.

The entry point is a pandas frame with one row per run (see ``teachbench.leaderboard.tables``):
``leaderboard_table`` turns it into a long table that the writers (Markdown, CSV, LaTeX) and
``plot_interval_estimates`` render; ``plot_curves`` draws %-mastered curves from the runs.
"""

from teachbench.leaderboard.figures import plot_curves, plot_interval_estimates, teacher_colour
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
    "interval_estimates",
    "leaderboard_table",
    "performance_profiles",
    "plot_curves",
    "plot_interval_estimates",
    "probability_of_improvement",
    "ratio_to_random_table",
    "teacher_colour",
    "to_csv",
    "to_latex",
    "to_markdown",
    "welch_ratio_to_baseline",
]
