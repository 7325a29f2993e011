"""Resets do not leak memory (pybox2d leaks fixture definitions, chain shapes and the
userData of bodies freed with their world; see terrain.py and TrackEnv._drop_world)."""

from __future__ import annotations

import gc
import sys
import tracemalloc

import gymnasium as gym
import pytest
import teachbench.tasks.envs  # noqa: F401


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


def test_no_python_objects_left_behind_by_resets():
    env = gym.make("teachbench/StumpTracks-v0").unwrapped
    env.reset(seed=0)
    for _ in range(50):
        env.reset()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(1000):
        env.reset()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    env.close()
    assert grown < 50_000  # the userData leak alone was ~550 kB here


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_parkour_resets_keep_resident_memory_flat():
    env = gym.make("teachbench/Parkour-v0", body="climbing_profile_chimpanzee").unwrapped
    env.reset(seed=0)
    for _ in range(100):
        env.reset()
    gc.collect()
    before = _rss_mb()
    for _ in range(800):
        env.reset()
    gc.collect()
    env.close()
    assert _rss_mb() - before < 1.5  # chain shapes and fixture defs leaked ~5 MB here
