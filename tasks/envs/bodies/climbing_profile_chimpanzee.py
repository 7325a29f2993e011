"""The Parkour climber (TeachMyAgent's ``climbing_profile_chimpanzee``), seen in profile.

A torso with two legs (hip, knee) and two arms (shoulder, elbow, wrist) ending in
round hands: 10 motors plus 2 grasp actions (one per hand, see climbing.py). It
starts hanging from the ceiling. Torso and shins may not touch the ground (they
may touch graspable terrain). The geometry is teachbench's own, sized like the
other bodies; sizes and counts that the facts fix (torque 100, penalty
0.00035/5, 12 actions, 54-D Parkour observation) are kept.
"""

from __future__ import annotations

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, BodyKind, box_fixture, circle_fixture
from teachbench.tasks.envs.constants import SCALE

TORSO = (8, 18)  # half sizes, px
SHOULDER_UP, HIP_DOWN = 14, 14  # joint offsets from the torso centre, px
UPPER_ARM, FOREARM = (3, 11), (2.5, 11)
THIGH, SHIN = (3.5, 12), (3, 12)
HAND_RADIUS = 5  # px
SHOULDER_LIMITS, ELBOW_LIMITS, WRIST_LIMITS = (-2.5, 2.5), (-2.2, 0.1), (-1.0, 1.0)
HIP_LIMITS, KNEE_LIMITS = (-1.2, 1.8), (-2.0, 0.1)
SLOW, FAST = 4.0, 6.0


class ClimbingProfileChimpanzee(Body):
    name = "climbing_profile_chimpanzee"
    kind = BodyKind.CLIMBER
    ignore_head_angle = True
    n_grasp = 2
    has_legs = True

    def __init__(
        self,
        motors_torque: float = 100.0,
        critical_head: bool = True,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035 / 5, critical_head, survival_steps, density)
        self.hands: list = []
        self.hand_radius = HAND_RADIUS / SCALE

    @property
    def n_motors(self) -> int:
        return 6 + (4 if self.has_legs else 0)

    @property
    def n_contact_flags(self) -> int:
        return 2 + (2 if self.has_legs else 0)

    @property
    def width(self) -> float:
        return 2 * TORSO[0] / SCALE

    @property
    def spawn_height(self) -> float:
        if not self.has_legs:
            return TORSO[1] / SCALE
        return (HIP_DOWN + 2 * THIGH[1] + 2 * SHIN[1]) / SCALE

    @property
    def reach(self) -> float:
        """Height of the hand centres above the torso centre with arms straight up."""
        return (SHOULDER_UP + 2 * UPPER_ARM[1] + 2 * FOREARM[1] + HAND_RADIUS) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        s = 1 / SCALE
        self.hands = []
        self.head = self._add_part(
            world,
            "torso",
            (x, y),
            box_fixture(TORSO[0] * s, TORSO[1] * s, 1.0),
            critical=self.critical_head,
        )
        for _ in range(2 if self.has_legs else 0):
            joint_y = y - HIP_DOWN * s
            thigh = self._add_part(
                world,
                "thigh",
                (x, joint_y - THIGH[1] * s),
                box_fixture(THIGH[0] * s, THIGH[1] * s, 1.0),
            )
            self._add_motor(world, self.head, thigh, (x, joint_y), HIP_LIMITS, SLOW)
            joint_y -= 2 * THIGH[1] * s
            shin = self._add_part(
                world,
                "shin",
                (x, joint_y - SHIN[1] * s),
                box_fixture(SHIN[0] * s, SHIN[1] * s, 1.0),
                critical=self.critical_head,
            )
            self._add_motor(
                world, thigh, shin, (x, joint_y), KNEE_LIMITS, FAST, report_contact=True
            )
        for _ in range(2):
            joint_y = y + SHOULDER_UP * s
            upper = self._add_part(
                world,
                "upper_arm",
                (x, joint_y + UPPER_ARM[1] * s),
                box_fixture(UPPER_ARM[0] * s, UPPER_ARM[1] * s, 1.0),
            )
            self._add_motor(world, self.head, upper, (x, joint_y), SHOULDER_LIMITS, SLOW)
            joint_y += 2 * UPPER_ARM[1] * s
            fore = self._add_part(
                world,
                "forearm",
                (x, joint_y + FOREARM[1] * s),
                box_fixture(FOREARM[0] * s, FOREARM[1] * s, 1.0),
            )
            self._add_motor(world, upper, fore, (x, joint_y), ELBOW_LIMITS, FAST)
            joint_y += 2 * FOREARM[1] * s
            hand = self._add_part(
                world, "hand", (x, joint_y + HAND_RADIUS * s), circle_fixture(HAND_RADIUS * s, 1.0)
            )
            self._add_motor(
                world, fore, hand, (x, joint_y), WRIST_LIMITS, FAST, report_contact=True
            )
            self.hands.append(hand)
