"""Leaderboard tables from run records, and their Markdown, CSV and LaTeX renderings.

The input is one row per run (see :data:`REQUIRED_COLUMNS`). Only ``status == "ok"`` runs enter
the statistics; failed and not-applicable runs are counted so that a reader sees what is missing
instead of a silently smaller sample. Runs are only comparable under one protocol hash, so a cell
whose records disagree on it is refused rather than averaged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from teachbench.harness.vocabulary import Level, Status
from teachbench.leaderboard.stats import METRICS, interval_estimates, welch_ratio_to_baseline

REQUIRED_COLUMNS = (
    "suite",
    "tier",
    "protocol_hash",
    "challenge",
    "level",
    "teacher",
    "seed",
    "status",
    "final_mastered",
    "auc",
)
STATUSES = tuple(Status)
LEVEL_ORDER = tuple(Level)
NOT_APPLICABLE_NOTE = "not applicable at this level"
AGGREGATE = "all challenges"
"""The ``challenge`` label of aggregate rows (``is_aggregate`` tells them apart unambiguously)."""

METRIC_LABELS = {
    "final_mastered": "% mastered test tasks at the last evaluation",
    "auc": "mean % mastered test tasks over the evaluation curve (AUC)",
}
CELL = ["suite", "tier", "challenge", "level"]
BLOCK = ["suite", "tier", "level"]
TABLE_COLUMNS = [
    "suite",
    "tier",
    "level",
    "challenge",
    "is_aggregate",
    "teacher",
    "n_runs",
    "n_failed",
    "n_not_applicable",
    "n_challenges",
    *(f"{m}{part}" for m in METRICS for part in ("", "_low", "_high")),
    "notes",
]


def validate_runs(frame: pd.DataFrame) -> None:
    """Raise ValueError if the run frame cannot make a sound leaderboard.

    Checks the columns, the status values, duplicate runs (same cell, teacher and seed) and that
    every (suite, tier, challenge, level) cell holds records of a single protocol hash.
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"run frame lacks columns {missing}")
    unknown = sorted(set(frame["status"]) - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown status values {unknown}; expected one of {list(STATUSES)}")
    dup = frame.duplicated([*CELL, "teacher", "seed"], keep=False)
    if dup.any():
        first = frame.loc[dup].iloc[0]
        where = ", ".join(f"{c}={first[c]}" for c in [*CELL, "teacher", "seed"])
        raise ValueError(f"duplicate run records for {where}; keep one record per run")
    for cell, hashes in frame.groupby(CELL, sort=True)["protocol_hash"].unique().items():
        if len(hashes) > 1:
            where = ", ".join(f"{c}={v}" for c, v in zip(CELL, cell, strict=True))
            raise ValueError(
                f"cell ({where}) mixes protocol hashes {sorted(hashes)}; results of different "
                "protocols are not comparable: re-run or filter to one protocol"
            )


def _format_seeds(seeds: list[int]) -> str:
    """Compress sorted seeds into ranges: [0, 1, 2, 5] -> '0-2, 5'."""
    runs: list[list[int]] = []
    for seed in seeds:
        if runs and seed == runs[-1][-1] + 1:
            runs[-1].append(seed)
        else:
            runs.append([seed])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs]
    return ", ".join(parts) if parts else "none"


Spec = tuple[dict, pd.Series, np.ndarray | None, list[str]]
"""What one table row is computed from: its key, status counts, ok scores (or None), notes."""


def _cell_specs(block: pd.DataFrame, metric: str) -> Iterator[Spec]:
    for (challenge, teacher), cell in block.groupby(["challenge", "teacher"], sort=True):
        ok = cell[cell["status"] == "ok"]
        counts = cell["status"].value_counts()
        key = {"challenge": challenge, "is_aggregate": False, "teacher": teacher}
        scores = ok[metric].to_numpy(dtype=float) if len(ok) else None
        notes = []
        if counts.get(Status.FAILED, 0) and not len(ok):
            notes = [f"no ok runs ({counts['failed']} failed)"]
        elif not len(ok):
            notes = [NOT_APPLICABLE_NOTE]
        yield {**key, "n_challenges": 1}, counts, scores, notes


def _aggregate_specs(block: pd.DataFrame, metric: str) -> Iterator[Spec]:
    """Per teacher, the seeds x challenges matrix of the seeds ok on all its challenges.

    A teacher's challenges are those where it was applicable (ok or failed records); a seed that
    failed on any of them is dropped from the aggregate, so every seed weighs every challenge.
    """
    level_challenges = sorted(block["challenge"].unique())
    for teacher, runs in block.groupby("teacher", sort=True):
        applicable = runs[runs["status"] != Status.NOT_APPLICABLE]
        challenges = sorted(applicable["challenge"].unique())
        ok = applicable[applicable["status"] == "ok"]
        per_challenge = [set(ok.loc[ok["challenge"] == c, "seed"]) for c in challenges]
        common = sorted(set.intersection(*per_challenge)) if per_challenge else []
        dropped = sorted(set(applicable["seed"]) - set(common))
        key = {"challenge": AGGREGATE, "is_aggregate": True, "teacher": teacher}
        if not challenges:
            notes = [NOT_APPLICABLE_NOTE]
            yield {**key, "n_challenges": 0}, runs["status"].value_counts(), None, notes
            continue
        notes = [
            f"IQM over {len(common)} seeds x {len(challenges)} challenges "
            f"(seeds ok on every challenge: {_format_seeds(common)})"
        ]
        if dropped:
            notes.append(f"dropped seeds {_format_seeds(dropped)}: not ok on every challenge")
        uncovered = [c for c in level_challenges if c not in challenges]
        if uncovered:
            notes.append(
                f"covers {len(challenges)} of {len(level_challenges)} challenges "
                f"(no applicable runs on {', '.join(uncovered)})"
            )
        scores = None
        if common:
            pivot = ok.pivot(index="seed", columns="challenge", values=metric)
            scores = pivot.loc[common, challenges].to_numpy(dtype=float)
        yield {**key, "n_challenges": len(challenges)}, runs["status"].value_counts(), scores, notes


def _row(spec: Spec, block: dict, reps: int, seed: int, confidence: float) -> dict:
    """Estimate one row; the bootstrap is keyed by the row's cell so it is seeded on its own."""
    key, counts, scores, notes = spec
    row = {
        **block,
        **key,
        "n_runs": 0 if scores is None else len(scores),
        "n_failed": int(counts.get(Status.FAILED, 0)),
        "n_not_applicable": int(counts.get(Status.NOT_APPLICABLE, 0)),
        **{f"{m}{part}": math.nan for m in METRICS for part in ("", "_low", "_high")},
    }
    if scores is not None:
        name = "/".join(str(row[c]) for c in ["suite", "tier", "challenge", "level", "teacher"])
        est = interval_estimates({name: scores}, reps=reps, seed=seed, confidence=confidence)
        for metric, value in est[name].items():
            row.update({metric: value.point, f"{metric}_low": value.low,
                        f"{metric}_high": value.high})  # fmt: skip
        iqm = est[name]["iqm"]
        notes = [*notes, iqm.note] if iqm.note else notes
    row["notes"] = "; ".join(notes)
    return row


def leaderboard_table(
    frame: pd.DataFrame,
    reps: int = 2000,
    seed: int = 0,
    metric: str = "final_mastered",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per (suite, tier, level, challenge, teacher) plus one aggregate row per teacher.

    Columns are :data:`TABLE_COLUMNS`. Each bootstrap is seeded from ``seed`` and its own cell,
    so a cell's interval does not change when other teachers or challenges are added. The metric,
    confidence, reps and seed are kept in ``table.attrs`` for the writers' captions.
    """
    if metric not in METRIC_LABELS:
        raise ValueError(f"metric must be one of {list(METRIC_LABELS)}, got {metric!r}")
    validate_runs(frame)
    rows: list[dict] = []
    for block_key, block in frame.groupby(BLOCK, sort=True):
        key = dict(zip(BLOCK, block_key, strict=True))
        specs = [*_cell_specs(block, metric), *_aggregate_specs(block, metric)]
        rows += [_row(spec, key, reps, seed, confidence) for spec in specs]
    table = pd.DataFrame(rows, columns=TABLE_COLUMNS)
    level_rank = (
        table["level"].map({v: i for i, v in enumerate(LEVEL_ORDER)}).fillna(len(LEVEL_ORDER))
    )
    table = (
        table.assign(_level=level_rank, _score=-table["iqm"].fillna(-1.0))
        .sort_values(["suite", "tier", "_level", "is_aggregate", "challenge", "_score", "teacher"])
        .drop(columns=["_level", "_score"])
        .reset_index(drop=True)
    )
    table.attrs.update(metric=metric, reps=reps, seed=seed, confidence=confidence)
    return table


def ratio_to_random_table(
    frame: pd.DataFrame,
    baseline: str = "random",
    metric: str = "final_mastered",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """TeachMyAgent's radar numbers: per cell, each teacher's mean over the baseline's mean.

    ``better`` is the paper's star (mean above the baseline's and Welch's p < ``alpha``); see
    :func:`teachbench.leaderboard.stats.welch_ratio_to_baseline`. A cell where the baseline has no ok run
    has no reference: its teachers get NaN ratios and a note instead of being left out.
    """
    validate_runs(frame)
    ok = frame[frame["status"] == "ok"]
    parts = []
    for cell, runs in ok.groupby(CELL, sort=True):
        scores = {t: r[metric].to_numpy(dtype=float) for t, r in runs.groupby("teacher")}
        if baseline in scores:
            view = welch_ratio_to_baseline(scores, baseline=baseline, alpha=alpha)
        else:
            view = pd.DataFrame(
                {
                    "teacher": list(scores),
                    "n_runs": [len(v) for v in scores.values()],
                    "mean": [v.mean() for v in scores.values()],
                    "better": False,
                    "note": f"no ok {baseline} runs in this cell",
                }
            )
        parts.append(view.assign(**dict(zip(CELL, cell, strict=True))))
    columns = [*CELL, "teacher", "n_runs", "mean", "baseline_mean", "ratio", "t", "p_value"]
    return pd.concat(parts, ignore_index=True).reindex(columns=[*columns, "better", "note"])


def caption(table: pd.DataFrame, block: tuple[str, str, str] | None = None) -> str:
    """Caption text stating the metric, the interval, the bootstrap reps and the seeds per cell."""
    rows = table[~table["is_aggregate"] & (table["n_runs"] > 0)]
    where = ""
    if block is not None:
        suite, tier, level = block
        rows = rows[(rows["suite"] == suite) & (rows["tier"] == tier) & (rows["level"] == level)]
        where = f" ({suite}, {tier} tier, expert knowledge: {level})"
    n = sorted(set(rows["n_runs"]))
    seeds = "no" if not n else str(n[0]) if len(n) == 1 else f"{n[0]}-{n[-1]}"
    attrs = table.attrs
    return (
        f"Leaderboard{where}. IQM of {METRIC_LABELS[attrs['metric']]} with "
        f"{attrs['confidence']:.0%} stratified-bootstrap confidence intervals "
        f"({attrs['reps']} bootstrap reps, seed {attrs['seed']}); {seeds} seeds per cell. "
        f"Best IQM per column in bold. '{AGGREGATE}' is the IQM over the seeds x challenges "
        "matrix of the seeds that ran ok on every challenge of that teacher."
    )


def _blocks(table: pd.DataFrame) -> Iterator[tuple[tuple, list[str], list[str], pd.DataFrame]]:
    """Yield (block key, challenges, teachers sorted by aggregate IQM, rows) per level block."""
    for key, rows in table.groupby(BLOCK, sort=False):
        challenges = sorted(rows.loc[~rows["is_aggregate"], "challenge"].unique())
        agg = rows[rows["is_aggregate"]].assign(_s=lambda r: -r["iqm"].fillna(-1.0))
        teachers = list(agg.sort_values(["_s", "teacher"])["teacher"])
        yield key, challenges, teachers, rows


def _grid(
    rows: pd.DataFrame,
    challenges: list[str],
    teachers: list[str],
    fmt: Callable[[pd.Series], str],
    bold: Callable[[str], str],
) -> tuple[list[str], dict[str, dict[str, str]]]:
    """Cells of the wide layout: teachers x (challenges + aggregate), best per column marked."""
    columns = [*challenges, AGGREGATE]
    grid = {t: {} for t in teachers}
    for column, is_agg in zip(columns, [False] * len(challenges) + [True], strict=True):
        col = rows[(rows["is_aggregate"] == is_agg) & (rows["challenge"] == column)]
        best = col["iqm"].max()
        for _, r in col.iterrows():
            if r["n_runs"] == 0:
                text = "n/a" if r["n_not_applicable"] and not r["n_failed"] else "--"
            else:
                text = fmt(r)
                if r["iqm"] == best:
                    text = bold(text)
            grid[r["teacher"]][column] = text
    return columns, grid


def _run_counts(rows: pd.DataFrame, teacher: str) -> str:
    cells = rows[~rows["is_aggregate"] & (rows["teacher"] == teacher)]
    return "/".join(str(int(cells[c].sum())) for c in ["n_runs", "n_failed", "n_not_applicable"])


def to_markdown(table: pd.DataFrame) -> str:
    """A readable Markdown leaderboard: one wide table per (suite, tier, level).

    Rows are teachers sorted by their aggregate IQM; cells read "IQM [low, high]"; the best IQM of
    each column is bold; "n/a" marks a teacher not applicable there, "--" one with no ok run.
    Notes (seeds used by aggregates, single-run cells) follow each table.
    """
    out = [
        f"_{caption(table)}_",
        "",
        "n/a: not applicable at that expert-knowledge level; --: no successful run.",
        "",
    ]
    for key, challenges, teachers, rows in _blocks(table):
        columns, grid = _grid(
            rows,
            challenges,
            teachers,
            lambda r: f"{r['iqm']:.1f} [{r['iqm_low']:.1f}, {r['iqm_high']:.1f}]",
            lambda text: f"**{text}**",
        )
        out += [f"### {key[0]} / {key[1]} / expert knowledge: {key[2]}", ""]
        header = ["Teacher", *columns, "Runs ok/failed/n.a."]
        out.append("| " + " | ".join(md_escape(h) for h in header) + " |")
        out.append("|" + "|".join(["---"] + [":---:"] * (len(header) - 1)) + "|")
        for t in teachers:
            cells = [grid[t].get(c, "--") for c in columns]
            out.append("| " + " | ".join([md_escape(t), *cells, _run_counts(rows, t)]) + " |")
        notes = _grouped_notes(rows)
        if notes:
            out += ["", *notes]
        out.append("")
    return "\n".join(out)


def _grouped_notes(rows: pd.DataFrame) -> list[str]:
    """One line per teacher and note, naming the columns it applies to.

    "Not applicable" is left out: the ``n/a`` cells and the legend already say it.
    """
    shown = rows[(rows["notes"] != "") & (rows["notes"] != NOT_APPLICABLE_NOTE)]
    columns: dict[tuple[str, str], list[str]] = {}
    for _, r in shown.iterrows():
        columns.setdefault((r["teacher"], r["notes"]), []).append(r["challenge"])
    return [
        f"- {md_escape(teacher)} ({', '.join(where)}): {note}"
        for (teacher, note), where in columns.items()
    ]


_MD_SPECIAL = set("\\`*[]<>#|~")
"""Markdown that could format, link, open HTML or split a cell. ``_`` inside a word (as in
slugs) formats nothing, so names stay readable."""


def md_escape(text: object) -> str:
    """Text safe inside a Markdown table cell: one line, markup characters backslash-escaped.

    Names come from records, which are untrusted: a newline would end the row (and could start
    a heading), a ``|`` would split a cell, ``<`` would open HTML.
    """
    line = " ".join(str(text).split())
    return "".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in line)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV with every text cell passed through :func:`csv_safe`."""
    text_columns = frame.select_dtypes(include="object").columns
    safe = frame.assign(**{c: frame[c].map(csv_safe) for c in text_columns})
    return safe.to_csv(index=False, float_format="%.6g")


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _tex(text: str) -> str:
    """LaTeX-safe text on one line (a newline in a name must not end a table row)."""
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in " ".join(str(text).split()))


def to_latex(table: pd.DataFrame) -> str:
    """LaTeX (booktabs) tables, one ``table`` environment per (suite, tier, level).

    Needs ``\\usepackage{booktabs}``. Same layout as :func:`to_markdown`: bold best IQM per
    column, the CI in small type after the point.
    """
    out = []
    for key, challenges, teachers, rows in _blocks(table):
        columns, grid = _grid(
            rows,
            challenges,
            teachers,
            lambda r: f"{r['iqm']:.1f} {{\\scriptsize [{r['iqm_low']:.1f}, {r['iqm_high']:.1f}]}}",
            lambda text: f"\\textbf{{{text}}}",
        )
        label = "-".join(str(k) for k in key).replace("_", "-")
        out += [
            r"\begin{table}[t]",
            r"\centering",
            rf"\caption{{{_tex(caption(table, key))}}}",
            rf"\label{{tab:leaderboard-{label}}}",
            r"\begin{tabular}{l" + "c" * len(columns) + "}",
            r"\toprule",
            " & ".join(["Teacher", *(_tex(c) for c in columns)]) + r" \\",
            r"\midrule",
        ]
        for t in teachers:
            cells = [grid[t].get(c, "--") for c in columns]
            out.append(" & ".join([_tex(t), *cells]) + r" \\")
        out += [r"\bottomrule", r"\end{tabular}", r"\end{table}", ""]
    return "\n".join(out)


def to_csv(table: pd.DataFrame, path: str | Path | None = None) -> str:
    """The long table as CSV, with metric, confidence and bootstrap settings as columns.

    The extra columns make a CSV file self-describing once separated from its caption. Writes to
    ``path`` when given; always returns the text.
    """
    attrs = table.attrs
    text = safe_csv_text(
        table.assign(
            metric=attrs["metric"],
            confidence=attrs["confidence"],
            bootstrap_reps=attrs["reps"],
            bootstrap_seed=attrs["seed"],
        )
    )
    if path is not None:
        Path(path).write_text(text)
    return text
