"""SAC's FIFO replay buffer, which only holds (and checkpoints) what has been filled.

TeachMyAgent's buffer holds 2e6 transitions. Pre-allocating that for Parkour's 54-D climber
observations would take 0.9 GB per run before the first step, so the arrays grow by
doubling up to the cap. A checkpoint stores the filled rows as float32 and drops every next
observation that is simply the following row's observation (all but the last step of each
episode), which halves it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_INITIAL_ROWS = 4096


class ReplayBuffer:
    def __init__(self, obs_dim: int, act_dim: int, max_size: int):
        self.obs_dim, self.act_dim, self.max_size = obs_dim, act_dim, int(max_size)
        self.clear()

    def clear(self) -> None:
        self.ptr = 0
        self.size = 0
        self._allocate(min(_INITIAL_ROWS, self.max_size))

    def _allocate(self, rows: int) -> None:
        fresh = {
            "obs": np.zeros((rows, self.obs_dim), np.float32),
            "next_obs": np.zeros((rows, self.obs_dim), np.float32),
            "act": np.zeros((rows, self.act_dim), np.float32),
            "rew": np.zeros(rows, np.float32),
            "done": np.zeros(rows, np.float32),
        }
        for name, array in fresh.items():
            old = getattr(self, name, None)
            if old is not None and self.size:
                array[: self.size] = old[: self.size]
            setattr(self, name, array)

    def store(
        self, obs: np.ndarray, act: np.ndarray, rew: float, next_obs: np.ndarray, done: bool
    ) -> None:
        if self.ptr == len(self.obs) and len(self.obs) < self.max_size:
            self._allocate(min(2 * len(self.obs), self.max_size))
        i = self.ptr
        self.obs[i], self.act[i], self.rew[i], self.next_obs[i], self.done[i] = (
            obs, act, rew, next_obs, done,
        )  # fmt: skip
        self.ptr = (i + 1) % self.max_size
        self.size = min(self.size + 1, self.max_size)

    def batch(self, idx: np.ndarray) -> tuple[np.ndarray, ...]:
        return self.obs[idx], self.act[idx], self.rew[idx], self.next_obs[idx], self.done[idx]

    def state_dict(self) -> dict[str, Any]:
        n = self.size
        following = np.roll(self.obs[:n], -1, axis=0)
        kept = np.flatnonzero((self.next_obs[:n] != following).any(axis=1))
        return {
            "ptr": self.ptr,
            "size": n,
            "obs": self.obs[:n].copy(),
            "act": self.act[:n].copy(),
            "rew": self.rew[:n].copy(),
            "done": self.done[:n].copy(),
            "next_rows": kept.astype(np.int64),
            "next_obs": self.next_obs[kept].copy(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        n = int(state["size"])
        self.size = 0
        self._allocate(max(min(_INITIAL_ROWS, self.max_size), n))
        for name in ("obs", "act", "rew", "done"):
            getattr(self, name)[:n] = state[name]
        self.next_obs[:n] = np.roll(self.obs[:n], -1, axis=0)
        self.next_obs[np.asarray(state["next_rows"], dtype=np.int64)] = state["next_obs"]
        self.size, self.ptr = n, int(state["ptr"])
