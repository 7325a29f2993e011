"""The shared Box2D task environment: a body crossing a procedurally generated track.

Stump Tracks, Hexagon Tracks and Parkour differ in their task parameters, terrain
and extra physics; the step loop, observation head, reward shaping and endings
(facts 1.2 and 1.3) are the same and live here so that they cannot drift apart.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from Box2D import b2World
from teachbench.tasks.envs.bodies import Body, make_body
from teachbench.tasks.envs.constants import (
    CRASH_REWARD,
    FPS,
    HEAD_ANGLE_PENALTY,
    INITIAL_RANDOM,
    NB_LIDAR,
    POSITION_ITERATIONS,
    PROGRESS_REWARD,
    SCALE,
    SUCCESS_RETURN,
    TERRAIN_HEIGHT,
    TERRAIN_STARTPAD,
    TERRAIN_STEP,
    TORQUE_COST_SCALE,
    VELOCITY_ITERATIONS,
    VIEWPORT_H,
    VIEWPORT_W,
)
from teachbench.tasks.envs.contacts import ContactMonitor
from teachbench.tasks.envs.lidar import Lidar
from teachbench.tasks.envs.task_params import TaskLayout

_DT = 1.0 / FPS
_VX_NORM = 0.3 * (VIEWPORT_W / SCALE) / FPS
_VY_NORM = 0.3 * (VIEWPORT_H / SCALE) / FPS
_ANGVEL_NORM = 2.0 / FPS


class TrackEnv(gym.Env):
    """Base class; subclasses define ``layout``, ``_build_terrain`` and ``end_x``.

    Constructor: ``body`` (a name of :data:`teachbench.tasks.envs.bodies.BODIES`),
    ``render_mode`` (None or ``"rgb_array"``), ``lidar`` (override the fan:
    ``down``/``up``/``full``) and any body option (``motors_torque``...).

    ``reset(seed=..., options={"task": t})`` takes ``t`` as a dict of named
    parameters or a vector in ``layout.names`` order; without a task the previous
    one (initially ``layout.defaults()``) is kept. The seed fixes the terrain noise
    and the initial push. Deliberate difference: the draws come from gymnasium's
    generator, and TeachMyAgent's numpy ``RandomState`` also draws cloud shapes
    and a zero roughness per stretch of grass, so one seed does not give both the
    same episode; fed TeachMyAgent's own draws, the episode is TeachMyAgent's
    (tests/envs/test_fidelity.py replays recorded ones).

    Observation: head angle, angular velocity, vx, vy (normalised as in TeachMyAgent),
    then ``_extra_head_obs`` (Parkour: under water, dead), then the body's motor
    state (and climbers' grasp state), then the lidar fractions and, where
    ``lidar_flags`` is set, the lidar surface flags. ``info["success"]`` is
    ``episodic return > 230``.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": FPS}
    layout: ClassVar[TaskLayout]
    default_body: ClassVar[str] = "old_classic_bipedal"
    lidar_fan: ClassVar[str] = "down"
    n_extra_head_obs: ClassVar[int] = 0
    lidar_flags: ClassVar[bool] = False
    camera_follows_y: ClassVar[bool] = False

    def __init__(
        self,
        body: str = "old_classic_bipedal",
        render_mode: str | None = None,
        lidar: str | None = None,
        **body_kwargs: Any,
    ) -> None:
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.render_mode = render_mode
        self.body_name = body
        self.body: Body = self._make_body(body, body_kwargs)
        self.lidar = Lidar(lidar or self.lidar_fan)
        self.startpad = max(TERRAIN_STARTPAD, self.body.width / TERRAIN_STEP + 5)
        n = self.body.action_size
        self.action_space = gym.spaces.Box(-1.0, 1.0, (n,), np.float32)
        obs_dim = (
            4
            + self.n_extra_head_obs
            + self.body.state_size
            + NB_LIDAR * (2 if self.lidar_flags else 1)
        )
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, (obs_dim,), np.float32)
        self.task: dict[str, Any] = self.layout.defaults()
        self.world: b2World | None = None
        self.monitor = ContactMonitor(grip_is_safe=self._grip_is_safe())
        self._prev_shaping = 0.0
        self.episodic_return = 0.0
        self.episode_steps = 0
        self._renderer = None

    # --- hooks ------------------------------------------------------------------------
    def _make_body(self, name: str, kwargs: dict[str, Any]) -> Body:
        return make_body(name, **kwargs)

    def _grip_is_safe(self) -> bool:
        return False

    @abstractmethod
    def _build_terrain(self, world: b2World) -> None:
        """Create the static terrain of ``self.task`` using ``self.np_random``."""

    @property
    @abstractmethod
    def end_x(self) -> float:
        """The episode ends (successfully) once the head passes this x."""

    @property
    def spawn_x(self) -> float:
        return TERRAIN_STEP * self.startpad / 2

    @property
    def spawn_y(self) -> float:
        return TERRAIN_HEIGHT + self.body.spawn_height

    def _after_spawn(self) -> None:
        """Called once the body exists (climbers hang themselves here)."""

    def _before_physics(self, action: Sequence[float]) -> None:
        """Called before each Box2D step (grasp release)."""

    def _after_physics(self) -> None:
        """Called after each Box2D step (grasp joints, water forces)."""

    def _extra_head_obs(self, x: float, y: float, out: list[float]) -> None:
        """Append ``n_extra_head_obs`` values after the head block."""

    def _extra_body_obs(self, out: list[float]) -> None:
        """Append body-related values after the motor state (climbers' grasp state)."""

    def _agent_is_disabled(self) -> bool:
        """True when the agent is dead and its actions are ignored."""
        return False

    # --- gymnasium API ----------------------------------------------------------------
    def set_task(self, task: Any) -> None:
        """Validate and store the task used by the next reset."""
        self.task = self.layout.parse(task)

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        if options and options.get("task") is not None:
            self.set_task(options["task"])
        self._drop_world()
        self.world = b2World(gravity=(0, -10), contactListener=self.monitor)
        self.monitor.reset()
        self.lidar.reset()
        self._build_terrain(self.world)
        push = float(self.np_random.uniform(-INITIAL_RANDOM, INITIAL_RANDOM))
        self.body.build(self.world, self.spawn_x, self.spawn_y, push)
        self._after_spawn()
        # Like TeachMyAgent, let the solver settle the spawned body for one step
        # (motors idle, climbers gripping) and return the state after it.
        self._physics_step(self.settle_action())
        self.episodic_return = 0.0
        self.episode_steps = 0
        obs = self._observe()
        self._prev_shaping = self._shaping()
        return obs, {"success": False}

    def step(
        self, action: np.ndarray | Sequence[float]
    ) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        if self.world is None:
            raise RuntimeError("call reset() before step()")
        act = action.tolist() if isinstance(action, np.ndarray) else [float(a) for a in action]
        if len(act) != self.body.action_size:
            raise ValueError(f"action has {len(act)} values, expected {self.body.action_size}")
        if self._agent_is_disabled():
            act = [0.0] * len(act)
        self._physics_step(act)
        self.episode_steps += 1

        obs = self._observe()
        x = self.body.head.position[0]
        shaping = self._shaping()
        reward = shaping - self._prev_shaping
        self._prev_shaping = shaping
        cost = 0.0
        for a in act:
            cost += min(abs(a), 1.0)
        reward -= self.body.torque_penalty * TORQUE_COST_SCALE * cost

        terminated = False
        if self.monitor.critical or x < 0:
            reward = CRASH_REWARD
            terminated = True
        elif x > self.end_x:
            terminated = True
        self.episodic_return += reward
        info = {"success": self.episodic_return > SUCCESS_RETURN}
        return obs, float(reward), terminated, False, info

    def settle_action(self) -> list[float]:
        """Idle motors, closed hands: the action used while a body settles at reset."""
        return [0.0] * self.body.n_motors + [1.0] * self.body.n_grasp

    def _physics_step(self, act: list[float]) -> None:
        self.body.apply_action(act)
        self._before_physics(act)
        self.world.Step(_DT, VELOCITY_ITERATIONS, POSITION_ITERATIONS)
        self._after_physics()

    def _shaping(self) -> float:
        """130·x/SCALE − 5·|head angle| (the angle term is dropped for some bodies)."""
        head = self.body.head
        shaping = PROGRESS_REWARD * head.position[0] / SCALE
        if not self.body.ignore_head_angle:
            shaping -= HEAD_ANGLE_PENALTY * abs(head.angle)
        return shaping

    def _observe(self) -> np.ndarray:
        head = self.body.head
        x, y = head.position
        vel = head.linearVelocity
        self.lidar.scan(self.world, x, y)
        out = [
            head.angle,
            _ANGVEL_NORM * head.angularVelocity,
            _VX_NORM * vel[0],
            _VY_NORM * vel[1],
        ]
        self._extra_head_obs(x, y, out)
        self.body.write_state(out)
        self._extra_body_obs(out)
        out.extend(self.lidar.fractions)
        if self.lidar_flags:
            out.extend(self.lidar.flags)
        return np.array(out, dtype=np.float32)

    def render(self) -> np.ndarray | None:
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode='rgb_array'")
            return None
        from teachbench.tasks.envs.rendering import render_follow

        return render_follow(self)

    def _drop_world(self) -> None:
        """Free the current world. Bodies are destroyed one by one because pybox2d
        only releases their Python userData then; the listener is detached first,
        as Box2D would otherwise call back into Python while tearing contacts down."""
        if self.world is None:
            return
        self.world.contactListener = None
        for body in list(self.world.bodies):
            self.world.DestroyBody(body)
        self.world = None
        self.body.parts, self.body.motors, self.body.head, self.body.sensors = [], [], None, []
        self.monitor.reset()  # it holds the grasp sensors of the freed world

    def close(self) -> None:
        self._drop_world()
