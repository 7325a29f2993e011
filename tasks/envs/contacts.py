"""Contact bookkeeping between agent parts and the terrain.

Box2D reports contacts through one listener per world. This one follows
TeachMyAgent's listeners (``ContactDetector`` of both environments and
``ClimbingContactDetector``):

- a solid part's ``has_contact`` is set when a contact with solid terrain begins
  and cleared when any such contact ends: the observation's 0/1 contact flags;
- a critical part touching solid terrain raises :attr:`ContactMonitor.critical`
  (the −100 ending), except a climber touching graspable terrain (the ceiling);
- a climber's grasp sensor records, in order, the graspable fixtures (ceiling
  edges, creepers) it starts to overlap and forgets them when the overlap ends.

Creepers are sensors: a solid part starting to overlap one is ignored, but the
overlap ending clears its flag, as in TeachMyAgent. Water acts geometrically
(water.py) and never touches the flags.
"""

from __future__ import annotations

import enum

from Box2D import b2Body, b2Contact, b2ContactListener, b2Fixture
from teachbench.tasks.envs.bodies.base import GraspSensor, Part


class Surface(enum.Enum):
    """userData of terrain bodies."""

    GROUND = "ground"
    GRIP = "grip"  # graspable solid terrain (Parkour ceiling)
    WATER = "water"
    CREEPER = "creeper"


GRASPABLE = (Surface.GRIP, Surface.CREEPER)


class ContactMonitor(b2ContactListener):
    """Sets contact flags, grasp candidates and the critical-contact flag."""

    def __init__(self, grip_is_safe: bool = False) -> None:
        super().__init__()
        # Climbers may touch graspable terrain with any part (facts 1.3).
        self.grip_is_safe = grip_is_safe
        self.critical = False
        #: grasp sensors in the order they first touched graspable terrain
        self.grasp_order: list[b2Body] = []

    def reset(self) -> None:
        self.critical = False
        self.grasp_order = []

    @staticmethod
    def _pair(contact: b2Contact) -> tuple[b2Fixture, Part, b2Fixture, Surface] | None:
        """(agent fixture, its part, terrain fixture, surface), or None."""
        fa, fb = contact.fixtureA, contact.fixtureB
        ua, ub = fa.body.userData, fb.body.userData
        if isinstance(ua, Part) and isinstance(ub, Surface):
            return fa, ua, fb, ub
        if isinstance(ub, Part) and isinstance(ua, Surface):
            return fb, ub, fa, ua
        return None

    def BeginContact(self, contact: b2Contact) -> None:
        pair = self._pair(contact)
        if pair is None:
            return
        agent_fixture, part, terrain_fixture, surface = pair
        if isinstance(part, GraspSensor):
            if surface in GRASPABLE:
                part.has_contact = True
                part.touching.append(terrain_fixture)
                if agent_fixture.body not in self.grasp_order:
                    self.grasp_order.append(agent_fixture.body)
            return
        if agent_fixture.sensor or terrain_fixture.sensor:
            return
        part.has_contact = True
        if part.critical and not (self.grip_is_safe and surface is Surface.GRIP):
            self.critical = True

    def EndContact(self, contact: b2Contact) -> None:
        pair = self._pair(contact)
        if pair is None:
            return
        _, part, terrain_fixture, _ = pair
        if isinstance(part, GraspSensor):
            if part.has_contact:
                if terrain_fixture in part.touching:
                    part.touching.remove(terrain_fixture)
                if not part.touching:
                    part.has_contact = False
            return
        part.has_contact = False
