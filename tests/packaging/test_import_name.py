"""teachbench installs as one package, `teachbench`, and nothing generic lands beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
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


def test_the_wheel_holds_every_file_the_package_reads(tmp_path: Path) -> None:
    """Data read at run time (test sets, published tables, body notes) ships in the wheel.

    An editable install reads them from the checkout, so only a built wheel (what tox and
    users install) shows a file left out of ``package-data``. The wheel is built from a copy
    of the tracked files: a ``build/`` folder left in the checkout would hide what is missing.
    """
    package_files = _tracked(*SUBPACKAGES, "results/published")
    if not package_files:
        pytest.skip("not a git checkout: no list of the files that should ship")
    source = tmp_path / "source"
    for name in [*package_files, *_tracked("__init__.py", "pyproject.toml", "README.md")]:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("teachbench-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name.removeprefix("teachbench/") for name in archive.namelist()}
    missing = sorted(set(package_files) - shipped)
    assert not missing, f"tracked package files not in the wheel: {missing}"


def _tracked(*paths: str) -> list[str]:
    listed = subprocess.run(["git", "ls-files", *paths], cwd=ROOT, capture_output=True, text=True)
    return listed.stdout.split() if listed.returncode == 0 else []
