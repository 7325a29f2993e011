"""The DRL students (SAC, modern SAC, PPO) against the Student contract, on real Box2D envs.

Configurations are TeachMyAgent's with the warm-up, batches and rollouts shrunk so that each
test plays a few episodes in seconds; the code paths are the full ones.
"""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest
import torch
from drl_testkit import NAN_ENV, NAN_STEP
from teachbench.baselines.students._drl import BadEnvironmentError, DivergedError, pick_device
from teachbench.harness import registry
from teachbench.harness.storage import load_state, save_state
from teachbench.tasks.envs.constants import SUCCESS_RETURN
from teachbench.tasks.suites.teachmyagent import stump_space

STUMPS = "teachbench/StumpTracks-v0"
EASY, HARDER = np.array([0.0, 6.0]), np.array([0.5, 4.0])
TINY = {
    "sac": {"start_steps": 100, "batch_size": 32, "hidden": (32, 32)},
    "sac-modern": {"start_steps": 100, "update_after": 50, "batch_size": 32, "hidden": (32, 32)},
    "ppo": {"n_steps": 64, "n_minibatches": 4, "hidden": (32, 32)},
}


def student(name: str, seed: int = 5, env_id: str = STUMPS, max_episode_steps=None, **kwargs):
    """A tiny student; its episode cap is the environment's registered one unless given."""
    cls = registry.resolve(registry.STUDENTS, name).obj
    env_kwargs = {"body": "old_classic_bipedal"} if env_id != "Pendulum-v1" else {}
    cap = max_episode_steps or gym.spec(env_id).max_episode_steps
    return cls(env_id, stump_space(), env_kwargs, np.random.default_rng(seed),
               mastery_threshold=SUCCESS_RETURN, max_episode_steps=cap,
               **{**TINY[name], **kwargs})  # fmt: skip


def assert_same(a, b) -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for key in a:
            assert_same(a[key], b[key])
    else:
        assert np.array_equal(a, b)


def play(learner, task: np.ndarray, seeds: range) -> list:
    return [learner.run_episode(task, seed) for seed in seeds]


@pytest.mark.parametrize("name", sorted(TINY))
def test_a_checkpoint_through_an_npz_file_resumes_bit_for_bit(name: str, tmp_path: Path) -> None:
    first = student(name)
    play(first, EASY, range(3))
    path = tmp_path / "student.npz"
    save_state(path, {"student": first.state_dict(), "rng": first.rng.bit_generator.state})
    after = play(first, HARDER, range(10, 12))
    assert first.updates > 0, "the tiny configuration must learn before the checkpoint"

    resumed = student(name, seed=99)  # another initialisation, overwritten by the checkpoint
    saved = load_state(path)
    resumed.load_state_dict(saved["student"])
    resumed.rng.bit_generator.state = saved["rng"]
    assert play(resumed, HARDER, range(10, 12)) == after
    tasks, seeds = np.array([EASY, HARDER]), np.array([1, 2])
    assert np.array_equal(resumed.evaluate(tasks, seeds), first.evaluate(tasks, seeds))


@pytest.mark.parametrize("name", sorted(TINY))
def test_evaluation_is_deterministic_and_learns_nothing(name: str) -> None:
    learner = student(name)
    play(learner, EASY, range(3))
    before = learner.state_dict()
    tasks, seeds = np.array([EASY, HARDER, EASY]), np.array([7, 8, 7])
    returns = learner.evaluate(tasks, seeds)
    assert returns.shape == (3,) and np.isfinite(returns).all() and returns[0] == returns[2]
    assert np.array_equal(learner.evaluate(tasks, seeds), returns)
    assert_same(learner.state_dict(), before)


@pytest.mark.parametrize("name", sorted(TINY))
def test_reset_forgets_networks_optimisers_and_data(name: str) -> None:
    learner = student(name)
    play(learner, EASY, range(4))
    learned = learner.state_dict()
    learner.reset()
    fresh = learner.state_dict()
    if name == "ppo":
        assert fresh["pos"] == 0 and fresh["obs_rms"]["count"] < 1 and not fresh["optimizer"]
        weights, old = fresh["net"], learned["net"]
    else:
        assert fresh["buffer"]["size"] == 0 < learned["buffer"]["size"]
        assert not any(fresh["optimizers"].values())
        weights, old = fresh["nets"]["pi"], learned["nets"]["pi"]
    assert all(not np.array_equal(weights[k], old[k]) for k in weights if k != "log_std")


def test_value_estimate_is_v_of_the_initial_state_and_rides_on_the_episode() -> None:
    learner = student("sac")
    env = gym.make(STUMPS, body="old_classic_bipedal")

    def v_of_reset(task: np.ndarray, seed: int) -> float:
        obs, _ = env.reset(seed=seed, options={"task": task})
        with torch.no_grad():
            return float(learner.v(torch.as_tensor(obs[None]))[0, 0])

    # The episode's V(s0) is taken before the episode's updates change V.
    expected = v_of_reset(EASY, 3)
    assert learner.run_episode(EASY, 3).initial_value == pytest.approx(expected, rel=1e-6)
    expected = v_of_reset(HARDER, 0)
    assert learner.value_estimate(HARDER) == pytest.approx(expected, rel=1e-6)
    assert learner.value_estimate(HARDER) == learner.value_estimate(HARDER)


def test_the_sac_buffer_treats_a_time_out_as_not_terminal_and_a_fall_as_terminal() -> None:
    pendulum = student("sac", env_id="Pendulum-v1")  # never terminates: 200-step time-outs
    play(pendulum, EASY, range(2))
    assert pendulum.buffer.size == 400 and not pendulum.buffer.done[:400].any()
    walker = student("sac", start_steps=10_000)  # uniform random actions: the walker falls
    lengths = [e.length for e in play(walker, EASY, range(3))]
    done = walker.buffer.done[: walker.buffer.size]
    assert max(lengths) < 2000
    assert np.flatnonzero(done).tolist() == list(np.cumsum(lengths) - 1)


@pytest.mark.parametrize("name", ["sac", "sac-modern", "ppo"])
def test_the_challenges_episode_cap_replaces_the_environments_time_limit(name: str) -> None:
    """Pendulum registers 200 steps and never terminates: every episode is cut at the cap."""
    learner = student(name, env_id="Pendulum-v1", max_episode_steps=37)
    assert [e.length for e in play(learner, EASY, range(2))] == [37, 37]
    if name == "sac":  # a time-out, not a terminal state
        assert learner.buffer.size == 74 and not learner.buffer.done[:74].any()


def test_the_buffer_checkpoint_keeps_one_next_observation_per_episode_end() -> None:
    walker = student("sac", start_steps=10_000)
    episodes = play(walker, EASY, range(5))
    state = walker.state_dict()["buffer"]
    assert state["obs"].dtype == np.float32 and len(state["obs"]) == sum(e.length for e in episodes)
    assert len(state["next_rows"]) <= len(episodes) + 1


@pytest.mark.parametrize("name", ["sac", "ppo"])
def test_a_nan_observation_fails_with_the_environment_task_and_step(name: str) -> None:
    learner = student(name, env_id=NAN_ENV)
    with pytest.raises(BadEnvironmentError) as caught:
        learner.run_episode(HARDER, 0)
    message = str(caught.value)
    assert NAN_ENV in message and f"step {NAN_STEP}" in message and "[0.5, 4.0]" in message


@pytest.mark.parametrize("name", ["sac", "ppo"])
def test_a_diverging_student_says_so(name: str) -> None:
    learner = student(name, lr=1e12)
    with pytest.raises(DivergedError, match=f"student '{name}' diverged"):
        play(learner, EASY, range(20))


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_cuda_without_a_gpu_is_a_one_line_error_saying_what_to_do() -> None:
    with pytest.raises(ValueError, match="use --device cpu") as caught:
        pick_device("cuda")
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError, match="unknown device"):
        pick_device("tpu")
    assert pick_device(None).type == "cpu"
