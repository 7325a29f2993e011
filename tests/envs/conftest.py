"""Shared helpers for the environment tests (real Box2D, no mocks)."""

from __future__ import annotations

import gymnasium as gym
import pytest
import teachbench.tasks.envs  # noqa: F401  (registers the ids)


@pytest.fixture
def make_env():
    """Make a registered env and close it after the test."""
    made: list[gym.Env] = []

    def _make(env_id: str, **kwargs):
        env = gym.make(env_id, **kwargs)
        made.append(env)
        return env

    yield _make
    for env in made:
        env.close()
