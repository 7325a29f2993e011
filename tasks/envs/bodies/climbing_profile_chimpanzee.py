"""The Parkour climber (TeachMyAgent's ``climbing_profile_chimpanzee``), seen in profile.

Built as TeachMyAgent's ``ClimbingProfileChimpanzee.draw`` builds it (read for
the facts): the walking chimpanzee's head, chest and legs
(:mod:`.profile_chimpanzee`), and two arms pointing up (shoulder −1.5π..0,
elbow 0..0.75π, wrist ±0.5π) ending in a 4×8 px hand that carries a grasp
sensor, a disc of radius 0.05 welded at its tip. 10 motors plus 2 grasp actions
(one per hand, see climbing.py); knees and wrists report contact (knee angles
+1.0, as for every TeachMyAgent knee), then (touching, holding) per sensor: 54-D
Parkour observation. Torque 100, torque penalty 0.00035/5, head angle left out
of the reward. Head, chest and shins may not touch the ground (they may touch
the ceiling). It spawns like the walking chimpanzee and is then hung from the
ceiling by the environment (parkour.py).
"""

from __future__ import annotations

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, BodyKind, GraspSensor, grasp_sensor_fixture
from teachbench.tasks.envs.bodies.legged import HIP_SPEED
from teachbench.tasks.envs.bodies.profile_chimpanzee import (
    ARM_UP,
    HAND_H,
    HAND_SPEED,
    LEG_DOWN,
    LIMB_H,
    PI,
    WIDTH,
    add_legs,
    build_head_and_chest,
    hand_fixture,
    lower_limb_fixture,
    upper_limb_fixture,
)
from teachbench.tasks.envs.constants import SCALE

SHOULDER_LIMITS = (-0.75 * 2 * PI, 0.0)
ELBOW_LIMITS = (0.0, 0.75 * PI)
WRIST_LIMITS = (-0.5 * PI, 0.5 * PI)
SENSOR_RADIUS = 0.05  # world units


class ClimbingProfileChimpanzee(Body):
    name = "climbing_profile_chimpanzee"
    teachmyagent_class = "ClimbingProfileChimpanzee"
    kind = BodyKind.CLIMBER
    ignore_head_angle = True
    n_grasp = 2
    has_legs = True

    def __init__(
        self,
        motors_torque: float = 100.0,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035 / 5, True, survival_steps, density)

    @property
    def n_motors(self) -> int:
        return 6 + (4 if self.has_legs else 0)

    @property
    def n_contact_flags(self) -> int:
        return 2 + (2 if self.has_legs else 0)

    @property
    def width(self) -> float:
        return WIDTH / SCALE

    @property
    def spawn_height(self) -> float:
        """TeachMyAgent's, the same with or without legs."""
        return LIMB_H / SCALE * 2 + LEG_DOWN / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        chest = build_head_and_chest(self, world, x, y)
        if self.has_legs:
            add_legs(self, world, chest, x, y, critical_shins=True)
        limb_h, arm_up, hand_h = LIMB_H / SCALE, ARM_UP / SCALE, HAND_H / SCALE
        for _ in range(2):
            upper = self._add_part(
                world, "upper_arm", (x, y + limb_h / 2 + arm_up), upper_limb_fixture()
            )
            self._add_motor(world, chest, upper, (x, y + arm_up), SHOULDER_LIMITS, HIP_SPEED)
            fore = self._add_part(
                world, "forearm", (x, y + limb_h * 3 / 2 + arm_up), lower_limb_fixture()
            )
            self._add_motor(world, upper, fore, (x, y + limb_h + arm_up), ELBOW_LIMITS, HIP_SPEED)
            wrist_y = y + limb_h * 2 + arm_up
            hand = self._add_part(world, "hand", (x, wrist_y + hand_h / 2), hand_fixture())
            self._add_motor(
                world, fore, hand, (x, wrist_y), WRIST_LIMITS, HAND_SPEED, report_contact=True
            )
            tip = (x, wrist_y + hand_h)
            sensor = world.CreateDynamicBody(
                position=tip, fixtures=grasp_sensor_fixture(SENSOR_RADIUS)
            )
            sensor.userData = GraspSensor("hand_sensor")
            world.CreateWeldJoint(bodyA=hand, bodyB=sensor, anchor=tip)
            self.sensors.append(sensor)
