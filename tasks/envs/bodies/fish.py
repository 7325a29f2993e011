"""The Parkour swimmer (TeachMyAgent's ``fish``).

A head followed by three body segments (3 motorised joints) and one pectoral fin
(1 motor), all reporting contact: 4 actions, 26-D Stump / 38-D Parkour
observation. Its density is the water's minus 0.01, so it barely sinks; it dies
after 600 steps out of water. The outline is teachbench's own.
"""

from __future__ import annotations

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, BodyKind, box_fixture, polygon_fixture
from teachbench.tasks.envs.constants import SCALE

HEAD = ((-8, -7), (6, -7), (14, -2), (14, 2), (6, 7), (-8, 7))  # px
# (half length, half height) of the segments behind the head, px
SEGMENTS = ((7, 6), (6, 5), (7, 3))
SEGMENT_LIMITS = (-0.6, 0.6)
FIN = (5, 1.5)
FIN_LIMITS = (-0.8, 0.8)
SPEED = 6.0
FISH_DENSITY = 1.0 - 0.01


class Fish(Body):
    name = "fish"
    kind = BodyKind.SWIMMER
    ignore_head_angle = True

    def __init__(
        self,
        motors_torque: float = 80.0,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = FISH_DENSITY,
    ) -> None:
        super().__init__(motors_torque, 0.00035, critical_head, survival_steps, density)

    @property
    def n_motors(self) -> int:
        return len(SEGMENTS) + 1

    @property
    def n_contact_flags(self) -> int:
        return len(SEGMENTS) + 1

    @property
    def width(self) -> float:
        return (14 + 8 + 2 * sum(w for w, _ in SEGMENTS)) / SCALE

    @property
    def spawn_height(self) -> float:
        return 20 / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        s = 1 / SCALE
        self.head = self._add_part(
            world,
            "head",
            (x, y),
            polygon_fixture([(px * s, py * s) for px, py in HEAD], 1.0),
            critical=self.critical_head,
        )
        parent, joint_x = self.head, x + HEAD[0][0] * s
        for half_w, half_h in SEGMENTS:
            seg = self._add_part(
                world,
                "segment",
                (joint_x - half_w * s, y),
                box_fixture(half_w * s, half_h * s, 1.0),
            )
            self._add_motor(
                world, parent, seg, (joint_x, y), SEGMENT_LIMITS, SPEED, report_contact=True
            )
            parent, joint_x = seg, joint_x - 2 * half_w * s
        fin_anchor = (x + 2 * s, y - 7 * s)
        fin = self._add_part(
            world,
            "fin",
            (fin_anchor[0] - FIN[0] * s, fin_anchor[1]),
            box_fixture(FIN[0] * s, FIN[1] * s, 1.0),
        )
        self._add_motor(world, self.head, fin, fin_anchor, FIN_LIMITS, SPEED, report_contact=True)
