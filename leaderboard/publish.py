"""One call from results folders to every leaderboard artefact: tables, statistics, figures, page.

Every file name is built from validated slugs and checked to land inside ``out`` (records are
untrusted: a suite named ``/some/path`` must not write there). The time of each part is kept so
that the command and the benchmark can show where it goes.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from teachbench.harness.storage import atomic_write
from teachbench.harness.vocabulary import Status
from teachbench.leaderboard.curriculum import curriculum_figure, curriculum_runs
from teachbench.leaderboard.figures import curves_figure, interval_figure, save_figure
from teachbench.leaderboard.figures_stats import (
    NothingToDraw,
    poi_figure,
    profiles_figure,
    radar_figure,
)
from teachbench.leaderboard.html import write_page
from teachbench.leaderboard.report import Report, build_report
from teachbench.leaderboard.runs import runs_frame
from teachbench.leaderboard.stat_tables import statistics_markdown
from teachbench.leaderboard.tables import safe_csv_text, to_csv, to_latex, to_markdown

FORMATS = ("md", "csv", "latex", "html")
TABLE_FILES = {"md": "leaderboard.md", "csv": "leaderboard.csv", "latex": "leaderboard.tex"}

FIGURES: dict[str, tuple[str, Callable[[Report], pd.DataFrame], Callable[..., Figure]]] = {
    "intervals": ("iqm", lambda r: r.table, interval_figure),
    "curves": ("curves", lambda r: r.curves, curves_figure),
    "poi": ("poi", lambda r: r.poi, poi_figure),
    "profiles": ("profiles", lambda r: r.profiles, profiles_figure),
    "radar": ("radar", lambda r: r.ratios, radar_figure),
}
"""Figure kind -> (file suffix, the report frame it draws, the drawing function)."""

PAPER_WIDTHS = {"intervals": (2,), "curves": (2,), "poi": (2, 1), "profiles": (2, 1),
                "radar": (2, 1)}  # fmt: skip
"""Paper column widths written per kind. A panel per challenge (10+ panels) is unreadable in
one column, so those come at two columns only; ``teachbench plot --columns 1`` still draws them."""
WEB_DPI = 200
"""PNGs of the leaderboard are for the page (the PDFs, vector, are for papers)."""


class Timer:
    """Seconds spent per named part, in the order the parts ran."""

    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        start, cpu = time.perf_counter(), _cpu_s()
        try:
            yield
        finally:
            self.parts[name] = self.parts.get(name, 0.0) + time.perf_counter() - start
            self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_s() - cpu

    def summary(self) -> str:
        """Wall time per part, and the CPU time (this process and its workers) beside it."""
        shown = ", ".join(f"{k} {v:.1f} s ({self.cpu[k]:.1f} s CPU)" for k, v in self.parts.items())
        return (f"{shown}; total {sum(self.parts.values()):.1f} s wall, "
                f"{sum(self.cpu.values()):.1f} s CPU")  # fmt: skip


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children (the figure workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def inside(out: Path, name: str) -> Path:
    """``out / name``, refused unless it stays directly inside ``out``."""
    path = out / name
    if path.resolve().parent != out.resolve() or Path(name).name != name:
        raise ValueError(f"refusing to write {name!r}: it would land outside {out}")
    return path


def protocols(report: Report) -> list[tuple[str, str]]:
    """The (suite, tier) pairs of a report; figures never pool two of them."""
    pairs = report.runs[["suite", "tier"]].drop_duplicates().itertuples(index=False)
    return sorted((str(s), str(t)) for s, t in pairs)


def figure_frame(report: Report, kind: str, suite: str, tier: str) -> pd.DataFrame:
    """The part of the report a figure kind draws, for one suite and tier."""
    frame = FIGURES[kind][1](report)
    if frame.empty:
        return frame
    return frame[(frame["suite"] == suite) & (frame["tier"] == tier)]


def _draw_and_save(draw: Callable[..., Figure], data: Any, columns: int, path: Path,
                   dpi: int) -> list[Path]:  # fmt: skip
    """One figure job (runs in a worker process): draw, save, or nothing if nothing to draw."""
    try:
        fig = draw(data, columns=columns)
    except NothingToDraw:
        return []
    return save_figure(fig, path, dpi)


def write_figures(
    report: Report,
    out: Path,
    kinds: Sequence[str] = (*FIGURES, "curriculum"),
    dpi: int = WEB_DPI,
    workers: int | None = None,
) -> list[Path]:
    """Each figure kind, per (suite, tier), at its paper widths; kinds without data are skipped.

    Figures are independent, so they are drawn in ``workers`` processes (default: the CPUs,
    at most 4); matplotlib's drawing is single-threaded Python. The curriculum picture needs
    traced runs; a campaign run with ``--no-trace`` has none, and gets none.
    """
    jobs = []
    for suite, tier in protocols(report):
        runs = report.runs[(report.runs["suite"] == suite) & (report.runs["tier"] == tier)]
        traced = curriculum_runs(runs) if "curriculum" in kinds else []
        if traced:
            jobs.append((curriculum_figure, traced, 2, inside(out, f"{suite}-{tier}-curriculum")))
        for kind in (k for k in kinds if k in FIGURES):
            suffix, _, draw = FIGURES[kind]
            frame = figure_frame(report, kind, suite, tier)
            if frame.empty:
                continue
            for columns in PAPER_WIDTHS[kind]:
                name = f"{suite}-{tier}-{suffix}" + ("" if columns == 2 else "-1col")
                jobs.append((draw, frame, columns, inside(out, name)))
    workers = min(workers or os.cpu_count() or 1, 4, len(jobs))
    if workers <= 1:
        return [p for job in jobs for p in _draw_and_save(*job, dpi)]
    # Longest first (the curves), so no worker is left with it at the end.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i][1]))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        done = {i: pool.submit(_draw_and_save, *jobs[i], dpi) for i in order}
        return [p for i in range(len(jobs)) for p in done[i].result()]


def publish(
    results: Path | Sequence[Path],
    out: Path,
    formats: Sequence[str] | None = None,
    reps: int = 2000,
    skip_invalid: bool = False,
    seed: int = 0,
    timer: Timer | None = None,
) -> tuple[list[Path], str]:
    """Write the tables (``formats``, default all), the statistics, the figures and the page.

    Returns the written paths and the Markdown leaderboard. Pass a :class:`Timer` to learn
    where the time went (reading, statistics, tables, figures, HTML).
    """
    timer = timer or Timer()
    formats = list(formats or FORMATS)
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s) {unknown}; choose from {list(FORMATS)}")
    with timer.part("reading"):
        frame = runs_frame(results, skip_invalid=skip_invalid)
    if not (frame["status"] == Status.OK).any():
        counts = ", ".join(f"{n} {s}" for s, n in frame["status"].value_counts().items())
        raise ValueError(
            f"no ok run among {len(frame)} records ({counts}): nothing to rank; "
            "see the records' error and reason fields"
        )
    with timer.part("bootstrap"):
        report = build_report(frame, reps=reps, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    markdown = to_markdown(report.table)
    with timer.part("tables"):
        writers = {"md": lambda: markdown, "csv": lambda: to_csv(report.table),
                   "latex": lambda: to_latex(report.table)}  # fmt: skip
        for fmt in (f for f in formats if f in TABLE_FILES):
            written.append(inside(out, TABLE_FILES[fmt]))
            atomic_write(written[-1], writers[fmt]().encode())
        if "md" in formats:
            written.append(inside(out, "statistics.md"))
            atomic_write(written[-1], statistics_markdown(report).encode())
        if "csv" in formats:
            written += write_statistics_csv(report, out)
    with timer.part("figures"):
        figures = write_figures(report, out)
    written += figures
    if "html" in formats:
        with timer.part("html"):
            written.append(write_page(report, inside(out, "index.html"), figures))
    return written, markdown


def write_statistics_csv(report: Report, out: Path) -> list[Path]:
    """POI, performance profiles, ratio to Random and the IQM curves, one CSV each."""
    written = []
    for name, frame in [("probability-of-improvement.csv", report.poi),
                        ("performance-profiles.csv", report.profiles),
                        ("ratio-to-random.csv", report.ratios),
                        ("sample-efficiency-curves.csv", report.curves)]:  # fmt: skip
        written.append(inside(out, name))
        atomic_write(written[-1], safe_csv_text(frame).encode())
    return written
