"""Choosing an executor on the command line; a missing extra is one line that says what to do."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from teachbench.harness.cli import build_parser, main
from teachbench.harness.executors.local import LocalExecutor
from teachbench.harness.executors.options import make_executor, run_options

SUITE = "teachbench_testkit:SMALL_SUITE"
RUN = ["run", "--suite", SUITE, "--teacher", "random", "--challenge", "upper-baseline",
       "--level", "none", "--seeds", "0"]  # fmt: skip


@pytest.mark.parametrize(("executor", "module"), [("ray", "ray"), ("slurm", "submitit")])
def test_a_missing_extra_is_one_line_naming_the_install(
    executor: str, module: str, results: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what Python does for a package not installed
    code = main([*RUN, "--results", str(results), "--executor", executor])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == (
        f"teachbench: error: the {executor} executor needs the '{executor}' extra: "
        f"pip install 'teachbench[{executor}]' -c constraints.txt"
    )
    assert not list(results.rglob("seed-*.json"))


def test_options_reach_the_executor_and_each_run(tmp_path: Path) -> None:
    slurm = ["--executor", "slurm", "--partition", "gpu", "--time-limit", "90",
             "--array-size", "500", "--max-concurrent", "20", "--slurm-cluster", "local"]  # fmt: skip
    args = build_parser().parse_args([*RUN, "--results", str(tmp_path), *slurm, "--retries", "3"])
    args.device = "cuda"  # as the DRL students' --device sets it
    executor = make_executor(args)
    assert (executor.name, executor.partition, executor.time_limit_min) == ("slurm", "gpu", 90)
    assert (executor.array_size, executor.max_concurrent, executor.gpus_per_run) == (500, 20, 1)
    assert executor.folder == tmp_path / ".submitit"
    options = run_options(args, timeout_s=5.0)
    assert (options.retries, options.device, options.timeout_s) == (3, "cuda", 5.0)
    local = make_executor(build_parser().parse_args([*RUN, "--workers", "3"]))
    assert isinstance(local, LocalExecutor) and local.workers == 3


def test_a_bad_retry_count_is_refused(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*RUN, "--retries", "-1"])
    assert "expected a whole number >= 0, got '-1'" in capsys.readouterr().err
