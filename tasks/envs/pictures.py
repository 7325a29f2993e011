"""Pictures of tasks for humans: a PNG of a whole track, a GIF of an episode.

Used by ``teachbench show``. Both build the environment headless
(``render_mode="rgb_array"``), so they work on machines without a display.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym
import numpy as np
import teachbench.tasks.envs  # noqa: F401  (registers the ids)
from PIL import Image
from teachbench.tasks.envs.rendering import render_overview

Task = Mapping[str, Any] | Sequence[float] | np.ndarray
Policy = Callable[[np.ndarray], np.ndarray]


def save_task_png(
    env_id: str,
    task: Task,
    path: str | Path,
    seed: int = 0,
    width: int = 1600,
    **env_kwargs: Any,
) -> Path:
    """Draw the whole terrain of `task` (with the body at its start) to a PNG at `path`."""
    env = gym.make(env_id, render_mode="rgb_array", **env_kwargs)
    try:
        env.reset(seed=seed, options={"task": task})
        frame = render_overview(env.unwrapped, width=width)
    finally:
        env.close()
    path = Path(path)
    Image.fromarray(frame).save(path, format="PNG")
    return path


def save_episode_gif(
    env_id: str,
    task: Task,
    path: str | Path,
    seed: int = 0,
    policy: Policy | None = None,
    max_steps: int = 300,
    frame_every: int = 2,
    **env_kwargs: Any,
) -> float:
    """Roll out `policy` (obs -> action; None = uniform random actions from the seeded
    action space) on `task` for at most `max_steps` steps and save every
    `frame_every`-th frame of the following camera as a GIF. Returns the episode return.
    """
    env = gym.make(env_id, render_mode="rgb_array", **env_kwargs)
    frames: list[Image.Image] = []
    total = 0.0
    try:
        obs, _ = env.reset(seed=seed, options={"task": task})
        env.action_space.seed(seed)
        frames.append(Image.fromarray(env.render()))
        for t in range(max_steps):
            action = env.action_space.sample() if policy is None else policy(obs)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += float(reward)
            if t % frame_every == 0:
                frames.append(Image.fromarray(env.render()))
            if terminated or truncated:
                break
    finally:
        env.close()
    duration_ms = int(1000 * frame_every / env.metadata.get("render_fps", 50))
    frames[0].save(
        Path(path),
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=duration_ms,
        loop=0,
    )
    return total
