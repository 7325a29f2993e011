"""TeachMyAgent's ``millipede``: a chain of square segments, each on one pair of legs.

Built as TeachMyAgent's ``MillipedeBody.draw`` builds it (read for the facts):
segments (20 px) side by side, the first centred ``nb_of_bodies·10 px`` behind
the spawn x, linked by passive joints that bend ±0.05π; each carries two 4×10 px
two-segment legs (hip, knee), so there are 4 motors per segment. The head (the
reference for lidar, reward and camera) is the front segment. Torque 200; the
torque penalty is divided by the number of segments (one leg pair each).

Facts that follow TeachMyAgent's code rather than its documentation:

- the facts file lists 8 actions for the default 4 segments; the code builds 4
  motors per segment (16 for 4 segments, 54-D Stump observation), as here;
- the spawn push is applied to every segment, not only the head;
- no contact is ever critical: the code stores ``reset_on_hull_critical_contact``
  but marks every segment non-critical (it then sets an attribute on the Box2D
  body, not on the contact data), so a millipede on its back does not end a
  Stump Tracks episode. ``critical_head`` is accepted for a uniform body
  interface and has no effect.
"""

from __future__ import annotations

import math

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, Push, box_fixture, polygon_fixture
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
    teachmyagent_class = "MillipedeBody"
    push = Push.SEGMENTS

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
        return LEG_H / SCALE * 2 + HIP_BELOW / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        # positions in TeachMyAgent's order of operations, so that spawns replay exactly
        s = SEGMENT_HALF / SCALE
        segment_w = 2 * SEGMENT_HALF / SCALE
        leg_h, leg_w, leg_down = LEG_H / SCALE, LEG_W / SCALE, HIP_BELOW / SCALE
        back_x = x - segment_w * self.nb_of_bodies / 2  # (x, y) is the middle of the chain
        segment_fd = polygon_fixture([(-s, s), (s, s), (s, -s), (-s, -s)], 5.0)
        thigh_fd = box_fixture(leg_w / 2, leg_h / 2, 1.0)
        shin_fd = box_fixture(0.8 * leg_w / 2, leg_h / 2, 1.0)
        previous = None
        for j in range(self.nb_of_bodies):
            cx = back_x + j * segment_w
            segment = self._add_part(world, "segment", (cx, y), segment_fd)
            for _ in range(2):
                thigh = self._add_part(world, "thigh", (cx, y - leg_h / 2 - leg_down), thigh_fd)
                self._add_motor(world, segment, thigh, (cx, y - leg_down), HIP_LIMITS, HIP_SPEED)
                shin = self._add_part(world, "shin", (cx, y - leg_h * 3 / 2 - leg_down), shin_fd)
                self._add_motor(
                    world,
                    thigh,
                    shin,
                    (cx, y - leg_down - leg_h),
                    KNEE_LIMITS,
                    KNEE_SPEED,
                    angle_offset=KNEE_ANGLE_OFFSET,
                    report_contact=True,
                )
            if previous is not None:
                world.CreateRevoluteJoint(
                    bodyA=previous,
                    bodyB=segment,
                    anchor=(cx - segment_w / 2, y),
                    enableLimit=True,
                    lowerAngle=-BEND_LIMIT,
                    upperAngle=BEND_LIMIT,
                )
            previous = segment
        self.head = previous
