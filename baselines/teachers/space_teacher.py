"""SPaCE: Self-Paced Context Evaluation.

Eimer, Biedenkapp, Hutter, Lindauer. "Self-Paced Context Evaluation for Contextual
Reinforcement Learning". ICML 2021 (arXiv 2106.05110).

SPaCE trains on a growing subset of a fixed, finite set of instances, ordered by
the student's own value estimates. Here the instance set is ``n_instances``
tasks drawn uniformly from the space at construction. Training goes in passes:
each pass plays every instance of the current curriculum once, in a shuffled
order. After each pass, V(s0) of every instance is read from the student's value
estimator; the instances are ranked by how much their value changed since the
previous evaluation (the first ranking, with nothing to compare to, puts the
highest values, i.e. the easiest instances, first), and the curriculum is the
top ``size`` of that ranking. When the mean value over the curriculum has
changed by at most ``eta`` (relative) since the previous pass, the student has
stopped improving on it and ``size`` grows by ``kappa`` instances.

The paper compares the value change against an absolute threshold; a relative
one is used so that one default fits every reward scale. Defaults: 100
instances, a curriculum starting at and growing by ``kappa`` = 1 instance,
``eta`` = 0.1. SPaCE needs the student's value estimate (``value_estimate``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param
from teachbench.harness.knowledge import VALUE_ESTIMATE


class SPaCE(Teacher):
    """SPaCE (see the module docstring for the paper and hyper-parameters)."""

    display_name = "SPaCE"

    requires = frozenset({VALUE_ESTIMATE})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        n_instances: int = 100,
        kappa: int = 1,
        eta: float = 0.1,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.n_instances = check_param(name, "n_instances", n_instances, int, low=1)
        self.kappa = check_param(name, "kappa", kappa, int, low=1, high=self.n_instances)
        self.eta = check_param(name, "eta", eta, float, low=0.0)
        self._instances = np.array([space.sample(rng) for _ in range(self.n_instances)])
        self._size = self.kappa
        self._values: np.ndarray | None = None  # V(s0) of every instance at the last evaluation
        self._curriculum = np.empty(0, dtype=np.int64)
        self._pass: list[int] = []  # instances still to play in this pass

    @property
    def curriculum(self) -> np.ndarray:
        """The instances of the current curriculum, best-ranked first."""
        return self._instances[self._curriculum].copy()

    def sample_task(self) -> np.ndarray:
        if not self._pass:
            self._evaluate()
            self._pass = [int(i) for i in self.rng.permutation(self._curriculum)]
        return self._instances[self._pass.pop()].copy()

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        """Learning happens in the student; SPaCE reads its values between passes."""

    def _evaluate(self) -> None:
        if self.value_estimator is None:
            raise RuntimeError(
                "SPaCE needs the student's value estimator (set_value_estimator) before sampling"
            )
        values = np.array([float(self.value_estimator(t)) for t in self._instances])
        if self._values is None:
            ranking = np.argsort(-values, kind="stable")
        else:
            before = self._values[self._curriculum].mean()
            after = values[self._curriculum].mean()
            if abs(after - before) <= self.eta * max(abs(before), 1e-8):
                self._size = min(self._size + self.kappa, self.n_instances)
            ranking = np.argsort(-np.abs(values - self._values), kind="stable")
        self._values = values
        self._curriculum = ranking[: self._size]

    def state_dict(self) -> dict[str, Any]:
        return {
            "instances": self._instances.copy(),
            "size": self._size,
            "values": None if self._values is None else self._values.copy(),
            "curriculum": self._curriculum.copy(),
            "pass": list(self._pass),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._instances = np.array(state["instances"], dtype=np.float64).reshape(-1, self.space.dim)
        self._size = int(state["size"])
        values = state["values"]
        self._values = None if values is None else np.array(values, dtype=np.float64)
        self._curriculum = np.array(state["curriculum"], dtype=np.int64)
        self._pass = [int(i) for i in state["pass"]]
