"""TeachMyAgent's ``profile_chimpanzee``: a walking chimpanzee seen in profile.

A head (critical, on a passive neck) above a tapered trunk, two legs (hip, knee)
and two arms (shoulder, elbow) ending in three-part hands, each hand joint
motorised and reporting contact: 14 motors, 8 contact flags (50-D Stump
observation). Torque 100, torque penalty 0.00035/5; the head angle is left out
of the reward.
"""

from __future__ import annotations

import math

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, box_fixture, polygon_fixture
from teachbench.tasks.envs.bodies.legged import HIP_SPEED, KNEE_ANGLE_OFFSET, KNEE_SPEED
from teachbench.tasks.envs.constants import SCALE

PI = math.pi
TRUNK = ((-12, 25), (12, 25), (8, -20), (-8, -20))  # px
HEAD_HALF = (5, 10)  # px
NECK_LIMIT = 0.1 * PI
HIP_BELOW, SHOULDER_UP = 12, 22  # px
LIMB_W, LIMB_H = 8, 28  # px
HAND_W, HAND_H = 4, 8  # px
HIP_LIMITS, KNEE_LIMITS = (-0.3 * PI, 0.6 * PI), (-0.75 * PI, -0.1)
SHOULDER_LIMITS, ELBOW_LIMITS = (-0.5 * PI, 0.8 * PI), (0.0, 0.75 * PI)
HAND_LIMITS = ((-0.4 * PI, 0.35 * PI), (-0.5 * PI, 0.0), (-0.8 * PI, 0.0))
HAND_SPEED = 8.0


class ProfileChimpanzee(Body):
    name = "profile_chimpanzee"
    ignore_head_angle = True

    def __init__(
        self,
        motors_torque: float = 100.0,
        critical_head: bool = True,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035 / 5, critical_head, survival_steps, density)

    @property
    def n_motors(self) -> int:
        return 2 * 2 + 2 * (2 + len(HAND_LIMITS))

    @property
    def n_contact_flags(self) -> int:
        return 2 + 2 * len(HAND_LIMITS)

    @property
    def width(self) -> float:
        return 24 / SCALE

    @property
    def spawn_height(self) -> float:
        """Trunk centre above the ground with straight legs."""
        return (HIP_BELOW + 2 * LIMB_H) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        s = 1 / SCALE
        trunk = self._add_part(
            world, "trunk", (x, y), polygon_fixture([(px * s, py * s) for px, py in TRUNK], 5.0)
        )
        neck_y = y + TRUNK[0][1] * s
        self.head = self._add_part(
            world,
            "head",
            (x, neck_y + HEAD_HALF[1] * s),
            box_fixture(HEAD_HALF[0] * s, HEAD_HALF[1] * s, 5.0),
            critical=self.critical_head,
        )
        world.CreateRevoluteJoint(
            bodyA=self.head,
            bodyB=trunk,
            anchor=(x, neck_y),
            enableLimit=True,
            lowerAngle=-NECK_LIMIT,
            upperAngle=NECK_LIMIT,
        )
        limb_w, limb_h = LIMB_W * s, LIMB_H * s
        for _ in range(2):
            hip_y = y - HIP_BELOW * s
            thigh = self._add_part(
                world, "thigh", (x, hip_y - limb_h / 2), box_fixture(limb_w / 2, limb_h / 2, 1.0)
            )
            self._add_motor(world, trunk, thigh, (x, hip_y), HIP_LIMITS, HIP_SPEED)
            shin = self._add_part(
                world,
                "shin",
                (x, hip_y - 1.5 * limb_h),
                box_fixture(0.8 * limb_w / 2, limb_h / 2, 1.0),
            )
            self._add_motor(
                world,
                thigh,
                shin,
                (x, hip_y - limb_h),
                KNEE_LIMITS,
                KNEE_SPEED,
                angle_offset=KNEE_ANGLE_OFFSET,
                report_contact=True,
            )
        for _ in range(2):
            shoulder_y = y + SHOULDER_UP * s
            upper = self._add_part(
                world,
                "upper_arm",
                (x, shoulder_y - limb_h / 2),
                box_fixture(limb_w / 2, limb_h / 2, 1.0),
            )
            self._add_motor(world, trunk, upper, (x, shoulder_y), SHOULDER_LIMITS, HIP_SPEED)
            fore = self._add_part(
                world,
                "forearm",
                (x, shoulder_y - 1.5 * limb_h),
                box_fixture(0.8 * limb_w / 2, limb_h / 2, 1.0),
            )
            self._add_motor(world, upper, fore, (x, shoulder_y - limb_h), ELBOW_LIMITS, HIP_SPEED)
            parent, joint_y = fore, shoulder_y - 2 * limb_h
            for limits in HAND_LIMITS:
                part = self._add_part(
                    world,
                    "hand",
                    (x, joint_y - HAND_H * s / 2),
                    box_fixture(HAND_W * s / 2, HAND_H * s / 2, 1.0),
                )
                self._add_motor(
                    world, parent, part, (x, joint_y), limits, HAND_SPEED, report_contact=True
                )
                parent, joint_y = part, joint_y - HAND_H * s
