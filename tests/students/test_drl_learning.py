"""Learning is real: our SAC and PPO improve on real tasks.

Slow (minutes, one torch thread). The budgets and thresholds come from measured runs on the
2-core development machine, with a margin for other machines' floating point.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from teachbench.baselines.students.ppo import PPO
from teachbench.baselines.students.sac import SAC
from teachbench.baselines.students.sac_modern import ModernSAC
from teachbench.harness.space import TaskSpace
from teachbench.tasks.suites.teachmyagent import drl_challenges

pytestmark = pytest.mark.slow

NO_TASK = TaskSpace(["unused"], [0.0], [1.0])
#: Pendulum-v1's own time limit.
PENDULUM_EPISODE_STEPS = 200
TEST_SEEDS = np.arange(100, 110)
#: Measured (seed 0): the deterministic policy's mean return on the 10 test seeds was -1829
#: after 4k steps (warm-up), -1197 after 12k and -948 after 16k steps.
PENDULUM_SAC_STEPS, PENDULUM_SAC_THRESHOLD = 16_000, -1_100.0
#: Measured (seed 0, the 10 test seeds): the untrained policy -1279; after 300k steps -1269
#: (no progress yet), 400k -1236, 500k -1120, 600k -1071, 640k -1045, 700k -997, 800k -712.
#: 640k steps (32 rollouts of 20k) took 260-290 s on the loaded 2-core machine. A policy that
#: does not learn stayed within -1200..-1330 over its first 300k steps, so -1150 is a clear
#: rise. Stable-Baselines3's PPO in the same configuration (actions in [-1, 1] scaled to the
#: torque box, a time-out ending an episode like Baselines) was at -1264 after 300k steps too
#: and -986 after 640k: TeachMyAgent's 20k-step rollouts with gamma 0.99 make PPO slow on
#: Pendulum; it is no bug.
PENDULUM_PPO_STEPS, PENDULUM_PPO_THRESHOLD = 640_000, -1_150.0


def _trained_score(learner, steps: int) -> float:
    """Train for ``steps`` env steps, then the deterministic policy's mean test return."""
    played, episode = 0, 0
    while played < steps:
        played += learner.run_episode(np.zeros(1), episode).length
        episode += 1
    return float(learner.evaluate(np.zeros((len(TEST_SEEDS), 1)), TEST_SEEDS).mean())


def test_sac_with_teachmyagents_configuration_learns_pendulum() -> None:
    """TeachMyAgent's SAC unchanged (10k random steps, batch 1000, updates at episode end)."""
    learner = SAC("Pendulum-v1", NO_TASK, {}, np.random.default_rng(0), mastery_threshold=0.0,
                  max_episode_steps=PENDULUM_EPISODE_STEPS)  # fmt: skip
    score = _trained_score(learner, PENDULUM_SAC_STEPS)
    assert score > PENDULUM_SAC_THRESHOLD


def test_ppo_with_teachmyagents_configuration_learns_pendulum() -> None:
    """TeachMyAgent's PPO unchanged (20k-step rollouts, 20 minibatches, 5 epochs, VecNormalize)."""
    learner = PPO("Pendulum-v1", NO_TASK, {}, np.random.default_rng(0), mastery_threshold=0.0,
                  max_episode_steps=PENDULUM_EPISODE_STEPS)  # fmt: skip
    score = _trained_score(learner, PENDULUM_PPO_STEPS)
    assert score > PENDULUM_PPO_THRESHOLD


#: Stump Tracks' easiest test task (stumps of the minimum height, spacing 6), with the body and
#: episode cap of the smoke tier's upper-baseline challenge.
EASIEST_STUMPS = np.array([0.0, 6.0])
#: Today's SAC (``sac-modern``) with RL Zoo's tuned BipedalWalker values (lr 7.3e-4, gamma and
#: Polyak 0.98), 128-128 networks, 2k random steps: TeachMyAgent's own configuration (batch
#: 1000, 10k random steps, updates at episode end) did not rise within 60k steps here (20-episode
#: means -103..-129), and no configuration rose reliably within 5 minutes (40-60k steps).
STUMP_SAC_KWARGS = {"hidden": (128, 128), "lr": 7.3e-4, "gamma": 0.98, "polyak": 0.98,
                    "start_steps": 2_000, "update_after": 1_000}  # fmt: skip
#: Measured with this configuration (terrain seed = episode index): seed 2, the slowest of three,
#: had its first positive return at 68k steps and 13 of its last 20 episodes positive at 115k
#: (mean of the first 10, random, episodes -123; of the last 20 +20); seed 1: 17 of 20 at 115k
#: (last-20 mean +173); seed 0: +255 at 42k. 115k steps take 9-10 minutes here, longer than the
#: 5 minutes the other learning tests take. A positive return needs forward progress: uniformly
#: random actions returned -96..-256, and an untrained policy stands still for -15 at best.
STUMP_SAC_SEED, STUMP_SAC_STEPS, STUMP_POSITIVE_OF_LAST_20 = 2, 115_000, 10


def test_sac_learns_to_walk_on_the_easiest_stump_track() -> None:
    """Most of the last 20 training episodes end with a positive return: the walker walks."""
    upper = next(c for c in drl_challenges("smoke") if c.name == "upper-baseline")
    rng = np.random.default_rng(STUMP_SAC_SEED)
    learner = replace(upper, student_kwargs=STUMP_SAC_KWARGS).make_student(ModernSAC, rng)
    returns, played = [], 0
    while played < STUMP_SAC_STEPS:
        episode = learner.run_episode(EASIEST_STUMPS, len(returns))
        returns.append(episode.episodic_return)
        played += episode.length
    assert np.mean(returns[:10]) < -50.0  # the random warm-up: the rise starts from a fall
    assert sum(r > 0.0 for r in returns[-20:]) >= STUMP_POSITIVE_OF_LAST_20, np.round(returns[-20:])
