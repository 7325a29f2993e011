"""Stump Tracks (TeachMyAgent's ``parametric-continuous-stump-tracks-v0``).

Task (vector order): ``stump_height`` (mean height, in terrain steps) and
``obstacle_spacing`` (flat ground between stumps, in world units). After a flat
start pad the track alternates one stump, ``TERRAIN_STEP`` wide and
``max(0.05, N(stump_height, 0.1))·TERRAIN_STEP`` tall, with ``max(0.01, spacing)``
of flat ground, up to ``TERRAIN_LENGTH·TERRAIN_STEP``. The episode ends once the
head passes ``(TERRAIN_LENGTH − 10)·TERRAIN_STEP``.

As in TeachMyAgent's ``ParametricContinuousStumpTracks``:

- the flat ground ends where the last stump or stretch of grass *starts* (its
  generator records each piece's start only), which, depending on the spacing,
  can be before the finish line (87.4 for spacing 6, finish at 88.67);
- every walker is built with ``reset_on_hull_critical_contact=True``
  (``critical_head=True`` here): its hull touching the ground ends the episode
  with −100. Bodies that ignore that flag in TeachMyAgent ignore it here too
  (the millipede is never critical, the chimpanzee always); swimmers and
  amphibians are never critical;
- the old bipedal spawns with its hull ``2·LEG_H`` above the ground.
"""

from __future__ import annotations

from typing import Any, ClassVar

from Box2D import b2World
from teachbench.tasks.envs.bodies import BODIES, Body, BodyKind, make_body
from teachbench.tasks.envs.constants import TERRAIN_HEIGHT, TERRAIN_LENGTH, TERRAIN_STEP
from teachbench.tasks.envs.contacts import Surface
from teachbench.tasks.envs.task_params import Param, TaskLayout
from teachbench.tasks.envs.terrain import Point, add_polygon, add_polyline, static_body
from teachbench.tasks.envs.track_env import TrackEnv

TERRAIN_END = 10  # steps
STUMP_HEIGHT_STD = 0.1
MIN_STUMP_HEIGHT = 0.05  # in terrain steps
MIN_SPACING = 0.01  # world units


class ObstacleTrack(TrackEnv):
    """A flat track with a row of obstacles; subclasses shape one obstacle."""

    def __init__(self, body: str = "old_classic_bipedal", **kwargs: Any) -> None:
        super().__init__(body=body, **kwargs)
        if self.body.n_grasp:
            raise ValueError(f"body {body!r} climbs and needs a ceiling: use teachbench/Parkour-v0")
        self.obstacles: list[list[Point]] = []
        self.ground: list[Point] = []

    def _make_body(self, name: str, kwargs: dict[str, Any]) -> Body:
        cls = BODIES.get(name)
        if cls is not None and cls.kind is BodyKind.WALKER:
            kwargs = {"critical_head": True, **kwargs}  # a fall on the hull ends it
        return make_body(name, **kwargs)

    @property
    def spawn_y(self) -> float:
        return TERRAIN_HEIGHT + self.body.stump_spawn_height

    @property
    def end_x(self) -> float:
        return (TERRAIN_LENGTH - TERRAIN_END) * TERRAIN_STEP

    def _spacing(self) -> float:
        raise NotImplementedError

    def _obstacle(self, x: float) -> tuple[list[Point], float]:
        """Vertices of the obstacle starting at x, and how far it advances x."""
        raise NotImplementedError

    def _build_terrain(self, world: b2World) -> None:
        terrain = static_body(world, Surface.GROUND)
        self.obstacles = []
        x = self.startpad * TERRAIN_STEP
        max_x = TERRAIN_LENGTH * TERRAIN_STEP
        spacing = max(MIN_SPACING, self._spacing())
        # TeachMyAgent's ground: one edge from each recorded point to the next, where
        # a point is recorded at the start of the pad and of every stump and grass
        # stretch (never at the end of the last one)
        self.ground = [(0.0, TERRAIN_HEIGHT), (x, TERRAIN_HEIGHT)]
        while x < max_x:
            self.ground.append((x, TERRAIN_HEIGHT))
            poly, advance = self._obstacle(x)
            if add_polygon(terrain, poly):
                self.obstacles.append(poly)
            x += advance
            if x < max_x:
                self.ground.append((x, TERRAIN_HEIGHT))
                x += spacing
        add_polyline(terrain, self.ground)


class StumpTracks(ObstacleTrack):
    """Stump Tracks: task = (stump_height, obstacle_spacing)."""

    layout: ClassVar[TaskLayout] = TaskLayout(
        Param("stump_height", -10.0, 10.0, default=0.0),
        Param("obstacle_spacing", 0.0, 100.0, default=8.0),
    )

    def _spacing(self) -> float:
        return self.task["obstacle_spacing"]

    def _obstacle(self, x: float) -> tuple[list[Point], float]:
        h = self.np_random.normal(self.task["stump_height"], STUMP_HEIGHT_STD)
        top = TERRAIN_HEIGHT + max(MIN_STUMP_HEIGHT, h) * TERRAIN_STEP
        w = TERRAIN_STEP
        return [(x, TERRAIN_HEIGHT), (x + w, TERRAIN_HEIGHT), (x + w, top), (x, top)], w
