"""The ``teachbench`` command line: the only module that composes harness and leaderboard."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from teachbench.harness import registry
from teachbench.harness.arguments import (
    check_seed_count,
    confirm_size,
    positive_seconds,
    usable_teachers,
)
from teachbench.harness.cost import describe, job_matrix
from teachbench.harness.device import DEVICES, use_device
from teachbench.harness.executors.base import Interrupted, planned, run_campaign, stop_on_signals
from teachbench.harness.executors.local import default_workers
from teachbench.harness.executors.options import add_executor_arguments, make_executor, run_options
from teachbench.harness.plan import plan_runs
from teachbench.harness.records import RecordError
from teachbench.harness.reproduce import add_reproduce_parser, prepare
from teachbench.harness.runspec import resolve_suite
from teachbench.harness.seeding import parse_seeds
from teachbench.harness.signing import SigningKeyError
from teachbench.harness.storage import StorageError, check_writable
from teachbench.harness.submission import add_commands as add_submission_commands
from teachbench.harness.vocabulary import Level, Status, Tier

TIER_TIMEOUT_S = {"surrogate": 600.0, "smoke": 3600.0, "full": None}
QUICKSTART_TEACHERS = ("alp-gmm", "random")  # slowest first keeps every worker busy
QUICKSTART_CHALLENGES = ("mostly-unfeasible", "mostly-trivial", "forgetting", "distractors")


class UsageError(Exception):
    """A mistake in what the user asked for; printed as one line."""


def _seeds(text: str) -> tuple[int, ...]:
    try:
        check_seed_count(text)
        return parse_seeds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hyperparameter(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"hyper-parameter {text!r} must look like name=value")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def _task(text: str) -> list[float] | dict[str, Any]:
    """A task as ``1.5,3`` or as JSON (a list, or a dict of named parameters)."""
    try:
        value = (
            json.loads(text)
            if text.lstrip().startswith(("[", "{"))
            else [float(v) for v in text.split(",")]
        )
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"task {text!r} must be comma-separated numbers or JSON"
        ) from None
    return value


def _timeout(text: str) -> float:
    try:
        return positive_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="teachbench", description="Benchmark curriculum-learning teachers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    quick = commands.add_parser("quickstart", help="run the surrogate demo and build a leaderboard")
    quick.add_argument("--results", type=Path, default=Path("results/runs"))
    quick.add_argument("--out", type=Path, default=Path("results/leaderboard"))
    quick.add_argument("--seeds", type=_seeds, default=parse_seeds("0-3"))
    quick.add_argument("--workers", type=_positive_int, default=default_workers())

    campaign = commands.add_parser(
        "campaign",
        help="every teacher on every challenge and level of a tier, then the leaderboard",
        description="The baselines' campaign in one command: runs what is not yet recorded "
        "(re-running it resumes), then writes the leaderboard next to the records.",
    )
    campaign.add_argument("--teacher", action="append", help="repeatable; default: all registered")
    campaign.add_argument("--suite", default="teachmyagent")
    campaign.add_argument("--tier", default=Tier.SURROGATE, choices=[t.value for t in Tier])
    campaign.add_argument("--seeds", type=_seeds, default=parse_seeds("0-7"))
    campaign.add_argument("--results", type=Path, default=Path("results/baselines"))
    campaign.add_argument("--workers", type=_positive_int, default=default_workers())
    campaign.add_argument("--reps", type=_positive_int, default=2000, help="bootstrap resamples")
    campaign.add_argument("--yes", action="store_true", help="start a very large campaign unasked")
    add_executor_arguments(campaign)

    listing = commands.add_parser("list", help="list registered teachers, students, suites...")
    listing.add_argument("what", choices=["teachers", "students", "suites", "challenges"])
    listing.add_argument("--tier", default=Tier.SURROGATE, choices=[t.value for t in Tier])

    run = commands.add_parser("run", help="run a teacher on a suite")
    run.add_argument(
        "--teacher",
        action="append",
        required=True,
        help="registered name or package.module:Class; repeatable; 'all' = every registered one",
    )
    run.add_argument("--suite", default="teachmyagent")
    run.add_argument("--challenge", action="append", help="repeatable; default: all")
    run.add_argument("--level", action="append", choices=[v.value for v in Level])
    run.add_argument("--tier", default=Tier.SURROGATE, choices=[t.value for t in Tier])
    run.add_argument("--seeds", type=_seeds, help="e.g. 0-15 or 0,3,5-7; default: the suite's")
    run.add_argument("--results", type=Path, default=Path("results/runs"))
    add_executor_arguments(run)
    run.add_argument("--workers", type=_positive_int, default=default_workers())
    run.add_argument("--timeout", type=_timeout, help="seconds per run before it counts as hung")
    run.add_argument("--yes", action="store_true", help="start a very large command unasked")
    run.add_argument("--hp", type=_hyperparameter, action="append", default=[], metavar="K=V")
    run.add_argument("--no-trace", action="store_true", help="do not save the curriculum trace")
    run.add_argument("--checkpoint-every", type=float, default=60.0, metavar="SECONDS")
    run.add_argument("--device", choices=DEVICES, help="DRL students' device (default: cpu)")

    board = commands.add_parser("leaderboard", help="tables and a figure from run records")
    board.add_argument(
        "--results",
        type=Path,
        action="append",
        help="records folder; repeatable, e.g. --results results/baselines --results "
        "results/runs to rank your runs beside the committed baselines (default: results/runs)",
    )
    board.add_argument("--out", type=Path, default=Path("results/leaderboard"))
    board.add_argument("--format", choices=["md", "csv", "latex", "html"], action="append")
    board.add_argument("--reps", type=_positive_int, default=2000, help="bootstrap resamples")
    board.add_argument("--skip-invalid", action="store_true", help="warn on bad records")

    show = commands.add_parser("show", help="picture (PNG) or episode (GIF) of one task")
    show.add_argument("env", help="environment id, e.g. teachbench/StumpTracks-v0")
    show.add_argument("--task", type=_task, help="comma-separated values or JSON")
    show.add_argument("--info", action="store_true", help="print the env and body facts instead")
    show.add_argument("--out", type=Path, help="default: task.png (task.gif with --gif)")
    show.add_argument("--body", help="embodiment, e.g. spider, fish, climbing_profile_chimpanzee")
    show.add_argument("--seed", type=int, default=0)
    show.add_argument("--gif", action="store_true", help="an episode with random actions")
    show.add_argument("--steps", type=_positive_int, default=300, help="episode length (--gif)")

    add_reproduce_parser(commands, default_workers())

    check = commands.add_parser("check", help="conformance check of a teacher")
    check.add_argument("teacher", help="registered name or package.module:Class")
    check.add_argument("--hp", type=_hyperparameter, action="append", default=[], metavar="K=V")
    check.add_argument("--timeout", type=_timeout, default=300.0, help="seconds per probe")
    add_submission_commands(commands, _seeds)
    from teachbench.leaderboard.commands import add_commands as add_leaderboard_commands

    add_leaderboard_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {
        "quickstart": cmd_quickstart,
        "campaign": cmd_campaign,
        "list": cmd_list,
        "run": cmd_run,
        "leaderboard": cmd_leaderboard,
        "check": cmd_check,
        "show": cmd_show,
        "reproduce": cmd_reproduce,
    }
    try:
        with stop_on_signals():
            return args.handler(args) if "handler" in args else handlers[args.command](args)
    except (Interrupted, KeyboardInterrupt):
        print("interrupted; run the same command to resume", file=sys.stderr)
        return 130
    except (StorageError, SigningKeyError) as exc:
        print(f"teachbench: storage error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except (UsageError, registry.RegistryError, RecordError, ValueError, FileNotFoundError) as exc:
        print(f"teachbench: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"teachbench: error: {_one_line(exc)}", file=sys.stderr)
        return 2


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).strip("'\"").split())


def cmd_list(args: argparse.Namespace) -> int:
    groups = {
        "teachers": registry.TEACHERS,
        "students": registry.STUDENTS,
        "suites": registry.SUITES,
    }
    if args.what in groups:
        for name, target in sorted(registry.names(groups[args.what]).items()):
            print(f"{name:24s} {target}")
        return 0
    for suite_name in sorted(registry.names(registry.SUITES)):
        suite = resolve_suite(suite_name)
        for challenge in suite.challenges(args.tier):
            print(f"{suite_name}/{challenge.name:28s} {challenge.description}")
    return 0


def execute_plan(
    args: argparse.Namespace,
    teachers: dict[str, Any],
    levels: list[str] | None,
    challenges: list[str] | None,
    seeds: tuple[int, ...] | None,
) -> int:
    """Plan, skip what is done, run the rest on the chosen executor; return the number failed."""
    check_writable(args.results)
    todo, recorded = [], 0
    for teacher, info in teachers.items():
        plan = plan_runs(
            suite_name=getattr(args, "suite", "teachmyagent"),
            tier=getattr(args, "tier", "surrogate"),
            teacher=teacher,
            results=args.results,
            challenges=challenges,
            levels=levels,
            seeds=seeds,
            hyperparameters=dict(getattr(args, "hp", [])),
            trace=not getattr(args, "no_trace", False),
            teacher_info=info,
        )
        for path, why in plan.set_aside:
            print(f"teachbench: kept {path} aside ({_one_line(Exception(why))})", file=sys.stderr)
        unverified = f" ({len(plan.unverified)} unverified)" if plan.unverified else ""
        print(
            f"{teacher}: {len(plan.todo)} run(s) to do, {len(plan.done)} already recorded "
            f"in {args.results}{unverified}",
            file=sys.stderr,
        )
        todo.extend(planned(spec, budget) for spec, budget in plan.todo)
        recorded += len(plan.done)
    confirm_size(len(todo), getattr(args, "yes", False), input if sys.stdin.isatty() else None)
    timeout = getattr(args, "timeout", None)
    if timeout is None:
        timeout = TIER_TIMEOUT_S[getattr(args, "tier", "surrogate")]
    reports, summary = run_campaign(
        make_executor(args), todo, run_options(args, timeout), already_recorded=recorded
    )
    print(summary.line(), file=sys.stderr)
    failed = [r for r in reports if r.status == Status.FAILED]
    for report in failed:
        print(f"FAILED {report.spec.label()}: {_one_line(Exception(report.message))}")
    return len(failed)


def _warn(message: str) -> None:
    print(f"teachbench: {message}", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    if args.device:
        use_device(args.device)
    teachers = usable_teachers(args.teacher, dict(args.hp), _warn)
    if args.dry_run:
        matrix = job_matrix(args.suite, args.tier, list(teachers), args.results, args.challenge,
                            args.level, args.seeds, dict(args.hp))  # fmt: skip
        print(describe(matrix))
        return 0
    failed = execute_plan(args, teachers, args.level, args.challenge, args.seeds)
    if failed:
        print(f"teachbench: {failed} run(s) failed; their records say why", file=sys.stderr)
        return 1
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from teachbench.leaderboard.publish import Timer, publish

    folders = (
        args.results if isinstance(args.results, Path) else args.results or [Path("results/runs")]
    )
    timer = Timer()
    written, markdown = publish(
        folders,
        args.out,
        formats=args.format,
        reps=args.reps,
        skip_invalid=args.skip_invalid,
        timer=timer,
    )
    print(markdown)
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    print(f"teachbench: leaderboard in {timer.summary()}", file=sys.stderr)
    return 0


def cmd_quickstart(args: argparse.Namespace) -> int:
    teachers = usable_teachers(list(QUICKSTART_TEACHERS), {}, _warn)
    failed = execute_plan(args, teachers, ["none"], list(QUICKSTART_CHALLENGES), args.seeds)
    args.format, args.reps, args.skip_invalid = None, 2000, False
    cmd_leaderboard(args)
    return 1 if failed else 0


def cmd_campaign(args: argparse.Namespace) -> int:
    teachers = usable_teachers(args.teacher or ["all"], {}, _warn)
    args.no_trace = True  # traces are ~10x a record: keep a committed campaign small
    if args.dry_run:
        print(
            describe(
                job_matrix(args.suite, args.tier, list(teachers), args.results, seeds=args.seeds)
            )
        )
        return 0
    failed = execute_plan(args, teachers, None, None, args.seeds)
    args.out, args.format, args.skip_invalid = args.results / "leaderboard", None, False
    cmd_leaderboard(args)
    return 1 if failed else 0


def cmd_reproduce(args: argparse.Namespace) -> int:
    chosen = prepare(args)
    if chosen is None:
        return 0
    names, challenges = chosen
    teachers = usable_teachers(list(names), {}, _warn)
    return 1 if execute_plan(args, teachers, None, challenges, None) else 0


def cmd_show(args: argparse.Namespace) -> int:
    if args.info:  # the env's and body's facts, from tasks/envs/facts.py
        try:
            print(registry.resolve(registry.TOOLS, "env-info").obj(args.env, args.body))
        except Exception as exc:  # an unknown id or body: one line, not a traceback
            raise UsageError(f"cannot show {args.env}: {_one_line(exc)}") from None
        return 0
    if args.task is None:
        raise UsageError("show needs --task (a picture) or --info (the env's facts)")
    tool = "episode-gif" if args.gif else "task-png"
    draw = registry.resolve(registry.TOOLS, tool).obj
    out = args.out or Path("task.gif" if args.gif else "task.png")
    kwargs = {"body": args.body} if args.body else {}
    if args.gif:
        kwargs["max_steps"] = args.steps
    try:
        draw(args.env, args.task, out, seed=args.seed, **kwargs)
    except Exception as exc:  # gymnasium's unknown id, a bad body: one line, not a traceback
        raise UsageError(f"cannot show {args.env}: {_one_line(exc)}") from None
    print(f"wrote {out}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from teachbench.harness.checker import check_teacher

    results = check_teacher(args.teacher, dict(args.hp), timeout_s=args.timeout)
    for result in results:
        print(f"{'PASS' if result.ok else 'FAIL'}  {result.name:24s} {result.detail}")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
