"""Hexagon Tracks (Stump Tracks' ``poly_shape`` variant, the CoRL 2019 12-D space).

Task (vector order): ``poly_shape_0..11``, six (dx, dy) offsets in terrain steps,
one per vertex of a base hexagon ``(-½,0) (-½,¼) (-¼,½) (¼,½) (½,¼) (½,0)``. Each
obstacle moves vertex k by ``(offset_k + N(0, 0.1))·TERRAIN_STEP``; the first and
last vertices keep their height on the ground, so poly_shape_1 and poly_shape_11
have no effect (as in TeachMyAgent). Obstacles are 1 world unit apart plus
``obstacle_spacing`` (a constructor option, TeachMyAgent's default 8).
"""

from __future__ import annotations

from typing import Any, ClassVar

from teachbench.tasks.envs.constants import TERRAIN_HEIGHT, TERRAIN_STEP
from teachbench.tasks.envs.stump_tracks import ObstacleTrack
from teachbench.tasks.envs.task_params import Param, TaskLayout
from teachbench.tasks.envs.terrain import Point

BASE_HEXAGON = ((-0.5, 0.0), (-0.5, 0.25), (-0.25, 0.5), (0.25, 0.5), (0.5, 0.25), (0.5, 0.0))
VERTEX_NOISE = 0.1
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
        shape = self.task["poly_shape"]
        noisy = self.np_random.normal(shape, VERTEX_NOISE)
        last = len(BASE_HEXAGON) - 1
        poly = []
        for k, (bx, by) in enumerate(BASE_HEXAGON):
            px = x + (bx + noisy[2 * k]) * TERRAIN_STEP
            dy = 0.0 if k in (0, last) else noisy[2 * k + 1]
            poly.append((float(px), float(TERRAIN_HEIGHT + (by + dy) * TERRAIN_STEP)))
        return poly, HEXAGON_ADVANCE
