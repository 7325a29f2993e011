"""Gymnasium conformance of every registered env and body: env checker, seeding, rendering."""

from __future__ import annotations

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from teachbench.tasks.envs import ENV_IDS
from teachbench.tasks.envs.bodies import BODIES, BodyKind

CASES = [
    (env_id, body)
    for env_id in ENV_IDS
    for body, cls in BODIES.items()
    if cls.kind is not BodyKind.CLIMBER or env_id == "teachbench/Parkour-v0"
]
STUMP_CASES = [(e, b) for e, b in CASES if e == "teachbench/StumpTracks-v0"]
# facts file body table (millipede: 4 motors per segment, as TeachMyAgent's code builds)
STUMP_OBS = {
    "old_classic_bipedal": 24,
    "classic_bipedal": 24,
    "small_bipedal": 24,
    "big_quadru": 34,
    "spider": 42,
    "fish": 26,
    "millipede": 54,
    "wheel": 34,
    "profile_chimpanzee": 50,
    "amphibious_bipedal": 24,
}


def test_all_ids_registered_with_time_limit():
    for env_id in ENV_IDS:
        assert gym.spec(env_id).max_episode_steps == 2000


@pytest.mark.parametrize(("env_id", "body"), CASES)
def test_check_env(env_id, body):
    env = gym.make(env_id, body=body, render_mode="rgb_array").unwrapped
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infinity.*")
        check_env(env)
    env.close()


@pytest.mark.parametrize(("env_id", "body"), STUMP_CASES)
def test_stump_observation_sizes(env_id, body):
    env = gym.make(env_id, body=body)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (STUMP_OBS[body],)
    env.close()


@pytest.mark.parametrize(
    "env_id", ["teachbench/StumpTracks-v0", "teachbench/HexagonTracks-v0", "teachbench/Parkour-v0"]
)
def test_same_seed_and_task_same_trajectory(env_id):
    def rollout():
        env = gym.make(env_id)
        obs, _ = env.reset(seed=7)
        rng = np.random.default_rng(0)
        out = [obs]
        for _ in range(500):
            obs, _, term, trunc, _ = env.step(
                rng.uniform(-1, 1, env.action_space.shape).astype(np.float32)
            )
            out.append(obs)
            if term or trunc:
                obs, _ = env.reset(seed=8)
        env.close()
        return np.array(out)

    a, b = rollout(), rollout()
    np.testing.assert_array_equal(a, b)


def test_different_seeds_different_terrain():
    env = gym.make("teachbench/StumpTracks-v0")
    env.reset(seed=0, options={"task": [2.0, 1.0]})
    a = [p[2][1] for p in env.unwrapped.obstacles]
    env.reset(seed=1)
    b = [p[2][1] for p in env.unwrapped.obstacles]
    assert a != b


def test_render_rgb_array_is_headless():
    env = gym.make("teachbench/Parkour-v0", render_mode="rgb_array")
    env.reset(
        seed=0,
        options={
            "task": {"input_vector": [0, 0.8, 0.1], "water_level": 0.2, "creepers_height": 1.0}
        },
    )
    frame = env.render()
    assert frame.shape == (400, 600, 3) and frame.dtype == np.uint8
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 4


def test_unknown_body_raises():
    with pytest.raises(ValueError, match="unknown body"):
        gym.make("teachbench/StumpTracks-v0", body="octopus")
    with pytest.raises(ValueError, match="needs a ceiling"):
        gym.make("teachbench/StumpTracks-v0", body="climbing_profile_chimpanzee")


def test_body_table_matches_facts():
    from teachbench.tasks.envs.bodies import make_body

    expected = {  # name: (actions, torque, torque penalty)
        "old_classic_bipedal": (4, 80, 0.00035),
        "classic_bipedal": (4, 80, 0.00035),
        "small_bipedal": (4, 80, 0.00035),
        "big_quadru": (8, 300, 0.00035 / 2),
        "spider": (12, 100, 0.00035 / 2),
        "fish": (4, 80, 0.00035),
        "climbing_profile_chimpanzee": (12, 100, 0.00035 / 5),
        "climbing_chest_profile_chimpanzee": (8, 100, 0.00035 / 5),
        "millipede": (16, 200, 0.00035 / 4),
        "wheel": (8, 500, 0.00035 / 2),
        "profile_chimpanzee": (14, 100, 0.00035 / 5),
        "amphibious_bipedal": (4, 80, 0.00035),
    }
    assert set(expected) == set(BODIES)
    for name, (actions, torque, penalty) in expected.items():
        body = make_body(name)
        assert (body.action_size, body.motors_torque) == (actions, torque), name
        assert body.torque_penalty == pytest.approx(penalty), name
