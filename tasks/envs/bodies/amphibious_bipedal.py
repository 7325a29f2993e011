"""TeachMyAgent's ``amphibious_bipedal``: the classic bipedal, light enough to swim.

Same outline as the classic bipedal, but its densities follow the water's
(hull 1.25×, legs 0.25×), so it floats, and it lives in both milieus (it never
dies of being in or out of water). Its hull contact is never critical, in either
environment (TeachMyAgent hard-codes it). Built as TeachMyAgent's
``AmphibiousBipedalBody.draw`` builds it; replayed side by side, it agrees bit for
bit out of water.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.base import BodyKind
from teachbench.tasks.envs.bodies.classic_bipedal import GEOMETRY
from teachbench.tasks.envs.bodies.legged import LeggedWalker


class AmphibiousBipedal(LeggedWalker):
    name = "amphibious_bipedal"
    teachmyagent_class = "AmphibiousBipedalBody"
    kind = BodyKind.AMPHIBIAN
    geometry = GEOMETRY
    default_survival_steps = None

    def __init__(self, motors_torque: float = 80.0, water_density: float = 1.0) -> None:
        super().__init__(motors_torque, 0.00035, critical_head=False)
        self.hull_density = 1.25 * water_density
        self.leg_density = 0.25 * water_density
