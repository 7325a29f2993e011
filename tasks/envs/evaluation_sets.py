"""The fixed evaluation task sets ("test sets", TeachMyAgent's word) shipped with teachbench.

The module is not called ``test_sets`` so that no test collector mistakes it for tests.

They are TeachMyAgent's test sets, exported to CSV (see ``tasks/data/test_sets/
SOURCE.md``). Their hash goes into a challenge's protocol hash, so a changed file
cannot be compared with old results by accident.
"""

from __future__ import annotations

import csv
import hashlib
from importlib import resources
from pathlib import Path

import numpy as np

TEST_SETS = (
    "parametric_stumps_test_set",
    "walking_test_set_v1",
    "climbing_test_set_v1",
    "swimming_test_set_v1",
)


def csv_path(name: str) -> Path:
    """Path of the CSV of test set `name` (one of :data:`TEST_SETS`)."""
    if name not in TEST_SETS:
        raise ValueError(f"unknown test set {name!r}; known: {list(TEST_SETS)}")
    return Path(str(resources.files("teachbench.tasks") / "data" / "test_sets" / f"{name}.csv"))


def load_test_set(name: str) -> tuple[list[str], np.ndarray]:
    """Column names and the (n_tasks, n_params) float64 array; row k is test episode k."""
    with csv_path(name).open(newline="") as fh:
        rows = list(csv.reader(fh))
    names, body = rows[0], rows[1:]
    tasks = np.array([[float(v) for v in row] for row in body], dtype=np.float64)
    return names, tasks


def csv_sha256(name: str) -> str:
    """SHA-256 of the test set's CSV bytes."""
    return hashlib.sha256(csv_path(name).read_bytes()).hexdigest()
