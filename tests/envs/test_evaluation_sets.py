"""The shipped test sets load with the documented columns and a stable hash."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.tasks.envs import evaluation_sets

PARKOUR_COLUMNS = [
    "input_vector_0",
    "input_vector_1",
    "input_vector_2",
    "water_level",
    "creepers_width",
    "creepers_height",
    "creepers_spacing",
    "terrain_cppn_scale",
]


def test_stump_test_set_is_the_10x10_grid():
    names, tasks = evaluation_sets.load_test_set("parametric_stumps_test_set")
    assert names == ["stump_height", "obstacle_spacing"]
    assert tasks.shape == (100, 2) and tasks.dtype == np.float64
    grid = {
        (round(h, 9), round(s, 9)) for h in np.linspace(0, 3, 10) for s in np.linspace(0, 6, 10)
    }
    assert {(round(h, 9), round(s, 9)) for h, s in tasks} == grid


@pytest.mark.parametrize(
    "name", ["walking_test_set_v1", "climbing_test_set_v1", "swimming_test_set_v1"]
)
def test_parkour_test_sets(name):
    names, tasks = evaluation_sets.load_test_set(name)
    assert names == PARKOUR_COLUMNS
    assert tasks.shape == (100, 8)
    assert set(np.unique(tasks[:, 7])) <= {10.0, 20.0}


def test_hash_is_stable_and_unknown_names_raise():
    digest = evaluation_sets.csv_sha256("parametric_stumps_test_set")
    assert digest == evaluation_sets.csv_sha256("parametric_stumps_test_set")
    assert len(digest) == 64
    with pytest.raises(ValueError, match="unknown test set"):
        evaluation_sets.load_test_set("nope")
