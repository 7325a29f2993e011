"""TeachMyAgent's ``small_bipedal``: the classic hull on legs half as long (17 px).

Used by the "variety of students" challenge; its short legs make tall stumps
infeasible sooner. Its declared width is 20 px, so it never widens the start pad.

Hull contact: critical on Stump and Hexagon Tracks (TeachMyAgent builds every
walker there with ``reset_on_hull_critical_contact=True``), allowed on Parkour
(``False``); the environment passes ``critical_head`` accordingly. Built as
TeachMyAgent's ``SmallBipedalBody.draw`` builds it; replayed side by side with TeachMyAgent's
environments, its trajectories agree bit for bit.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.legged import LeggedGeometry, LeggedWalker

GEOMETRY = LeggedGeometry(
    hull=((-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)),
    hull_bottom_width=20,
    leg_w=8,
    leg_h=17,
    hip_below=3,
)


class SmallBipedal(LeggedWalker):
    name = "small_bipedal"
    teachmyagent_class = "SmallBipedalBody"
    geometry = GEOMETRY

    def __init__(
        self,
        motors_torque: float = 80.0,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035, critical_head, survival_steps, density)
