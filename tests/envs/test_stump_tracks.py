"""Fidelity of Stump Tracks to TeachMyAgent's facts: geometry, reward, endings."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from teachbench.tasks.envs.constants import SCALE, TERRAIN_HEIGHT, TERRAIN_LENGTH, TERRAIN_STEP

ENV = "teachbench/StumpTracks-v0"


def _stumps(env):
    """(x_left, width, height in terrain steps) of every stump."""
    out = []
    for poly in env.unwrapped.obstacles:
        xs = [p[0] for p in poly]
        ys = [p[1] for p in poly]
        assert min(ys) == pytest.approx(TERRAIN_HEIGHT)
        out.append((min(xs), max(xs) - min(xs), (max(ys) - TERRAIN_HEIGHT) / TERRAIN_STEP))
    return out


def test_stump_geometry_follows_task(make_env):
    env = make_env(ENV)
    env.reset(seed=3, options={"task": {"stump_height": 2.0, "obstacle_spacing": 1.5}})
    stumps = _stumps(env)
    assert stumps[0][0] == pytest.approx(20 * TERRAIN_STEP)  # right after the start pad
    for (x0, w, _), (x1, _, _) in itertools.pairwise(stumps):
        assert w == pytest.approx(TERRAIN_STEP)
        assert x1 - x0 == pytest.approx(TERRAIN_STEP + 1.5)  # stump then spacing of grass
    assert stumps[-1][0] < TERRAIN_LENGTH * TERRAIN_STEP
    heights = np.array([h for _, _, h in stumps])
    assert abs(heights.mean() - 2.0) < 0.05
    assert 0.05 < heights.std() < 0.16  # N(h, 0.1)


def test_low_stumps_are_clipped_and_spacing_floored(make_env):
    env = make_env(ENV)
    env.reset(seed=0, options={"task": [-3.0, 0.0]})
    stumps = _stumps(env)
    assert all(h == pytest.approx(0.05) for _, _, h in stumps)
    x0, x1 = stumps[0][0], stumps[1][0]
    assert x1 - x0 == pytest.approx(TERRAIN_STEP + 0.01)


def test_observation_layout_for_bipedal(make_env):
    env = make_env(ENV)
    obs, info = env.reset(seed=0)
    assert obs.shape == (24,) and obs.dtype == np.float32
    assert env.action_space.shape == (4,)
    assert info == {"success": False}
    lidar = obs[14:]
    assert np.all((lidar > 0) & (lidar <= 1))


def test_reward_is_shaping_difference_minus_torque_cost(make_env):
    env = make_env(ENV)
    env.reset(seed=1, options={"task": [0.0, 6.0]})
    head = env.unwrapped.body.head
    action = np.array([0.5, -1.0, 0.25, 2.0], dtype=np.float32)
    for _ in range(20):
        before = 130 * head.position[0] / SCALE - 5 * abs(head.angle)
        _, reward, terminated, _, _ = env.step(action)
        after = 130 * head.position[0] / SCALE - 5 * abs(head.angle)
        cost = 0.00035 * 80 * (0.5 + 1.0 + 0.25 + 1.0)  # |a| clipped to 1
        if terminated:
            break
        assert reward == pytest.approx(after - before - cost, abs=1e-9)


def test_hull_contact_ends_with_minus_100(make_env):
    env = make_env(ENV)
    env.reset(seed=0, options={"task": [0.0, 6.0]})
    u = env.unwrapped
    u.body.head.angularVelocity = 12.0  # tip the walker over
    total = 0.0
    for _ in range(300):
        _, reward, terminated, _, info = env.step(np.zeros(4, np.float32))
        total += reward
        if terminated:
            break
    assert terminated and reward == -100.0
    assert u.monitor.critical
    assert info["success"] is False


def test_x_below_zero_ends_with_minus_100(make_env):
    env = make_env(ENV)
    env.reset(seed=0)
    u = env.unwrapped
    for part in u.body.parts:
        part.position = (part.position[0] - u.spawn_x - 0.5, part.position[1])
    _, reward, terminated, _, _ = env.step(np.zeros(4, np.float32))
    assert terminated and reward == -100.0


def test_reaching_the_end_terminates_without_penalty(make_env):
    env = make_env(ENV)
    env.reset(seed=0, options={"task": [0.0, 100.0]})  # a single stump, far ahead
    u = env.unwrapped
    shift = u.end_x + 0.2 - u.body.head.position[0]
    for part in u.body.parts:
        part.position = (part.position[0] + shift, part.position[1])
    _, reward, terminated, _, _ = env.step(np.zeros(4, np.float32))
    assert terminated and reward > 0
    assert u.end_x == pytest.approx((200 - 10) * 14 / 30)


def test_success_is_return_above_230(make_env):
    env = make_env(ENV)
    env.reset(seed=0)
    u = env.unwrapped
    u.episodic_return = 229.99
    *_, info = env.step(np.zeros(4, np.float32))
    assert info["success"] is (u.episodic_return > 230)


def test_time_limit_is_2000(make_env):
    env = make_env(ENV)
    assert env.spec.max_episode_steps == 2000


@pytest.mark.parametrize(
    ("task", "match"),
    [
        ([1.0], "2 in the order"),
        ([np.nan, 1.0], "stump_height"),
        ({"stump_height": 1.0, "obstacle_spacing": -1.0}, "obstacle_spacing = -1.0"),
        ({"stump_height": 11.0}, "stump_height = 11.0"),
        ({"stump_hight": 1.0}, "unknown task parameter"),
    ],
)
def test_bad_task_raises(make_env, task, match):
    env = make_env(ENV)
    with pytest.raises(ValueError, match=match):
        env.reset(seed=0, options={"task": task})


def test_task_vector_and_dict_agree(make_env):
    env = make_env(ENV)
    layout = env.unwrapped.layout
    assert layout.names == ["stump_height", "obstacle_spacing"]
    vec = layout.to_vector({"obstacle_spacing": 2.5, "stump_height": 1.0})
    np.testing.assert_array_equal(vec, [1.0, 2.5])
    env.reset(seed=9, options={"task": vec})
    a = env.unwrapped.obstacles
    env.reset(seed=9, options={"task": {"stump_height": 1.0, "obstacle_spacing": 2.5}})
    assert env.unwrapped.obstacles == a
