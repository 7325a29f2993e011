"""The ``teachmyagent`` suite: TeachMyAgent's challenge unit-tests, and beyond.

Stump Tracks challenges follow TeachMyAgent (Romac et al., ICML 2021): stump
height in [0, 3] and spacing in [0, 6], a 20M-step budget, an evaluation every
0.5M steps on the fixed 10x10 grid, expert knowledge none / low / high. The
distractors challenge comes from the ALP-GMM paper (Portelas et al., CoRL 2019);
the upper baseline is the unperturbed space as a reference point.
"""

from __future__ import annotations

from dataclasses import replace

from teachbench.harness import GaussianDistribution, Level, TaskSpace
from teachbench.harness.challenge import Challenge, Suite, TestSet
from teachbench.harness.mapping import SelectDimensions, ShuffledCells
from teachbench.harness.vocabulary import body_slug
from teachbench.tasks.envs import evaluation_sets
from teachbench.tasks.envs.constants import (
    MAX_EPISODE_STEPS,
    PARKOUR_REWARD_RANGE,
    STUMP_REWARD_RANGE,
    SUCCESS_RETURN,
)

BUDGET = 20_000_000
EVAL_EVERY = 500_000
RESET_EVERY = 7_000_000
STUMP_NAMES = ("stump_height", "obstacle_spacing")
SPACING = (0.0, 6.0)
SURROGATE_ENV = "surrogate/stump-tracks"
#: The walker of every challenge that does not name another body (TeachMyAgent's default).
DEFAULT_BODY = "old_classic_bipedal"
N_DISTRACTORS = 8


def stump_test_set() -> TestSet:
    """TeachMyAgent's ``parametric_stumps_test_set``: the 10x10 grid on [0,3]x[0,6]."""
    names, tasks = evaluation_sets.load_test_set("parametric_stumps_test_set")
    assert tuple(names) == STUMP_NAMES, names
    return TestSet("parametric_stumps_test_set", tasks)


def stump_space(min_height: float = 0.0, max_height: float = 3.0) -> TaskSpace:
    return TaskSpace(STUMP_NAMES, [min_height, SPACING[0]], [max_height, SPACING[1]])


def easy_tasks(space: TaskSpace) -> GaussianDistribution:
    """TeachMyAgent's 'high' prior: no stumps, widest spacing; sd = 10% of each range."""
    return GaussianDistribution(
        mean=(0.0, SPACING[1]) + (0.5,) * (space.dim - 2),
        std=tuple(float(v) for v in 0.1 * space.width),
    )


def _stump_challenge(
    name: str,
    description: str,
    space: TaskSpace,
    test_set: TestSet,
    env_space: TaskSpace | None = None,
    **overrides,
) -> Challenge:
    return Challenge(
        name=name,
        description=description,
        space=space,
        env_id=SURROGATE_ENV,
        env_space=env_space or space,
        student="surrogate",
        test_set=test_set,
        budget_steps=BUDGET,
        eval_every_steps=EVAL_EVERY,
        mastery_threshold=SUCCESS_RETURN,
        max_episode_steps=MAX_EPISODE_STEPS,
        reward_range=STUMP_REWARD_RANGE,
        initial_distribution=easy_tasks(space),
        **overrides,
    )


def surrogate_challenges() -> tuple[Challenge, ...]:
    grid = stump_test_set()
    default = stump_space()
    distractors = TaskSpace(
        STUMP_NAMES + tuple(f"distractor_{i}" for i in range(N_DISTRACTORS)),
        [0.0, SPACING[0]] + [0.0] * N_DISTRACTORS,
        [3.0, SPACING[1]] + [1.0] * N_DISTRACTORS,
    )
    challenges = [
        _stump_challenge(
            "upper-baseline", "the unperturbed space h in [0,3]: the reference", default, grid
        ),
        _stump_challenge(
            "mostly-unfeasible", "h in [0,9]: most of the space cannot be learned",
            stump_space(0.0, 9.0), grid,
        ),
        _stump_challenge(
            "mostly-trivial", "h in [-3,3]: half of the space is flat ground",
            stump_space(-3.0, 3.0), grid,
        ),
        _stump_challenge(
            "forgetting", "the student forgets everything every 7M steps", default, grid,
            reset_every_steps=RESET_EVERY,
        ),
        _stump_challenge(
            "rugged", "each dimension cut in 4, cells shuffled per seed", default, grid,
            mapping=ShuffledCells(cuttings=4),
        ),
        _stump_challenge(
            "distractors", "2 real + 8 irrelevant dimensions", distractors, grid,
            env_space=default, mapping=SelectDimensions(keep=(0, 1)),
        ),
    ]  # fmt: skip
    for learner in ("sac", "ppo"):
        for body in ("spider", "small_bipedal"):
            challenges.append(
                _stump_challenge(
                    f"students-{learner}-{body_slug(body)}",
                    f"variety of students: {learner.upper()} with the {body} body",
                    default,
                    grid,
                    student_kwargs={"body": body, "learner": learner},
                )
            )
    return tuple(challenges)


# --- the DRL tiers: the same challenges on the Box2D environments -------------------------------

STUMP_ENV = "teachbench/StumpTracks-v0"
PARKOUR_ENV = "teachbench/Parkour-v0"
#: TeachMyAgent's Parkour teacher space ("medium" CPPN box; creeper width and CPPN scale fixed).
PARKOUR_SPACE = TaskSpace(
    ["input_vector_0", "input_vector_1", "input_vector_2", "water_level", "creepers_width",
     "creepers_height", "creepers_spacing", "terrain_cppn_scale"],
    [-0.35, 0.6, -0.1, 0.0, 0.25, 0.0, 0.0, 10.0],
    [0.05, 1.0, 0.3, 1.0, 0.25, 4.0, 5.0, 10.0],
)  # fmt: skip
#: body, test set, seeds (TeachMyAgent runs the three bodies on disjoint seed ranges).
PARKOUR_BODIES = (
    ("old_classic_bipedal", "walking_test_set_v1", range(0, 16)),
    ("climbing_profile_chimpanzee", "climbing_test_set_v1", range(16, 32)),
    ("fish", "swimming_test_set_v1", range(32, 48)),
)
#: (budget, evaluation period, seeds). smoke: every code path of the real students in about a
#: minute per run here; full: the published protocol.
DRL_BUDGETS = {"smoke": (4_000, 2_000, 2), "full": (BUDGET, EVAL_EVERY, 16)}
#: smoke: the students' TeachMyAgent configuration with the warm-up and rollouts scaled down so
#: that the learned policy acts and learns within the smoke budget (networks, batch sizes and
#: learning rates unchanged).
SMOKE_STUDENT_KWARGS = {
    "sac": {"start_steps": 1_000},
    "ppo": {"n_steps": 1_000, "n_minibatches": 4},
}
#: smoke evaluates every 10th task of the test set: it proves the evaluation, not a score.
SMOKE_TEST_STRIDE = 10


def _loaded(name: str, tier: str) -> TestSet:
    tasks = evaluation_sets.load_test_set(name)[1]
    if tier == "smoke":
        return TestSet(f"{name}-every-{SMOKE_TEST_STRIDE}th", tasks[::SMOKE_TEST_STRIDE])
    return TestSet(name, tasks)


def _drl_student_kwargs(learner: str, tier: str) -> dict:
    return dict(SMOKE_STUDENT_KWARGS[learner]) if tier == "smoke" else {}


def drl_challenges(tier: str) -> tuple[Challenge, ...]:
    """Surrogate challenges moved onto Box2D with SAC/PPO students, plus Parkour."""
    budget, eval_every, n_seeds = DRL_BUDGETS[tier]
    stumps = _loaded("parametric_stumps_test_set", tier)
    challenges = []
    for challenge in surrogate_challenges():
        student_kwargs = dict(challenge.student_kwargs)
        learner = student_kwargs.pop("learner", "sac")
        body = student_kwargs.pop("body", DEFAULT_BODY)
        challenges.append(
            replace(
                challenge,
                env_id=STUMP_ENV,
                env_kwargs={"body": body},
                student=learner,
                student_kwargs=_drl_student_kwargs(learner, tier),
                test_set=stumps,
                budget_steps=budget,
                eval_every_steps=eval_every,
                reset_every_steps=challenge.reset_every_steps
                and min(challenge.reset_every_steps, budget // 2),
                seeds=tuple(range(n_seeds)),
            )
        )
    for body, test_set, seeds in PARKOUR_BODIES:
        challenges.append(
            Challenge(
                name=f"parkour-{body}",
                description=f"Parkour (CPPN terrain, water, creepers) with the {body} body",
                space=PARKOUR_SPACE,
                env_id=PARKOUR_ENV,
                env_space=PARKOUR_SPACE,
                env_kwargs={"body": body},
                student="sac",
                student_kwargs=_drl_student_kwargs("sac", tier),
                test_set=_loaded(test_set, tier),
                budget_steps=budget,
                eval_every_steps=eval_every,
                mastery_threshold=SUCCESS_RETURN,
                max_episode_steps=MAX_EPISODE_STEPS,
                reward_range=PARKOUR_REWARD_RANGE,
                levels=(Level.LOW,),
                seeds=tuple(seeds)[:n_seeds],
            )
        )
    return tuple(challenges)


SUITE = Suite(
    name="teachmyagent",
    version="1",
    tiers={
        "surrogate": surrogate_challenges(),
        "smoke": drl_challenges("smoke"),
        "full": drl_challenges("full"),
    },
)
