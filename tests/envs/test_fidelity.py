"""Facts checked against TeachMyAgent's environment and body code (issue 10).

Each test pins one rule that used to differ: who ends an episode on contact,
where pushes act, where bodies spawn, how climbers grasp and release, how the
contact and lidar flags behave, where the ground ends.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from Box2D import b2World
from teachbench.harness.cli import main
from teachbench.tasks.envs import facts
from teachbench.tasks.envs.bodies import BODIES, BodyKind, make_body
from teachbench.tasks.envs.bodies.base import GraspSensor, Part, Push, grasp_sensor_fixture
from teachbench.tasks.envs.climbing import GRASP_MARGIN, attach
from teachbench.tasks.envs.constants import (
    CAT_CREEPER,
    CAT_GRIP,
    SCALE,
    TERRAIN_HEIGHT,
    TERRAIN_LENGTH,
    TERRAIN_STEP,
)
from teachbench.tasks.envs.contacts import ContactMonitor, Surface
from teachbench.tasks.envs.lidar import Lidar
from teachbench.tasks.envs.terrain import add_edge, add_polygon, add_polyline, static_body

STUMP = "teachbench/StumpTracks-v0"
HEXAGON = "teachbench/HexagonTracks-v0"
PARKOUR = "teachbench/Parkour-v0"
WALKERS = [name for name, cls in BODIES.items() if cls.kind is BodyKind.WALKER]
# TeachMyAgent's millipede marks every segment non-critical whatever its flag says
NEVER_CRITICAL = {"millipede"}
PARKOUR_TASK = {"input_vector": [0.0, 0.8, 0.1], "water_level": 0.0, "creepers_height": 2.0}


def _random_episode(env, steps=400, seed=1):
    rng = np.random.default_rng(seed)
    for step in range(1, steps + 1):
        obs, reward, terminated, _, _ = env.step(rng.uniform(-1, 1, env.action_space.shape))
        if terminated:
            return step, reward, obs
    return None, None, obs


@pytest.mark.parametrize("env_id", [STUMP, HEXAGON])
@pytest.mark.parametrize("body", WALKERS)
def test_every_track_walker_ends_on_hull_contact(make_env, env_id, body):
    env = make_env(env_id, body=body)
    env.reset(seed=0, options={"task": env.unwrapped.layout.defaults()})
    u = env.unwrapped
    critical = {p.userData.name for p in u.body.parts if p.userData.critical}
    if body in NEVER_CRITICAL:
        assert critical == set()
        return
    assert u.body.head.userData.name in critical
    step, reward, _ = _random_episode(env)
    assert step is not None and reward == -100.0 and u.monitor.critical, body


@pytest.mark.parametrize("body", [b for b in WALKERS if b != "profile_chimpanzee"])
def test_parkour_walkers_may_touch_with_the_hull(make_env, body):
    env = make_env(PARKOUR, body=body)
    env.reset(seed=0, options={"task": PARKOUR_TASK})
    assert not any(p.userData.critical for p in env.unwrapped.body.parts)


@pytest.mark.parametrize("env_id", [STUMP, PARKOUR])
def test_chimpanzee_head_and_chest_are_always_critical(make_env, env_id):
    env = make_env(env_id, body="profile_chimpanzee")
    env.reset(seed=0)
    parts = env.unwrapped.body.parts
    assert {p.userData.name for p in parts if p.userData.critical} == {"head", "chest"}


def test_fish_is_never_pushed(make_env):
    # stumps far below 0 are all clipped to 0.05: the terrain does not depend on the seed
    task = {"stump_height": -10.0, "obstacle_spacing": 6.0}
    first_obs = {}
    for body in ("fish", "old_classic_bipedal"):
        env = make_env(STUMP, body=body)
        first_obs[body] = [env.reset(seed=s, options={"task": task})[0] for s in range(3)]
    assert BODIES["fish"].push is Push.NONE
    for obs in first_obs["fish"][1:]:
        np.testing.assert_array_equal(obs, first_obs["fish"][0])
    assert not np.array_equal(
        first_obs["old_classic_bipedal"][0], first_obs["old_classic_bipedal"][1]
    )


def test_fish_spawns_one_above_its_center_height():
    world = b2World(gravity=(0, 0))
    fish = make_body("fish")
    fish.build(world, 5.0, TERRAIN_HEIGHT + fish.spawn_height, 3.0)
    assert fish.head.position[1] == pytest.approx(TERRAIN_HEIGHT + 9 / SCALE + 1.0)
    fish.apply_action([0.0] * 4)
    world.Step(1 / 50, 180, 60)
    assert all(p.linearVelocity.length == 0.0 for p in fish.parts)  # no push, no gravity


def test_millipede_push_acts_on_every_segment():
    world = b2World(gravity=(0, 0))
    millipede = make_body("millipede")
    millipede.build(world, 5.0, 5.0, 4.0)
    world.Step(1 / 50, 180, 60)
    segments = [p for p in millipede.parts if p.userData.name == "segment"]
    assert len(segments) == 4
    assert all(s.linearVelocity[0] > 0 for s in segments)
    assert len(millipede.motors) == 16  # 4 per segment, as TeachMyAgent's code builds


def test_old_bipedal_spawn_pose(make_env):
    leg_h = 34 / SCALE
    assert make_env(STUMP).unwrapped.spawn_y == TERRAIN_HEIGHT + 2 * leg_h
    assert make_env(PARKOUR).unwrapped.spawn_y == pytest.approx(
        TERRAIN_HEIGHT + 2 * leg_h - 8 / SCALE + 0.5
    )
    world = b2World()
    body = make_body("old_classic_bipedal")
    body.build(world, 5.0, 4.0, 0.0)
    thighs = [p for p in body.parts if p.userData.name == "thigh"]
    # placed as if the hips were 8 px above the hull centre, tilted about their centres
    assert [t.position[1] for t in thighs] == pytest.approx([4.0 - leg_h / 2 + 8 / SCALE] * 2)
    assert [t.angle for t in thighs] == pytest.approx([-0.05, 0.05])
    hip = body.motors[0].joint
    assert hip.anchorA[1] == pytest.approx(4.0 - 8 / SCALE)  # the hull's anchor is below


def test_climber_releases_before_the_physics_step(make_env):
    heads = {}
    for grasp in (1.0, -1.0):
        env = make_env(PARKOUR, body="climbing_profile_chimpanzee")
        env.reset(seed=0, options={"task": PARKOUR_TASK})
        action = np.zeros(12, np.float32)
        action[-2:] = grasp
        obs, *_ = env.step(action)
        heads[grasp] = (env.unwrapped.body.head.linearVelocity[1], obs[6 + 24 : 6 + 28])
    (held_vy, held), (free_vy, free) = heads[1.0], heads[-1.0]
    np.testing.assert_array_equal(held[1::2], [1, 1])
    np.testing.assert_array_equal(free[1::2], [0, 0])  # joints gone at once
    assert free_vy < held_vy - 0.05  # and the body already fell during that step


def test_climber_knee_angle_is_offset_by_one(make_env):
    env = make_env(PARKOUR, body="climbing_profile_chimpanzee")
    obs, _ = env.reset(seed=0, options={"task": PARKOUR_TASK})
    knee = env.unwrapped.body.motors[1].joint
    assert obs[6 + 2] == pytest.approx(knee.angle + 1.0, abs=1e-6)


def test_climber_outline_is_teachmyagents():
    world = b2World()
    climber = make_body("climbing_profile_chimpanzee")
    climber.build(world, 5.0, 5.0, 0.0)
    mass = {p.userData.name: p.mass for p in climber.parts}
    px2 = 1 / SCALE**2
    assert mass["head"] == pytest.approx(5.0 * 10 * 20 * px2)
    assert mass["chest"] == pytest.approx(5.0 * (24 + 16) / 2 * 45 * px2)
    assert mass["hand"] == pytest.approx(4 * 8 * px2)
    assert [s.fixtures[0].shape.radius for s in climber.sensors] == pytest.approx([0.05] * 2)
    assert climber.head.position[1] == pytest.approx(5.0 + 45 / SCALE / 2 + 10 / SCALE + 0.2)


@pytest.mark.parametrize(("gap", "grasped"), [(0.055, True), (0.065, False)])
def test_grasp_zone_is_sensor_radius_plus_one_hundredth(gap, grasped):
    world = b2World()
    ceiling = static_body(world, Surface.GRIP)
    add_edge(ceiling, (0.0, 10.0), (1.0, 10.0), CAT_GRIP)
    sensor = world.CreateDynamicBody(
        position=(0.5, 10.0 - gap), fixtures=grasp_sensor_fixture(0.05)
    )
    sensor.userData = data = GraspSensor("hand_sensor")
    data.has_contact, data.ready, data.touching = True, True, [ceiling.fixtures[0]]
    attach(world, [sensor])
    assert 0.05 + GRASP_MARGIN == pytest.approx(0.06)
    assert (data.joint is not None) is grasped
    assert data.has_contact is grasped and len(data.touching) == int(grasped)


def test_contact_flag_is_cleared_by_any_contact_ending():
    monitor = ContactMonitor()
    world = b2World(gravity=(0, -10), contactListener=monitor)
    ground = static_body(world, Surface.GROUND)
    add_polyline(ground, [(-5.0, 0.0), (0.0, 0.0), (5.0, 0.0)])
    box = world.CreateDynamicBody(position=(0.0, 0.2))
    box.CreatePolygonFixture(box=(0.5, 0.2), density=1.0, categoryBits=0x20, maskBits=0x1)
    box.userData = part = Part("foot")
    for _ in range(10):
        world.Step(1 / 50, 180, 60)
    assert part.has_contact  # on both edges
    box.position = (2.0, box.position[1])  # now on the right edge only
    world.Step(1 / 50, 180, 60)
    assert part.has_contact is False  # TeachMyAgent's flag: the left contact ended


def test_parkour_contact_flags_are_zero_or_one(make_env):
    env = make_env(PARKOUR)
    env.reset(seed=0, options={"task": PARKOUR_TASK})
    flags = []
    rng = np.random.default_rng(0)
    for _ in range(100):
        obs, *_ = env.step(rng.uniform(-1, 1, 4))
        flags.extend(obs[[6 + 4, 6 + 9]])  # the two knee contact flags
    assert set(flags) <= {0.0, 1.0} and set(flags) == {0.0, 1.0}


def test_lidar_flag_sticks_when_a_ray_misses():
    world = b2World()
    creeper = static_body(world, Surface.CREEPER)
    add_polygon(creeper, [(0.0, 0.0), (1.0, 0.0), (1.0, 5.0), (0.0, 5.0)], CAT_CREEPER, True)
    lidar = Lidar("full")
    lidar.scan(world, 0.5, 6.0)
    assert 1.0 in lidar.flags
    lidar.scan(world, 50.0, 6.0)  # nothing in range
    assert lidar.fractions == [1.0] * 10 and 1.0 in lidar.flags
    lidar.reset()
    assert lidar.flags == [0.0] * 10


@pytest.mark.parametrize("spacing", [6.0, 3.0, 0.5])
def test_ground_ends_where_the_last_piece_starts(make_env, spacing):
    env = make_env(STUMP)
    env.reset(seed=0, options={"task": {"stump_height": 1.0, "obstacle_spacing": spacing}})
    u = env.unwrapped
    max_x = TERRAIN_LENGTH * TERRAIN_STEP
    last_left = min(p[0] for p in u.obstacles[-1])
    last_right = last_left + TERRAIN_STEP
    expected = last_right if last_right < max_x else last_left
    assert u.ground[-1][0] == pytest.approx(expected)
    if spacing == 6.0:  # the numbers: 87.4, before the 88.67 finish line
        assert u.ground[-1][0] == pytest.approx(87.4) and u.ground[-1][0] < u.end_x


def test_hexagon_offsets_are_clipped_to_four(make_env):
    env = make_env(HEXAGON)
    shapes = []
    for top in (4.0, 9.0):
        task = np.full(12, 1.0)
        task[3] = top
        env.reset(seed=4, options={"task": task})
        shapes.append(env.unwrapped.obstacles)
    assert shapes[0] == shapes[1]


def test_bodies_table_is_current():
    committed = Path(facts.__file__).with_name("BODIES.md").read_text()
    assert committed == facts.bodies_table(), "run: python -m teachbench.tasks.envs.facts"


def test_show_info_prints_the_facts(capsys):
    assert main(["show", PARKOUR, "--info", "--body", "fish"]) == 0
    out = capsys.readouterr().out
    assert "TeachMyAgent's FishBody" in out and "push: none" in out
    assert "actions 4, observation 38" in out


def test_show_needs_task_or_info(capsys):
    assert main(["show", STUMP]) != 0
    assert "--info" in capsys.readouterr().err


class _ReplayedDraws:
    """Stands in for an env's random generator: TeachMyAgent's draws, in order."""

    def __init__(self, normals: list[float], push: float) -> None:
        self.normals = list(normals)
        self.push = push

    def normal(self, loc: float, scale: float) -> float:
        return self.normals.pop(0)

    def uniform(self, low: float, high: float) -> float:
        return self.push


REPLAYS = json.loads((Path(__file__).parent / "data" / "teachmyagent_replays.json").read_text())


@pytest.mark.parametrize("case", REPLAYS["cases"], ids=lambda c: f"{c['env'][11:17]}-{c['body']}")
def test_replays_teachmyagents_own_trajectory(make_env, case):
    """Same task, TeachMyAgent's random draws and the same actions: the same episode.

    The reference observations were recorded by running TeachMyAgent's own
    environment code (see the JSON's "source"); float32 tolerance covers Parkour's
    float32 CPPN terrain."""
    env = make_env(case["env"], body=case["body"])
    u = env.unwrapped
    u.set_task(case["task"])
    u.reset(seed=0)
    u.np_random = _ReplayedDraws(case["normals"], case["push"])
    observations = {0: u.reset()[0]}
    rng = np.random.default_rng(1)
    end = None
    for step in range(1, 121):
        obs, reward, terminated, _, _ = u.step(rng.uniform(-1, 1, u.action_space.shape))
        observations[step] = obs
        if terminated:
            end = [step, reward]
            break
    assert end == case["end"]
    for step, expected in case["observations"].items():
        np.testing.assert_allclose(observations[int(step)], expected, atol=2e-6, err_msg=step)
