"""Curriculum pictures from a real run's trace, in the leaderboard and by `teachbench plot`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from teachbench.harness.cli import main
from teachbench.harness.ground_truth import learnable_slice
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


def _region(challenge: str, tier: str = "surrogate", level: str = "none"):
    record = {"protocol": {"suite": "teachmyagent", "tier": tier}, "challenge": challenge,
              "level": level, "seed": 0}  # fmt: skip
    return learnable_slice(record, (0, 1), resolution=20)


def test_the_surrogates_learnable_region_is_shaded_under_every_panel(traced):
    fig = curriculum_figure([next(traced.rglob("seed-0.json"))])
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert all(len(ax.images) == 1 for ax in panels)
    assert any("learnable at all" in t.get_text() for t in fig.legends[0].get_texts())
    region = _region("mostly-trivial")  # stump heights -3..3: negative ones are flat ground
    assert region.learnable[:, 0].all() and not region.learnable[:, -1].any()


def test_the_region_is_drawn_in_the_teachers_space(traced):
    """Rugged shuffles the teacher's space: the same learnable share, scattered."""
    plain, rugged = _region("upper-baseline"), _region("rugged")
    assert plain.learnable.mean() == pytest.approx(rugged.learnable.mean(), abs=0.05)
    assert (plain.learnable != rugged.learnable).mean() > 0.2


def test_real_learners_have_no_region_to_draw():
    assert _region("parkour-fish", tier="smoke", level="low") is None
