"""TeachMyAgent's ``spider``: a 20 px square body with pairs of three-segment legs.

Each leg starts folded (up, out, then down) so the body rests low between its
legs; only the last segment reports ground contact. Torque 100, torque penalty
divided by the number of leg pairs.

Body contact: critical on Stump and Hexagon Tracks (TeachMyAgent builds every
walker there with ``reset_on_hull_critical_contact=True``), allowed on Parkour
(``False``); the environment passes ``critical_head`` accordingly. Built as
TeachMyAgent's ``SpiderBody.draw`` builds it; replayed side by side with TeachMyAgent's
environments, its trajectories agree bit for bit.
"""

from __future__ import annotations

import math

from Box2D import b2World
from teachbench.tasks.envs.bodies.base import Body, box_fixture, polygon_fixture
from teachbench.tasks.envs.bodies.legged import HIP_SPEED, KNEE_SPEED
from teachbench.tasks.envs.constants import SCALE

BODY_HALF = 10  # px
LEG_W, LEG_H = 6, 20  # px
HIP_BELOW = 4  # px
# (initial angle / pi, joint limit / pi, motor speed) of the three segments
SEGMENTS = ((0.25, 0.1, HIP_SPEED), (0.7, 0.15, HIP_SPEED), (0.9, 0.2, KNEE_SPEED))


class Spider(Body):
    name = "spider"
    teachmyagent_class = "SpiderBody"

    def __init__(
        self,
        motors_torque: float = 100.0,
        nb_pairs_of_legs: int = 2,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        if nb_pairs_of_legs < 1:
            raise ValueError(f"nb_pairs_of_legs must be >= 1, got {nb_pairs_of_legs}")
        self.nb_pairs_of_legs = int(nb_pairs_of_legs)
        super().__init__(
            motors_torque, 0.00035 / self.nb_pairs_of_legs, critical_head, survival_steps, density
        )

    @property
    def n_motors(self) -> int:
        return 6 * self.nb_pairs_of_legs

    @property
    def n_contact_flags(self) -> int:
        return 2 * self.nb_pairs_of_legs

    @property
    def width(self) -> float:
        return (2 * BODY_HALF + 4 * LEG_H) / SCALE

    @property
    def spawn_height(self) -> float:
        return (LEG_H + HIP_BELOW) / SCALE

    def _build(self, world: b2World, x: float, y: float) -> None:
        s = BODY_HALF / SCALE
        body_fd = polygon_fixture([(-s, s), (s, s), (s, -s), (-s, -s)], 5.0)
        self.head = self._add_part(world, "body", (x, y), body_fd, critical=self.critical_head)
        leg_h = LEG_H / SCALE
        for side in (1, -1) * self.nb_pairs_of_legs:
            joint = (x - side * s, y - HIP_BELOW / SCALE)
            parent = self.head
            for k, (angle_pi, limit_pi, speed) in enumerate(SEGMENTS):
                angle = angle_pi * math.pi * side
                # a segment at angle θ extends from its joint along (-sin θ, cos θ)
                dx, dy = -math.sin(angle) * leg_h, math.cos(angle) * leg_h
                centre = (joint[0] + dx / 2, joint[1] + dy / 2)
                last = k == len(SEGMENTS) - 1
                width = (0.8 if last else 1.0) * LEG_W / SCALE
                part = self._add_part(
                    world, f"leg{k}", centre, box_fixture(width / 2, leg_h / 2, 1.0), angle
                )
                limit = limit_pi * math.pi
                self._add_motor(
                    world, parent, part, joint, (-limit, limit), speed, report_contact=last
                )
                parent = part
                joint = (joint[0] + dx, joint[1] + dy)
