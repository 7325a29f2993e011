"""Paper-ready figures: interval estimates per challenge and %-mastered learning curves.

Every figure gives a teacher the same colour (:func:`teacher_colour`), so readers can follow an
algorithm across figures and papers. Figures are built on ``matplotlib.figure.Figure`` with an
Agg canvas, never through pyplot, so nothing opens a window and no global pyplot state changes.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import EngFormatter
from teachbench.leaderboard.tables import AGGREGATE, LEVEL_ORDER

FIGURE_WIDTHS = {1: 3.3, 2: 7.0}
"""Figure width in inches for a one- and a two-column paper layout."""

BASELINE_COLOURS = {
    "random": "#000000",
    "oracle": "#777777",
    "alp-gmm": "#332288",
    "covar-gmm": "#88CCEE",
    "riac": "#44AA99",
    "adr": "#117733",
    "goalgan": "#999933",
    "spdl": "#DDCC77",
    "setter-solver": "#CC6677",
    "robust-plr": "#882255",
    "accel": "#AA4499",
    "space": "#EE7733",
}
"""Fixed colours of the known baselines: Paul Tol's colour-blind-safe "muted" palette, with
Random in black and the Oracle in grey (reference lines) and Tol's vibrant orange for SPaCE."""

OTHER_COLOURS = ("#0077BB", "#33BBEE", "#EE3377", "#CC3311", "#009988", "#004488", "#DDAA33")
"""Colours for other teachers (Tol's vibrant and high-contrast palettes, minus those above).
Two unknown teachers can share one; tick labels and legends still name every teacher."""

AXIS_LABELS = {
    "final_mastered": "% mastered test tasks (IQM)",
    "auc": "mean % mastered test tasks over training (AUC, IQM)",
}
LEVEL_MARKERS = {"none": "o", "low": "s", "high": "^"}
PAPER_STYLE = {
    "font.size": 7,
    "axes.titlesize": 7,
    "axes.labelsize": 7,
    "xtick.labelsize": 6,
    "ytick.labelsize": 6,
    "legend.fontsize": 6,
    "figure.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "pdf.fonttype": 42,
}


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def teacher_colour(name: str) -> str:
    """The colour of a teacher in every figure (hex string).

    Names are matched case-insensitively with ``_`` and ``-`` alike ("ALP_GMM" is "alp-gmm").
    Unknown names get a colour from a SHA-256 of the name: Python's ``hash`` is salted per
    process and would change colours between runs.
    """
    key = _normalise(name)
    if key in BASELINE_COLOURS:
        return BASELINE_COLOURS[key]
    digest = hashlib.sha256(key.encode()).digest()
    return OTHER_COLOURS[int.from_bytes(digest[:4], "little") % len(OTHER_COLOURS)]


def new_figure(
    columns: int,
    n_panels: int,
    panel_height: float,
    sharey: bool = True,
    polar: bool = False,
    max_cols: int = 4,
    max_cols_one: int = 2,
) -> tuple[Figure, np.ndarray]:
    """A constrained-layout figure of ``n_panels`` at paper width; spare grid cells are removed.

    A one-column figure has at most ``max_cols_one`` panels per row, a two-column one
    ``max_cols``.
    """
    if columns not in FIGURE_WIDTHS:
        raise ValueError(f"columns must be 1 or 2 (paper columns), got {columns}")
    ncols = min(n_panels, max_cols if columns == 2 else max_cols_one)
    nrows = math.ceil(n_panels / ncols)
    fig = Figure(figsize=(FIGURE_WIDTHS[columns], nrows * panel_height + 0.5), layout="constrained")
    FigureCanvasAgg(fig)
    extra = {"subplot_kw": {"projection": "polar"}} if polar else {"sharey": sharey}
    axes = fig.subplots(nrows, ncols, squeeze=False, **extra)
    for ax in axes.flat[n_panels:]:
        fig.delaxes(ax)  # no empty panels
    return fig, axes


def one_protocol(frame: pd.DataFrame) -> None:
    """Refuse a frame mixing suites or tiers: one figure shows one protocol's results."""
    pairs = frame[["suite", "tier"]].drop_duplicates()
    if len(pairs) != 1:
        found = [f"{s}/{t}" for s, t in pairs.itertuples(index=False)]
        raise ValueError(f"a figure shows one suite and tier; filter first (found {found})")


def levels_of(values: pd.Series) -> list[str]:
    """The expert-knowledge levels present, in the vocabulary's order."""
    present = set(values)
    return [v for v in LEVEL_ORDER if v in present] + sorted(present - set(LEVEL_ORDER))


def interval_figure(table: pd.DataFrame, columns: int = 2) -> Figure:
    """IQM point and CI bar per teacher, one panel per challenge and one for the aggregate.

    ``table`` is a :func:`teachbench.leaderboard.tables.leaderboard_table`. Teachers are ordered by mean
    aggregate IQM, best on top. Several expert-knowledge levels share a panel, told apart by
    marker and a small vertical offset.
    """
    one_protocol(table)
    challenges = sorted(table.loc[~table["is_aggregate"], "challenge"].unique())
    panels = [(c, False) for c in challenges] + [(AGGREGATE, True)]
    levels = levels_of(table["level"])
    agg = table[table["is_aggregate"]].groupby("teacher")["iqm"].mean().fillna(-1.0)
    teachers = sorted(agg.index, key=lambda t: (-agg[t], t))
    offsets = np.linspace(-0.2, 0.2, len(levels)) if len(levels) > 1 else [0.0]
    metric = table.attrs.get("metric", "final_mastered")
    label = AXIS_LABELS.get(metric, f"{metric} (IQM)")
    with matplotlib.rc_context(PAPER_STYLE):
        height = 0.35 + 0.16 * len(teachers) * (1 + 0.3 * (len(levels) - 1))
        fig, axes = new_figure(columns, len(panels), height)
        for ax, (challenge, is_agg) in zip(axes.flat, panels, strict=False):
            rows = table[(table["challenge"] == challenge) & (table["is_aggregate"] == is_agg)]
            for _, r in rows[rows["n_runs"] > 0].iterrows():
                y = teachers.index(r["teacher"]) + offsets[levels.index(r["level"])]
                colour = teacher_colour(r["teacher"])
                ax.plot(
                    [r["iqm_low"], r["iqm_high"]],
                    [y, y],
                    color=colour,
                    lw=1.4,
                    solid_capstyle="butt",
                    clip_on=False,
                    label="_ci",
                )
                ax.plot(
                    [r["iqm"]],
                    [y],
                    marker=LEVEL_MARKERS.get(r["level"], "D"),
                    ms=3.5,
                    color=colour,
                    mec="white",
                    mew=0.4,
                    ls="none",
                    clip_on=False,
                    zorder=3,
                    label=r["teacher"],
                )
            ax.set_title(challenge)
            ax.set_yticks(range(len(teachers)), teachers)
            ax.set_ylim(len(teachers) - 0.5, -0.5)
            ax.grid(axis="x", lw=0.4, alpha=0.4)
            # Always from 0: a truncated axis makes small differences look large.
            ax.set_xlim(0.0, min(max(ax.get_xlim()[1], 10.0), 100.0))
        fig.supxlabel(label)
        if len(levels) > 1:
            handles = [
                Line2D([], [], marker=LEVEL_MARKERS.get(v, "D"), color="0.3", ls="none", ms=3.5)
                for v in levels
            ]
            fig.legend(
                handles,
                [f"EK {v}" for v in levels],
                loc="outside upper right",
                ncols=len(levels),
                frameon=False,
            )
    return fig


def curves_figure(curves: pd.DataFrame, columns: int = 2) -> Figure:
    """Sample-efficiency curves: %-mastered test tasks (IQM over runs) against env steps.

    ``curves`` is :func:`teachbench.leaderboard.report.curves_table`. One panel per challenge
    (per challenge and level when several levels are present), one line and pointwise 95%
    bootstrap band per teacher.
    """
    if curves.empty:
        raise ValueError("no ok runs to draw sample-efficiency curves from")
    one_protocol(curves)
    levels = levels_of(curves["level"])
    challenges = sorted(curves["challenge"].unique())
    present = set(curves[["challenge", "level"]].itertuples(index=False, name=None))
    # A challenge per row and a level per column when every pair is there, else in reading order.
    panels = [(c, v) for c in challenges for v in levels if (c, v) in present]
    grid = len(panels) == len(challenges) * len(levels)
    top = min(100.0, 10 * math.ceil((curves["high"].max() + 5) / 10))
    with matplotlib.rc_context(PAPER_STYLE):
        fig, axes = new_figure(columns, len(panels), 1.2,
                               max_cols=len(levels) if grid else 4)  # fmt: skip
        seen: dict[str, Line2D] = {}
        for ax, (challenge, level) in zip(axes.flat, panels, strict=False):
            cell = curves[(curves["challenge"] == challenge) & (curves["level"] == level)]
            for teacher, curve in cell.groupby("teacher", sort=True):
                colour = teacher_colour(teacher)
                (line,) = ax.plot(curve["step"], curve["point"], color=colour, lw=1.0,
                                  label=teacher)  # fmt: skip
                ax.fill_between(curve["step"], curve["low"], curve["high"], color=colour,
                                alpha=0.2, lw=0)  # fmt: skip
                seen.setdefault(teacher, line)
            ax.set_title(challenge if len(levels) == 1 else f"{challenge} (EK {level})")
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))
            ax.set_ylim(0, top)
            ax.grid(lw=0.4, alpha=0.4)
        for ax in axes[:, 0]:
            ax.set_ylabel("% mastered (IQM)")
        fig.supxlabel("environment steps")
        names = sorted(seen)
        fig.legend(
            [seen[n] for n in names],
            names,
            loc="outside upper center",
            ncols=min(len(seen), 3 * columns),
            frameon=False,
        )
    return fig


def save_figure(fig: Figure, out_stem: str | Path, dpi: int = 300) -> list[Path]:
    """Write ``<out_stem>.png`` (at ``dpi`` >= 200) and ``<out_stem>.pdf``; return both paths.

    The PDF carries no creation date, so the same figure gives the same bytes on every run.
    """
    if dpi < 200:
        raise ValueError(f"dpi must be at least 200 for print, got {dpi}")
    stem = Path(out_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, pdf = stem.parent / f"{stem.name}.png", stem.parent / f"{stem.name}.pdf"
    fig.savefig(png, dpi=dpi)
    fig.set_layout_engine("none")  # laid out once for the PNG; the PDF reuses it (same page)
    fig.savefig(pdf, metadata={"CreationDate": None})
    return [png, pdf]


def plot_interval_estimates(
    table: pd.DataFrame, out_stem: str | Path, columns: int = 2, dpi: int = 300
) -> list[Path]:
    """Render :func:`interval_figure` to PNG and PDF; return the written paths."""
    return save_figure(interval_figure(table, columns), out_stem, dpi)
