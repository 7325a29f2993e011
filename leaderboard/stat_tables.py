"""The statistics beyond the IQM table, as Markdown: all four aggregates, probability of
improvement for every pair, and TeachMyAgent's ratio to Random with Welch's t-test.

Names are escaped with :func:`teachbench.leaderboard.tables.md_escape` (records are untrusted).
"""

from __future__ import annotations

import pandas as pd
from teachbench.leaderboard.report import Report
from teachbench.leaderboard.stats import METRICS
from teachbench.leaderboard.tables import BLOCK, md_escape

METRIC_NAMES = {"iqm": "IQM", "mean": "Mean", "median": "Median",
                "optimality_gap": "Optimality gap"}  # fmt: skip


def _ci(point: float, low: float, high: float, digits: int = 1) -> str:
    if pd.isna(point):
        return "--"
    return f"{point:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _header(cells: list[str]) -> list[str]:
    return [_row(cells), "|" + "|".join(["---"] + [":---:"] * (len(cells) - 1)) + "|"]


def _aggregates(table: pd.DataFrame) -> list[str]:
    rows = table[table["is_aggregate"] & (table["n_runs"] > 0)].sort_values("iqm", ascending=False)
    out = _header(["Teacher", *METRIC_NAMES.values(), "Seeds x challenges"])
    for r in rows.itertuples(index=False):
        cells = [
            _ci(getattr(r, m), getattr(r, f"{m}_low"), getattr(r, f"{m}_high")) for m in METRICS
        ]
        out.append(_row([md_escape(r.teacher), *cells, f"{r.n_runs} x {r.n_challenges}"]))
    return out


def _poi(poi: pd.DataFrame) -> list[str]:
    if poi.empty:
        return ["No pair of teachers with ok runs on common challenges."]
    order = list(poi.groupby("x")["point"].mean().sort_values(ascending=False).index)
    cell = {(r.x, r.y): _ci(r.point, r.low, r.high, 2) for r in poi.itertuples(index=False)}
    out = _header(["P(row > column)", *map(md_escape, order)])
    for x in order:
        out.append(_row([md_escape(x), *(cell.get((x, y), "") for y in order)]))
    return out


def _ratios(ratios: pd.DataFrame) -> list[str]:
    challenges = sorted(ratios["challenge"].unique())
    out = _header(["Teacher", *map(md_escape, challenges)])
    for teacher, rows in ratios.groupby("teacher", sort=True):
        by = rows.set_index("challenge")
        cells = []
        for c in challenges:
            if c not in by.index or pd.isna(by.loc[c, "ratio"]):
                cells.append("--")
            else:
                star = "\\*" if by.loc[c, "better"] else ""
                cells.append(f"{by.loc[c, 'ratio']:.2f}{star} (p={by.loc[c, 'p_value']:.2g})")
        out.append(_row([md_escape(teacher), *cells]))
    return out


def statistics_markdown(report: Report) -> str:
    """One section per (suite, tier, level): aggregates, POI matrix, ratio to Random."""
    settings = report.settings
    out = [
        f"_All statistics of {settings['metric']} with 95% stratified-bootstrap confidence "
        f"intervals ({settings['reps']} bootstrap reps, seed {settings['seed']}); aggregates over "
        "the seeds x challenges matrix of the seeds ok on every challenge of a teacher._",
        "",
    ]
    for key, table in report.table.groupby(BLOCK, sort=False):
        where = dict(zip(BLOCK, key, strict=True))
        title = " / ".join(md_escape(v) for v in key)
        out += [f"## {title}", "", "### Aggregate over challenges", "", *_aggregates(table), ""]
        poi = report.poi
        poi = poi[(poi[BLOCK] == pd.Series(where)).all(axis=1)] if len(poi) else poi
        out += ["### Probability of improvement", "", *_poi(poi), ""]
        ratios = report.ratios
        if len(ratios):
            ratios = ratios[(ratios[["suite", "tier", "level"]] == pd.Series(where)).all(axis=1)]
        if len(ratios) and ratios["ratio"].notna().any():
            out += [
                "### Ratio to Random (TeachMyAgent's view)",
                "",
                "Mean over Random's mean in the same cell; \\* = above Random with Welch's "
                "t-test p < 0.05; -- = Random masters nothing there (no ratio).",
                "",
                *_ratios(ratios),
                "",
            ]
    return "\n".join(out)
