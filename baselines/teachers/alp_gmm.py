"""ALP-GMM: absolute learning progress tracked by Gaussian mixtures.

Portelas, Colas, Hofmann, Oudeyer. "Teacher algorithms for curriculum learning of
Deep RL in continuously parameterized environments". CoRL 2019 (arXiv 1910.07224).

Each episode's absolute learning progress (ALP) is the absolute difference
between its return and the return of the nearest task played before. Every
``fit_rate`` episodes, Gaussian mixtures with k = ``min_k`` .. ``max_k - 1``
components are fitted on the last ``fit_rate`` (task, ALP) points and the best by
AIC is kept; tasks are then drawn from a component picked in proportion to its
mean ALP, or uniformly with probability ``random_task_ratio``.

Defaults are TeachMyAgent's benchmark values: ``fit_rate`` 150, 5% random tasks,
k in 2..9, AIC, one EM initialisation (``teachbench.baselines.teachers.gmm``: the same EM
as scikit-learn's, batched over components for speed). With ``high`` expert knowledge the
bootstrap episodes come from the easy-task distribution instead of uniform.
Tasks and returns are used raw (unnormalised), as in TeachMyAgent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial import cKDTree
from teachbench.baselines.teachers.gmm import best_mixture, sample_curriculum
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param

#: Nearest-neighbour search: a kd-tree over older tasks, brute force over the newest.
REBUILD_EVERY = 500
#: ALP is 0 until this many tasks have been played (too few neighbours to compare with).
MIN_HISTORY = 6


class ALPGMM(Teacher):
    """ALP-GMM (see the module docstring for the paper and hyper-parameters)."""

    display_name = "ALP-GMM"

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        fit_rate: int = 150,
        random_task_ratio: float = 0.05,
        min_k: int = 2,
        max_k: int = 10,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.fit_rate = check_param(name, "fit_rate", fit_rate, int, low=10)
        self.random_task_ratio = check_param(
            name, "random_task_ratio", random_task_ratio, float, low=0.0, high=1.0
        )
        self.min_k = check_param(name, "min_k", min_k, int, low=1)
        self.max_k = check_param(name, "max_k", max_k, int, low=self.min_k + 1)
        if self.max_k - 1 > self.fit_rate:
            raise ValueError(f"{name}: max_k - 1 ({self.max_k - 1}) exceeds fit_rate ({fit_rate})")
        self._bootstrap = knowledge.initial_distribution
        self._tasks = np.empty((0, space.dim))
        self._returns = np.empty(0)
        self._alps = np.empty(0)
        self._count = 0
        self._since_fit = 0
        self._tree: cKDTree | None = None
        self._tree_size = 0
        self._gmm: dict[str, np.ndarray] | None = None

    # --- sampling ----------------------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        return sample_curriculum(
            self.rng, self.space, self._bootstrap, self._gmm, self.random_task_ratio
        )

    # --- learning ----------------------------------------------------------------------------

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        alp = self._progress(task, outcome.episodic_return)
        self._append(task, outcome.episodic_return, alp)
        self._since_fit += 1
        if self._since_fit >= self.fit_rate:
            self._since_fit = 0
            self._fit()

    def _progress(self, task: np.ndarray, episodic_return: float) -> float:
        if self._count < MIN_HISTORY:
            return 0.0
        best_distance, best_index = np.inf, -1
        if self._tree is not None:
            best_distance, best_index = self._tree.query(task)
        pending = self._tasks[self._tree_size : self._count]
        if len(pending):
            distances = np.einsum("ij,ij->i", pending - task, pending - task)
            nearest = int(np.argmin(distances))
            if np.sqrt(distances[nearest]) < best_distance:
                best_index = self._tree_size + nearest
        return float(abs(episodic_return - self._returns[best_index]))

    def _append(self, task: np.ndarray, episodic_return: float, alp: float) -> None:
        if self._count == len(self._returns):
            capacity = max(1024, 2 * self._count)
            self._tasks = np.resize(self._tasks, (capacity, self.space.dim))
            self._returns = np.resize(self._returns, capacity)
            self._alps = np.resize(self._alps, capacity)
        self._tasks[self._count] = task
        self._returns[self._count] = episodic_return
        self._alps[self._count] = alp
        self._count += 1
        if self._count - self._tree_size >= REBUILD_EVERY:
            self._build_tree(self._count)

    def _build_tree(self, size: int) -> None:
        self._tree_size = size
        self._tree = cKDTree(self._tasks[:size]) if size else None

    def _fit(self) -> None:
        """Fit k = min_k..max_k-1 mixtures on the last window; keep the best AIC."""
        window = slice(self._count - self.fit_rate, self._count)
        data = np.column_stack([self._tasks[window], self._alps[window]])
        best = best_mixture(data, range(self.min_k, self.max_k), self.rng)
        self._gmm = _mixture_params(best.weights, best.means, best.covariances)

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        n = self._count
        return {
            "tasks": self._tasks[:n].copy(),
            "returns": self._returns[:n].copy(),
            "alps": self._alps[:n].copy(),
            "since_fit": self._since_fit,
            "tree_size": self._tree_size,
            "gmm": None
            if self._gmm is None
            else {k: self._gmm[k] for k in ("weights", "means", "covariances")},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._tasks = np.array(state["tasks"], dtype=np.float64).reshape(-1, self.space.dim)
        self._returns = np.array(state["returns"], dtype=np.float64)
        self._alps = np.array(state["alps"], dtype=np.float64)
        self._count = len(self._returns)
        self._since_fit = int(state["since_fit"])
        self._build_tree(int(state["tree_size"]))
        gmm = state["gmm"]
        self._gmm = None if gmm is None else _mixture_params(**gmm)


def _mixture_params(
    weights: np.ndarray, means: np.ndarray, covariances: np.ndarray
) -> dict[str, np.ndarray]:
    """Parameters for sampling: which component (by mean ALP), and Cholesky factors."""
    weights, means, covariances = (
        np.asarray(a, dtype=np.float64) for a in (weights, means, covariances)
    )
    progress = np.maximum(means[:, -1], 0.0)
    pick = progress / progress.sum() if progress.sum() > 0 else np.full(len(means), 1 / len(means))
    return {
        "weights": weights,
        "means": means,
        "covariances": covariances,
        "chol": np.linalg.cholesky(covariances),
        "pick": pick,
    }
