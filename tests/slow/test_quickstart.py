"""The README's main job, as a user runs it: the console script in a fresh folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_quickstart_prints_the_leaderboard_and_writes_figures(tmp_path: Path) -> None:
    teachbench = Path(sys.executable).parent / "teachbench"
    done = subprocess.run([str(teachbench), "quickstart"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    for challenge in ("mostly-unfeasible", "mostly-trivial", "forgetting", "distractors"):
        assert challenge in done.stdout
    assert "| alp-gmm |" in done.stdout and "| random |" in done.stdout
    assert "env steps" in done.stderr, "a progress bar with env steps and ETA"
    board = tmp_path / "results" / "leaderboard"
    for name in ("leaderboard.md", "leaderboard.csv", "teachmyagent-surrogate-iqm.png",
                 "teachmyagent-surrogate-iqm.pdf", "teachmyagent-surrogate-curves.png"):  # fmt: skip
        assert (board / name).stat().st_size > 1000
    records = list((tmp_path / "results" / "runs").rglob("seed-*.json"))
    assert len(records) == 2 * 4 * 4

    again = subprocess.run([str(teachbench), "quickstart"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300)  # fmt: skip
    assert again.returncode == 0 and "0 run(s) to do, 16 already recorded" in again.stderr
