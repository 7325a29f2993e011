"""A stranger's teacher: its own package, installed with pip, registered by entry point."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = "teachbench_e2e_teacher"
TEACHER_SOURCE = '''
"""A submission: sample the lower-left quarter of the space first, then anywhere."""
import numpy as np
from teachbench import Outcome, Teacher


class QuarterTeacher(Teacher):
    def __init__(self, space, knowledge, rng, warmup=2000):
        super().__init__(space, knowledge, rng)
        self.warmup = warmup
        self.seen = 0

    def sample_task(self):
        if self.seen < self.warmup:
            return self.space.low + self.rng.random(self.space.dim) * self.space.width / 4
        return self.space.sample(self.rng)

    def update(self, task, outcome: Outcome):
        self.seen += 1

    def state_dict(self):
        return {"seen": self.seen}

    def load_state_dict(self, state):
        self.seen = int(state["seen"])
'''


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], check=True, timeout=300)


@pytest.fixture
def installed_submission(tmp_path: Path):
    source = tmp_path / "submission"
    (source / PACKAGE).mkdir(parents=True)
    (source / PACKAGE / "__init__.py").write_text(textwrap.dedent(TEACHER_SOURCE))
    (source / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{PACKAGE}"
        version = "0.0.1"
        [project.entry-points."teachbench.teachers"]
        quarter = "{PACKAGE}:QuarterTeacher"
        """)
    )
    _pip("install", "--no-deps", "--no-build-isolation", "--no-index", str(source))
    yield
    _pip("uninstall", "--yes", PACKAGE)


def test_registered_submission_runs_and_appears_in_the_leaderboard(
    installed_submission, tmp_path: Path
) -> None:
    teachbench = str(Path(sys.executable).parent / "teachbench")
    results, board = tmp_path / "runs", tmp_path / "board"
    listed = subprocess.run([teachbench, "list", "teachers"], capture_output=True, text=True)
    assert f"quarter                  {PACKAGE}:QuarterTeacher" in listed.stdout

    for teacher in ("quarter", "random"):
        done = subprocess.run(
            [teachbench, "run", "--teacher", teacher, "--challenge", "upper-baseline",
             "--level", "none", "--seeds", "0-1", "--results", str(results)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    record = results / "teachmyagent/surrogate/upper-baseline/none/quarter/seed-0.json"
    assert json.loads(record.read_text())["teacher"]["entry_point"] == f"{PACKAGE}:QuarterTeacher"

    shown = subprocess.run(
        [teachbench, "leaderboard", "--results", str(results), "--out", str(board),
         "--reps", "100", "--format", "md"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "| quarter |" in shown.stdout and "| random |" in shown.stdout
    assert "| quarter |" in (board / "leaderboard.md").read_text()
