"""Command-line options shared by every command that runs a campaign, and the executor they pick."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from teachbench.harness.executors.base import EXECUTORS, Executor, RunOptions


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (argparse type)."""
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    """``--executor`` and what it needs; ``--workers`` stays with each command."""
    parser.add_argument("--executor", default="local", choices=EXECUTORS)
    parser.add_argument(
        "--retries",
        type=_count,
        default=1,
        help="times a crashed, hung or pre-empted run is tried again (default 1)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the job matrix and its cost; run nothing"
    )
    ray = parser.add_argument_group("ray executor")
    ray.add_argument("--address", help="an existing Ray cluster (default: start one here)")
    ray.add_argument("--cpus-per-run", type=_positive, default=1.0)
    ray.add_argument("--gpus-per-run", type=_positive, help="default: 1 with --device cuda, else 0")
    slurm = parser.add_argument_group("slurm executor (submitit)")
    slurm.add_argument("--partition")
    slurm.add_argument("--time-limit", type=positive_int, default=24 * 60, metavar="MINUTES",
                       help="per job; a run that needs longer is requeued from its checkpoint")  # fmt: skip
    slurm.add_argument(
        "--array-size", type=positive_int, default=1000, help="runs per job array (MaxArraySize)"
    )
    slurm.add_argument(
        "--max-concurrent", type=positive_int, help="jobs of one array running at once"
    )
    slurm.add_argument(
        "--slurm-folder", type=Path, help="job scripts and logs (default: RESULTS/.submitit)"
    )
    slurm.add_argument("--slurm-cluster", default="slurm", choices=["slurm", "local"],
                       help="'local' runs the same jobs as subprocesses here, to try a setup")  # fmt: skip


def run_options(args: argparse.Namespace, timeout_s: float | None) -> RunOptions:
    return RunOptions(
        timeout_s=timeout_s,
        checkpoint_every_s=getattr(args, "checkpoint_every", 60.0),
        retries=getattr(args, "retries", 1),
        device=getattr(args, "device", "cpu") or "cpu",
    )


def make_executor(args: argparse.Namespace) -> Executor:
    """The executor ``--executor`` names, configured from the other options."""
    kind = getattr(args, "executor", "local")
    device = getattr(args, "device", "cpu") or "cpu"
    gpus = getattr(args, "gpus_per_run", None)
    gpus = float(device == "cuda") if gpus is None else gpus
    if kind == "ray":
        from teachbench.harness.executors.ray_executor import RayExecutor

        return RayExecutor(args.address, args.workers, args.cpus_per_run, gpus)
    if kind == "slurm":
        from teachbench.harness.executors.slurm_executor import SlurmExecutor

        return SlurmExecutor(
            folder=args.slurm_folder or args.results / ".submitit",
            partition=args.partition,
            time_limit_min=args.time_limit,
            cpus_per_run=math.ceil(args.cpus_per_run),
            gpus_per_run=math.ceil(gpus),
            array_size=args.array_size,
            max_concurrent=args.max_concurrent,
            cluster=args.slurm_cluster,
        )
    from teachbench.harness.executors.local import LocalExecutor

    return LocalExecutor(args.workers)
