"""Published behaviours of the baselines on the surrogate tier, at 16 seeds (issue 4).

On a mostly-unfeasible space, learning-progress teachers (ALP-GMM, Covar-GMM, RIAC)
spend less budget on unlearnable tasks than Random and master more test tasks
(TeachMyAgent, Fig. 3); ADR started from the easy tasks ("high" knowledge) beats
ADR started from a random task ("low").
"""

from __future__ import annotations

import pytest
from teachbench.harness.cli import main
from teachbench.leaderboard.runs import runs_frame
from teachbench.leaderboard.tables import leaderboard_table

pytestmark = pytest.mark.slow
PROGRESS_TEACHERS = ("alp-gmm", "covar-gmm", "riac")


@pytest.fixture(scope="module")
def frame(tmp_path_factory):
    results = tmp_path_factory.mktemp("runs")
    common = ["--seeds", "0-15", "--results", str(results), "--no-trace"]
    for teacher in ("random", *PROGRESS_TEACHERS):
        argv = ["run", "--teacher", teacher, "--challenge", "mostly-unfeasible", "--level", "none"]
        assert main(argv + common) == 0
    adr = ["run", "--teacher", "adr", "--challenge", "upper-baseline", "--level", "low",
           "--level", "high"]  # fmt: skip
    assert main(adr + common) == 0
    return runs_frame(results)


@pytest.mark.parametrize("teacher", PROGRESS_TEACHERS)
def test_progress_teachers_avoid_unlearnable_tasks_and_master_more(frame, teacher: str) -> None:
    unfeasible = frame[frame["challenge"] == "mostly-unfeasible"].set_index(["teacher", "seed"])
    waste = unfeasible["diag_unlearnable_budget_share"]
    assert (waste.loc[teacher] < waste.loc["random"]).all(), "paired by seed: less waste, always"
    cells = leaderboard_table(frame, reps=2000)
    cells = cells[~cells["is_aggregate"]].set_index(["challenge", "level", "teacher"])
    ours = cells.loc[("mostly-unfeasible", "none", teacher)]
    uniform = cells.loc[("mostly-unfeasible", "none", "random")]
    assert ours["iqm_low"] > uniform["iqm_high"]


def test_adr_with_easy_start_beats_adr_from_a_random_start(frame) -> None:
    cells = leaderboard_table(frame[frame["teacher"] == "adr"], reps=2000)
    cells = cells[~cells["is_aggregate"]].set_index("level")
    assert cells.loc["high", "iqm_low"] > cells.loc["low", "iqm_high"]
