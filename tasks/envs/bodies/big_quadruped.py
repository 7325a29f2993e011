"""TeachMyAgent's ``big_quadru``: a 96 px hull on two pairs of 10×51 px legs.

Torque 300; the torque penalty is halved (two leg pairs) so that its cost per unit
of progress stays comparable to the bipeds'.

Hull contact: critical on Stump and Hexagon Tracks (TeachMyAgent builds every
walker there with ``reset_on_hull_critical_contact=True``), allowed on Parkour
(``False``); the environment passes ``critical_head`` accordingly. Built as
TeachMyAgent's ``BigQuadruBody.draw`` builds it; replayed side by side with TeachMyAgent's
environments, its trajectories agree bit for bit.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.legged import LeggedGeometry, LeggedWalker

GEOMETRY = LeggedGeometry(
    hull=((-46, 13), (6, 13), (50, 5), (50, -12), (-46, -12)),
    hull_bottom_width=96,
    leg_w=10,
    leg_h=51,
    hip_below=3,
    hip_positions=(-0.7, 0.5),
)


class BigQuadruped(LeggedWalker):
    name = "big_quadru"
    teachmyagent_class = "BigQuadruBody"
    geometry = GEOMETRY

    def __init__(
        self,
        motors_torque: float = 300.0,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035 / 2, critical_head, survival_steps, density)
