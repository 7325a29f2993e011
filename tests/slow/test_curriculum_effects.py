"""Curricula matter on the surrogate tier: the published protocol at 16 seeds.

These are the behaviours the surrogate was calibrated for (TeachMyAgent, Fig. 3;
Portelas et al. 2019): a learning-progress teacher avoids the unlearnable part of
the space and ignores distractor dimensions better than uniform sampling.
"""

from __future__ import annotations

import pandas as pd
import pytest
from teachbench.harness.cli import main
from teachbench.leaderboard.runs import runs_frame
from teachbench.leaderboard.tables import leaderboard_table

pytestmark = pytest.mark.slow
CHALLENGES = ("mostly-unfeasible", "distractors", "upper-baseline")


@pytest.fixture(scope="module")
def table(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame]:
    results = tmp_path_factory.mktemp("runs")
    for teacher in ("alp-gmm", "random"):
        argv = ["run", "--teacher", teacher, "--level", "none", "--seeds", "0-15",
                "--results", str(results), "--no-trace"]  # fmt: skip
        for challenge in CHALLENGES:
            argv += ["--challenge", challenge]
        assert main(argv) == 0
    frame = runs_frame(results)
    cells = leaderboard_table(frame, reps=2000)
    return frame, cells[~cells["is_aggregate"]].set_index(["challenge", "teacher"])


@pytest.mark.parametrize("challenge", ["mostly-unfeasible", "distractors"])
def test_alp_gmm_beats_random_with_non_overlapping_intervals(table, challenge: str) -> None:
    _, cells = table
    alp, uniform = cells.loc[(challenge, "alp-gmm")], cells.loc[(challenge, "random")]
    assert alp["n_runs"] == uniform["n_runs"] == 16
    assert alp["iqm_low"] > uniform["iqm_high"], (
        f"{challenge}: ALP-GMM {alp['iqm']:.1f} [{alp['iqm_low']:.1f}, {alp['iqm_high']:.1f}] vs "
        f"Random {uniform['iqm']:.1f} [{uniform['iqm_low']:.1f}, {uniform['iqm_high']:.1f}]"
    )


def test_random_masters_clearly_less_than_the_learnable_half(table) -> None:
    _, cells = table
    assert cells.loc[("upper-baseline", "random"), "iqm_high"] < 35.0


def test_alp_gmm_wastes_less_budget_on_unlearnable_tasks(table) -> None:
    frame, _ = table
    unfeasible = frame[frame["challenge"] == "mostly-unfeasible"]
    share = unfeasible.groupby("teacher")["diag_unlearnable_budget_share"].max()
    assert (
        share["alp-gmm"]
        < 0.2
        < 0.7
        < unfeasible[unfeasible["teacher"] == "random"]["diag_unlearnable_budget_share"].min()
    )
