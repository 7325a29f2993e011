"""Hexagon Tracks (Stump Tracks' ``poly_shape`` variant, the CoRL 2019 12-D space).

Task (vector order): ``poly_shape_0..11``, six (dx, dy) offsets in terrain steps,
one per vertex of a base hexagon ``(-½,0) (-½,¼) (-¼,½) (¼,½) (½,¼) (½,0)``. Each
obstacle moves vertex k by ``(offset_k + N(0, 0.1))·TERRAIN_STEP``, each offset
first clipped to [0, 4] as TeachMyAgent does (``np.interp(poly_shape, [0, 4],
[0, 4])``): values in (4, 10] all give the same obstacles. The first and
last vertices keep their height on the ground, so poly_shape_1 and poly_shape_11
have no effect (as in TeachMyAgent). Obstacles are 1 world unit apart plus
``obstacle_spacing`` (a constructor option, TeachMyAgent's default 8).

Deliberate differences: the vertex noise comes from the env's seeded generator
(TeachMyAgent draws it from numpy's global RNG, which its seed does not fix);
and TeachMyAgent builds the hexagons without userData, so its
contact listener raises ``AttributeError`` from ``world.Step`` as soon as any
part touches one (checked by running its code); here a hexagon is solid ground
like the rest of the track (a walker's hull touching it ends the episode, as on
Stump Tracks). Terrain end and hull rule are Stump Tracks' (stump_tracks.py).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from teachbench.tasks.envs.constants import TERRAIN_HEIGHT, TERRAIN_STEP
from teachbench.tasks.envs.stump_tracks import ObstacleTrack
from teachbench.tasks.envs.task_params import Param, TaskLayout
from teachbench.tasks.envs.terrain import Point

BASE_HEXAGON = ((-0.5, 0.0), (-0.5, 0.25), (-0.25, 0.5), (0.25, 0.5), (0.5, 0.25), (0.5, 0.0))
VERTEX_NOISE = 0.1
MAX_OFFSET = 4.0  # TeachMyAgent clips every shape value to [0, MAX_OFFSET]
HEXAGON_ADVANCE = 1.0  # world units


class HexagonTracks(ObstacleTrack):
    """Hexagon Tracks: task = 12 obstacle-shape values, valid in [0, 10]."""

    layout: ClassVar[TaskLayout] = TaskLayout(Param("poly_shape", 0.0, 10.0, default=0.0, size=12))

    def __init__(
        self, body: str = "old_classic_bipedal", obstacle_spacing: float = 8.0, **kwargs: Any
    ) -> None:
        if not 0.0 <= obstacle_spacing <= 100.0:
            raise ValueError(f"obstacle_spacing = {obstacle_spacing!r} is outside [0, 100]")
        self.obstacle_spacing = float(obstacle_spacing)
        super().__init__(body=body, **kwargs)

    def _spacing(self) -> float:
        return self.obstacle_spacing

    def _obstacle(self, x: float) -> tuple[list[Point], float]:
        shape = np.clip(self.task["poly_shape"], 0.0, MAX_OFFSET)
        noisy = self.np_random.normal(shape, VERTEX_NOISE)
        last = len(BASE_HEXAGON) - 1
        poly = []
        for k, (bx, by) in enumerate(BASE_HEXAGON):
            px = x + (bx + noisy[2 * k]) * TERRAIN_STEP
            dy = 0.0 if k in (0, last) else noisy[2 * k + 1]
            poly.append((float(px), float(TERRAIN_HEIGHT + (by + dy) * TERRAIN_STEP)))
        return poly, HEXAGON_ADVANCE
