"""One call from a results folder to every leaderboard artefact (tables and figures)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from teachbench.harness.storage import atomic_write
from teachbench.leaderboard.figures import plot_curves, plot_interval_estimates
from teachbench.leaderboard.runs import runs_frame
from teachbench.leaderboard.tables import leaderboard_table, to_csv, to_latex, to_markdown

WRITERS = {"md": ("leaderboard.md", to_markdown), "csv": ("leaderboard.csv", to_csv),
           "latex": ("leaderboard.tex", to_latex)}  # fmt: skip


def publish(
    results: Path | Sequence[Path],
    out: Path,
    formats: list[str] | None = None,
    reps: int = 2000,
    skip_invalid: bool = False,
) -> tuple[list[Path], str]:
    """Write the tables (``formats``, default all) and figures; return paths and the Markdown.

    Figures are drawn per (suite, tier): records of different tiers are never pooled.
    """
    frame = runs_frame(results, skip_invalid=skip_invalid)
    table = leaderboard_table(frame, reps=reps)
    written = []
    for fmt in formats or list(WRITERS):
        name, writer = WRITERS[fmt]
        path = out / name
        atomic_write(path, writer(table).encode())
        written.append(path)
    for (suite, tier), runs in frame.groupby(["suite", "tier"]):
        cells = table[(table["suite"] == suite) & (table["tier"] == tier)]
        written += plot_interval_estimates(cells, out / f"{suite}-{tier}-iqm")
        written += plot_curves(runs, out / f"{suite}-{tier}-curves", reps=min(reps, 500))
    return written, to_markdown(table)
