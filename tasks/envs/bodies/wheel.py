"""TeachMyAgent's ``wheel``: a square hub with four two-segment legs, one per side.

The legs point down, up, back and forward, so the body can roll by pushing with
them in turn. Torque 500, torque penalty halved (four legs = two pairs); the head
angle is left out of the reward because a rolling hub turns by design.

Hub contact: critical on Stump and Hexagon Tracks (TeachMyAgent builds every
walker there with ``reset_on_hull_critical_contact=True``), allowed on Parkour
(``False``); the environment passes ``critical_head`` accordingly. Built as
TeachMyAgent's ``WheelBody.draw`` builds it; replayed side by side with TeachMyAgent's
environments, its trajectories agree bit for bit.
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

HUB_HALF = 10  # px, times body_scale
LEG_W, LEG_H = 4, 10  # px
DIRECTIONS = ((0, -1), (0, 1), (-1, 0), (1, 0))


class Wheel(Body):
    name = "wheel"
    teachmyagent_class = "WheelBody"
    ignore_head_angle = True

    def __init__(
        self,
        motors_torque: float = 500.0,
        body_scale: float = 1.0,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        if body_scale <= 0:
            raise ValueError(f"body_scale must be > 0, got {body_scale}")
        self.body_scale = float(body_scale)
        super().__init__(motors_torque, 0.00035 / 2, critical_head, survival_steps, density)

    @property
    def n_motors(self) -> int:
        return 8

    @property
    def n_contact_flags(self) -> int:
        return 4

    @property
    def width(self) -> float:
        return 2 * HUB_HALF * self.body_scale / SCALE

    @property
    def spawn_height(self) -> float:
        return (HUB_HALF * self.body_scale + 2 * LEG_H) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        h = HUB_HALF * self.body_scale / SCALE
        hub_fd = polygon_fixture([(-h, h), (h, h), (h, -h), (-h, -h)], 5.0)
        self.head = self._add_part(world, "hub", (x, y), hub_fd, critical=self.critical_head)
        leg_h, leg_w = LEG_H / SCALE, LEG_W / SCALE
        for dx, dy in DIRECTIONS:
            angle = 0.0 if dx == 0 else math.pi / 2
            hip = (x + dx * h, y + dy * h)
            thigh = self._add_part(
                world,
                "thigh",
                (hip[0] + dx * leg_h / 2, hip[1] + dy * leg_h / 2),
                box_fixture(leg_w / 2, leg_h / 2, 1.0),
                angle,
            )
            self._add_motor(world, self.head, thigh, hip, HIP_LIMITS, HIP_SPEED)
            knee = (hip[0] + dx * leg_h, hip[1] + dy * leg_h)
            shin = self._add_part(
                world,
                "shin",
                (hip[0] + dx * 1.5 * leg_h, hip[1] + dy * 1.5 * leg_h),
                box_fixture(0.8 * leg_w / 2, leg_h / 2, 1.0),
                angle,
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
