"""teachbench's Box2D task environments (gymnasium), registered on import.

Ids (each with ``max_episode_steps=2000``; the body is the ``body`` kwarg):

- ``teachbench/StumpTracks-v0``   task ``(stump_height, obstacle_spacing)``
- ``teachbench/HexagonTracks-v0`` task ``poly_shape_0..11``
- ``teachbench/Parkour-v0``       task ``input_vector_0..2, water_level, creepers_width,
  creepers_height, creepers_spacing, terrain_cppn_scale``

Pass a task at ``env.reset(options={"task": ...})`` as a dict or a vector in the
order given by ``env.unwrapped.layout.names``.
"""

from __future__ import annotations

import gymnasium as gym
from teachbench.tasks.envs.constants import MAX_EPISODE_STEPS, SUCCESS_RETURN

ENV_IDS = {
    "teachbench/StumpTracks-v0": "teachbench.tasks.envs.stump_tracks:StumpTracks",
    "teachbench/HexagonTracks-v0": "teachbench.tasks.envs.hexagon_tracks:HexagonTracks",
    "teachbench/Parkour-v0": "teachbench.tasks.envs.parkour:Parkour",
}

for _env_id, _entry_point in ENV_IDS.items():
    if _env_id not in gym.registry:
        gym.register(
            id=_env_id,
            entry_point=_entry_point,
            max_episode_steps=MAX_EPISODE_STEPS,
            reward_threshold=SUCCESS_RETURN,
        )
