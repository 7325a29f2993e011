"""The benchmark's default body: TeachMyAgent's ``old_classic_bipedal``.

The original BipedalWalker morphology, built as TeachMyAgent's
``OldClassicBipedalBody.draw`` builds it (read for the facts): a 64 px hull and
8×34 px legs whose hips are 8 px under the hull centre, each leg tilted by
±0.05 rad *about its own centre* and placed as if the hips were 8 px *above*
the centre. The joints are defined by local anchors (hull (0, −8 px), segment
ends ±LEG_H/2), so they start apart and the solver pulls the legs into place
during the first step, as in the original.

Spawn: hull centre ``2·LEG_H`` above the ground on Stump and Hexagon Tracks
(TeachMyAgent's ``old_morphology`` case) and ``AGENT_CENTER_HEIGHT = 2·LEG_H −
8 px + 0.5`` on Parkour, where it drops to the ground. Its hull contact ends an
episode on the tracks; Parkour turns that off, as TeachMyAgent does for walkers.
"""

from __future__ import annotations

from Box2D import b2World
from teachbench.tasks.envs.bodies.legged import (
    HIP_LIMITS,
    HIP_SPEED,
    KNEE_ANGLE_OFFSET,
    KNEE_LIMITS,
    KNEE_SPEED,
    LeggedGeometry,
    LeggedWalker,
)
from teachbench.tasks.envs.constants import SCALE

GEOMETRY = LeggedGeometry(
    hull=((-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)),
    hull_bottom_width=64,
    leg_w=8,
    leg_h=34,
    hip_below=8,
)
LEG_TILT = 0.05  # rad, minus for the first leg, plus for the second
PARKOUR_DROP = 0.5  # world units added to the Parkour spawn height


class OldClassicBipedal(LeggedWalker):
    name = "old_classic_bipedal"
    teachmyagent_class = "OldClassicBipedalBody"
    geometry = GEOMETRY

    def __init__(
        self,
        motors_torque: float = 80.0,
        critical_head: bool = True,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035, critical_head, survival_steps, density)

    @property
    def spawn_height(self) -> float:
        leg_h, leg_down = GEOMETRY.leg_h / SCALE, -GEOMETRY.hip_below / SCALE
        return leg_h * 2 + leg_down + PARKOUR_DROP

    @property
    def stump_spawn_height(self) -> float:
        return 2 * (GEOMETRY.leg_h / SCALE)

    def _build(self, world: b2World, x: float, y: float) -> None:
        self._add_hull(world, x, y)
        thigh_fd, shin_fd = self._leg_fixtures()
        # TeachMyAgent's LEG_DOWN is -8 px: the hip anchor is below the centre but
        # the segments are placed as if it were above it
        leg_h, leg_down = GEOMETRY.leg_h / SCALE, -GEOMETRY.hip_below / SCALE
        for side in (-1, 1):
            tilt = side * LEG_TILT
            thigh = self._add_part(world, "thigh", (x, y - leg_h / 2 - leg_down), thigh_fd, tilt)
            self._add_motor(
                world,
                self.head,
                thigh,
                None,
                HIP_LIMITS,
                HIP_SPEED,
                local_anchors=((0.0, leg_down), (0.0, leg_h / 2)),
            )
            shin = self._add_part(world, "shin", (x, y - leg_h * 3 / 2 - leg_down), shin_fd, tilt)
            self._add_motor(
                world,
                thigh,
                shin,
                None,
                KNEE_LIMITS,
                KNEE_SPEED,
                angle_offset=KNEE_ANGLE_OFFSET,
                report_contact=True,
                local_anchors=((0.0, -leg_h / 2), (0.0, leg_h / 2)),
            )
