"""``teachbench reproduce``: a published campaign in one command, its cost printed first.

``reproduce teachmyagent`` is TeachMyAgent's benchmark (Romac et al., ICML 2021)
on the full tier: its eight teachers on the Stump Tracks challenges (every
expert-knowledge level, 16 seeds) and on Parkour (16 seeds per body, each body
on its own seed range). Without ``--go`` the command only prints the job
matrix and its estimated cost; with ``--go`` it starts (or resumes) the runs
on the chosen executor.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from teachbench.harness.cost import describe, job_matrix
from teachbench.harness.executors.options import add_executor_arguments, positive_int
from teachbench.harness.runspec import resolve_suite
from teachbench.harness.vocabulary import Tier


@dataclass(frozen=True)
class Published:
    suite: str
    tier: str
    teachers: tuple[str, ...]
    #: Challenges of the tier that the publication did not run.
    left_out: tuple[str, ...]
    source: str

    def challenges(self) -> list[str]:
        return [
            c.name
            for c in resolve_suite(self.suite).challenges(self.tier)
            if c.name not in self.left_out
        ]


PUBLISHED = {
    "teachmyagent": Published(
        suite="teachmyagent",
        tier=Tier.FULL,
        teachers=(
            "random",
            "adr",
            "alp-gmm",
            "covar-gmm",
            "goalgan",
            "riac",
            "spdl",
            "setter-solver",
        ),
        left_out=("distractors",),  # from the ALP-GMM paper, not part of TeachMyAgent
        source="Romac et al., TeachMyAgent, ICML 2021 (arXiv 2103.09815)",
    ),
}


def add_reproduce_parser(commands: argparse._SubParsersAction, workers: int) -> None:
    parser = commands.add_parser(
        "reproduce",
        help="a published campaign: prints its job matrix and cost; --go starts it",
        description="Prepare a published campaign: print its job matrix, what is already "
        "recorded and its estimated cost; with --go, run (or resume) it on the chosen executor.",
    )
    parser.add_argument("name", choices=sorted(PUBLISHED))
    parser.add_argument("--go", action="store_true", help="start the campaign (default: only plan)")
    parser.add_argument(
        "--teacher", action="append", help="repeatable; default: the published ones"
    )
    parser.add_argument("--results", type=Path, default=Path("results/runs"))
    parser.add_argument("--workers", type=positive_int, default=workers)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--timeout", type=float, help="seconds per run before it counts as hung")
    parser.add_argument("--checkpoint-every", type=float, default=600.0, metavar="SECONDS")
    add_executor_arguments(parser)


def prepare(args: argparse.Namespace) -> tuple[list[str], list[str]] | None:
    """Print the campaign's matrix and cost; return (teachers, challenges) to run, or None."""
    published = PUBLISHED[args.name]
    teachers = args.teacher or list(published.teachers)
    challenges = published.challenges()
    args.suite, args.tier = published.suite, published.tier
    matrix = job_matrix(published.suite, published.tier, teachers, args.results, challenges)
    print(f"reproduce {args.name}: {published.source}")
    print(describe(matrix))
    if args.dry_run or not args.go:
        print("nothing started: add --go to run it (re-running resumes; recorded runs are skipped)")
        return None
    return teachers, challenges
