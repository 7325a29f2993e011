"""TeachMyAgent's ``profile_chimpanzee``: a walking chimpanzee seen in profile.

Built as TeachMyAgent's ``ProfileChimpanzee.draw`` builds it (read for the
facts): a 10×20 px head 0.2 above a tapered chest on a passive neck (±0.1π), two
legs (hip, knee) and two arms hanging down (shoulder, elbow) ending in
three-part hands, each hand joint motorised and reporting contact: 14 motors, 8
contact flags (50-D Stump observation). Torque 100, torque penalty 0.00035/5;
the head angle is left out of the reward.

Head and chest contacts are always critical, in both environments: TeachMyAgent
hard-codes the head's and sets the chest's to the head object (truthy), ignoring
its ``reset_on_hull_critical_contact`` flag; ``critical_head`` is accepted for a
uniform body interface and likewise has no effect.

The head, chest and legs are shared with the climbing chimpanzee
(:func:`build_head_and_chest`, :func:`add_legs`).
"""

from __future__ import annotations

import math

from Box2D import b2Body, b2FixtureDef, b2World
from teachbench.tasks.envs.bodies.base import Body, box_fixture, polygon_fixture
from teachbench.tasks.envs.bodies.legged import HIP_SPEED, KNEE_ANGLE_OFFSET, KNEE_SPEED
from teachbench.tasks.envs.constants import SCALE

PI = math.pi
HEAD = ((-5, 10), (5, 10), (5, -10), (-5, -10))  # px
CHEST = ((-12, 25), (12, 25), (8, -20), (-8, -20))  # px
CHEST_HEIGHT, HEAD_HEIGHT = 45, 20  # px
HEAD_GAP = 0.2  # world units, added to the head's height above the chest
NECK_LIMIT = 0.1 * PI
LEG_DOWN, ARM_UP = 12, 22  # px: hips below, shoulders above the chest centre
LIMB_W, LIMB_H = 8, 28  # px
HAND_W, HAND_H = 4, 8  # px
HIP_LIMITS, KNEE_LIMITS = (-0.3 * PI, 0.6 * PI), (-0.75 * PI, -0.1)
SHOULDER_LIMITS, ELBOW_LIMITS = (-0.5 * PI, 0.8 * PI), (0.0, 0.75 * PI)
HAND_LIMITS = ((-0.4 * PI, 0.35 * PI), (-0.5 * PI, 0.0), (-0.8 * PI, 0.0))
HAND_SPEED = 8.0
WIDTH = 24  # px, TeachMyAgent's AGENT_WIDTH


def build_head_and_chest(body: Body, world: b2World, x: float, y: float) -> b2Body:
    """Head (the body's reference head) and chest centred at (x, y); returns the chest.

    Positions are computed in TeachMyAgent's order of operations so that a spawn
    replays bit for bit.
    """
    body.head = body._add_part(
        world,
        "head",
        (x, y + CHEST_HEIGHT / SCALE / 2 + HEAD_HEIGHT / SCALE / 2 + HEAD_GAP),
        polygon_fixture([(px / SCALE, py / SCALE) for px, py in HEAD], 5.0),
        critical=True,
    )
    chest = body._add_part(
        world,
        "chest",
        (x, y),
        polygon_fixture([(px / SCALE, py / SCALE) for px, py in CHEST], 5.0),
        critical=True,
    )
    world.CreateRevoluteJoint(
        bodyA=body.head,
        bodyB=chest,
        anchor=(x, y + CHEST_HEIGHT / SCALE / 2),
        enableLimit=True,
        lowerAngle=-NECK_LIMIT,
        upperAngle=NECK_LIMIT,
    )
    return chest


def upper_limb_fixture() -> b2FixtureDef:
    return box_fixture(LIMB_W / SCALE / 2, LIMB_H / SCALE / 2, 1.0)


def lower_limb_fixture() -> b2FixtureDef:
    return box_fixture(0.8 * (LIMB_W / SCALE) / 2, LIMB_H / SCALE / 2, 1.0)


def hand_fixture() -> b2FixtureDef:
    return box_fixture(HAND_W / SCALE / 2, HAND_H / SCALE / 2, 1.0)


def add_legs(
    body: Body, world: b2World, chest: b2Body, x: float, y: float, critical_shins: bool
) -> None:
    """Two identical legs (hip, knee; the knee reports contact) under the chest."""
    limb_h, leg_down = LIMB_H / SCALE, LEG_DOWN / SCALE
    for _ in range(2):
        thigh = body._add_part(world, "thigh", (x, y - limb_h / 2 - leg_down), upper_limb_fixture())
        body._add_motor(world, chest, thigh, (x, y - leg_down), HIP_LIMITS, HIP_SPEED)
        shin = body._add_part(
            world,
            "shin",
            (x, y - limb_h * 3 / 2 - leg_down),
            lower_limb_fixture(),
            critical=critical_shins,
        )
        body._add_motor(
            world,
            thigh,
            shin,
            (x, y - limb_h - leg_down),
            KNEE_LIMITS,
            KNEE_SPEED,
            angle_offset=KNEE_ANGLE_OFFSET,
            report_contact=True,
        )


class ProfileChimpanzee(Body):
    name = "profile_chimpanzee"
    teachmyagent_class = "ProfileChimpanzee"
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
        return WIDTH / SCALE

    @property
    def spawn_height(self) -> float:
        """Chest centre above the ground with straight legs (TeachMyAgent's)."""
        return LIMB_H / SCALE * 2 + LEG_DOWN / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        chest = build_head_and_chest(self, world, x, y)
        add_legs(self, world, chest, x, y, critical_shins=False)
        limb_h, arm_up, hand_h = LIMB_H / SCALE, ARM_UP / SCALE, HAND_H / SCALE
        for _ in range(2):
            upper = self._add_part(
                world, "upper_arm", (x, y - limb_h / 2 + arm_up), upper_limb_fixture()
            )
            self._add_motor(world, chest, upper, (x, y + arm_up), SHOULDER_LIMITS, HIP_SPEED)
            fore = self._add_part(
                world, "forearm", (x, y - limb_h * 3 / 2 + arm_up), lower_limb_fixture()
            )
            self._add_motor(world, upper, fore, (x, y - limb_h + arm_up), ELBOW_LIMITS, HIP_SPEED)
            parent, wrist_y = fore, y - limb_h * 2 + arm_up
            for k, limits in enumerate(HAND_LIMITS):
                part = self._add_part(
                    world, "hand", (x, wrist_y - hand_h / 2 - hand_h * k), hand_fixture()
                )
                self._add_motor(
                    world,
                    parent,
                    part,
                    (x, wrist_y - hand_h * k),
                    limits,
                    HAND_SPEED,
                    report_contact=True,
                )
                parent = part
