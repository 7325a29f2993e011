"""``teachbench plot`` and ``teachbench compare``: registered on the CLI by ``harness/cli.py``.

Heavy imports (pandas, matplotlib) happen when a command runs, not when the CLI starts.
"""

from __future__ import annotations

import argparse
from pathlib import Path

FIGURE_KINDS = ("intervals", "curves", "poi", "profiles", "radar", "curriculum")


def add_commands(commands: argparse._SubParsersAction) -> None:
    plot = commands.add_parser("plot", help="one leaderboard figure (PNG + PDF)")
    plot.add_argument("kind", choices=FIGURE_KINDS)
    plot.add_argument("--results", type=Path, action="append", help="records folder; repeatable")
    plot.add_argument("--out", type=Path, help="file stem; default results/leaderboard/KIND")
    plot.add_argument("--columns", type=int, choices=[1, 2], default=2, help="paper columns")
    plot.add_argument("--reps", type=int, default=2000, help="bootstrap resamples")
    plot.add_argument("--dpi", type=int, default=300)
    plot.set_defaults(handler=cmd_plot)
    compare = commands.add_parser("compare", help="your records beside published numbers")
    compare.add_argument("--published", required=True, help="e.g. teachmyagent-parkour")
    compare.add_argument("--results", type=Path, action="append", help="records folder")
    compare.add_argument("--out", type=Path, default=Path("results/compare"))
    compare.add_argument("--alpha", type=float, default=0.05, help="Welch's t-test level")
    compare.set_defaults(handler=cmd_compare)


def _folders(args: argparse.Namespace) -> list[Path]:
    return args.results or [Path("results/runs")]


def cmd_plot(args: argparse.Namespace) -> int:
    from teachbench.leaderboard.figures import save_figure
    from teachbench.leaderboard.figures_stats import NothingToDraw
    from teachbench.leaderboard.publish import FIGURES, figure_frame, protocols
    from teachbench.leaderboard.report import build_report
    from teachbench.leaderboard.runs import runs_frame

    frame = runs_frame(_folders(args))
    stem = args.out or Path("results/leaderboard") / args.kind
    if args.kind == "curriculum":
        from teachbench.leaderboard.curriculum import curriculum_figure, curriculum_runs

        figure = curriculum_figure(curriculum_runs(frame), columns=args.columns)
        for path in save_figure(figure, stem, args.dpi):
            print(f"wrote {path}")
        return 0
    report = build_report(frame, reps=args.reps)
    pairs = protocols(report)
    for suite, tier in pairs:
        frame = figure_frame(report, args.kind, suite, tier)
        if frame.empty:
            raise NothingToDraw(f"no data for a {args.kind} figure of {suite}/{tier}")
        out = stem if len(pairs) == 1 else stem.with_name(f"{stem.name}-{suite}-{tier}")
        for path in save_figure(FIGURES[args.kind][2](frame, columns=args.columns), out, args.dpi):
            print(f"wrote {path}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from teachbench.harness.storage import atomic_write
    from teachbench.leaderboard.figures import save_figure
    from teachbench.leaderboard.published import (
        compare_published,
        comparison_figure,
        comparison_markdown,
        load_published,
    )
    from teachbench.leaderboard.runs import runs_frame
    from teachbench.leaderboard.tables import safe_csv_text

    published, challenges = load_published(args.published)
    table = compare_published(runs_frame(_folders(args)), published, challenges, args.alpha)
    text = comparison_markdown(table, args.published)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / f"{args.published}.md", text.encode())
    atomic_write(args.out / f"{args.published}.csv", safe_csv_text(table).encode())
    save_figure(comparison_figure(table), args.out / args.published)
    print(text)
    print(f"wrote {args.out}/{args.published}.{{md,csv,png,pdf}}")
    return 0
