"""TeachMyAgent's ``climbing_chest_profile_chimpanzee``: the climber without legs.

Head, chest, two arms (shoulder, elbow, wrist) and two grasping hands: 6 motors
plus 2 grasp actions (44-D Parkour observation). Everything else, spawn height
included, is the climbing chimpanzee's, as in TeachMyAgent's
``ClimbingChestProfileChimpanzee``.
"""

from __future__ import annotations

from teachbench.tasks.envs.bodies.climbing_profile_chimpanzee import ClimbingProfileChimpanzee


class ClimbingChestProfileChimpanzee(ClimbingProfileChimpanzee):
    name = "climbing_chest_profile_chimpanzee"
    teachmyagent_class = "ClimbingChestProfileChimpanzee"
    has_legs = False
