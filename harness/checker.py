"""``teachbench check``: a conformance check for a teacher, like gymnasium's env checker.

It drives the teacher on a synthetic task space with a known outcome function,
so a submitter learns in seconds whether the harness will accept the teacher:
API, task validity, determinism under a seed (within one interpreter and across
two fresh ones, which catches ``hash()``-seeded teachers), tasks left unchanged
after they are returned, checkpoint round trip and speed.

Each probe runs in its own fresh interpreter with a timeout, sandboxed like a run
where the kernel allows: a teacher that exits (``sys.exit(0)``), hangs or
crashes fails that probe with the reason, and never passes it by silence. A
CI gate can trust the exit status. ``check`` is a conformance check for honest
mistakes, not a security boundary: a teacher written to fool it can (re-running
its seeds, ``teachbench verify``, is what checks a submission's results).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness import sandbox, signing
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
#: Seconds one probe may take before it counts as hung.
PROBE_TIMEOUT_S = 300.0
#: Hash seeds of the two interpreters that must agree: ``hash()`` differs between them.
HASH_SEEDS = ("1", "2")

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


def _builder(entry: str, hyperparameters: dict[str, Any]) -> tuple[Callable[[int], Teacher], Any]:
    resolved = resolve_teacher(entry)
    cls = resolved.obj

    def build(seed: int) -> Teacher:
        teacher = cls(PROBE_SPACE, PROBE_KNOWLEDGE, np.random.default_rng(seed), **hyperparameters)
        teacher.set_value_estimator(lambda task: _probe_return(task, 0))
        return teacher

    return build, TaskValidator(PROBE_SPACE, resolved.name)


def _probe(name: str, entry: str, hyperparameters: dict[str, Any]) -> CheckResult:
    """One probe, in this (fresh, disposable) interpreter."""
    if name == "api":
        try:
            resolved = resolve_teacher(entry)
        except LookupError as exc:
            return CheckResult("api", False, str(exc).strip("'\""))
        return CheckResult("api", True, f"{resolved.entry_point} implements teachbench.Teacher")
    build, validate = _builder(entry, hyperparameters)
    try:
        return CheckResult(name, True, PROBES[name](build, validate))
    except (AssertionError, TaskValidationError) as exc:
        return CheckResult(name, False, str(exc))
    except Exception as exc:  # the teacher's own bug, reported rather than raised
        return CheckResult(name, False, f"{type(exc).__name__}: {exc}")


def check_teacher(
    entry: str, hyperparameters: dict[str, Any] | None = None, timeout_s: float = PROBE_TIMEOUT_S
) -> list[CheckResult]:
    """Run every probe, each in a fresh interpreter; never raises for a faulty teacher."""
    hyperparameters = hyperparameters or {}
    api = _in_child("api", entry, hyperparameters, timeout_s)
    if not api.ok:
        return [api]
    # The probes are independent: run them side by side, then time the teacher alone.
    names = ("valid tasks", "determinism", "tasks not mutated", "state_dict round trip")
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        probes = [pool.submit(_in_child, n, entry, hyperparameters, timeout_s) for n in names]
        digests = [
            pool.submit(_in_child, "task digest", entry, hyperparameters, timeout_s, seed)
            for seed in HASH_SEEDS
        ]
        results = [api, *(p.result() for p in probes), _same_digests([d.result() for d in digests])]
    results.append(_in_child("speed", entry, hyperparameters, timeout_s))
    return results


def _same_digests(reports: list[CheckResult]) -> CheckResult:
    """Two fresh interpreters (different ``hash()`` seeds) must draw the same tasks."""
    name = "determinism across runs"
    failed = next((r for r in reports if not r.ok), None)
    if failed is not None:
        return CheckResult(name, False, failed.detail)
    if reports[0].detail != reports[1].detail:
        return CheckResult(
            name,
            False,
            "same seed, different tasks in two fresh interpreters: the teacher draws on "
            "something that changes per process (hash(), id(), time, os.urandom); use self.rng",
        )
    return CheckResult(name, True, f"two fresh interpreters, same seed => same {EPISODES} tasks")


def _in_child(
    name: str,
    entry: str,
    hyperparameters: dict[str, Any],
    timeout_s: float,
    hash_seed: str = "0",
) -> CheckResult:
    """Run one probe in a fresh interpreter; any end without a report is a FAIL with the cause."""
    with tempfile.TemporaryDirectory(prefix="teachbench-check-") as scratch:
        report = Path(scratch) / "report.json"
        env = {
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            "TMPDIR": scratch,
            "JOBLIB_MULTIPROCESSING": "0",
        }
        command = [sys.executable, "-m", "teachbench.harness.checker", name, entry,
                   json.dumps(hyperparameters), str(report), str(signing.key_path())]  # fmt: skip
        try:
            done = subprocess.run(
                command, env=env, cwd=scratch, capture_output=True, text=True,
                timeout=timeout_s, check=False, start_new_session=True,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return CheckResult(name, False, f"did not finish within {timeout_s:g} s (hangs?)")
        try:
            data = json.loads(report.read_text())
            return CheckResult(name, bool(data["ok"]), str(data["detail"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    code = done.returncode
    how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited (code {code})"
    last = " ".join((done.stderr or "").strip().splitlines()[-1:])[-300:]
    return CheckResult(
        name, False, f"the probe {how} without a report" + (f": {last}" if last else "")
    )


def _digest_probe(build, validate) -> str:
    tasks, _ = _drive(build(7), range(EPISODES), validate, np.random.default_rng(1))
    return hashlib.sha256(np.asarray(tasks).tobytes()).hexdigest()


def _check_not_mutated(build, validate) -> str:
    teacher = build(0)
    returned, kept = [], []
    outcomes = np.random.default_rng(1)
    for episode in range(EPISODES):
        task = teacher.sample_task()
        returned.append(task)
        kept.append(np.array(validate(task, episode)))
        played = Episode(_probe_return(kept[-1], episode) + outcomes.normal(0, 5), 1000, 0.0)
        teacher.update(task, grade(played, PROBE_THRESHOLD, PROBE_REWARD_RANGE))
    for episode, (now, then) in enumerate(zip(returned, kept, strict=True)):
        assert np.array_equal(np.asarray(now, dtype=np.float64), then), (
            f"the task returned at episode {episode} was changed afterwards ({then} -> {now}); "
            "return a new array each time (e.g. .copy()), never one the teacher keeps changing"
        )
    return f"{EPISODES} returned tasks unchanged after update()"


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


PROBES: dict[str, Callable[[Any, TaskValidator], str]] = {
    "valid tasks": _check_validity,
    "determinism": _check_determinism,
    "tasks not mutated": _check_not_mutated,
    "state_dict round trip": _check_round_trip,
    "speed": _check_speed,
    "task digest": _digest_probe,
}


def _main(argv: list[str]) -> None:
    """``python -m teachbench.harness.checker PROBE ENTRY HP_JSON REPORT KEY``: one probe."""
    name, entry, hyperparameters, report, key = argv
    scratch = Path(report).parent
    if sandbox.unavailable_reason() is None:
        sandbox.confine(scratch, Path(key))
    result = _probe(name, entry, json.loads(hyperparameters))
    Path(report).write_text(json.dumps({"ok": result.ok, "detail": result.detail}))


if __name__ == "__main__":
    _main(sys.argv[1:])
