"""Planning a campaign before running it: the job matrix, what is recorded, and what it will cost.

The cost of a run is its budget in env steps divided by a *measured* rate, in
steps per second, for its (tier, student, body). Rates live in a small JSON
file with the machine they were measured on (``throughput.json`` beside this
module), so anyone can add a line for their own learner or machine:

    {"machine": ..., "measured_on": ..., "entries": [
        {"tier": "surrogate", "student": "surrogate", "body": "*", "steps_per_s": ...,
         "source": "how it was measured"}]}

``body`` may be ``*`` (any body). An entry with student ``env-only`` is the raw
environment step rate without learning: used when no learner was measured, it
gives a *lower bound* on the cost, and the plan says so. ``python -m
teachbench.harness.cost`` measures this machine and rewrites the file.

Planning is read-only: it never moves or rewrites a record (unlike executing a
plan, which sets invalid records aside).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from teachbench.harness.challenge import Challenge
from teachbench.harness.plan import judge_record, teacher_identity
from teachbench.harness.runspec import RunSpec, resolve_suite
from teachbench.harness.supervisor import inspect_teacher

THROUGHPUT_FILE = Path(__file__).with_name("throughput.json")
ENV_ONLY = "env-only"
ANY = "*"


@dataclass(frozen=True)
class Rate:
    tier: str
    student: str
    body: str
    steps_per_s: float
    source: str
    device: str = "cpu"


@dataclass(frozen=True)
class Rates:
    machine: str
    measured_on: str
    entries: tuple[Rate, ...]

    def find(self, tier: str, student: str, body: str) -> tuple[Rate | None, bool]:
        """The best rate for a run and whether it is only a lower bound (env-only)."""
        for want_student, want_tier in ((student, tier), (ENV_ONLY, ANY)):
            for entry in self.entries:
                if (
                    entry.student == want_student
                    and entry.tier in (want_tier, ANY)
                    and entry.body in (body, ANY)
                ):
                    return entry, want_student == ENV_ONLY
        return None, False


def load_rates(path: Path = THROUGHPUT_FILE) -> Rates:
    try:
        doc = json.loads(path.read_text())
        entries = tuple(Rate(**entry) for entry in doc["entries"])
        return Rates(doc["machine"], doc["measured_on"], entries)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(
            f"{path}: not a throughput file ({exc}); it needs machine, measured_on and "
            "entries of {tier, student, body, steps_per_s, source}"
        ) from None


def update_rates(measured: Sequence[Rate], path: Path = THROUGHPUT_FILE) -> None:
    """Write ``measured`` into the throughput file, replacing entries of the same
    (tier, student, body) and keeping the others (another learner's, another tool's)."""
    replaced = {(e.tier, e.student, e.body) for e in measured}
    try:
        kept = [e for e in load_rates(path).entries if (e.tier, e.student, e.body) not in replaced]
    except ValueError:
        kept = []
    doc = {
        "machine": f"{_cpu_model()}, {os.cpu_count()} CPU(s), one core per run",
        "measured_on": time.strftime("%Y-%m-%d"),
        "entries": [asdict(e) for e in [*measured, *kept]],
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")


def body_of(challenge: Challenge) -> str:
    return str(challenge.env_kwargs.get("body") or challenge.student_kwargs.get("body") or ANY)


@dataclass
class Row:
    """One challenge of the matrix, over every requested teacher, level and seed."""

    challenge: str
    student: str
    body: str
    levels: tuple[str, ...]
    seeds: tuple[int, ...]
    budget: int
    runs: int = 0
    recorded: int = 0
    rate: Rate | None = None
    lower_bound: bool = False

    @property
    def steps_to_do(self) -> int:
        return (self.runs - self.recorded) * self.budget

    @property
    def hours(self) -> float | None:
        return None if self.rate is None else self.steps_to_do / self.rate.steps_per_s / 3600


@dataclass
class Matrix:
    suite: str
    tier: str
    teachers: list[str]
    results: Path
    rows: list[Row] = field(default_factory=list)


def job_matrix(
    suite_name: str,
    tier: str,
    teachers: Sequence[str],
    results: Path,
    challenges: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    seeds: Sequence[int] | None = None,
    hyperparameters: dict[str, Any] | None = None,
    rates: Rates | None = None,
) -> Matrix:
    """teachers x challenges x levels x seeds of one tier, with what is already recorded.

    "Recorded" is judged as a real run would (:func:`judge_record`): a record of an older
    protocol or teacher code does not count. Teachers are loaded in sandboxed children.
    """
    identities = {
        teacher: teacher_identity(inspect_teacher(teacher, dict(hyperparameters or {})))
        for teacher in teachers
    }
    suite = resolve_suite(suite_name)
    rates = rates or load_rates()
    chosen = (
        [suite.challenge(tier, c) for c in challenges] if challenges else suite.challenges(tier)
    )
    matrix = Matrix(suite_name, tier, list(teachers), results)
    for challenge in chosen:
        run_levels = tuple(lv for lv in (levels or challenge.levels) if lv in challenge.levels)
        run_seeds = tuple(seeds if seeds is not None else challenge.seeds)
        rate, bound = rates.find(tier, challenge.student, body_of(challenge))
        row = Row(challenge.name, challenge.student, body_of(challenge), run_levels, run_seeds,
                  challenge.budget_steps, rate=rate, lower_bound=bound)  # fmt: skip
        protocol_hash = suite.protocol_hash(tier, challenge)
        for teacher in teachers:
            for level in run_levels:
                for seed in run_seeds:
                    spec = RunSpec(suite_name, tier, challenge.name, str(level), teacher, seed,
                                   results, dict(hyperparameters or {}))  # fmt: skip
                    row.runs += 1
                    row.recorded += judge_record(spec, protocol_hash, identities[teacher]).done
        matrix.rows.append(row)
    return matrix


def _steps(n: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.3g}{unit}"
    return f"{n:.0f}"


def _hours(hours: float) -> str:
    return f"{hours:,.0f}" if hours >= 10 else f"{hours:.2g}"


def _seeds(seeds: tuple[int, ...]) -> str:
    if seeds and list(seeds) == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return ",".join(map(str, seeds))


def describe(matrix: Matrix, rates: Rates | None = None) -> str:
    """The job matrix, what is recorded, and the estimated cost, as printable text."""
    rates = rates or load_rates()
    teachers = matrix.teachers
    width = max([9, *(len(row.challenge) for row in matrix.rows)])
    lines = [
        f"job matrix: {len(teachers)} teacher(s) x {len(matrix.rows)} challenge(s) x levels x "
        f"seeds, suite {matrix.suite}, tier {matrix.tier}, results {matrix.results}",
        f"teachers: {', '.join(teachers)}",
        f"{'challenge':{width}s} {'levels':14s} {'seeds':8s} {'runs':>6s} {'recorded':>8s} "
        f"{'env steps':>9s} {'student/body':34s} {'steps/s':>8s} {'hours':>9s}",
    ]
    total_runs = total_recorded = total_steps = 0
    hours: dict[str, float] = {}
    bounded = unknown = False
    for row in matrix.rows:
        total_runs += row.runs
        total_recorded += row.recorded
        total_steps += row.steps_to_do
        rate = f"{row.rate.steps_per_s:8.0f}" if row.rate else f"{'?':>8s}"
        cost = "?" if row.hours is None else _hours(row.hours) + (" >=" if row.lower_bound else "")
        if row.hours is None:
            unknown = unknown or row.steps_to_do > 0
        else:
            unit = f"{row.rate.device.upper()}-h"
            hours[unit] = hours.get(unit, 0.0) + row.hours
            bounded = bounded or (row.lower_bound and row.steps_to_do > 0)
        lines.append(
            f"{row.challenge:{width}s} {','.join(row.levels):14s} {_seeds(row.seeds):8s} "
            f"{row.runs:6d} {row.recorded:8d} {_steps(row.steps_to_do):>9s} "
            f"{row.student + '/' + row.body:34s} {rate} {cost:>9s}"
        )
    spent = ", ".join(f"{_hours(v)} {k}" for k, v in hours.items()) or "0"
    lines.append(
        f"total: {total_runs} runs, {total_recorded} already recorded, {total_runs - total_recorded} "
        f"to run, {_steps(total_steps)} env steps, estimated {'at least ' if bounded else ''}{spent}"
    )
    lines.append(
        f"rates measured on {rates.machine} ({rates.measured_on}), from {THROUGHPUT_FILE.name}"
    )
    if bounded:
        lines.append(
            "'>=' marks a lower bound: no learner was measured there, so the raw environment "
            "step rate without learning stands in; learning costs more"
        )
    if unknown:
        lines.append(
            f"'?': no measured rate for that tier/student/body; add one to {THROUGHPUT_FILE}"
        )
    return "\n".join(lines)


# --- measuring this machine --------------------------------------------------------------------


def measure_env_only(suite_name: str, tier: str, seconds: float = 3.0) -> list[Rate]:
    """The raw step rate of each (environment, body) of a tier, random actions, no learning."""
    import gymnasium as gym
    import numpy as np

    suite = resolve_suite(suite_name)  # importing the suite registers its environments
    measured: dict[str, list[tuple[float, str]]] = {}
    for challenge in suite.challenges(tier):
        body = body_of(challenge)
        if any(env_id == challenge.env_id for _, env_id in measured.get(body, [])):
            continue
        env = gym.make(challenge.env_id, **dict(challenge.env_kwargs))
        rng = np.random.default_rng(0)
        task = challenge.test_set.tasks[0].tolist()
        env.reset(seed=0, options={"task": task})
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            action = rng.uniform(-1, 1, env.action_space.shape).astype(np.float32)
            _, _, terminated, truncated, _ = env.step(action)
            steps += 1
            if terminated or truncated:
                env.reset(options={"task": task})
        measured.setdefault(body, []).append(
            (steps / (time.perf_counter() - start), challenge.env_id)
        )
        env.close()
    # One entry per body: the slowest of its environments, so the bound stays on the safe side.
    return [
        Rate(
            ANY,
            ENV_ONLY,
            body,
            round(min(r for r, _ in found), 1),
            f"env.step() with random actions for {seconds:g} s in "
            f"{', '.join(f'{e} ({r:.0f}/s)' for r, e in found)}, slowest kept; no learning, "
            "so an upper bound on a learner's rate and a lower bound on cost",
        )
        for body, found in measured.items()
    ]


def measure_run(suite_name: str, tier: str, challenge: str, teacher: str = "random") -> Rate:
    """The rate of one real run (teacher, student, evaluations included) on this machine."""
    from teachbench.harness.loop import execute

    suite = resolve_suite(suite_name)
    found = suite.challenge(tier, challenge)
    with tempfile.TemporaryDirectory() as folder:
        spec = RunSpec(suite_name, tier, challenge, str(found.levels[0]), teacher, 0, Path(folder))
        record = execute(spec)
    rate = record["steps"] / record["timings"]["wall_s"]
    return Rate(tier, found.student, ANY if tier == "surrogate" else body_of(found), round(rate, 1),
                f"one {tier} run of {teacher} on {challenge}: {record['steps']} steps in "
                f"{record['timings']['wall_s']:.1f} s")  # fmt: skip


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: Sequence[str] | None = None) -> int:
    """Measure this machine's rates and rewrite the throughput file (keeps others' entries)."""
    suite = "teachmyagent"
    measured = [measure_run(suite, "surrogate", "upper-baseline"), *measure_env_only(suite, "full")]
    update_rates(measured)
    for entry in measured:
        print(
            f"{entry.tier:10s} {entry.student:10s} {entry.body:30s} {entry.steps_per_s:10.0f}  {entry.source}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
