"""Figures of the comparison statistics: probability of improvement, performance profiles and
TeachMyAgent's radar of the ratio to Random.

Each takes the frame :mod:`teachbench.leaderboard.report` computed (one suite and tier) and
draws one panel per expert-knowledge level; teachers keep their colour from
:func:`teachbench.leaderboard.figures.teacher_colour`.
"""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from teachbench.leaderboard.figures import (
    FIGURE_WIDTHS,
    PAPER_STYLE,
    levels_of,
    new_figure,
    one_protocol,
    teacher_colour,
)

POI_COLOURMAP = "PuOr"
"""Diverging and colour-blind safe: purple where the row teacher wins, orange where it loses."""


class NothingToDraw(ValueError):
    """The statistics hold nothing this figure can show (a leaderboard then leaves it out)."""


def _nothing_to_draw(what: str) -> NothingToDraw:
    return NothingToDraw(
        f"no data for the {what} figure: it needs ok runs of at least two teachers"
        + (" including random" if "Random" in what else "")
    )


def poi_figure(poi: pd.DataFrame, columns: int = 2) -> Figure:
    """P(row teacher > column teacher) per level, as a matrix; '*' where the CI excludes 1/2."""
    if poi.empty:
        raise _nothing_to_draw("probability-of-improvement")
    one_protocol(poi)
    levels = levels_of(poi["level"])
    with matplotlib.rc_context({**PAPER_STYLE, "axes.spines.top": True,
                                "axes.spines.right": True}):  # fmt: skip
        n = poi.groupby("level")[["x", "y"]].apply(lambda d: len(set(d["x"]) | set(d["y"]))).max()
        # Two columns: two matrices a row; one column: one a row, the full width each.
        side = min(FIGURE_WIDTHS[columns], (0.9 if columns == 2 else 1.1) + 0.22 * n)
        fig, axes = new_figure(columns, len(levels), side, sharey=False, max_cols=2,
                               max_cols_one=1)  # fmt: skip
        small = 4.2 if columns == 2 else 3.6
        image = None
        for ax, level in zip(axes.flat, levels, strict=False):
            block = poi[poi["level"] == level]
            wins = block.groupby("x")["point"].mean().sort_values(ascending=False)
            order = list(wins.index)
            grid = np.full((len(order), len(order)), np.nan)
            for r in block.itertuples(index=False):
                i, j = order.index(r.x), order.index(r.y)
                grid[i, j] = r.point
                sure = r.low > 0.5 or r.high < 0.5
                text = f"{r.point:.2f}".lstrip("0") + ("*" if sure else "")
                ax.text(j, i, text, ha="center", va="center", fontsize=small,
                        color="white" if abs(r.point - 0.5) > 0.35 else "black")  # fmt: skip
            image = ax.imshow(grid, cmap=POI_COLOURMAP, vmin=0, vmax=1)
            ax.set_xticks(range(len(order)), order, rotation=90)
            ax.set_yticks(range(len(order)), order)
            ax.tick_params(length=0, labelsize=5 if columns == 2 else 4.5)
            ax.set_title(f"expert knowledge: {level}")
        if image is not None:
            fig.colorbar(image, ax=list(axes.flat), shrink=0.6, label="P(row > column)",
                         location="right" if columns == 2 else "bottom")  # fmt: skip
    return fig


def profiles_figure(profiles: pd.DataFrame, columns: int = 2) -> Figure:
    """Fraction of runs x challenges above each score, per teacher, one panel per level."""
    if profiles.empty:
        raise _nothing_to_draw("performance-profile")
    one_protocol(profiles)
    levels = levels_of(profiles["level"])
    with matplotlib.rc_context(PAPER_STYLE):
        fig, axes = new_figure(columns, len(levels), 1.7, max_cols=3)
        handles = {}
        for ax, level in zip(axes.flat, levels, strict=False):
            block = profiles[profiles["level"] == level]
            for teacher, curve in block.groupby("teacher", sort=True):
                colour = teacher_colour(teacher)
                (line,) = ax.plot(curve["tau"], curve["point"], color=colour, lw=1.0,
                                  label=teacher)  # fmt: skip
                ax.fill_between(curve["tau"], curve["low"], curve["high"], color=colour,
                                alpha=0.15, lw=0)  # fmt: skip
                handles.setdefault(teacher, line)
            ax.set_title(f"expert knowledge: {level}")
            reached = block.loc[block["high"] > 0, "tau"].max()
            reached = 0.0 if pd.isna(reached) else reached  # nobody scored above 0
            ax.set_xlim(0, min(100.0, 10 * math.ceil((reached + 5) / 10)))  # where the curves are
            ax.set_ylim(0, 1.02)
            ax.grid(lw=0.4, alpha=0.4)
        for ax in axes[:, 0]:
            ax.set_ylabel("fraction of runs with score > x")
        fig.supxlabel("% mastered test tasks (x)")
        names = sorted(handles)
        fig.legend([handles[n] for n in names], names, loc="outside upper center",
                   ncols=min(len(names), 3 * columns), frameon=False)  # fmt: skip
    return fig


def radar_figure(ratios: pd.DataFrame, columns: int = 2, baseline: str = "random") -> Figure:
    """TeachMyAgent's radar: each teacher's mean over Random's per challenge, '*' when better.

    A cell where Random's mean is 0 has no ratio; its spoke is left out of that teacher's line
    and named in the panel's footnote.
    """
    shown = (
        ratios[(ratios["teacher"] != baseline) & ratios["ratio"].notna()] if len(ratios) else ratios
    )
    if shown.empty:
        raise _nothing_to_draw("ratio-to-Random radar")
    one_protocol(shown)
    levels = levels_of(shown["level"])
    with matplotlib.rc_context(PAPER_STYLE):
        # Room under the panels for the legend and its footnote, which constrained layout
        # would otherwise take from the panels (pushing their titles off the top).
        height = 2.4 if columns == 1 else FIGURE_WIDTHS[2] / min(len(levels), 3) + 0.55
        fig, axes = new_figure(columns, len(levels), height, polar=True, max_cols=3,
                               max_cols_one=1)  # fmt: skip
        handles, notes = {}, []
        for ax, level in zip(axes.flat, levels, strict=False):
            block = ratios[ratios["level"] == level]
            challenges = sorted(block["challenge"].unique())
            angles = np.linspace(0, 2 * math.pi, len(challenges), endpoint=False)
            top = max(1.0, float(block["ratio"].max(skipna=True) or 1.0))
            for teacher, rows in block.groupby("teacher", sort=True):
                if teacher == baseline or rows["ratio"].isna().all():
                    continue
                values = rows.set_index("challenge").reindex(challenges)
                radius = values["ratio"].to_numpy(dtype=float)
                colour = teacher_colour(teacher)
                closed = np.append(radius, radius[0])
                (line,) = ax.plot(np.append(angles, angles[0]), closed, color=colour, lw=0.8,
                                  label=teacher)  # fmt: skip
                handles.setdefault(teacher, line)
                stars = values["better"].fillna(False).to_numpy(dtype=bool)
                ax.plot(angles[stars], radius[stars], ls="none", marker="*", ms=4, color=colour,
                        mec="black", mew=0.2)  # fmt: skip
            ax.plot(np.append(angles, angles[0]), np.ones(len(angles) + 1), color="black",
                    lw=0.8, ls="--", label="_random")  # fmt: skip
            ax.set_xticks(angles, [c.replace("-", "-\n", 1) for c in challenges], fontsize=4.5)
            ax.set_ylim(0, top * 1.12)
            ax.set_yticks([t for t in range(1, math.ceil(top) + 1)])
            ax.set_rlabel_position(180 / len(challenges))
            ax.tick_params(axis="y", labelsize=4.5)
            ax.set_title(f"expert knowledge: {level}", pad=10)
            undefined = sorted(block.loc[block["baseline_mean"] == 0, "challenge"].unique())
            if undefined:
                notes.append(f"{level}: {', '.join(undefined)}")
        names = sorted(handles)
        title = "ratio of mean score to Random's (dashed: 1)\n* above Random, Welch p < 0.05"
        if notes:
            title += f"\nno ratio where {baseline} masters nothing:\n" + "\n".join(notes)
        fig.legend([handles[n] for n in names], names, loc="outside lower center",
                   ncols=min(len(names), 3 * columns), frameon=False, title=title,
                   title_fontsize=5)  # fmt: skip
    return fig
