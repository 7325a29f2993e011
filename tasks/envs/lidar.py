"""Ten-ray lidar fan attached to the agent's head.

A ray i points at angle ``offset + span·i/10`` measured from straight down,
towards the front. The three fans of TeachMyAgent are kept: ``down`` for walkers
(Stump Tracks, Parkour walkers), ``up`` for climbers and ``full`` for swimmers.
Each ray reports the fraction of its range at which it hit, and what it hit
(−1 water, +1 creeper, 0 anything else) for Parkour's surface flags.

As in TeachMyAgent's ``LidarCallback``, a ray that hits nothing keeps the
surface flag of its last hit (only the fraction goes back to 1); flags start at
0 at every reset.
"""

from __future__ import annotations

import math

from Box2D import b2Fixture, b2RayCastCallback, b2Vec2, b2World
from teachbench.tasks.envs.constants import LIDAR_MASK, LIDAR_RANGE, NB_LIDAR
from teachbench.tasks.envs.contacts import Surface

FANS: dict[str, tuple[float, float]] = {  # name -> (span, offset) in radians
    "down": (1.5, 0.0),
    "up": (2.3, 1.5),
    "full": (math.pi, 0.0),
}


class _Ray(b2RayCastCallback):
    """Closest hit of one ray among terrain, water and creeper fixtures."""

    __slots__ = ("flag", "fraction")

    def __init__(self) -> None:
        super().__init__()
        self.fraction = 1.0
        self.flag = 0.0

    def ReportFixture(
        self, fixture: b2Fixture, point: b2Vec2, normal: b2Vec2, fraction: float
    ) -> float:
        if not fixture.filterData.categoryBits & LIDAR_MASK:
            return -1.0  # ignore (agent parts); keep looking
        self.fraction = fraction
        surface = fixture.body.userData
        self.flag = (
            -1.0 if surface is Surface.WATER else (1.0 if surface is Surface.CREEPER else 0.0)
        )
        return fraction


class Lidar:
    """A fan of NB_LIDAR rays; ``scan`` fills ``fractions`` and ``flags``."""

    def __init__(self, fan: str = "down") -> None:
        if fan not in FANS:
            raise ValueError(f"unknown lidar fan {fan!r}; expected one of {sorted(FANS)}")
        span, offset = FANS[fan]
        self.fan = fan
        angles = [offset + span * i / NB_LIDAR for i in range(NB_LIDAR)]
        self._offsets = [(math.sin(a) * LIDAR_RANGE, -math.cos(a) * LIDAR_RANGE) for a in angles]
        self._rays = [_Ray() for _ in range(NB_LIDAR)]
        self.origin = (0.0, 0.0)

    def reset(self) -> None:
        """Forget the surface flags (a new episode)."""
        for ray in self._rays:
            ray.flag = 0.0

    def scan(self, world: b2World, x: float, y: float) -> None:
        self.origin = (x, y)
        for ray, (dx, dy) in zip(self._rays, self._offsets, strict=True):
            ray.fraction = 1.0
            world.RayCast(ray, (x, y), (x + dx, y + dy))

    @property
    def fractions(self) -> list[float]:
        return [ray.fraction for ray in self._rays]

    @property
    def flags(self) -> list[float]:
        return [ray.flag for ray in self._rays]

    def segments(self) -> list[tuple[tuple[float, float], tuple[float, float]]]:
        """(origin, hit point) of each ray, for drawing."""
        x, y = self.origin
        return [
            ((x, y), (x + dx * r.fraction, y + dy * r.fraction))
            for r, (dx, dy) in zip(self._rays, self._offsets, strict=True)
        ]
