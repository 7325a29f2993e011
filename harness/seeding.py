"""One SeedSequence per run, spawned into one independent stream per component.

The run's identity (suite, challenge, level, seed) is hashed into the entropy,
so every teacher meets the same student initialisation, environment seeds and
shuffles on a given seed: comparisons between teachers are paired.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

STREAMS = ("teacher", "student", "env", "mapping", "evaluation")


@dataclass
class RunStreams:
    teacher: np.random.Generator
    student: np.random.Generator
    env: np.random.Generator
    mapping: np.random.Generator
    evaluation: np.random.Generator

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name).bit_generator.state for name in STREAMS}

    def load_state(self, state: dict[str, Any]) -> None:
        for name in STREAMS:
            getattr(self, name).bit_generator.state = state[name]


def run_seed_sequence(suite: str, challenge: str, level: str, seed: int) -> np.random.SeedSequence:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"a run seed must be a non-negative integer, got {seed!r}")
    identity = hashlib.sha256(f"{suite}/{challenge}/{level}".encode()).digest()
    return np.random.SeedSequence(entropy=[int.from_bytes(identity[:16], "little"), seed])


def run_streams(suite: str, challenge: str, level: str, seed: int) -> RunStreams:
    children = run_seed_sequence(suite, challenge, level, seed).spawn(len(STREAMS))
    return RunStreams(*(np.random.Generator(np.random.PCG64(child)) for child in children))


def parse_seeds(text: str) -> tuple[int, ...]:
    """Parse ``0-15``, ``3`` or ``0,2,5-7`` into sorted unique seeds."""
    seeds: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                if first > last:
                    raise ValueError
                seeds.update(range(first, last + 1))
            else:
                seeds.add(int(part))
        except ValueError:
            raise ValueError(
                f"invalid seed range {text!r}: use N, A-B with A <= B, or a comma list like 0,2,5-7"
            ) from None
    if any(s < 0 for s in seeds):
        raise ValueError(f"invalid seed range {text!r}: seeds must be >= 0")
    return tuple(sorted(seeds))
