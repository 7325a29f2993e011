"""The committed baselines' campaign (``results/baselines``): complete, current, reproducible.

The campaign is the reference every submission is compared with, so it must
answer to today's code: every registered baseline has a valid record for every
surrogate challenge, level and seed 0-7, under the protocol the suite defines
now; the committed table is what those records give; and, runs being
deterministic, re-running a sample of them gives the same records bit for bit.
When one of these fails after a change to a teacher, the surrogate or the
suite, the committed campaign is stale: re-run ``teachbench campaign`` and
commit its output.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from teachbench_testkit import comparable

from harness import registry
from harness.loop import execute
from harness.records import iter_record_files, read_record, record_path
from harness.runspec import RunSpec, resolve_suite

CAMPAIGN = Path(__file__).resolve().parents[2] / "results" / "baselines"
SUITE, TIER, SEEDS = "teachmyagent", "surrogate", range(8)
RERUNS_PER_TEACHER = 2


def _expected_runs() -> list[tuple[str, str, str, int, str]]:
    """(challenge, level, teacher, seed, protocol hash) of every run the campaign must hold."""
    suite = resolve_suite(SUITE)
    runs = []
    for challenge in suite.challenges(TIER):
        protocol = suite.protocol_hash(TIER, challenge)
        for level in challenge.levels:
            for teacher in sorted(registry.names(registry.TEACHERS)):
                runs += [(challenge.name, level.value, teacher, s, protocol) for s in SEEDS]
    return runs


@pytest.fixture(scope="module")
def committed() -> dict[Path, dict]:
    return {path: read_record(path) for path in iter_record_files(CAMPAIGN)}


def test_every_baseline_run_is_recorded_under_the_current_protocol(committed) -> None:
    expected = _expected_runs()
    problems = []
    for challenge, level, teacher, seed, protocol in expected:
        path = record_path(CAMPAIGN, SUITE, TIER, challenge, level, teacher, seed)
        doc = committed.get(path)
        if doc is None:
            problems.append(f"{path.relative_to(CAMPAIGN)}: missing")
        elif doc["protocol"]["hash"] != protocol:
            problems.append(f"{path.relative_to(CAMPAIGN)}: recorded under another protocol")
        elif doc["status"] == "failed" or doc["teacher"]["hyperparameters"]:
            problems.append(f"{path.relative_to(CAMPAIGN)}: failed or not at the defaults")
    assert not problems, f"{len(problems)} stale run(s), e.g. {problems[:5]}"
    assert len(committed) == len(expected), "records the campaign does not define"


def test_the_campaign_is_mostly_applicable_runs(committed) -> None:
    statuses = [doc["status"] for doc in committed.values()]
    assert statuses.count("ok") > 0.75 * len(statuses)


@pytest.mark.slow  # ~1 min: 2,000 bootstrap resamples for each of ~400 cells
def test_the_committed_table_is_what_the_records_give() -> None:
    from leaderboard.runs import runs_frame
    from leaderboard.tables import leaderboard_table, to_markdown

    table = to_markdown(leaderboard_table(runs_frame(CAMPAIGN), reps=2000))
    assert (CAMPAIGN / "leaderboard" / "leaderboard.md").read_text() == table


def _sample(committed: dict[Path, dict]) -> list[dict]:
    """A fixed few applicable runs per teacher, drawn with a fixed seed."""
    rng = np.random.default_rng(4)
    chosen = []
    for teacher in sorted(registry.names(registry.TEACHERS)):
        ok = [
            d for d in committed.values() if d["teacher"]["name"] == teacher and d["status"] == "ok"
        ]
        picks = rng.choice(len(ok), size=min(RERUNS_PER_TEACHER, len(ok)), replace=False)
        chosen += [ok[i] for i in sorted(picks)]
    return chosen


@pytest.mark.slow
def test_rerunning_committed_runs_gives_the_same_records(committed, tmp_path: Path) -> None:
    differing = []
    for doc in _sample(committed):
        spec = RunSpec(SUITE, TIER, doc["challenge"], doc["level"], doc["teacher"]["name"],
                       doc["seed"], tmp_path, trace=False)  # fmt: skip
        if comparable(execute(spec)) != comparable(doc):
            differing.append(spec.label())
    assert not differing, f"re-runs differ from the committed records: {differing}"
