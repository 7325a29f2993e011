"""``teachbench check``: a conformance check for a teacher, like gymnasium's env checker.

It drives the teacher on a synthetic task space with a known outcome function,
so a submitter learns in seconds whether the harness will accept the teacher:
API, task validity, determinism under a seed, checkpoint round trip and speed.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness.errors import TaskValidationError
from teachbench.harness.knowledge import ExpertKnowledge, GaussianDistribution, Level
from teachbench.harness.outcome import Episode, grade
from teachbench.harness.runspec import resolve_teacher
from teachbench.harness.space import TaskSpace
from teachbench.harness.storage import load_state, save_state
from teachbench.harness.teacher import Teacher
from teachbench.harness.validation import TaskValidator

#: Episodes per phase: enough for teachers that refit every few hundred episodes.
EPISODES = 400
RESUME_AT = 250
#: Amortised teacher time per episode above which the check warns (a 20M-step run has ~20k).
SLOW_MS = 5.0

#: The probe student's return scale (Stump Tracks' numbers, so teachers see familiar values).
PROBE_REWARD_RANGE, PROBE_THRESHOLD = (-150.0, 350.0), 230.0
PROBE_SPACE = TaskSpace(["height", "spacing", "distractor"], [0.0, 0.0, -1.0], [3.0, 6.0, 1.0])
PROBE_KNOWLEDGE = ExpertKnowledge(
    Level.HIGH,
    PROBE_SPACE,
    reward_range=PROBE_REWARD_RANGE,
    success_threshold=PROBE_THRESHOLD,
    initial_distribution=GaussianDistribution(mean=(0.0, 6.0, 0.0), std=(0.3, 0.6, 0.2)),
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _probe_return(task: np.ndarray, episode: int) -> float:
    """Returns that improve over time on easy tasks: a learning student, in one line."""
    progress = min(1.0, episode / 300)
    difficulty = task[0] / 3.0 - task[1] / 12.0
    return float(-100.0 + 370.0 * progress * max(0.0, 1.0 - difficulty))


def _drive(
    teacher: Teacher, episodes: range, validate: TaskValidator, rng: np.random.Generator
) -> tuple[list[np.ndarray], float]:
    tasks, spent = [], 0.0
    for episode in episodes:
        start = time.perf_counter()
        task = validate(teacher.sample_task(), episode)
        middle = time.perf_counter()
        played = Episode(_probe_return(task, episode) + rng.normal(0, 5), 1000, 0.0)
        outcome = grade(played, PROBE_THRESHOLD, PROBE_REWARD_RANGE)
        restart = time.perf_counter()
        teacher.update(task, outcome)
        spent += (middle - start) + (time.perf_counter() - restart)
        tasks.append(task)
    return tasks, spent


def check_teacher(entry: str, hyperparameters: dict[str, Any] | None = None) -> list[CheckResult]:
    """Run every check; never raises for a faulty teacher, reports instead."""
    hyperparameters = hyperparameters or {}
    results: list[CheckResult] = []
    try:
        resolved = resolve_teacher(entry)
    except LookupError as exc:
        return [CheckResult("api", False, str(exc).strip("'\""))]
    cls = resolved.obj
    results.append(
        CheckResult("api", True, f"{resolved.entry_point} implements teachbench.Teacher")
    )
    validate = TaskValidator(PROBE_SPACE, resolved.name)

    def build(seed: int) -> Teacher:
        teacher = cls(PROBE_SPACE, PROBE_KNOWLEDGE, np.random.default_rng(seed), **hyperparameters)
        teacher.set_value_estimator(lambda task: _probe_return(task, 0))
        return teacher

    checks: list[tuple[str, Callable[[], str]]] = [
        ("valid tasks", lambda: _check_validity(build, validate)),
        ("determinism", lambda: _check_determinism(build, validate)),
        ("state_dict round trip", lambda: _check_round_trip(build, validate)),
        ("speed", lambda: _check_speed(build, validate)),
    ]
    for name, check in checks:
        try:
            results.append(CheckResult(name, True, check()))
        except (AssertionError, TaskValidationError) as exc:
            results.append(CheckResult(name, False, str(exc)))
        except Exception as exc:  # the teacher's own bug, reported rather than raised
            results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
    return results


def _check_validity(build, validate) -> str:
    _drive(build(0), range(EPISODES), validate, np.random.default_rng(1))
    return f"{EPISODES} tasks of shape ({PROBE_SPACE.dim},), finite and in bounds"


def _check_determinism(build, validate) -> str:
    first, _ = _drive(build(7), range(EPISODES), validate, np.random.default_rng(1))
    second, _ = _drive(build(7), range(EPISODES), validate, np.random.default_rng(1))
    for episode, (a, b) in enumerate(zip(first, second, strict=True)):
        assert np.array_equal(a, b), (
            f"same seed, different task at episode {episode}: {a} vs {b}; "
            "draw all randomness from self.rng"
        )
    different, _ = _drive(build(8), range(EPISODES), validate, np.random.default_rng(1))
    if all(np.array_equal(a, b) for a, b in zip(first, different, strict=True)):
        return "same seed => same tasks (note: another seed gave the same tasks too)"
    return f"same seed => same {EPISODES} tasks; another seed => other tasks"


def _check_round_trip(build, validate) -> str:
    outcomes = np.random.default_rng(1)
    original = build(3)
    _drive(original, range(RESUME_AT), validate, outcomes)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "teacher.npz"
        save_state(path, {"teacher": original.state_dict()})
        restored = build(99)
        restored.load_state_dict(load_state(path)["teacher"])
    restored.rng.bit_generator.state = original.rng.bit_generator.state
    outcomes_copy = np.random.default_rng(0)
    outcomes_copy.bit_generator.state = outcomes.bit_generator.state
    expected, _ = _drive(original, range(RESUME_AT, EPISODES), validate, outcomes)
    resumed, _ = _drive(restored, range(RESUME_AT, EPISODES), validate, outcomes_copy)
    for episode, (a, b) in enumerate(zip(expected, resumed, strict=True), RESUME_AT):
        assert np.array_equal(a, b), (
            f"after load_state_dict the task at episode {episode} differs ({a} vs {b}); "
            "state_dict must hold the whole learning state"
        )
    return f"saved at episode {RESUME_AT} (npz, no pickle), same {EPISODES - RESUME_AT} tasks after"


def _check_speed(build, validate) -> str:
    _, spent = _drive(build(0), range(EPISODES), validate, np.random.default_rng(1))
    per_episode_ms = 1000 * spent / EPISODES
    detail = f"{per_episode_ms:.3f} ms per episode (sample_task + update, amortised)"
    assert per_episode_ms <= SLOW_MS * 20, f"{detail}: far too slow for a 20M-step protocol"
    if per_episode_ms > SLOW_MS:
        return f"{detail} — slow: a 20M-step surrogate run has ~20k episodes"
    return detail
