"""teachbench installs as one package, `teachbench`, and nothing generic lands beside it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBPACKAGES = ("harness", "tasks", "baselines", "leaderboard")


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter of this environment, away from the checkout."""
    return subprocess.run(
        [sys.executable, "-I", "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("name", SUBPACKAGES)
def test_no_generic_top_level_module_is_installed(name: str, tmp_path: Path) -> None:
    done = _python(f"import {name}", tmp_path)
    assert done.returncode != 0
    assert f"ModuleNotFoundError: No module named '{name}'" in done.stderr


def test_the_submission_surface_comes_from_the_top(tmp_path: Path) -> None:
    code = (
        "from teachbench import Teacher, TaskSpace, Outcome, ExpertKnowledge, Student\n"
        "import teachbench.harness, teachbench.tasks, teachbench.baselines, "
        "teachbench.leaderboard\n"
        "print(Teacher.__module__)"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "teachbench.harness.teacher"


def test_every_subpackage_is_declared_for_installation() -> None:
    """A folder with an __init__.py that pyproject does not list would be missing from wheels."""
    declared = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {"teachbench"} | {
        "teachbench." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in SUBPACKAGES
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert declared == found
