"""Grasping for climbers, with TeachMyAgent's sensors, timing and grasp zone.

Each hand of a climber carries a small sensor disc (radius 0.05) welded to it;
the contact monitor lists the graspable fixtures (ceiling edges, creepers) that
a sensor starts to overlap (contacts.py). One grasp action per hand:

- **before** the physics step, an action <= 0 releases the hand (its joint is
  destroyed at once, so the step already moves a free hand) and an action > 0
  makes the hand ready to grasp;
- **after** the step, a ready, free hand takes the oldest listed fixture if the
  sensor centre is still within ``radius + 0.01`` of that fixture's bounding box
  (TeachMyAgent's coarse "still overlapping after the solver" test) and is pinned
  to it by a revolute joint at the sensor centre; otherwise that fixture is
  dropped from the list.

This is TeachMyAgent's ``ClimbingDynamics`` (before/after step) and the
observation is its ``(has_contact, has_joint)`` per sensor.
"""

from __future__ import annotations

from collections.abc import Sequence

from Box2D import b2Body, b2World
from teachbench.tasks.envs.bodies.base import GraspSensor
from teachbench.tasks.envs.contacts import Surface
from teachbench.tasks.envs.terrain import static_body

#: added to the sensor radius in the after-step overlap test (TeachMyAgent's value)
GRASP_MARGIN = 0.01


class GraspableBodies:
    """Static bodies for graspable terrain fixtures, shared as far as grasping allows.

    TeachMyAgent gives every ceiling edge and creeper its own body. Body identity
    matters for one thing only: a grasp joint (``collideConnected`` off) stops its
    sensor from touching *every* fixture of the held body. A pinned sensor can
    only touch fixtures within ``reach`` of its hold, so fixtures more than
    ``reach`` apart along x may share a body with exactly the same effect, and a
    few bodies instead of hundreds keep resets fast. Fixtures must be requested
    from left to right. ``reach=None`` puts every fixture on one body (for agents
    that never grasp).
    """

    def __init__(self, world: b2World, surface: Surface, reach: float | None) -> None:
        self._world, self._surface, self._reach = world, surface, reach
        self._last_end: list[tuple[b2Body, float]] = []  # (body, right end of its last fixture)

    def body_for(self, x0: float, x1: float) -> b2Body:
        """A body for a fixture spanning [x0, x1]."""
        for k, (body, end) in enumerate(self._last_end):
            if self._reach is None or end + self._reach < x0:
                self._last_end[k] = (body, x1)
                return body
        body = static_body(self._world, self._surface)
        self._last_end.append((body, x1))
        return body


def release_or_ready(world: b2World, sensors: Sequence[b2Body], grasp: Sequence[float]) -> None:
    """Before the physics step: free the hands whose action is <= 0, arm the others."""
    for body, action in zip(sensors, grasp, strict=True):
        sensor: GraspSensor = body.userData
        sensor.ready = action > 0
        if not sensor.ready and sensor.joint is not None:
            world.DestroyJoint(sensor.joint)
            sensor.joint = None


def attach(world: b2World, sensors: Sequence[b2Body]) -> None:
    """After the physics step: pin ready, free hands to what they still overlap.

    ``sensors`` are visited in the order they first touched graspable terrain,
    the order TeachMyAgent's contact dictionary keeps.
    """
    for body in sensors:
        sensor: GraspSensor = body.userData
        if not (sensor.touching and sensor.ready and sensor.joint is None):
            continue
        fixture = sensor.touching[0]
        vertices = fixture.shape.vertices  # static terrain: local = world
        xs = [v[0] for v in vertices]
        ys = [v[1] for v in vertices]
        reach = body.fixtures[0].shape.radius + GRASP_MARGIN
        x, y = body.worldCenter
        if (
            min(xs) < x + reach
            and x - reach < max(xs)
            and min(ys) < y + reach
            and y - reach < max(ys)
        ):
            sensor.joint = world.CreateRevoluteJoint(bodyA=body, bodyB=fixture.body, anchor=(x, y))
        else:
            sensor.touching.remove(fixture)
            if not sensor.touching:
                sensor.has_contact = False


def sensor_state(sensors: Sequence[b2Body], out: list[float]) -> None:
    """Append (touching graspable terrain, holding) per hand, as 0/1."""
    for body in sensors:
        sensor: GraspSensor = body.userData
        out.append(1.0 if sensor.has_contact else 0.0)
        out.append(1.0 if sensor.joint is not None else 0.0)
