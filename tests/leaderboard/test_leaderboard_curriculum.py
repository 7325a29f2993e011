"""Curriculum pictures from a real run's trace, in the leaderboard and by `teachbench plot`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from teachbench.harness.cli import main
from teachbench.harness.loop import execute
from teachbench.harness.runspec import RunSpec
from teachbench.harness.storage import load_state
from teachbench.leaderboard.curriculum import SNAPSHOTS, curriculum_figure


@pytest.fixture(scope="module")
def traced(tmp_path_factory) -> Path:
    results = tmp_path_factory.mktemp("traced")
    spec = RunSpec("teachmyagent", "surrogate", "mostly-trivial", "none", "alp-gmm", 0, results,
                   trace=True)  # fmt: skip
    assert execute(spec)["status"] == "ok"
    return results


def test_one_panel_per_budget_window_with_every_sampled_task(traced):
    record = next(traced.rglob("seed-0.json"))
    fig = curriculum_figure([record])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert len(panels) == len(SNAPSHOTS) and all(ax.has_data() for ax in panels)
    counts = [sum(len(c.get_offsets()) for c in ax.collections) for ax in panels]
    episodes = len(load_state(next(traced.rglob("*.trace.npz")))["tasks"])
    assert episodes - 2 <= sum(counts) <= episodes  # all but an episode running past the budget
    colours = {tuple(np.round(c.get_facecolor()[0][:3], 3)) for ax in panels
               for c in ax.collections if len(c.get_offsets())}  # fmt: skip
    assert len(colours) == 2, "mastered and failed episodes both drawn, in two colours"
    assert panels[-1].get_title().endswith("10M-20M steps")


def test_leaderboard_and_plot_make_the_curriculum_picture(traced, tmp_path):
    assert main(["leaderboard", "--results", str(traced), "--out", str(tmp_path / "site"),
                 "--reps", "50", "--format", "md"]) == 0  # fmt: skip
    assert (tmp_path / "site" / "teachmyagent-surrogate-curriculum.png").stat().st_size > 10_000
    assert main(["plot", "curriculum", "--results", str(traced), "--out",
                 str(tmp_path / "cur")]) == 0  # fmt: skip
    assert (tmp_path / "cur.pdf").read_bytes().startswith(b"%PDF")
