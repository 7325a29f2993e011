"""Setter-Solver: a goal setter trained against a judge of goal feasibility.

Racanière, Lampinen, Santoro, Reichert, Firoiu, Lillicrap. "Automated curricula
through setter-solver interactions". ICLR 2020 (arXiv 1909.12892).

The setter is a conditional generative model: given a desired feasibility f in
(0, 1) it maps Gaussian noise to a goal through a RealNVP flow (affine coupling
layers whose scale and shift networks see the kept coordinates and f) followed
by a sigmoid into the unit cube, rescaled to the space; its density is exact.
The judge is an MLP that predicts, from a goal, the logit of the solver
succeeding on it. Every task is drawn with f ~ U(0, 1). Every
``update_frequency`` episodes both are trained for ``train_steps`` Adam steps on
the goals played since the last update (then forgotten):

- judge: cross-entropy between its prediction and the observed success;
- setter, the sum of three losses: *feasibility*, the squared gap between the
  judge's logit on a goal set for f and logit(f), so that f means a success
  probability; *validity*, minus the log-density (under a random f) of the goals
  the solver achieved, jittered by U(0, ``setter_loss_noise_ub``) noise, so
  that the setter keeps proposing reachable goals; *coverage*, the mean
  log-density of the setter's own samples (an entropy bonus), so that it keeps
  exploring.

Defaults are TeachMyAgent's benchmark values: updates every 50 episodes, noise
0.1, hidden size 64, Adam 3e-4, and (our reading of its "3 blocks x 3 layers")
three coupling layers whose networks have three layers. Like TeachMyAgent, each
update is one Adam step for the judge and one for the setter on the whole
buffer (``train_steps`` = 1); more steps per update make the setter move faster
and cost proportionally more time. The judge has the three hidden layers its
constructor asks for ([64, 64, 64] + [1]); TeachMyAgent's code dropped the
first of them and so ran a 64-64-1 judge. Success is the challenge's
``return > threshold``, so Setter-Solver needs ``low`` knowledge.

TeachMyAgent turned seed 0 into a random seed, so its seed-0 runs cannot be
repeated; here every draw comes from the harness's generator, seed 0 included.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from teachbench.baselines.teachers._torch_nets import (
    load_module_state,
    load_optimizer_state,
    mlp,
    module_state,
    optimizer_state,
    small_net_mode,
    torch_generator,
)
from teachbench.harness import ExpertKnowledge, Outcome, TaskSpace, Teacher, check_param
from teachbench.harness.knowledge import SUCCESS_THRESHOLD
from torch import nn

#: Goals and feasibilities are kept this far inside (0, 1), where logits are finite.
EPS = 1e-6


class _ConditionalRealNVP(nn.Module):
    """Affine coupling layers on R^d, conditioned on a feasibility in (0, 1)."""

    def __init__(self, dim: int, hidden: int, layers: int, generator: torch.Generator):
        super().__init__()
        self.dim = dim
        masks = [(torch.arange(dim) + k) % 2 == 0 for k in range(layers)]
        self.register_buffer("masks", torch.stack(masks).to(torch.float32))
        self.nets = nn.ModuleList(
            mlp([dim + 1, hidden, hidden, 2 * dim], nn.LeakyReLU, generator) for _ in masks
        )

    def _scale_shift(self, k: int, kept: torch.Tensor, f: torch.Tensor) -> tuple:
        out = self.nets[k](torch.cat([kept, f], dim=1))
        free = 1.0 - self.masks[k]
        return torch.tanh(out[:, : self.dim]) * free, out[:, self.dim :] * free

    def forward(self, z: torch.Tensor, f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x = flow(z); also log |det dx/dz|."""
        x, log_det = z, torch.zeros(len(z))
        for k in range(len(self.nets)):
            scale, shift = self._scale_shift(k, x * self.masks[k], f)
            x = x * torch.exp(scale) + shift
            log_det = log_det + scale.sum(dim=1)
        return x, log_det

    def inverse(self, x: torch.Tensor, f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z = flow^-1(x); also log |det dx/dz| at that z."""
        z, log_det = x, torch.zeros(len(x))
        for k in reversed(range(len(self.nets))):
            scale, shift = self._scale_shift(k, z * self.masks[k], f)
            z = (z - shift) * torch.exp(-scale)
            log_det = log_det + scale.sum(dim=1)
        return z, log_det


class SetterSolver(Teacher):
    """Setter-Solver (see the module docstring for the paper and hyper-parameters)."""

    display_name = "Setter-Solver"

    requires = frozenset({SUCCESS_THRESHOLD})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        update_frequency: int = 50,
        setter_loss_noise_ub: float = 0.1,
        setter_hidden_size: int = 64,
        judge_hidden_size: int = 64,
        coupling_layers: int = 3,
        train_steps: int = 1,
        learning_rate: float = 3e-4,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.update_frequency = check_param(name, "update_frequency", update_frequency, int, low=1)
        self.setter_loss_noise_ub = check_param(
            name, "setter_loss_noise_ub", setter_loss_noise_ub, float, low=0.0, high=1.0
        )
        setter_hidden_size = check_param(name, "setter_hidden_size", setter_hidden_size, int, low=1)
        judge_hidden_size = check_param(name, "judge_hidden_size", judge_hidden_size, int, low=1)
        coupling_layers = check_param(name, "coupling_layers", coupling_layers, int, low=1)
        self.train_steps = check_param(name, "train_steps", train_steps, int, low=1)
        self.learning_rate = check_param(
            name, "learning_rate", learning_rate, float, low=1e-8, high=1.0
        )
        init = torch_generator(rng)
        d, h = space.dim, judge_hidden_size
        self._setter = _ConditionalRealNVP(d, setter_hidden_size, coupling_layers, init)
        self._judge = mlp([d, h, h, h, 1], nn.ReLU, init)
        self._setter_opt = torch.optim.Adam(
            self._setter.parameters(), lr=self.learning_rate, foreach=True
        )
        self._judge_opt = torch.optim.Adam(
            self._judge.parameters(), lr=self.learning_rate, foreach=True
        )
        self._goals: list[np.ndarray] = []  # unit-cube goals played since the last update
        self._successes: list[bool] = []
        self._queued = np.empty((0, space.dim))  # goals set for the coming episodes

    # --- the setter's density and samples, in unit-cube coordinates -------------------------

    def _sample(self, z: torch.Tensor, f: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Goals y in (0, 1)^d for noise z and feasibilities f; also log p(y | f)."""
        x, log_det = self._setter(z, f)
        y = torch.sigmoid(x).clamp(EPS, 1 - EPS)
        return y, self._log_normal(z) - log_det - torch.log(y * (1 - y)).sum(dim=1)

    def _log_prob(self, y: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
        y = y.clamp(EPS, 1 - EPS)
        z, log_det = self._setter.inverse(torch.logit(y), f)
        return self._log_normal(z) - log_det - torch.log(y * (1 - y)).sum(dim=1)

    @staticmethod
    def _log_normal(z: torch.Tensor) -> torch.Tensor:
        return -0.5 * (z**2).sum(dim=1) - 0.5 * z.shape[1] * np.log(2 * np.pi)

    def _judge_logit(self, y: torch.Tensor) -> torch.Tensor:
        return self._judge(2 * y - 1)[:, 0]

    def propose(self, feasibility: float | np.ndarray, n: int) -> np.ndarray:
        """n goals the setter sets for a feasibility, or one per feasibility (draws from ``self.rng``)."""
        wanted = np.broadcast_to(np.clip(feasibility, EPS, 1 - EPS), (n,))
        f = torch.tensor(wanted, dtype=torch.float32)[:, None]
        z = torch.as_tensor(self.rng.standard_normal((n, self.space.dim)), dtype=torch.float32)
        with torch.no_grad(), small_net_mode():
            y = self._sample(z, f)[0].numpy().astype(np.float64)
        return self.space.clip(self.space.from_unit(y))

    def judge_probability(self, tasks: np.ndarray) -> np.ndarray:
        """The judge's probability that the solver succeeds on each task."""
        y = torch.as_tensor(self.space.to_unit(np.atleast_2d(tasks)), dtype=torch.float32)
        with torch.no_grad(), small_net_mode():
            return torch.sigmoid(self._judge_logit(y)).numpy().astype(np.float64)

    def log_density(self, tasks: np.ndarray, feasibility: float) -> np.ndarray:
        """log p(goal | f) of the setter, in unit-cube coordinates."""
        y = torch.as_tensor(self.space.to_unit(np.atleast_2d(tasks)), dtype=torch.float32)
        f = torch.full((len(y), 1), float(feasibility))
        with torch.no_grad(), small_net_mode():
            return self._log_prob(y, f).numpy().astype(np.float64)

    # --- the Teacher contract ----------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        """The next of the goals set, all at once, for the episodes left before the next update.

        The setter only changes at an update, so setting those goals in one batch
        gives them the same distribution as setting them one by one, at a tenth
        of the cost (one flow pass instead of one per episode).
        """
        if not len(self._queued):
            n = max(self.update_frequency - len(self._goals), 1)
            self._queued = self.propose(self.rng.uniform(EPS, 1.0, size=n), n)
        task, self._queued = self._queued[0], self._queued[1:]
        return task.copy()

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        self._goals.append(self.space.to_unit(np.asarray(task, dtype=np.float64)))
        self._successes.append(bool(outcome.success))
        if len(self._goals) >= self.update_frequency:
            goals = torch.as_tensor(np.array(self._goals), dtype=torch.float32)
            successes = torch.as_tensor(self._successes, dtype=torch.float32)
            self._goals, self._successes = [], []
            self._queued = self._queued[:0]  # set by the setter before this update
            with small_net_mode():
                self._train(goals, successes, torch_generator(self.rng))

    def _train(self, goals: torch.Tensor, successes: torch.Tensor, gen: torch.Generator) -> None:
        n, d = goals.shape
        achieved = goals[successes > 0.5]
        for _ in range(self.train_steps):
            judge_loss = nn.functional.binary_cross_entropy_with_logits(
                self._judge_logit(goals), successes
            )
            self._judge_opt.zero_grad()
            judge_loss.backward()
            self._judge_opt.step()

            f = EPS + (1 - EPS) * torch.rand(n, 1, generator=gen)
            z = torch.randn(n, d, generator=gen)
            samples, log_p = self._sample(z, f)
            feasibility = ((self._judge_logit(samples) - torch.logit(f[:, 0])) ** 2).mean()
            coverage = log_p.mean()
            setter_loss = feasibility + coverage
            if len(achieved):
                noise = self.setter_loss_noise_ub * torch.rand(achieved.shape, generator=gen)
                f_valid = EPS + (1 - EPS) * torch.rand(len(achieved), 1, generator=gen)
                setter_loss = setter_loss - self._log_prob(achieved + noise, f_valid).mean()
            self._setter_opt.zero_grad()
            setter_loss.backward()
            self._setter_opt.step()

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "setter": module_state(self._setter),
            "judge": module_state(self._judge),
            "setter_opt": optimizer_state(self._setter_opt),
            "judge_opt": optimizer_state(self._judge_opt),
            "goals": np.array(self._goals).reshape(-1, self.space.dim),
            "successes": list(self._successes),
            "queued": self._queued.copy(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        load_module_state(self._setter, state["setter"])
        load_module_state(self._judge, state["judge"])
        load_optimizer_state(self._setter_opt, state["setter_opt"])
        load_optimizer_state(self._judge_opt, state["judge_opt"])
        goals = np.asarray(state["goals"], dtype=np.float64).reshape(-1, self.space.dim)
        self._goals = list(goals)
        self._successes = [bool(s) for s in state["successes"]]
        self._queued = np.array(state["queued"], dtype=np.float64).reshape(-1, self.space.dim)
