"""Water geometry and grasp detection, checked against hand-computed values."""

from __future__ import annotations

import pytest
from Box2D import b2World
from teachbench.tasks.envs.water import GRAVITY, WATER_DENSITY, Water, area_centroid, clip_below


def test_half_submerged_square():
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    wet = clip_below(square, 0.5)
    area, cx, cy = area_centroid(wet)
    assert area == pytest.approx(1.0)
    assert (cx, cy) == pytest.approx((1.0, 0.25))
    assert clip_below(square, -1.0) == []
    assert area_centroid(clip_below(square, 5.0))[0] == pytest.approx(4.0)


def test_buoyancy_of_a_resting_box_equals_displaced_weight():
    world = b2World(gravity=(0, -GRAVITY))
    box = world.CreateDynamicBody(position=(0, 0))
    box.CreatePolygonFixture(box=(0.5, 0.5), density=1.0)
    Water(level=0.0).apply([box])  # half of a 1×1 box under water, at rest
    dt = 0.02
    world.Step(dt, 1, 1)  # Δv = (buoyancy - weight) / mass · dt
    expected = (WATER_DENSITY * 0.5 * GRAVITY - 1.0 * GRAVITY) / 1.0 * dt
    assert box.linearVelocity[1] == pytest.approx(expected, rel=1e-6)
