"""Hull-and-legs walkers: a polygon hull with pairs of two-segment legs.

Classic, small bipedal, the big quadruped and the amphibious bipedal differ only
in numbers (hull outline, leg size, where the hips sit, motor torque), so they
share this builder and each declares its numbers in its own module; the old
bipedal keeps the hull and numbers but builds its legs its own way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from Box2D import b2FixtureDef, b2World
from teachbench.tasks.envs.bodies.base import Body, BodyKind, box_fixture, polygon_fixture
from teachbench.tasks.envs.constants import SCALE

HIP_SPEED = 4.0
KNEE_SPEED = 6.0
HIP_LIMITS = (-0.8, 1.1)
KNEE_LIMITS = (-1.6, -0.1)
# The knee angle is observed shifted by +1 so that a straight leg reads about 0.9.
KNEE_ANGLE_OFFSET = 1.0


@dataclass(frozen=True)
class LeggedGeometry:
    """Sizes in pixels (divided by SCALE when built)."""

    hull: tuple[tuple[float, float], ...]
    hull_bottom_width: float
    leg_w: float
    leg_h: float
    hip_below: float  # hip joints sit this far below the hull centre
    hip_positions: tuple[float, ...] = (0.0,)  # along the hull bottom, -1 = back, +1 = front


class LeggedWalker(Body):
    """A walker built from a :class:`LeggedGeometry`; subclasses set ``geometry``."""

    kind = BodyKind.WALKER
    geometry: LeggedGeometry
    hull_density = 5.0
    leg_density = 1.0

    @property
    def n_motors(self) -> int:
        return 4 * len(self.geometry.hip_positions)

    @property
    def n_contact_flags(self) -> int:
        return 2 * len(self.geometry.hip_positions)

    @property
    def width(self) -> float:
        return self.geometry.hull_bottom_width / SCALE

    @property
    def spawn_height(self) -> float:
        """Hull centre above the ground with straight legs (TeachMyAgent's AGENT_CENTER_HEIGHT)."""
        g = self.geometry
        return g.leg_h / SCALE * 2 + g.hip_below / SCALE

    def _add_hull(self, world: b2World, x: float, y: float) -> None:
        hull_fd = polygon_fixture(
            [(px / SCALE, py / SCALE) for px, py in self.geometry.hull],
            self.hull_density,
            friction=0.1,
        )
        self.head = self._add_part(world, "hull", (x, y), hull_fd, critical=self.critical_head)

    def _leg_fixtures(self) -> tuple[b2FixtureDef, b2FixtureDef]:
        leg_w, leg_h = self.geometry.leg_w / SCALE, self.geometry.leg_h / SCALE
        return (
            box_fixture(leg_w / 2, leg_h / 2, self.leg_density),
            box_fixture(0.8 * leg_w / 2, leg_h / 2, self.leg_density),
        )

    def _build(self, world: b2World, x: float, y: float) -> None:
        # positions in TeachMyAgent's order of operations, so that spawns replay exactly
        g = self.geometry
        self._add_hull(world, x, y)
        thigh_fd, shin_fd = self._leg_fixtures()
        leg_h, leg_down = g.leg_h / SCALE, g.hip_below / SCALE
        half_bottom = g.hull_bottom_width / 2 / SCALE
        for hip_pos in g.hip_positions:
            hip_x = x + float(np.interp(hip_pos, [-1, 1], [-half_bottom, half_bottom]))
            for _side in (-1, 1):
                thigh = self._add_part(world, "thigh", (hip_x, y - leg_h / 2 - leg_down), thigh_fd)
                self._add_motor(
                    world, self.head, thigh, (hip_x, y - leg_down), HIP_LIMITS, HIP_SPEED
                )
                shin = self._add_part(world, "shin", (hip_x, y - leg_h * 3 / 2 - leg_down), shin_fd)
                self._add_motor(
                    world,
                    thigh,
                    shin,
                    (hip_x, y - leg_down - leg_h),
                    KNEE_LIMITS,
                    KNEE_SPEED,
                    angle_offset=KNEE_ANGLE_OFFSET,
                    report_contact=True,
                )
