"""Synthetic run frames in the leaderboard's input contract, for the leaderboard tests."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

N_EVALS = 6
STEPS = [500_000 * (i + 1) for i in range(N_EVALS)]


def make_runs(
    teachers: tuple[str, ...] = ("random", "alp-gmm", "my_teacher"),
    challenges: tuple[str, ...] = ("mostly-trivial", "rugged"),
    levels: tuple[str, ...] = ("none", "low"),
    n_seeds: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """One ok run per (level, challenge, teacher, seed); later teachers learn faster."""
    rng = np.random.default_rng(seed)
    rows = []
    for level in levels:
        for challenge in challenges:
            for rank, teacher in enumerate(teachers):
                for s in range(n_seeds):
                    gains = rng.uniform(0, 8 + 6 * rank, N_EVALS)
                    curve = np.clip(np.cumsum(gains), 0, 100)
                    rows.append(
                        {
                            "suite": "teachmyagent",
                            "tier": "surrogate",
                            "protocol_hash": f"hash-{challenge}-{level}",
                            "challenge": challenge,
                            "level": level,
                            "teacher": teacher,
                            "seed": s,
                            "status": "ok",
                            "final_mastered": float(curve[-1]),
                            "auc": float(curve.mean()),
                            "curve_steps": list(STEPS),
                            "curve_mastered": curve.tolist(),
                        }
                    )
    return pd.DataFrame(rows)


@pytest.fixture
def runs_factory() -> Callable[..., pd.DataFrame]:
    return make_runs


@pytest.fixture
def runs() -> pd.DataFrame:
    return make_runs()
