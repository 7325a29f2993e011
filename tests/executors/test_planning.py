"""Planning: the job matrix, what is recorded, and the cost from measured rates; reproduce."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from teachbench.harness.cli import main
from teachbench.harness.cost import ANY, ENV_ONLY, Rate, Rates, describe, job_matrix, load_rates
from teachbench.harness.loop import execute
from teachbench.harness.plan import Plan, _set_aside, judge_record, teacher_identity
from teachbench.harness.runspec import RunSpec
from teachbench.harness.supervisor import inspect_teacher
from teachbench_testkit import SMALL_BUDGET

SUITE = "teachbench_testkit:SMALL_SUITE"
RATES = Rates(
    "test machine",
    "2026-01-01",
    (
        Rate("surrogate", "surrogate", ANY, 1e6, "made up"),
        Rate(ANY, ENV_ONLY, "spider", 2000.0, "made up"),
    ),
)


def test_the_shipped_rates_were_measured_and_say_where() -> None:
    rates = load_rates()
    assert rates.machine and rates.measured_on
    surrogate, bound = rates.find("surrogate", "surrogate", "spider")
    assert surrogate.steps_per_s > 0 and not bound
    fish, bound = rates.find("full", "sac", "fish")  # a measured training rate
    assert fish.student == "sac" and not bound and "updates included" in fish.source
    spider, bound = rates.find("full", "sac", "spider")  # not measured: the env-only bound
    assert spider.student == ENV_ONLY and bound and "no learning" in spider.source


def test_matrix_counts_runs_and_recorded_ones_and_costs_what_is_left(results: Path) -> None:
    execute(RunSpec(SUITE, "surrogate", "upper-baseline", "none", "random", 0, results))
    matrix = job_matrix(SUITE, "surrogate", ["random", "alp-gmm"], results,
                        ["upper-baseline"], ["none", "low"], (0, 1, 2), rates=RATES)  # fmt: skip
    (row,) = matrix.rows
    assert (row.runs, row.recorded) == (2 * 2 * 3, 1)
    assert row.steps_to_do == 11 * SMALL_BUDGET
    assert row.hours == pytest.approx(11 * SMALL_BUDGET / 1e6 / 3600)
    text = describe(matrix, RATES)
    assert "total: 12 runs, 1 already recorded, 11 to run, 22M env steps" in text
    assert "measured on test machine (2026-01-01)" in text and "lower bound" not in text


def test_a_record_of_other_teacher_code_is_not_counted_and_left_in_place(results: Path) -> None:
    """The dry run judges records as the real run does (which would redo this one)."""
    spec = RunSpec(SUITE, "surrogate", "upper-baseline", "none", "random", 0, results)
    execute(spec)
    before = spec.record_file.read_bytes()
    protocol = json.loads(before)["protocol"]["hash"]
    now = teacher_identity(inspect_teacher("random", {}))
    assert judge_record(spec, protocol, now).done
    older = {**now, "code_version": "0123456789ab"}
    verdict = judge_record(spec, protocol, older)
    assert not verdict.done and verdict.set_aside[0].startswith("superseded-")
    assert "teacher code version" in verdict.set_aside[1]
    assert spec.record_file.read_bytes() == before  # judging moves nothing


def test_an_unmeasured_learner_falls_back_to_the_env_rate_as_a_lower_bound() -> None:
    rates = Rates("m", "d", (Rate(ANY, ENV_ONLY, "spider", 2000.0, "env"),))
    rate, bound = rates.find("full", "sac", "spider")
    assert rate.steps_per_s == 2000.0 and bound
    assert rates.find("full", "sac", "fish") == (None, False)


def test_a_broken_throughput_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "rates.json"
    path.write_text(json.dumps({"machine": "m", "entries": []}))
    with pytest.raises(ValueError, match=r"rates\.json: not a throughput file"):
        load_rates(path)


def test_run_dry_run_prints_the_matrix_and_touches_nothing(results: Path, capsys) -> None:
    record = RunSpec(SUITE, "surrogate", "upper-baseline", "none", "random", 0, results).record_file
    record.parent.mkdir(parents=True)
    record.write_text("{not json")  # executing would set it aside; planning leaves it
    code = main(["run", "--suite", SUITE, "--teacher", "random", "--challenge", "upper-baseline",
                 "--seeds", "0-1", "--results", str(results), "--dry-run"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "total: 6 runs, 0 already recorded, 6 to run, 12M env steps" in out
    assert [p.name for p in record.parent.iterdir()] == ["seed-0.json"]


def test_reproduce_teachmyagent_prints_the_published_campaign_and_its_cost(
    tmp_path: Path, capsys
) -> None:
    results = tmp_path / "runs"
    code = main(["reproduce", "teachmyagent", "--results", str(results), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "random, adr, alp-gmm, covar-gmm, goalgan, riac, spdl, setter-solver" in out
    assert "distractors" not in out  # not part of TeachMyAgent
    # 9 Stump Tracks challenges x 3 levels x 16 seeds + 3 Parkour bodies x 16 seeds, x 8 teachers
    assert "total: 3840 runs, 0 already recorded, 3840 to run, 76.8G env steps" in out
    assert "parkour-fish" in out and "32-47" in out
    assert "estimated at least" in out and "CPU-h" in out
    assert "nothing started" in out and not results.exists()


def test_setting_a_record_aside_never_overwrites_one_set_aside_before(tmp_path: Path) -> None:
    record, plan = tmp_path / "seed-0.json", Plan()
    for content in ("first", "second"):
        record.write_text(content)
        _set_aside(record, "superseded-0123abcd", "another protocol", plan)
    assert not record.exists()
    kept = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert kept == {"seed-0.json.superseded-0123abcd": "first",
                    "seed-0.json.superseded-0123abcd.1": "second"}  # fmt: skip
    assert [why for _, why in plan.set_aside] == ["another protocol"] * 2
