"""Covar-GMM: competence progress read from Gaussian mixtures over (task, time, return).

Moulin-Frier, Nguyen, Oudeyer. "Self-organization of early vocal development in
infants and machines: the role of intrinsic motivation". Frontiers in Psychology,
2013 (adapted to curriculum RL by Portelas et al., CoRL 2019).

Each episode is stored as (task, relative time, return), the relative time being
the episode's position inside the current batch of ``fit_rate`` episodes. Every
``fit_rate`` episodes, mixtures with k = 2 .. ``max_k - 1`` full-covariance
components are fitted on the last batch and the best by AIC is kept. A component
whose return rises with time (a positive time-return covariance) is a region
where the student is progressing; tasks are drawn from a component picked in
proportion to that covariance (its absolute value with ``absolute_lp``), and
uniformly with probability ``random_task_ratio``.

Defaults are TeachMyAgent's benchmark values: ``fit_rate`` 150, 10% random tasks,
k in 2..14, ``absolute_lp`` off, one EM initialisation (``teachbench.baselines.teachers.gmm``). The first ``fit_rate``
episodes are uniform, or drawn from the easy-task distribution under ``high``
knowledge, as for ALP-GMM. Tasks and returns are raw.

TeachMyAgent turned seed 0 into a random seed, so its seed-0 runs cannot be
repeated; here every draw comes from the harness's generator, seed 0 included.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from teachbench.baselines.teachers.gmm import best_mixture, sample_curriculum
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param


class CovarGMM(Teacher):
    """Covar-GMM (see the module docstring for the paper and hyper-parameters)."""

    display_name = "Covar-GMM"

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        fit_rate: int = 150,
        random_task_ratio: float = 0.1,
        max_k: int = 15,
        absolute_lp: bool = False,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.fit_rate = check_param(name, "fit_rate", fit_rate, int, low=10)
        self.random_task_ratio = check_param(
            name, "random_task_ratio", random_task_ratio, float, low=0.0, high=1.0
        )
        self.max_k = check_param(name, "max_k", max_k, int, low=3, high=self.fit_rate + 1)
        self.absolute_lp = check_param(name, "absolute_lp", absolute_lp, bool)
        self._bootstrap = knowledge.initial_distribution
        self._batch: list[np.ndarray] = []  # rows of (task, time, return) since the last fit
        self._gmm: dict[str, np.ndarray] | None = None

    def sample_task(self) -> np.ndarray:
        return sample_curriculum(
            self.rng, self.space, self._bootstrap, self._gmm, self.random_task_ratio
        )

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        time = len(self._batch) / self.fit_rate
        row = np.concatenate([np.asarray(task, dtype=np.float64), [time, outcome.episodic_return]])
        self._batch.append(row)
        if len(self._batch) == self.fit_rate:
            self._fit(np.array(self._batch))
            self._batch = []

    def _fit(self, data: np.ndarray) -> None:
        """Fit k = 2..max_k-1 mixtures on one batch; keep the best AIC (shared EM with ALP-GMM)."""
        best = best_mixture(data, range(2, self.max_k), self.rng)
        self._gmm = self._sampler(best.means, best.covariances)

    def _sampler(self, means: np.ndarray, covariances: np.ndarray) -> dict[str, np.ndarray]:
        """Component probabilities from the time-return covariances, and Cholesky factors."""
        means = np.asarray(means, dtype=np.float64)
        covariances = np.asarray(covariances, dtype=np.float64)
        t, r = self.space.dim, self.space.dim + 1
        progress = covariances[:, t, r]
        progress = np.abs(progress) if self.absolute_lp else np.maximum(progress, 0.0)
        total = progress.sum()
        pick = progress / total if total > 0 else np.full(len(means), 1.0 / len(means))
        return {
            "means": means,
            "covariances": covariances,
            "chol": np.linalg.cholesky(covariances),
            "pick": pick,
        }

    @property
    def progress_weights(self) -> np.ndarray | None:
        """Each component's probability of being picked, or ``None`` before the first fit."""
        return None if self._gmm is None else self._gmm["pick"].copy()

    @property
    def component_means(self) -> np.ndarray | None:
        """The task part of each component's mean, or ``None`` before the first fit."""
        return None if self._gmm is None else self._gmm["means"][:, : self.space.dim].copy()

    def state_dict(self) -> dict[str, Any]:
        return {
            "batch": np.array(self._batch).reshape(-1, self.space.dim + 2),
            "gmm": None
            if self._gmm is None
            else {k: self._gmm[k].copy() for k in ("means", "covariances")},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        batch = np.asarray(state["batch"], dtype=np.float64).reshape(-1, self.space.dim + 2)
        self._batch = list(batch)
        gmm = state["gmm"]
        self._gmm = None if gmm is None else self._sampler(gmm["means"], gmm["covariances"])
