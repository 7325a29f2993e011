"""The design's one-way dependency rule, read from the source: leaderboard -> harness <- tasks, baselines.

``harness`` finds tasks, baselines and leaderboards through the registry, never by name, so a
submission is loaded exactly as a baseline is. The command-line module alone composes the parts
and may import ``leaderboard``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: subpackage -> the sibling subpackages it may import (itself always).
ALLOWED = {
    "harness": set(),
    "tasks": {"harness"},
    "baselines": {"harness"},
    "leaderboard": {"harness"},
}
#: Modules allowed more than their subpackage: (module path, extra subpackages).
EXCEPTIONS = {"harness/cli.py": {"leaderboard"}}


def imported_subpackages(source: str) -> set[str]:
    """The teachbench subpackages a module imports (absolute or relative imports)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "teachbench" and len(parts) > 1 and parts[1] in ALLOWED:
                found.add(parts[1])
            elif parts[0] in ALLOWED:  # the pre-rename spelling would still be a dependency
                found.add(parts[0])
    return found


def violations(root: Path = ROOT) -> list[str]:
    problems = []
    for package, allowed in ALLOWED.items():
        for module in sorted((root / package).rglob("*.py")):
            relative = module.relative_to(root).as_posix()
            permitted = allowed | {package} | EXCEPTIONS.get(relative, set())
            for imported in sorted(imported_subpackages(module.read_text()) - permitted):
                problems.append(f"{relative} imports teachbench.{imported}")
    return problems


def test_dependencies_point_one_way() -> None:
    assert violations() == []


def test_the_rule_catches_a_harness_module_importing_tasks(tmp_path: Path) -> None:
    (tmp_path / "harness").mkdir()
    (tmp_path / "harness" / "loop.py").write_text("import teachbench.tasks\n")
    (tmp_path / "harness" / "records.py").write_text("from teachbench.baselines import x\n")
    (tmp_path / "harness" / "cli.py").write_text("from teachbench.leaderboard import y\n")
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "suite.py").write_text("from teachbench.leaderboard.tables import z\n")
    assert violations(tmp_path) == [
        "harness/loop.py imports teachbench.tasks",
        "harness/records.py imports teachbench.baselines",
        "tasks/suite.py imports teachbench.leaderboard",
    ]
