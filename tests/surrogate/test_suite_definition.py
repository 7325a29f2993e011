"""The teachmyagent suite: challenge facts and protocol hashes."""

from __future__ import annotations

import numpy as np
from teachbench.harness.mapping import ShuffledCells
from teachbench.tasks.suites.teachmyagent import DRL_BUDGETS, SUITE


def test_challenges_follow_teachmyagent() -> None:
    challenges = {c.name: c for c in SUITE.challenges("surrogate")}
    assert challenges["mostly-unfeasible"].space.high[0] == 9.0
    assert challenges["mostly-trivial"].space.low[0] == -3.0
    assert challenges["forgetting"].reset_every_steps == 7_000_000
    assert (
        challenges["distractors"].space.dim == 10 and challenges["distractors"].env_space.dim == 2
    )
    for challenge in challenges.values():
        assert challenge.budget_steps == 20_000_000 and challenge.eval_every_steps == 500_000
        assert challenge.mastery_threshold == 230.0
        grid = challenge.test_set.tasks
        assert grid.shape == (100, 2)
        assert np.allclose(np.unique(grid[:, 0]), np.linspace(0, 3, 10))


def test_protocol_hash_changes_with_anything_that_changes_results() -> None:
    base = SUITE.challenge("surrogate", "upper-baseline")
    from dataclasses import replace

    same = SUITE.protocol_hash("surrogate", replace(base))
    assert same == SUITE.protocol_hash("surrogate", base)
    assert SUITE.protocol_hash("surrogate", replace(base, budget_steps=10)) != same
    assert SUITE.protocol_hash("surrogate", replace(base, mapping=ShuffledCells(3))) != same
    assert len({SUITE.protocol_hash("surrogate", c) for c in SUITE.challenges("surrogate")}) == 10


def test_drl_tiers_point_at_the_box2d_environments_and_their_test_sets() -> None:
    full = {c.name: c for c in SUITE.challenges("full")}
    assert full["upper-baseline"].env_id == "teachbench/StumpTracks-v0"
    assert full["upper-baseline"].env_kwargs["body"] == "old_classic_bipedal"
    assert full["students-ppo-spider"].student == "ppo"
    fish = full["parkour-fish"]
    assert fish.test_set.name == "swimming_test_set_v1" and fish.test_set.tasks.shape == (100, 8)
    assert [lv.value for lv in fish.levels] == ["low"] and fish.seeds == tuple(range(32, 48))
    assert fish.reward_range == (-150.0, 360.0)
    smoke = SUITE.challenge("smoke", "forgetting")
    assert (
        smoke.budget_steps == DRL_BUDGETS["smoke"][0]
        and smoke.reset_every_steps <= smoke.budget_steps
    )
