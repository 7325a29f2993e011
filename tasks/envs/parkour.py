"""Parkour (TeachMyAgent's ``parametric-continuous-parkour-v0``), without TensorFlow.

Task (vector order, as in the Parkour test sets): ``input_vector_0..2`` (CPPN
input), ``water_level``, ``creepers_width``, ``creepers_height``,
``creepers_spacing``, ``terrain_cppn_scale``.

Terrain (cppn_architecture.md): the CPPN output divided by the scale gives ground
and ceiling; the ground is shifted to start at TERRAIN_HEIGHT, the ceiling at
TERRAIN_HEIGHT + 200/scale, and clipped to stay above the ground. A flat start
pad precedes the 200 CPPN points. Creepers hang from the ceiling every
``creepers_spacing`` (≥ 0.01), each ``max(0.2, width)`` wide and
``max(0.2, N(height, 0.1))`` long. Water fills everything below
``GROUND_LIMIT + max(0.01, level)·(max ceiling − GROUND_LIMIT)``.

Agents: walkers (built with TeachMyAgent's ``reset_on_hull_critical_contact=False``,
so hull contact is allowed, except for the chimpanzee, whose head and chest are
always critical), climbers (grasp, see climbing.py; they start hanging from the
ceiling: grasp sensors moved onto the start-pad ceiling, the body moved up by as
much, then 5 + 1 settling steps with closed hands; head, chest and shins may
touch the ceiling but not the ground) and swimmers. Walkers and climbers die
after 600 steps under water, swimmers after 600 out of it; a dead agent's
actions are ignored but the episode goes on. The observation adds
``under_water`` and ``dead`` after the head block and 10 lidar surface flags
(−1 water, +1 creeper, 0 other; a ray that hits nothing keeps its last flag, as
in TeachMyAgent) at the end.

Side by side with TeachMyAgent's environment (same task, same random draws,
same open-loop actions) every body replays its trajectory to float32 rounding of
the terrain, climbers' grasps and releases included, except where water acts
(our closed-form water agrees to about 1e-3 after hundreds of steps) and the
millipede, whose many simultaneous foot contacts are met in an order that
depends on the Box2D world's history: TeachMyAgent's own environment gives it a
different trajectory in its second episode than in its first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
from Box2D import b2World
from teachbench.tasks.envs.bodies import BODIES, Body, BodyKind, make_body
from teachbench.tasks.envs.bodies.climbing_profile_chimpanzee import SENSOR_RADIUS
from teachbench.tasks.envs.climbing import (
    GRASP_MARGIN,
    GraspableBodies,
    attach,
    release_or_ready,
    sensor_state,
)
from teachbench.tasks.envs.constants import (
    CAT_CREEPER,
    CAT_GRIP,
    CAT_WATER,
    TERRAIN_HEIGHT,
    TERRAIN_LENGTH,
    TERRAIN_STEP,
)
from teachbench.tasks.envs.contacts import Surface
from teachbench.tasks.envs.cppn import DEFAULT_WEIGHTS, TerrainCPPN
from teachbench.tasks.envs.lidar import Lidar
from teachbench.tasks.envs.task_params import Param, TaskLayout
from teachbench.tasks.envs.terrain import Point, add_edge, add_polygon, static_body
from teachbench.tasks.envs.track_env import TrackEnv
from teachbench.tasks.envs.water import Water

TERRAIN_END = 5  # steps
CEILING_OFFSET = 200.0  # divided by the CPPN scale
CEILING_CLIP_OFFSET = 0.0  # divided by the CPPN scale
LIMIT = 1000.0  # GROUND_LIMIT = -LIMIT/scale, CEILING_LIMIT = LIMIT/scale
MIN_CREEPER = 0.2
CREEPER_HEIGHT_STD = 0.1
MIN_WATER_LEVEL = 0.01
MIN_CREEPER_SPACING = 0.01
HANG_STEPS = 5
LIDAR_BY_KIND = {
    BodyKind.WALKER: "down",
    BodyKind.CLIMBER: "up",
    BodyKind.SWIMMER: "full",
    BodyKind.AMPHIBIAN: "full",
}


class Parkour(TrackEnv):
    """Parkour with a walker (default ``old_classic_bipedal``), climber or swimmer."""

    layout: ClassVar[TaskLayout] = TaskLayout(
        # default: the centre of TeachMyAgent's "medium" CPPN input box
        Param("input_vector", -10.0, 10.0, default=(-0.15, 0.8, 0.1), size=3),
        Param("water_level", 0.0, 1.0, default=0.0),
        Param("creepers_width", 0.0, 10.0, default=0.25),
        Param("creepers_height", 0.0, 20.0, default=0.0),
        Param("creepers_spacing", 0.0, 100.0, default=5.0),
        Param("terrain_cppn_scale", 1.0 + 1e-6, 1000.0, default=10.0),
    )
    n_extra_head_obs = 2
    lidar_flags = True
    camera_follows_y = True

    def __init__(
        self,
        body: str = "old_classic_bipedal",
        render_mode: str | None = None,
        lidar: str | None = None,
        cppn_weights: str = DEFAULT_WEIGHTS,
        water_clip: float = 20.0,
        **body_kwargs: Any,
    ) -> None:
        self.cppn = TerrainCPPN(cppn_weights)
        self.water_clip = float(water_clip)
        super().__init__(body=body, render_mode=render_mode, lidar=lidar, **body_kwargs)
        if lidar is None:
            self.lidar = Lidar(LIDAR_BY_KIND[self.body.kind])
        self.ground: list[Point] = []
        self.ceiling: list[Point] = []
        self.creepers: list[tuple[float, float, float, float]] = []
        self.water_y = 0.0
        self.water: Water | None = None
        self.steps_in_water = 0
        self.steps_out_of_water = 0

    def _make_body(self, name: str, kwargs: dict[str, Any]) -> Body:
        cls = BODIES.get(name)
        if cls is not None and cls.kind is BodyKind.WALKER:
            # TeachMyAgent builds Parkour walkers with reset_on_hull_critical_contact=False
            kwargs = {"critical_head": False, **kwargs}
        return make_body(name, **kwargs)

    def _grip_is_safe(self) -> bool:
        return self.body.kind is BodyKind.CLIMBER

    @property
    def end_x(self) -> float:
        return (TERRAIN_LENGTH + self.startpad - TERRAIN_END) * TERRAIN_STEP

    # --- terrain ------------------------------------------------------------------------
    def terrain_profile(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x, ground y and ceiling y of the track points for the current task."""
        scale = self.task["terrain_cppn_scale"]
        y = self.cppn.generate(self.task["input_vector"]).astype(np.float64) / scale
        offset = CEILING_OFFSET / scale
        ground = y[:, 0] + (TERRAIN_HEIGHT - y[0, 0])
        ceiling = y[:, 1] + (TERRAIN_HEIGHT + offset - y[0, 1])
        ceiling = np.maximum(ceiling, ground + CEILING_CLIP_OFFSET / scale)
        pad = math.ceil(self.startpad)
        n = TERRAIN_LENGTH + pad
        x = np.arange(n) * TERRAIN_STEP
        ground_y = np.concatenate([np.full(pad, TERRAIN_HEIGHT), ground[: n - pad]])
        ceiling_y = np.concatenate([np.full(pad, TERRAIN_HEIGHT + offset), ceiling[: n - pad]])
        return x, ground_y, ceiling_y

    def _build_terrain(self, world: b2World) -> None:
        x, ground_y, ceiling_y = self.terrain_profile()
        xs = x.tolist()
        self.ground = list(zip(xs, ground_y.tolist(), strict=True))
        self.ceiling = list(zip(xs, ceiling_y.tolist(), strict=True))
        creepers = iter(self._place_creepers(xs, ceiling_y.tolist()))
        self.creepers = []
        next_creeper = next(creepers, None)
        # Fixtures are created in TeachMyAgent's order (ground edge, ceiling edge,
        # creeper, for each track point) so that Box2D meets the contacts in the same
        # order; graspable fixtures get bodies as TeachMyAgent's one-body-each would
        # behave under a grasp (climbing.py).
        ground = static_body(world, Surface.GROUND)
        reach = 2 * (SENSOR_RADIUS + GRASP_MARGIN) if self.body.kind is BodyKind.CLIMBER else None
        ceiling = GraspableBodies(world, Surface.GRIP, reach)
        creeper_bodies = GraspableBodies(world, Surface.CREEPER, reach)
        for i in range(len(xs) - 1):
            add_edge(ground, self.ground[i], self.ground[i + 1])
            add_edge(
                ceiling.body_for(xs[i], xs[i + 1]), self.ceiling[i], self.ceiling[i + 1], CAT_GRIP
            )
            if next_creeper is not None and next_creeper[0] == xs[i]:
                x0, x1, y0, y1 = next_creeper
                add_polygon(
                    creeper_bodies.body_for(x0, x1),
                    [(x0, y1), (x1, y1), (x1, y0), (x0, y0)],
                    CAT_CREEPER,
                    True,
                )
                self.creepers.append(next_creeper)
                next_creeper = next(creepers, None)

        scale = self.task["terrain_cppn_scale"]
        ground_limit = -LIMIT / scale
        level = max(MIN_WATER_LEVEL, self.task["water_level"])
        self.water_y = ground_limit + level * (float(ceiling_y.max()) - ground_limit)
        water_body = static_body(world, Surface.WATER)
        add_polygon(
            water_body,
            [
                (xs[0], ground_limit),
                (xs[-1], ground_limit),
                (xs[-1], self.water_y),
                (xs[0], self.water_y),
            ],
            CAT_WATER,
            True,
        )
        self.water = Water(self.water_y, max_push=self.water_clip)
        self.steps_in_water = 0
        self.steps_out_of_water = 0

    def _place_creepers(
        self, xs: Sequence[float], ceiling: Sequence[float]
    ) -> list[tuple[float, float, float, float]]:
        spacing = max(MIN_CREEPER_SPACING, self.task["creepers_spacing"])
        width = max(MIN_CREEPER, self.task["creepers_width"])
        span = max(1, math.floor(width / TERRAIN_STEP))
        mean_h = self.task["creepers_height"]
        out = []
        since_last = spacing
        last = len(xs) - 1
        for i in range(last):
            if since_last >= spacing:
                h = max(MIN_CREEPER, float(self.np_random.normal(mean_h, CREEPER_HEIGHT_STD)))
                top = max(ceiling[i], ceiling[min(i + span, last)])
                out.append((xs[i], xs[i] + width, top - h, top))
                since_last = 0.0
            else:
                since_last += xs[i] - xs[i - 1]
        return out

    # --- agent ----------------------------------------------------------------------------
    def _after_spawn(self) -> None:
        if self.body.kind is not BodyKind.CLIMBER:
            return
        # hang the climber from the start-pad ceiling: its grasp sensors on the
        # ceiling line, the rest of the body moved up by as much
        ceiling_y = self.ceiling[0][1]
        dy = ceiling_y - self.body.sensors[0].position[1]
        for sensor in self.body.sensors:
            sensor.position = (sensor.position[0], ceiling_y)
        for part in self.body.parts:
            part.position = (part.position[0], part.position[1] + dy)
        hang = self.settle_action()
        for _ in range(HANG_STEPS):
            self._physics_step(hang)
        self.steps_in_water = self.steps_out_of_water = 0

    def _lives_in_water(self) -> bool:
        return self.body.kind is BodyKind.SWIMMER

    def _agent_is_disabled(self) -> bool:
        limit = self.body.survival_steps
        if limit is None or self.body.kind is BodyKind.AMPHIBIAN:
            return False
        away = self.steps_out_of_water if self._lives_in_water() else self.steps_in_water
        return away > limit

    def _before_physics(self, action: Sequence[float]) -> None:
        if self.body.kind is BodyKind.CLIMBER:
            release_or_ready(self.world, self.body.sensors, action[self.body.n_motors :])

    def _after_physics(self) -> None:
        if self.body.kind is BodyKind.CLIMBER:
            attach(self.world, self.monitor.grasp_order)
        self.water.apply(self.body.parts)

    def _extra_head_obs(self, x: float, y: float, out: list[float]) -> None:
        dead = self._agent_is_disabled()
        under = y <= self.water_y
        if not dead and self.episode_steps > 0:
            if under:
                self.steps_in_water += 1
                self.steps_out_of_water = 0
            else:
                self.steps_out_of_water += 1
                self.steps_in_water = 0
        out.append(1.0 if under else 0.0)
        out.append(1.0 if dead else 0.0)

    def _extra_body_obs(self, out: list[float]) -> None:
        if self.body.kind is BodyKind.CLIMBER:
            sensor_state(self.body.sensors, out)

    @property
    def is_dead(self) -> bool:
        """True once the agent stayed out of its milieu for more than its survival limit."""
        return self._agent_is_disabled()
