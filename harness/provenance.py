"""Where a record came from: code, interpreter, libraries, machine."""

from __future__ import annotations

import functools
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

KEY_DEPENDENCIES = ("numpy", "scipy", "scikit-learn", "torch", "gymnasium", "box2d", "rliable")


@functools.cache
def _static() -> dict[str, Any]:
    versions = {}
    for name in KEY_DEPENDENCIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    try:
        package_version = metadata.version("teachbench")
    except metadata.PackageNotFoundError:
        package_version = "unknown"
    return {
        "teachbench": package_version,
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "dependencies": versions,
    }


def _git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def provenance(started: str) -> dict[str, Any]:
    return {**_static(), "started": started}
