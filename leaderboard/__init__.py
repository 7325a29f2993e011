"""Leaderboard: rliable statistics, tables, paper-ready figures and a static HTML page.

The entry point is a pandas frame with one row per run (``teachbench.leaderboard.runs``):
``build_report`` computes every statistic once (``teachbench.leaderboard.report``), the
writers (Markdown, CSV, LaTeX, HTML) and the figures render it, and ``publish`` does all of it
for a results folder. Names are imported on first use, so that the CLI, which registers the
leaderboard's commands, starts without loading pandas and matplotlib.
"""

from __future__ import annotations

import importlib
from typing import Any

_PUBLIC = {
    "Report": "report",
    "build_report": "report",
    "interval_estimates": "stats",
    "leaderboard_table": "tables",
    "performance_profiles": "stats",
    "plot_interval_estimates": "figures",
    "probability_of_improvement": "stats",
    "publish": "publish",
    "ratio_to_random_table": "tables",
    "teacher_colour": "figures",
    "to_csv": "tables",
    "to_latex": "tables",
    "to_markdown": "tables",
    "welch_ratio_to_baseline": "stats",
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
