"""Your records beside published numbers: ``teachbench compare --published NAME``.

Published tables give a mean, a standard deviation and a seed count per teacher and body, not
per-seed scores, so each cell is compared with Welch's t-test from those summaries
(:func:`scipy.stats.ttest_ind_from_stats`). The verdict is plain: *consistent* (no evidence of a
difference at ``alpha``), *differs*, or *not enough seeds* (fewer than two ok runs of yours).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import scipy.stats
from matplotlib.figure import Figure
from teachbench.harness.vocabulary import Status
from teachbench.leaderboard.figures import PAPER_STYLE, new_figure, teacher_colour
from teachbench.leaderboard.tables import md_escape

PUBLISHED = Path(__file__).resolve().parents[1] / "results" / "published"
OVERALL = "overall"
CONSISTENT, DIFFERS, TOO_FEW = "consistent", "differs", "not enough seeds"


def _key(name: str) -> str:
    return str(name).strip().lower().replace("_", "-")


def load_published(name: str, folder: Path = PUBLISHED) -> tuple[pd.DataFrame, dict[str, str]]:
    """The published table and its body -> challenge map (``NAME.csv``, ``NAME.challenges.csv``)."""
    table, challenges = folder / f"{name}.csv", folder / f"{name}.challenges.csv"
    if not table.exists():
        known = sorted(p.stem for p in folder.glob("*.csv") if "." not in p.stem)
        raise FileNotFoundError(f"no published table {name!r}; available: {', '.join(known)}")
    bodies = pd.read_csv(challenges)
    return pd.read_csv(table), {
        _key(c): b for b, c in zip(bodies["body"], bodies["challenge"], strict=True)
    }


def compare_published(
    runs: pd.DataFrame, published: pd.DataFrame, challenges: dict[str, str], alpha: float = 0.05
) -> pd.DataFrame:
    """One row per published (teacher, body): yours and theirs, Welch's t-test, the verdict.

    Your runs count at the published expert-knowledge level; ``overall`` pools your bodies.
    """
    ok = runs[runs["status"] == Status.OK].assign(
        _teacher=lambda f: f["teacher"].map(_key),
        _body=lambda f: f["challenge"].map(_key).map(challenges),
    )
    rows = []
    for r in published.itertuples(index=False):
        mine = ok[(ok["_teacher"] == _key(r.teacher)) & (ok["level"] == r.expert_knowledge)]
        if r.body != OVERALL:
            mine = mine[mine["_body"] == r.body]
        else:
            mine = mine[mine["_body"].notna()]
        scores = mine["final_mastered"].to_numpy(dtype=float)
        n = len(scores)
        mean = float(scores.mean()) if n else np.nan
        std = float(scores.std(ddof=1)) if n > 1 else np.nan
        p_value = np.nan
        if n < 2:
            verdict = TOO_FEW
        elif std == 0 and r.std == 0:
            verdict = CONSISTENT if mean == r.mean else DIFFERS
        else:
            test = scipy.stats.ttest_ind_from_stats(mean, std, n, r.mean, r.std, r.n_seeds,
                                                    equal_var=False)  # fmt: skip
            p_value = float(test.pvalue)
            verdict = DIFFERS if p_value < alpha else CONSISTENT
        rows.append({"teacher": r.teacher, "body": r.body, "level": r.expert_knowledge,
                     "mean": mean, "std": std, "n": n, "published_mean": r.mean,
                     "published_std": r.std, "published_n": r.n_seeds, "p_value": p_value,
                     "verdict": verdict})  # fmt: skip
    return pd.DataFrame(rows)


def comparison_markdown(table: pd.DataFrame, name: str) -> str:
    """The comparison as one Markdown table."""
    out = [f"_Your final % mastered test tasks beside `{md_escape(name)}` (mean +- std over "
           "seeds); Welch's t-test from the published mean, std and seed count._", "",
           "| Teacher | Body | Yours | Published | p | Verdict |", "|---|---|:---:|:---:|:---:|---|"]  # fmt: skip
    for r in table.itertuples(index=False):
        yours = "--" if r.n == 0 else f"{r.mean:.1f} +- {0 if r.n < 2 else r.std:.1f} (n={r.n})"
        theirs = f"{r.published_mean:.1f} +- {r.published_std:.1f} (n={r.published_n})"
        p = "--" if np.isnan(r.p_value) else f"{r.p_value:.2g}"
        out.append(f"| {md_escape(r.teacher)} | {md_escape(r.body)} | {yours} | {theirs} | {p} | "
                   f"{r.verdict} |")  # fmt: skip
    return "\n".join(out) + "\n"


def comparison_figure(table: pd.DataFrame, columns: int = 2) -> Figure:
    """Per body, yours (filled) beside published (hollow) mean +- std, verdict marked."""
    bodies = list(dict.fromkeys(table["body"]))
    with matplotlib.rc_context(PAPER_STYLE):
        fig, axes = new_figure(columns, len(bodies), 1.8, sharey=False)
        for ax, body in zip(axes.flat, bodies, strict=False):
            rows = table[table["body"] == body].reset_index(drop=True)
            for i, r in rows.iterrows():
                colour = teacher_colour(r["teacher"])
                ax.errorbar(r["published_mean"], i + 0.15, xerr=r["published_std"], fmt="o",
                            mfc="white", color=colour, ms=3, lw=0.8, capsize=1.5)  # fmt: skip
                if r["n"]:
                    ax.errorbar(r["mean"], i - 0.15, xerr=0 if r["n"] < 2 else r["std"], fmt="o",
                                color=colour, ms=3, lw=0.8, capsize=1.5)  # fmt: skip
                mark = {DIFFERS: "differs", TOO_FEW: "n < 2"}.get(r["verdict"], "")
                if mark:
                    ax.annotate(mark, (1.02, i), xycoords=("axes fraction", "data"), fontsize=5,
                                ha="left", va="center", color="#CC3311",
                                annotation_clip=False)  # fmt: skip
            ax.set_yticks(range(len(rows)), rows["teacher"])
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_xlim(left=min(0.0, ax.get_xlim()[0]))
            ax.set_title(body)
            ax.grid(axis="x", lw=0.4, alpha=0.4)
        fig.supxlabel("% mastered test tasks: yours (filled) vs published (hollow), mean +- std")
    return fig
