"""Contact bookkeeping between agent parts and the terrain.

Box2D reports contacts through one listener per world; this one keeps, per agent
part, the number of touching solid terrain fixtures (the observation's contact
flags) and raises a flag when a critical part touches terrain it may not touch
(the −100 ending). Grasping and water are geometric and handled elsewhere.
"""

from __future__ import annotations

import enum

from Box2D import b2Contact, b2ContactListener
from teachbench.tasks.envs.bodies.base import Part


class Surface(enum.Enum):
    """userData of terrain bodies."""

    GROUND = "ground"
    GRIP = "grip"  # graspable solid terrain (Parkour ceiling)
    WATER = "water"
    CREEPER = "creeper"


class ContactMonitor(b2ContactListener):
    """Counts part/terrain contacts and detects critical ones."""

    def __init__(self, grip_is_safe: bool = False) -> None:
        super().__init__()
        # Climbers may touch graspable terrain with any part (facts 1.3).
        self.grip_is_safe = grip_is_safe
        self.critical = False

    def reset(self) -> None:
        self.critical = False

    @staticmethod
    def _pair(contact: b2Contact) -> tuple[Part, Surface] | None:
        fa, fb = contact.fixtureA, contact.fixtureB
        if fa.sensor or fb.sensor:
            return None
        ua, ub = fa.body.userData, fb.body.userData
        if isinstance(ua, Part) and isinstance(ub, Surface):
            return ua, ub
        if isinstance(ub, Part) and isinstance(ua, Surface):
            return ub, ua
        return None

    def BeginContact(self, contact: b2Contact) -> None:
        pair = self._pair(contact)
        if pair is None:
            return
        part, surface = pair
        part.contacts += 1
        if part.critical and not (self.grip_is_safe and surface is Surface.GRIP):
            self.critical = True

    def EndContact(self, contact: b2Contact) -> None:
        pair = self._pair(contact)
        if pair is not None and pair[0].contacts > 0:
            pair[0].contacts -= 1
