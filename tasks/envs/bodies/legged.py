"""Hull-and-legs walkers: a polygon hull with pairs of two-segment legs.

Classic, old classic, small bipedal and the big quadruped differ only in numbers
(hull outline, leg size, where the hips sit, motor torque), so they share this
builder and each declares its numbers in its own module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from Box2D import b2World
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
    leg_splay: float = 0.0  # initial leg angle, ± per side (the old bodies use 0.05 rad)


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
        g = self.geometry
        return (g.hip_below + 2 * g.leg_h) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        g = self.geometry
        hull_fd = polygon_fixture(
            [(px / SCALE, py / SCALE) for px, py in g.hull], self.hull_density, friction=0.1
        )
        self.head = self._add_part(world, "hull", (x, y), hull_fd, critical=self.critical_head)
        leg_w, leg_h = g.leg_w / SCALE, g.leg_h / SCALE
        hip_y = y - g.hip_below / SCALE
        half_bottom = g.hull_bottom_width / SCALE / 2
        for hip_pos in g.hip_positions:
            hip_x = x + hip_pos * half_bottom
            for side in (-1, 1):
                self._add_leg(world, hip_x, hip_y, leg_w, leg_h, side * g.leg_splay)

    def _add_leg(
        self, world: b2World, hip_x: float, hip_y: float, leg_w: float, leg_h: float, tilt: float
    ) -> None:
        # With a tilt, the segments hang from the hip along the tilted axis so that
        # the joints meet exactly (no solver snap at the first step).
        sin_t, cos_t = math.sin(tilt), math.cos(tilt)
        thigh_c = (hip_x + sin_t * leg_h / 2, hip_y - cos_t * leg_h / 2)
        knee = (hip_x + sin_t * leg_h, hip_y - cos_t * leg_h)
        shin_c = (hip_x + sin_t * 1.5 * leg_h, hip_y - cos_t * 1.5 * leg_h)
        thigh = self._add_part(
            world, "thigh", thigh_c, box_fixture(leg_w / 2, leg_h / 2, self.leg_density), tilt
        )
        self._add_motor(world, self.head, thigh, (hip_x, hip_y), HIP_LIMITS, HIP_SPEED)
        shin = self._add_part(
            world,
            "shin",
            shin_c,
            box_fixture(0.8 * leg_w / 2, leg_h / 2, self.leg_density),
            tilt,
        )
        self._add_motor(
            world,
            thigh,
            shin,
            knee,
            KNEE_LIMITS,
            KNEE_SPEED,
            angle_offset=KNEE_ANGLE_OFFSET,
            report_contact=True,
        )
