"""Measure the DRL students' training throughput per body, for the campaign cost model.

``python -m teachbench.baselines.students.throughput`` (writes its rates into the campaign
planner's throughput file, ``teachbench/harness/throughput.json``)
plays each (student, body) on its Parkour or Stump Tracks environment with TeachMyAgent's
configuration, past SAC's warm-up, and writes env steps per second *including the gradient
updates* (and a 20M-step run's wall-clock) with a description of the machine. One torch
thread, as in a run. PPO's rollout is shortened (``--ppo-rollout``): its cost per step does
not depend on the rollout length.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from teachbench.baselines.students.ppo import PPO
from teachbench.baselines.students.sac import SAC
from teachbench.harness.challenge import Challenge
from teachbench.harness.cost import ANY, Rate, update_rates
from teachbench.harness.runspec import resolve_suite
from teachbench.harness.vocabulary import Tier

RUN_STEPS = 20_000_000
#: The suite whose full-tier Parkour challenges are measured (found through the registry:
#: baselines never import tasks).
SUITE = "teachmyagent"
#: A Parkour task of the "medium" training box: hilly ground, some water, a few creepers.
TASKS = {
    "old_classic_bipedal": [-0.15, 0.8, 0.1, 0.0, 0.25, 0.0, 5.0, 10.0],
    "climbing_profile_chimpanzee": [-0.15, 0.8, 0.1, 0.0, 0.25, 2.0, 2.0, 10.0],
    "fish": [-0.15, 0.8, 0.1, 1.0, 0.25, 0.0, 5.0, 10.0],
}


def training_rate(learner, task: np.ndarray, steps: int) -> float:
    """Env steps per second of ``learner`` training on ``task`` for at least ``steps`` steps."""
    done, seed = 0, 0
    start = time.perf_counter()
    while done < steps:
        done += learner.run_episode(task, seed).length
        seed += 1
    return done / (time.perf_counter() - start)


def parkour_challenge(body: str) -> Challenge:
    """The full tier's Parkour challenge of ``body``: the environment, episode cap and
    threshold a real run gives its student."""
    for challenge in resolve_suite(SUITE).challenges(Tier.FULL):
        if challenge.name.startswith("parkour") and challenge.env_kwargs.get("body") == body:
            return challenge
    raise KeyError(f"suite {SUITE!r} has no full-tier Parkour challenge for body {body!r}")


def measure(body: str, algorithm: str, steps: int, ppo_rollout: int) -> float:
    task = np.array(TASKS[body])
    challenge = parkour_challenge(body)
    rng = np.random.default_rng(0)
    if algorithm == "sac":
        learner = replace(challenge, student_kwargs={"start_steps": 300}).make_student(SAC, rng)
        training_rate(learner, task, 500)  # past the warm-up, with a buffer to sample from
    else:
        kwargs = {"n_steps": ppo_rollout, "n_minibatches": 20}
        learner = replace(challenge, student_kwargs=kwargs).make_student(PPO, rng)
        steps = max(steps, 2 * ppo_rollout)
    return training_rate(learner, task, steps)


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                      if line.startswith("model name")), "")  # fmt: skip
    return {
        "cpu": model or platform.processor(),
        "cores_visible": len(os.sched_getaffinity(0)),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torch_threads": 1,
        "measured": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1_000, help="timed env steps per case")
    parser.add_argument("--ppo-rollout", type=int, default=4_000)
    parser.add_argument("--note", default="", help="e.g. how loaded the machine was")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    measured = []
    for algorithm in ("sac", "ppo"):
        for body in TASKS:
            rate = measure(body, algorithm, args.steps, args.ppo_rollout)
            source = (f"{args.steps} timed training steps on Parkour, updates included, one torch "
                      f"thread, TeachMyAgent's configuration ({machine()['platform']}). {args.note}")  # fmt: skip
            measured.append(Rate(ANY, algorithm, body, round(rate, 1), source.strip()))
            print(f"{algorithm} {body}: {rate:.0f} env steps/s, "
                  f"{RUN_STEPS / rate / 3600:.1f} h per 20M steps", flush=True)  # fmt: skip
    update_rates(measured)


if __name__ == "__main__":
    main()
