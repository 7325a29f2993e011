"""TeachMyAgent's ``classic_bipedal``: the old bipedal with hips 3 px under the centre.

Straight legs, placed where the joints join them (no solver snap at the first
step, unlike the old body).

Hull contact: critical on Stump and Hexagon Tracks (TeachMyAgent builds every
walker there with ``reset_on_hull_critical_contact=True``), allowed on Parkour
(``False``); the environment passes ``critical_head`` accordingly. Built as
TeachMyAgent's ``ClassicBipedalBody.draw`` builds it; replayed side by side with TeachMyAgent's
environments, its trajectories agree bit for bit.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.legged import LeggedGeometry, LeggedWalker

GEOMETRY = LeggedGeometry(
    hull=((-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)),
    hull_bottom_width=64,
    leg_w=8,
    leg_h=34,
    hip_below=3,
)


class ClassicBipedal(LeggedWalker):
    name = "classic_bipedal"
    teachmyagent_class = "ClassicBipedalBody"
    geometry = GEOMETRY

    def __init__(
        self,
        motors_torque: float = 80.0,
        critical_head: bool = False,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035, critical_head, survival_steps, density)
