"""TeachMyAgent's ``millipede``: a chain of square segments, each on one pair of legs.

Segments (20 px) are linked by passive joints that bend ±0.05π; each carries two
4×10 px two-segment legs (hip, knee), so there are 4 motors per segment. The head
(the reference for lidar, reward and camera) is the front segment. Torque 200;
the torque penalty is divided by the number of segments (one leg pair each).

Note: the facts file lists 8 actions for the default 4 segments; TeachMyAgent's
code builds 4 motors per segment (16 for 4 segments), which is what is built here.
"""

from __future__ import annotations

import math

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, box_fixture, polygon_fixture
from teachbench.tasks.envs.bodies.legged import (
    HIP_LIMITS,
    HIP_SPEED,
    KNEE_ANGLE_OFFSET,
    KNEE_LIMITS,
    KNEE_SPEED,
)
from teachbench.tasks.envs.constants import SCALE

SEGMENT_HALF = 10  # px
LEG_W, LEG_H = 4, 10  # px
HIP_BELOW = 3  # px
BEND_LIMIT = 0.05 * math.pi


class Millipede(Body):
    name = "millipede"

    def __init__(
        self,
        motors_torque: float = 200.0,
        nb_of_bodies: int = 4,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        if nb_of_bodies < 1:
            raise ValueError(f"nb_of_bodies must be >= 1, got {nb_of_bodies}")
        self.nb_of_bodies = int(nb_of_bodies)
        super().__init__(
            motors_torque, 0.00035 / self.nb_of_bodies, critical_head, survival_steps, density
        )

    @property
    def n_motors(self) -> int:
        return 4 * self.nb_of_bodies

    @property
    def n_contact_flags(self) -> int:
        return 2 * self.nb_of_bodies

    @property
    def width(self) -> float:
        return 2 * SEGMENT_HALF * self.nb_of_bodies / SCALE

    @property
    def spawn_height(self) -> float:
        return (HIP_BELOW + 2 * LEG_H) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        s = SEGMENT_HALF / SCALE
        leg_h, leg_w = LEG_H / SCALE, LEG_W / SCALE
        first_x = x - self.width / 2 + s  # (x, y) is the middle of the whole body
        previous = None
        for j in range(self.nb_of_bodies):
            cx = first_x + 2 * s * j
            front = j == self.nb_of_bodies - 1
            segment = self._add_part(
                world,
                "segment",
                (cx, y),
                polygon_fixture([(-s, s), (s, s), (s, -s), (-s, -s)], 5.0),
                critical=front and self.critical_head,
            )
            hip = (cx, y - HIP_BELOW / SCALE)
            for _ in range(2):
                thigh = self._add_part(
                    world, "thigh", (cx, hip[1] - leg_h / 2), box_fixture(leg_w / 2, leg_h / 2, 1.0)
                )
                self._add_motor(world, segment, thigh, hip, HIP_LIMITS, HIP_SPEED)
                knee = (cx, hip[1] - leg_h)
                shin = self._add_part(
                    world,
                    "shin",
                    (cx, hip[1] - 1.5 * leg_h),
                    box_fixture(0.8 * leg_w / 2, leg_h / 2, 1.0),
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
            if previous is not None:
                world.CreateRevoluteJoint(
                    bodyA=previous,
                    bodyB=segment,
                    anchor=(cx - s, y),
                    enableLimit=True,
                    lowerAngle=-BEND_LIMIT,
                    upperAngle=BEND_LIMIT,
                )
            previous = segment
        self.head = previous
