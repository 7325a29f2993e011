"""Speed of the teachbench Box2D environments, relative to gymnasium's BipedalWalker-v3.

Absolute steps/s depend on the machine, so every case is measured side by side
with BipedalWalker-v3 in the same process, alternating rounds and keeping each
side's best round (robust to other load on a shared machine). Both sides use
pre-drawn uniform random actions and reset when an episode ends, so resets of
short random episodes are part of the step rate, as in training.

Targets: Stump/Hexagon Tracks >= 0.9x BipedalWalker-v3, Parkour walker >= 0.8x;
reset (terrain generation) < 1.5 ms for Stump Tracks and < 6 ms for Parkour.
"""

from __future__ import annotations

import time

import gymnasium as gym
import numpy as np
import pytest
import teachbench.tasks.envs  # noqa: F401  (registers the ids)
from teachbench.tasks.envs import evaluation_sets

pytest.importorskip("pygame", reason="gymnasium's BipedalWalker-v3 needs gymnasium[box2d]")

STEPS = 4000
ROUNDS = 3
BASELINE = "BipedalWalker-v3"
PARKOUR_TASK = [-0.15, 0.8, 0.1, 0.0, 0.25, 0.0, 5.0, 10.0]
CASES = {
    # name: (env id, kwargs, task, target ratio or None)
    "stump_tracks": ("teachbench/StumpTracks-v0", {}, [1.5, 3.0], 0.9),
    "hexagon_tracks": ("teachbench/HexagonTracks-v0", {}, [1.0] * 12, 0.9),
    "parkour_walker": ("teachbench/Parkour-v0", {}, PARKOUR_TASK, 0.8),
    "parkour_fish": (
        "teachbench/Parkour-v0",
        {"body": "fish"},
        [*PARKOUR_TASK[:3], 1.0, 0.25, 0, 5, 10],
        None,
    ),
    "parkour_climber": (
        "teachbench/Parkour-v0",
        {"body": "climbing_profile_chimpanzee"},
        [*PARKOUR_TASK[:5], 2.0, 2.0, 10.0],
        None,
    ),
}


def _steps_per_second(env_id: str, kwargs: dict, task, n_steps: int = STEPS) -> float:
    env = gym.make(env_id, **kwargs)
    options = None if task is None else {"task": task}
    env.reset(seed=0, options=options)
    actions = np.random.default_rng(0).uniform(-1, 1, (n_steps, *env.action_space.shape))
    actions = actions.astype(np.float32)
    start = time.perf_counter()
    for action in actions:
        _, _, terminated, truncated, _ = env.step(action)
        if terminated or truncated:
            env.reset(options=options)
    elapsed = time.perf_counter() - start
    env.close()
    return n_steps / elapsed


@pytest.mark.parametrize("case", list(CASES))
def test_step_rate_vs_bipedal_walker(benchmark, case):
    env_id, kwargs, task, target = CASES[case]
    base, mine = [], []
    for _ in range(ROUNDS):
        base.append(_steps_per_second(BASELINE, {}, None))
        mine.append(_steps_per_second(env_id, kwargs, task))
    benchmark.pedantic(_steps_per_second, args=(env_id, kwargs, task, 1000), rounds=1)
    ratio = max(mine) / max(base)
    benchmark.extra_info.update(
        steps_per_s=max(mine), bipedal_walker_steps_per_s=max(base), ratio=ratio
    )
    print(
        f"\n{case}: {max(mine):.0f} steps/s, BipedalWalker-v3 {max(base):.0f} steps/s, "
        f"ratio {ratio:.2f}x" + (f" (target {target}x)" if target else "")
    )
    if target is not None:
        assert ratio >= target


def _reset_ms(env_id: str, kwargs: dict, tasks: np.ndarray) -> float:
    env = gym.make(env_id, **kwargs).unwrapped
    env.reset(seed=0, options={"task": tasks[0]})
    start = time.perf_counter()
    for task in tasks:
        env.reset(options={"task": task})
    elapsed = time.perf_counter() - start
    env.close()
    return 1000 * elapsed / len(tasks)


@pytest.mark.parametrize(
    ("env_id", "kwargs", "test_set", "target_ms"),
    [
        ("teachbench/StumpTracks-v0", {}, "parametric_stumps_test_set", 1.5),
        ("teachbench/Parkour-v0", {}, "walking_test_set_v1", 6.0),
        ("teachbench/Parkour-v0", {"body": "fish"}, "swimming_test_set_v1", 6.0),
        (
            "teachbench/Parkour-v0",
            {"body": "climbing_profile_chimpanzee"},
            "climbing_test_set_v1",
            6.0,
        ),
    ],
)
def test_reset_time(benchmark, env_id, kwargs, test_set, target_ms):
    _, tasks = evaluation_sets.load_test_set(test_set)
    best = min(_reset_ms(env_id, kwargs, tasks) for _ in range(ROUNDS))
    baseline = _steps_reset_baseline()
    benchmark.pedantic(_reset_ms, args=(env_id, kwargs, tasks[:10]), rounds=1)
    benchmark.extra_info.update(reset_ms=best, bipedal_walker_reset_ms=baseline)
    print(
        f"\n{env_id} {kwargs} on {test_set}: reset {best:.2f} ms "
        f"(BipedalWalker-v3 {baseline:.2f} ms, target < {target_ms} ms)"
    )
    assert best < target_ms


def _steps_reset_baseline(n: int = 100) -> float:
    env = gym.make(BASELINE).unwrapped
    env.reset(seed=0)
    start = time.perf_counter()
    for _ in range(n):
        env.reset()
    elapsed = time.perf_counter() - start
    env.close()
    return 1000 * elapsed / n
