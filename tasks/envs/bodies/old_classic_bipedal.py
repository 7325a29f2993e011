"""The benchmark's default body: TeachMyAgent's ``old_classic_bipedal``.

The original BipedalWalker morphology: 64 px hull, legs 8×34 px hinged 8 px under
the hull centre, legs splayed by 0.05 rad at spawn. Its hull contact ends an episode
in Stump Tracks; Parkour turns that off for walkers.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.legged import LeggedGeometry, LeggedWalker

GEOMETRY = LeggedGeometry(
    hull=((-30, 9), (6, 9), (34, 1), (34, -8), (-30, -8)),
    hull_bottom_width=64,
    leg_w=8,
    leg_h=34,
    hip_below=8,
    leg_splay=0.05,
)


class OldClassicBipedal(LeggedWalker):
    name = "old_classic_bipedal"
    geometry = GEOMETRY

    def __init__(
        self,
        motors_torque: float = 80.0,
        critical_head: bool = True,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        super().__init__(motors_torque, 0.00035, critical_head, survival_steps, density)
