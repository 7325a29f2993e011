"""Parkour: CPPN terrain, water level, creepers, milieu survival, climbers and swimmers."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.tasks.envs import evaluation_sets
from teachbench.tasks.envs.constants import TERRAIN_HEIGHT, TERRAIN_STEP
from teachbench.tasks.envs.cppn import TerrainCPPN

ENV = "teachbench/Parkour-v0"


def test_test_set_task_yields_the_cppn_terrain(make_env):
    _, tasks = evaluation_sets.load_test_set("walking_test_set_v1")
    task = tasks[3]
    env = make_env(ENV)
    env.reset(seed=0, options={"task": task})
    u = env.unwrapped
    scale = task[7]
    raw = TerrainCPPN().generate(task[:3]).astype(np.float64) / scale
    ground = np.array([p[1] for p in u.ground])
    ceiling = np.array([p[1] for p in u.ceiling])
    assert len(ground) == 220  # 20 start-pad points + 200 CPPN points
    np.testing.assert_allclose(ground[:20], TERRAIN_HEIGHT)
    np.testing.assert_allclose(ground[20:], raw[:, 0] - raw[0, 0] + TERRAIN_HEIGHT, atol=1e-9)
    expected_ceiling = np.maximum(raw[:, 1] - raw[0, 1] + TERRAIN_HEIGHT + 200 / scale, ground[20:])
    np.testing.assert_allclose(ceiling[20:], expected_ceiling, atol=1e-9)
    np.testing.assert_allclose(ceiling[:20], TERRAIN_HEIGHT + 200 / scale)
    xs = np.array([p[0] for p in u.ground])
    np.testing.assert_allclose(np.diff(xs), TERRAIN_STEP)
    assert u.end_x == pytest.approx((200 + 20 - 5) * TERRAIN_STEP)


@pytest.mark.parametrize("level", [0.0, 0.4, 1.0])
def test_water_surface_height(make_env, level):
    env = make_env(ENV)
    env.reset(seed=0, options={"task": {"input_vector": [0.0, 0.8, 0.1], "water_level": level}})
    u = env.unwrapped
    ground_limit = -1000 / 10
    top = max(p[1] for p in u.ceiling)
    assert u.water_y == pytest.approx(ground_limit + max(0.01, level) * (top - ground_limit))


def test_creepers_follow_spacing_and_height(make_env):
    env = make_env(ENV, body="climbing_profile_chimpanzee")
    task = {
        "input_vector": [0.0, 0.8, 0.1],
        "creepers_width": 0.5,
        "creepers_height": 2.0,
        "creepers_spacing": 2.0,
    }
    env.reset(seed=4, options={"task": task})
    creepers = env.unwrapped.creepers
    lefts = np.array([c[0] for c in creepers])
    assert np.all(np.diff(lefts) >= 2.0)  # at least the spacing apart
    assert np.all(np.diff(lefts) < 2.0 + 2 * TERRAIN_STEP)
    heights = np.array([c[3] - c[2] for c in creepers])
    assert abs(heights.mean() - 2.0) < 0.06
    widths = np.array([c[1] - c[0] for c in creepers])
    np.testing.assert_allclose(widths, 0.5)


def test_observation_sizes_per_body(make_env):
    for body, obs, act in [
        ("old_classic_bipedal", 36, 4),
        ("fish", 38, 4),
        ("climbing_profile_chimpanzee", 54, 12),
        ("spider", 54, 12),
        ("climbing_chest_profile_chimpanzee", 44, 8),
        ("big_quadru", 46, 8),
        ("wheel", 46, 8),
        ("profile_chimpanzee", 62, 14),
        ("amphibious_bipedal", 36, 4),
    ]:
        env = make_env(ENV, body=body)
        o, _ = env.reset(seed=0)
        assert o.shape == (obs,), body
        assert env.action_space.shape == (act,), body


def test_lidar_flags_see_water(make_env):
    env = make_env(ENV)
    task = {"input_vector": [0, 0.8, 0.1], "water_level": 0.0}
    o, _ = env.reset(seed=0, options={"task": task})
    assert np.all(o[-10:] == 0)
    # choose the level that puts the surface 0.3 above the start pad, under the hull
    top = max(p[1] for p in env.unwrapped.ceiling)
    task["water_level"] = (TERRAIN_HEIGHT + 0.3 + 100) / (top + 100)
    o, _ = env.reset(seed=0, options={"task": task})
    assert env.unwrapped.water_y == pytest.approx(TERRAIN_HEIGHT + 0.3)
    assert o[4] == 0.0  # the head is above the surface
    assert np.any(o[-10:] == -1)


def test_walker_dies_after_600_steps_under_water(make_env):
    env = make_env(ENV)
    env.reset(seed=0, options={"task": {"input_vector": [0, 0.8, 0.1], "water_level": 1.0}})
    u = env.unwrapped
    u.steps_in_water = 600
    o, *_ = env.step(np.ones(4, np.float32))
    assert o[4] == 1.0 and o[5] == 0.0  # under water, still alive at 600
    o, *_ = env.step(np.ones(4, np.float32))
    assert o[5] == 1.0  # 601 steps: dead, actions ignored
    assert all(m.joint.motorSpeed == 0 for m in u.body.motors)


def test_fish_floats_and_dies_out_of_water(make_env):
    env = make_env(ENV, body="fish")
    env.reset(seed=0, options={"task": {"input_vector": [0, 0.8, 0.1], "water_level": 1.0}})
    u = env.unwrapped
    y0 = u.body.head.position[1]
    for _ in range(250):
        o, *_ = env.step(np.zeros(4, np.float32))
    assert o[4] == 1.0
    assert u.body.head.position[1] > y0 + 0.1  # density 0.99 < water: buoyancy wins
    env.reset(seed=0, options={"task": {"input_vector": [0, 0.8, 0.1], "water_level": 0.0}})
    u.steps_out_of_water = 601
    o, *_ = env.step(np.zeros(4, np.float32))
    assert o[5] == 1.0


def test_amphibian_never_dies(make_env):
    env = make_env(ENV, body="amphibious_bipedal")
    env.reset(seed=0, options={"task": {"input_vector": [0, 0.8, 0.1], "water_level": 1.0}})
    env.unwrapped.steps_in_water = 10_000
    o, *_ = env.step(np.zeros(4, np.float32))
    assert o[4] == 1.0 and o[5] == 0.0


def test_lidar_fan_follows_body_kind(make_env):
    fans = {"old_classic_bipedal": "down", "fish": "full", "climbing_profile_chimpanzee": "up"}
    for body, fan in fans.items():
        assert make_env(ENV, body=body).unwrapped.lidar.fan == fan


def test_climber_hangs_and_falls_when_releasing(make_env):
    env = make_env(ENV, body="climbing_profile_chimpanzee")
    o, _ = env.reset(seed=0)
    u = env.unwrapped
    grasp_state = o[6 + 24 : 6 + 28]  # (touching, holding) per hand
    np.testing.assert_array_equal(grasp_state, [1, 1, 1, 1])
    hold = np.zeros(12, np.float32)
    hold[-2:] = 1
    y0 = u.body.head.position[1]
    for _ in range(30):
        env.step(hold)
    assert abs(u.body.head.position[1] - y0) < 0.3  # still hanging
    release = np.zeros(12, np.float32)
    release[-2:] = -1
    for _ in range(30):
        o, *_ = env.step(release)
    assert u.body.head.position[1] < y0 - 1.0
    assert o[6 + 25] == 0 and o[6 + 27] == 0


def test_climber_torso_on_ground_is_critical(make_env):
    env = make_env(ENV, body="climbing_profile_chimpanzee")
    env.reset(seed=0)
    release = np.zeros(12, np.float32)
    release[-2:] = -1
    for _ in range(400):
        _, reward, terminated, _, _ = env.step(release)
        if terminated:
            break
    assert terminated and reward == -100.0


def test_bad_parkour_task_raises(make_env):
    env = make_env(ENV)
    with pytest.raises(ValueError, match=r"water_level = 1\.5"):
        env.reset(options={"task": {"input_vector": [0, 0, 0], "water_level": 1.5}})
    with pytest.raises(ValueError, match=r"terrain_cppn_scale = 1\.0"):
        env.reset(options={"task": [0, 0, 0, 0, 0.25, 1, 1, 1.0]})
    with pytest.raises(ValueError, match="input_vector has 2 values"):
        env.reset(options={"task": {"input_vector": [0, 0]}})
