"""SPDL: Self-Paced Deep Reinforcement Learning.

Klink, Abdulsamad, Belousov, D'Eramo, Peters, Pajarinen. "Self-Paced Deep
Reinforcement Learning". NeurIPS 2020 (arXiv 2004.11812).

Tasks come from a Gaussian context distribution p (full covariance) that moves,
under a trust region, from easy tasks towards a target distribution mu. After
``update_offset`` env steps, every ``update_frequency`` env steps, the contexts
played since the last update (at most 1000) and the student's values V(s0) on
them give a new p maximising

    mean_i[ p(c_i) / p_old(c_i) * V(c_i) ] - alpha * KL(p || mu)
    subject to KL(p || p_old) <= max_kl,

approximately, as the paper's code does: one natural-gradient step (10
conjugate-gradient iterations on the Fisher matrix, damping 1e-2) scaled to the
trust region, then up to 10 halvings until the step improves the objective
within it (else p stays). The values are centred on their mean first: the mean
importance ratio being 1 in expectation, this leaves the objective's expectation
unchanged, but without it the sampling noise of a few hundred contexts, not the
values, drives the update (with equal values, the update should be the pull
towards mu alone).

``alpha`` is 0 for the first ``alpha_offset`` updates, then ``zeta * performance
/ KL(p_old || mu)`` clipped to [0, 1e5] (a negative performance, as falls cost
-100 on Stump Tracks, would otherwise reward moving away from mu). Performance
is the mean discounted return (``discount``) of the episodes since the last
update when per-step rewards reach ``step_update``, and the mean V(s0) of their
contexts otherwise. The distribution lives in unit-cube coordinates of the
space; samples are clipped.

Defaults are TeachMyAgent's benchmark values: offset 200000, frequency 50000,
alpha offset 10, zeta 0.25, max KL 0.1, discount 0.99. The target is the
challenge's target distribution if it has one, otherwise a Gaussian at the
centre with std range/4; the initial distribution is the easy-task one under
``high`` knowledge, otherwise a Gaussian with a uniform random mean and std 10%
of the range. TeachMyAgent only passed the easy tasks under the names
``original``/``maximal``, so its SPDL ran ``high`` as ``low``; this module uses
them under ``high``, as the paper would. SPDL needs the student's value
estimate (``value_estimate``).

TeachMyAgent turned seed 0 into a random seed, so its seed-0 runs cannot be
repeated; here every draw comes from the harness's generator, seed 0 included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from teachbench.baselines.teachers._torch_nets import small_net_mode
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param
from teachbench.harness.knowledge import VALUE_ESTIMATE, GaussianDistribution
from torch.distributions import MultivariateNormal, kl_divergence

#: Contexts kept between two updates.
MAX_BUFFER = 1000
#: Upper bound of the KL penalty's weight.
MAX_ALPHA = 1e5
#: Log-std range of the context distribution, in unit-cube coordinates.
LOG_STD = (-12.0, 3.0)
#: Importance ratios beyond e^50 carry no information but overflow.
MAX_LOG_RATIO = 50.0
#: Conjugate-gradient iterations and damping of the natural-gradient step.
CG_ITERATIONS = 10
CG_DAMPING = 1e-2
#: Halvings of the step tried until it improves the objective inside the trust region.
LINE_SEARCH_STEPS = 10


class SPDL(Teacher):
    """SPDL (see the module docstring for the paper and hyper-parameters)."""

    display_name = "SPDL"

    requires = frozenset({VALUE_ESTIMATE})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        update_offset: int = 200_000,
        update_frequency: int = 50_000,
        alpha_offset: int = 10,
        zeta: float = 0.25,
        max_kl: float = 0.1,
        discount: float = 0.99,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.update_offset = check_param(name, "update_offset", update_offset, int, low=0)
        self.update_frequency = check_param(name, "update_frequency", update_frequency, int, low=1)
        self.alpha_offset = check_param(name, "alpha_offset", alpha_offset, int, low=0)
        self.zeta = check_param(name, "zeta", zeta, float, low=0.0)
        self.max_kl = check_param(name, "max_kl", max_kl, float, low=1e-8)
        self.discount = check_param(name, "discount", discount, float, low=0.0, high=1.0)
        target = knowledge.target_distribution
        if target is None:
            self._target_mean, self._target_std = np.full(space.dim, 0.5), np.full(space.dim, 0.25)
        else:
            self._target_mean, self._target_std = self._to_unit(target, 0.25)
        if knowledge.initial_distribution is None:
            mean, std = rng.random(space.dim), np.full(space.dim, 0.1)
        else:
            mean, std = self._to_unit(knowledge.initial_distribution, 0.1)
        self._mean, self._chol = mean, np.diag(std)
        self._contexts: list[np.ndarray] = []  # unclipped unit-cube samples played
        self._tasks: list[np.ndarray] = []
        self._performances: list[float] = []
        self._pending: np.ndarray | None = None
        self._steps = 0
        self._next_update = self.update_offset
        self._updates = 0
        self._discounted, self._episode_steps = 0.0, 0

    def _to_unit(
        self, dist: GaussianDistribution, fallback: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """A diagonal Gaussian of the space in unit-cube coordinates (fixed dims: ``fallback``)."""
        width = self.space.width
        mean = self.space.to_unit(np.asarray(dist.mean, dtype=np.float64))
        std = np.where(width > 0, np.asarray(dist.std) / np.where(width > 0, width, 1), fallback)
        return mean, np.maximum(std, 1e-4)

    @property
    def distribution(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance of the context distribution, in the space's units."""
        scale = self.space.width
        covariance = self._chol @ self._chol.T
        return self.space.from_unit(self._mean), covariance * np.outer(scale, scale)

    def kl_to_target(self) -> float:
        with torch.no_grad():
            return float(kl_divergence(self._gaussian(self._mean, self._chol), self._target()))

    # --- sampling ----------------------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        self._pending = self._mean + self._chol @ self.rng.standard_normal(self.space.dim)
        return self.space.clip(self.space.from_unit(self._pending))

    # --- learning ----------------------------------------------------------------------------

    def step_update(self, transition: tuple) -> None:
        """Accumulate the discounted return of the running episode from (s, a, r, s', done)."""
        self._discounted += self.discount**self._episode_steps * float(transition[2])
        self._episode_steps += 1

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        self._steps += int(outcome.length)
        if self._pending is not None:
            self._contexts.append(self._pending)
            self._tasks.append(np.asarray(task, dtype=np.float64))
            del self._contexts[:-MAX_BUFFER], self._tasks[:-MAX_BUFFER]
            self._pending = None
        if self._episode_steps:
            self._performances.append(self._discounted)
            self._discounted, self._episode_steps = 0.0, 0
        if self._steps >= self._next_update and self._contexts:
            self._update_distribution()
            while self._next_update <= self._steps:
                self._next_update += self.update_frequency

    def _update_distribution(self) -> None:
        if self.value_estimator is None:
            raise RuntimeError("SPDL needs the student's value estimator (set_value_estimator)")
        contexts = np.array(self._contexts)
        values = np.array([float(self.value_estimator(t)) for t in self._tasks])
        performance = np.mean(self._performances) if self._performances else values.mean()
        self._contexts, self._tasks, self._performances = [], [], []
        self._updates += 1
        alpha = 0.0
        if self._updates > self.alpha_offset:
            kl = self.kl_to_target()
            if kl > 0:
                alpha = float(np.clip(self.zeta * performance / kl, 0.0, MAX_ALPHA))
        with small_net_mode():
            self._mean, self._chol = self._trust_region_step(contexts, values, alpha)

    def _trust_region_step(
        self, contexts: np.ndarray, values: np.ndarray, alpha: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """One natural-gradient step: conjugate gradient on the Fisher, then a line search."""
        d = self.space.dim
        rows, cols = np.tril_indices(d)
        diagonal = torch.as_tensor(rows == cols)
        old = self._gaussian(self._mean, self._chol)
        c = torch.as_tensor(contexts)
        old_logp = old.log_prob(c)
        scale = max(float(np.abs(values).mean()), 1e-8)  # the step does not depend on it
        v = torch.as_tensor(values - values.mean())  # a baseline: E_old[ratio] = 1 for every p
        target = self._target()

        def unpack(theta: torch.Tensor) -> MultivariateNormal:
            entries = torch.where(diagonal, theta[d:].clamp(*LOG_STD).exp(), theta[d:])
            chol = torch.zeros(d, d, dtype=torch.float64)
            chol[rows, cols] = entries
            return MultivariateNormal(theta[:d], scale_tril=chol, validate_args=False)

        def objective(theta: torch.Tensor) -> torch.Tensor:
            p = unpack(theta)
            ratio = (p.log_prob(c) - old_logp).clamp(max=MAX_LOG_RATIO).exp()
            return ((ratio * v).mean() - alpha * kl_divergence(p, target)) / scale

        entries = self._chol[rows, cols].copy()
        entries[rows == cols] = np.log(entries[rows == cols])
        theta0 = torch.tensor(np.concatenate([self._mean, entries]), requires_grad=True)
        (gradient,) = torch.autograd.grad(objective(theta0), theta0)
        (kl_grad,) = torch.autograd.grad(
            kl_divergence(old, unpack(theta0)), theta0, create_graph=True
        )

        def fisher(x: torch.Tensor) -> torch.Tensor:
            (hx,) = torch.autograd.grad(kl_grad @ x, theta0, retain_graph=True)
            return hx + CG_DAMPING * x

        direction = _conjugate_gradient(fisher, gradient.detach())
        curvature = float(direction @ fisher(direction))
        if not curvature > 0:
            return self._mean, self._chol
        full_step = np.sqrt(2 * self.max_kl / curvature) * direction
        with torch.no_grad():
            base = float(objective(theta0))
            for i in range(LINE_SEARCH_STEPS):
                theta = theta0 + full_step * 0.5**i
                p = unpack(theta)
                if float(kl_divergence(p, old)) <= self.max_kl and float(objective(theta)) > base:
                    return p.loc.numpy().copy(), p.scale_tril.numpy().copy()
        return self._mean, self._chol

    def _gaussian(self, mean: np.ndarray, chol: np.ndarray) -> MultivariateNormal:
        return MultivariateNormal(torch.as_tensor(mean), scale_tril=torch.as_tensor(chol))

    def _target(self) -> MultivariateNormal:
        return self._gaussian(self._target_mean, np.diag(self._target_std))

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "mean": self._mean.copy(),
            "chol": self._chol.copy(),
            "contexts": np.array(self._contexts).reshape(-1, self.space.dim),
            "tasks": np.array(self._tasks).reshape(-1, self.space.dim),
            "performances": list(self._performances),
            "pending": None if self._pending is None else self._pending.copy(),
            "steps": self._steps,
            "next_update": self._next_update,
            "updates": self._updates,
            "discounted": self._discounted,
            "episode_steps": self._episode_steps,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        dim = self.space.dim
        self._mean = np.array(state["mean"], dtype=np.float64)
        self._chol = np.array(state["chol"], dtype=np.float64).reshape(dim, dim)
        self._contexts = list(np.asarray(state["contexts"], dtype=np.float64).reshape(-1, dim))
        self._tasks = list(np.asarray(state["tasks"], dtype=np.float64).reshape(-1, dim))
        self._performances = [float(x) for x in state["performances"]]
        pending = state["pending"]
        self._pending = None if pending is None else np.array(pending, dtype=np.float64)
        self._steps = int(state["steps"])
        self._next_update = int(state["next_update"])
        self._updates = int(state["updates"])
        self._discounted = float(state["discounted"])
        self._episode_steps = int(state["episode_steps"])


def _conjugate_gradient(
    product: Callable[[torch.Tensor], torch.Tensor], b: torch.Tensor
) -> torch.Tensor:
    """Approximately solve A x = b given x -> A x (A symmetric positive definite)."""
    x = torch.zeros_like(b)
    r, p = b.clone(), b.clone()
    rr = r @ r
    for _ in range(CG_ITERATIONS):
        if rr < 1e-12:
            break
        ap = product(p).detach()
        step = rr / (p @ ap)
        x, r = x + step * p, r - step * ap
        rr_next = r @ r
        p, rr = r + (rr_next / rr) * p, rr_next
    return x
