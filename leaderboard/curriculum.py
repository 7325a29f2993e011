"""Curriculum pictures: where in its task space a teacher sampled, at a few points of the budget.

Drawn from a run's trace (``seed-N.trace.npz``: every episode's task, return and length, in the
teacher's space). Each snapshot shows the tasks sampled in one window of the budget, coloured by
whether that episode's return beat the challenge's mastery threshold: the trace's own record of
where the student could and could not succeed. Where the student knows its ground truth (the
surrogate tier), the region it could ever master is shaded underneath
(:func:`teachbench.harness.ground_truth.learnable_slice`). The task space's bounds and names
come from the suite through the registry.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import EngFormatter
from teachbench.harness.ground_truth import LearnableSlice, learnable_slice
from teachbench.harness.records import read_record, trace_path
from teachbench.harness.registry import RegistryError
from teachbench.harness.runspec import resolve_suite
from teachbench.harness.space import TaskSpace
from teachbench.harness.storage import load_state
from teachbench.leaderboard.figures import PAPER_STYLE, new_figure, teacher_colour

SNAPSHOTS = (0.05, 0.25, 0.5, 1.0)
"""Ends of the budget windows shown: the first 5%, then up to 25%, 50% and 100%."""
FAILED_COLOUR = "#BBBBBB"
LEARNABLE_COLOUR = "#DCEBD6"  # pale green, under every teacher colour


def traced_runs(runs: pd.DataFrame) -> pd.DataFrame:
    """The ok runs whose trace file exists, one per (suite, tier, challenge, level, teacher)."""
    ok = runs[runs["status"] == "ok"]
    has = ok["record_file"].map(lambda f: trace_path(Path(f)).exists())
    return (
        ok[has]
        .sort_values("seed")
        .drop_duplicates(["suite", "tier", "challenge", "level", "teacher"])
    )


def _task_space(doc: dict, tasks: np.ndarray) -> TaskSpace:
    """The challenge's task space from its suite; for a suite not registered (given as
    ``module:Attr`` when run), the box the sampled tasks span, with generic names."""
    try:
        suite = resolve_suite(doc["protocol"]["suite"])
        return suite.challenge(doc["protocol"]["tier"], doc["challenge"]).space
    except (RegistryError, KeyError):
        names = [f"task[{i}]" for i in range(tasks.shape[1])]
        return TaskSpace(
            names, tasks.min(axis=0), np.maximum(tasks.max(axis=0), tasks.min(axis=0) + 1e-9)
        )


def _known_region(doc: dict, dims: list[int]) -> LearnableSlice | None:
    if dims[0] == dims[1]:
        return None
    try:
        return learnable_slice(doc, (dims[0], dims[1]))
    except (RegistryError, KeyError):
        return None  # a suite or challenge this installation does not have


def _shade(ax, region: LearnableSlice) -> None:
    extent = (region.x[0], region.x[-1], region.y[0], region.y[-1])
    ax.imshow(region.learnable.astype(float), extent=extent, origin="lower", aspect="auto",
              cmap=ListedColormap(["white", LEARNABLE_COLOUR]), vmin=0, vmax=1,
              interpolation="nearest", zorder=0, rasterized=True)  # fmt: skip


def _windows(lengths: np.ndarray, budget: int, snapshots: Sequence[float]) -> list[np.ndarray]:
    ends = np.cumsum(lengths)
    bounds = [0.0, *(f * budget for f in snapshots)]
    return [(ends > lo) & (ends <= hi) for lo, hi in itertools.pairwise(bounds)]


def curriculum_figure(
    record_files: Sequence[str | Path], columns: int = 2, snapshots: Sequence[float] = SNAPSHOTS
) -> Figure:
    """One row per run (same challenge), one panel per budget window; first two task dims."""
    if not record_files:
        raise ValueError("no traced runs to draw a curriculum from (run without --no-trace)")
    docs = [read_record(Path(f)) for f in record_files]
    first = docs[0]
    traces = [load_state(trace_path(Path(f))) for f in record_files]
    space = _task_space(first, np.concatenate([np.asarray(t["tasks"]) for t in traces]))
    dims = [0, 1] if space.dim > 1 else [0, 0]
    shaded: LearnableSlice | None = None
    with matplotlib.rc_context(PAPER_STYLE):
        fig, axes = new_figure(columns, len(docs) * len(snapshots), 1.2, sharey=False,
                               max_cols=len(snapshots), max_cols_one=len(snapshots))  # fmt: skip
        for row, (doc, trace) in enumerate(zip(docs, traces, strict=True)):
            tasks, returns = np.asarray(trace["tasks"]), np.asarray(trace["returns"])
            success = returns > doc["protocol"]["mastery_threshold"]
            colour = teacher_colour(doc["teacher"]["key"])
            windows = _windows(np.asarray(trace["lengths"]), doc["budget_steps"], snapshots)
            region = _known_region(doc, dims)
            shaded = shaded or region
            start = 0.0
            for col, (window, end) in enumerate(zip(windows, snapshots, strict=True)):
                ax = axes[row, col]
                if region is not None:
                    _shade(ax, region)
                for mask, c in ((window & ~success, FAILED_COLOUR), (window & success, colour)):
                    ax.scatter(tasks[mask, dims[0]], tasks[mask, dims[1]], s=1.0, c=c, lw=0,
                               rasterized=True)  # fmt: skip
                ax.set_xlim(space.low[dims[0]], space.high[dims[0]])
                ax.set_ylim(space.low[dims[1]], space.high[dims[1]])
                steps = EngFormatter(sep="")
                ax.set_title(f"{doc['teacher']['key']}: {steps(start * doc['budget_steps'])}"
                             f"-{steps(end * doc['budget_steps'])} steps", fontsize=5)  # fmt: skip
                ax.tick_params(labelsize=4.5)
                start = end
            axes[row, 0].set_ylabel(space.names[dims[1]])
        for ax in axes[-1, :]:
            ax.set_xlabel(space.names[dims[0]])
        handles = [Line2D([], [], ls="none", marker="o", ms=3, color=FAILED_COLOUR),
                   Line2D([], [], ls="none", marker="o", ms=3, color="0.2")]  # fmt: skip
        labels = ["episode below the mastery threshold", "above (teacher's colour)"]
        if shaded is not None:
            handles.append(Patch(facecolor=LEARNABLE_COLOUR, edgecolor="none"))
            others = len(shaded.centred)
            labels.append(
                "learnable at all (known truth"
                + (f"; the other {others} dimension(s) at mid-range)" if others else ")")
            )
        fig.legend(handles, labels, loc="outside upper center", ncols=len(labels), frameon=False,
                   title=f"{first['challenge']} (expert knowledge {first['level']}): tasks "
                   "sampled per budget window")  # fmt: skip
    return fig


def curriculum_runs(runs: pd.DataFrame) -> list[str]:
    """Record files of one cell's traced runs to picture: the (level, challenge) with the most
    traced teachers, one run (the lowest seed) per teacher; empty when nothing is traced."""
    traced = traced_runs(runs)
    if traced.empty:
        return []
    sizes = traced.groupby(["level", "challenge"]).size()
    level, challenge = sizes.sort_values(ascending=False, kind="stable").index[0]
    cell = traced[(traced["level"] == level) & (traced["challenge"] == challenge)]
    return list(cell.sort_values("teacher")["record_file"])
