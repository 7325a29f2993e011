"""Embodiments, found by their TeachMyAgent name.

``make_body(name, **kwargs)`` builds one; kwargs are the body's own options
(``motors_torque``, ``critical_head``, ``survival_steps``, leg counts...).
"""

from __future__ import annotations

from typing import Any

from teachbench.tasks.envs.bodies.amphibious_bipedal import AmphibiousBipedal
from teachbench.tasks.envs.bodies.base import Body, BodyKind
from teachbench.tasks.envs.bodies.big_quadruped import BigQuadruped
from teachbench.tasks.envs.bodies.classic_bipedal import ClassicBipedal
from teachbench.tasks.envs.bodies.climbing_chest_profile_chimpanzee import (
    ClimbingChestProfileChimpanzee,
)
from teachbench.tasks.envs.bodies.climbing_profile_chimpanzee import ClimbingProfileChimpanzee
from teachbench.tasks.envs.bodies.fish import Fish
from teachbench.tasks.envs.bodies.millipede import Millipede
from teachbench.tasks.envs.bodies.old_classic_bipedal import OldClassicBipedal
from teachbench.tasks.envs.bodies.profile_chimpanzee import ProfileChimpanzee
from teachbench.tasks.envs.bodies.small_bipedal import SmallBipedal
from teachbench.tasks.envs.bodies.spider import Spider
from teachbench.tasks.envs.bodies.wheel import Wheel

BODIES: dict[str, type[Body]] = {
    cls.name: cls
    for cls in (
        OldClassicBipedal,
        ClassicBipedal,
        SmallBipedal,
        BigQuadruped,
        Spider,
        Millipede,
        Wheel,
        ProfileChimpanzee,
        AmphibiousBipedal,
        Fish,
        ClimbingProfileChimpanzee,
        ClimbingChestProfileChimpanzee,
    )
}


def make_body(name: str, **kwargs: Any) -> Body:
    """Build the body called `name` (a key of :data:`BODIES`)."""
    try:
        cls = BODIES[name]
    except KeyError:
        raise ValueError(f"unknown body {name!r}; known bodies: {sorted(BODIES)}") from None
    return cls(**kwargs)


__all__ = ["BODIES", "Body", "BodyKind", "make_body"]
