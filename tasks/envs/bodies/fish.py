"""The Parkour swimmer (TeachMyAgent's ``fish``).

Built as TeachMyAgent's ``FishBody.draw`` builds it (read for the facts): a
35 px hexagonal head, then three tapering body segments (16, 16 and 8 px long)
on motorised joints (limits −0.1π..0.2π, ±0.15π, ±0.3π) and one fin under the
head, tilted by −0.2π, on a motorised joint (−0.3π..0.2π); every motor turns at
speed 6 and reports its segment's or fin's contact: 4 actions, 26-D Stump /
38-D Parkour observation. Every part has the water's density minus 0.01, so the
fish slowly rises when idle; the head's friction is 0.1, the others' 0.2.

TeachMyAgent comments out the fish's spawn push, so it is never pushed (the
random draw is still made, so the other draws stay in step). Its head starts
``9 px + 1`` above the ground (``AGENT_CENTER_HEIGHT`` plus the 1 its ``draw``
adds). It dies after 600 steps out of water; no contact is critical.
"""

from __future__ import annotations

import numpy as np
from Box2D import b2FixtureDef, b2World
from teachbench.tasks.envs.bodies.base import Body, BodyKind, Push, polygon_fixture
from teachbench.tasks.envs.constants import SCALE
from teachbench.tasks.envs.water import WATER_DENSITY

# outlines in px, relative to each part's centre
HEAD = ((-20, 12), (6, 12), (15, 4), (15, -4), (6, -12), (-20, -12))
SEGMENTS = (
    ((-8, 9), (8, 12), (8, -12), (-8, -9)),
    ((-8, 4), (8, 9), (8, -9), (-8, -4)),
    ((-4, 2), (4, 4), (4, -4), (-4, -2)),
)
FIN = ((-1, -10), (-1, 10), (1, 10), (1, -10))
HEAD_LENGTH = 35  # px, TeachMyAgent's HULL_BOTTOM_WIDTH
SEGMENT_LENGTHS = (16, 16, 8)  # px
SEGMENT_LIMITS = (
    (-0.1 * np.pi, 0.2 * np.pi),
    (-0.15 * np.pi, 0.15 * np.pi),
    (-0.3 * np.pi, 0.3 * np.pi),
)
FIN_ANGLE = -0.2 * np.pi
FIN_LENGTH = 20  # px
FIN_LIMITS = (-0.3 * np.pi, 0.2 * np.pi)
FIN_DROP = 22 / 2  # px below the head centre, then raised by FIN_RAISE
FIN_RAISE = 0.2  # world units
SPEED = 6.0
CENTER_HEIGHT = 9  # px
SPAWN_RAISE = 1.0  # world units added by TeachMyAgent's draw
FISH_DENSITY = WATER_DENSITY - 0.01


class Fish(Body):
    name = "fish"
    teachmyagent_class = "FishBody"
    kind = BodyKind.SWIMMER
    ignore_head_angle = True
    push = Push.NONE

    def __init__(
        self,
        motors_torque: float = 80.0,
        survival_steps: int | None = None,
        density: float | None = FISH_DENSITY,
    ) -> None:
        super().__init__(motors_torque, 0.00035, False, survival_steps, density)

    @property
    def n_motors(self) -> int:
        return len(SEGMENTS) + 1

    @property
    def n_contact_flags(self) -> int:
        return len(SEGMENTS) + 1

    @property
    def width(self) -> float:
        return HEAD_LENGTH / SCALE

    @property
    def spawn_height(self) -> float:
        return CENTER_HEIGHT / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        # TeachMyAgent's draw raises the fish by 1 above the height it is given;
        # positions follow its order of operations so that a spawn replays exactly
        y = y + SPAWN_RAISE

        def outline(points: tuple[tuple[int, int], ...], friction: float) -> b2FixtureDef:
            return polygon_fixture(
                [(px / SCALE, py / SCALE) for px, py in points], FISH_DENSITY, friction
            )

        self.head = self._add_part(world, "head", (x, y), outline(HEAD, 0.1))
        parent = self.head
        joint_x = x - HEAD_LENGTH / 2 / SCALE
        centre_x = joint_x - SEGMENT_LENGTHS[0] / 2 / SCALE
        for k, (points, limits) in enumerate(zip(SEGMENTS, SEGMENT_LIMITS, strict=True)):
            if k > 0:
                joint_x = centre_x - SEGMENT_LENGTHS[k - 1] / 2 / SCALE
                centre_x = centre_x - SEGMENT_LENGTHS[k - 1] / 2 / SCALE
                centre_x = centre_x - SEGMENT_LENGTHS[k] / 2 / SCALE
            segment = self._add_part(world, "segment", (centre_x, y), outline(points, 0.2))
            self._add_motor(
                world, parent, segment, (joint_x, y), limits, SPEED, report_contact=True
            )
            parent = segment
        fin_x, fin_y = x, y - FIN_DROP / SCALE + FIN_RAISE
        to_centre_x = np.sin(FIN_ANGLE) * FIN_LENGTH / 2 / SCALE
        to_centre_y = np.cos(FIN_ANGLE) * FIN_LENGTH / 2 / SCALE
        fin = self._add_part(
            world,
            "fin",
            (float(fin_x + to_centre_x), float(fin_y - to_centre_y)),
            outline(FIN, 0.2),
            FIN_ANGLE,
        )
        self._add_motor(
            world, self.head, fin, (fin_x, fin_y), FIN_LIMITS, SPEED, report_contact=True
        )
