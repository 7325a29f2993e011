"""Hexagon Tracks geometry: 12 shape values move the six vertices of each obstacle."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.tasks.envs.constants import TERRAIN_HEIGHT, TERRAIN_STEP
from teachbench.tasks.envs.hexagon_tracks import BASE_HEXAGON

ENV = "teachbench/HexagonTracks-v0"


def test_vertices_follow_shape_offsets(make_env):
    env = make_env(ENV)
    shape = np.linspace(0.0, 4.0, 12)
    env.reset(seed=5, options={"task": shape})
    obstacles = env.unwrapped.obstacles
    assert len(obstacles) > 3
    offsets = []
    for poly in obstacles:
        x = poly[0][0] / TERRAIN_STEP - BASE_HEXAGON[0][0] - shape[0]  # left start, in steps
        assert poly[0][1] == pytest.approx(TERRAIN_HEIGHT)  # first and last stay on the ground
        assert poly[-1][1] == pytest.approx(TERRAIN_HEIGHT)
        for k, (bx, by) in enumerate(BASE_HEXAGON):
            dx = poly[k][0] / TERRAIN_STEP - x - bx
            offsets.append((k, "x", dx - shape[2 * k]))
            if 0 < k < 5:
                dy = (poly[k][1] - TERRAIN_HEIGHT) / TERRAIN_STEP - by
                offsets.append((k, "y", dy - shape[2 * k + 1]))
    noise = np.array([o for k, axis, o in offsets if not (k == 0 and axis == "x")])
    assert abs(noise.mean()) < 0.05 and 0.05 < noise.std() < 0.15  # N(0, 0.1)


def test_obstacles_are_one_unit_plus_spacing_apart(make_env):
    env = make_env(ENV, obstacle_spacing=3.0)
    env.reset(seed=0, options={"task": np.zeros(12)})
    u = env.unwrapped
    assert len(u.obstacles) > 10
    assert u.obstacle_spacing == 3.0


def test_ignored_dims_do_not_change_terrain(make_env):
    env = make_env(ENV)
    base = np.full(12, 1.0)
    env.reset(seed=2, options={"task": base})
    a = env.unwrapped.obstacles
    changed = base.copy()
    changed[[1, 11]] = 3.5  # dy of the first and last vertex
    env.reset(seed=2, options={"task": changed})
    assert env.unwrapped.obstacles == a


def test_wrong_length_raises(make_env):
    env = make_env(ENV)
    with pytest.raises(ValueError, match="12 in the order"):
        env.reset(seed=0, options={"task": np.zeros(11)})
    with pytest.raises(ValueError, match="poly_shape_3"):
        env.reset(seed=0, options={"task": [0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0]})
