"""Today's SAC (Haarnoja et al. 2018, "SAC: algorithms and applications"), for users who want it.

It differs from TeachMyAgent's SpinningUp 0.1.1 student (``sac.py``, whose acting,
evaluation, buffer and checkpoints it reuses) where the field has moved since:

- no V network: Q targets bootstrap on twin *target* Q networks,
  ``r + gamma (1 - d) (min Q_targ(s', a') - alpha log pi(a'|s'))`` with ``a' ~ pi(s')``;
- the entropy coefficient is learned towards a target entropy of ``-dim(A)``;
- one gradient step every environment step once ``update_after`` steps are stored, on
  batches of 256 (256-256 ReLU networks, lr 3e-4, Polyak 0.995), instead of all updates at
  episode end.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch
from teachbench.baselines.students import _drl
from teachbench.baselines.students.sac import SAC, SquashedGaussianPolicy
from teachbench.harness.space import TaskSpace
from torch import nn


class ModernSAC(SAC):
    """Twin-Q targets and a learned entropy coefficient; one update per step."""

    name: ClassVar[str] = "sac-modern"
    nets: ClassVar[tuple[str, ...]] = ("pi", "q1", "q2", "q1_targ", "q2_targ")
    optimizers: ClassVar[tuple[str, ...]] = ("pi_opt", "value_opt", "alpha_opt")

    def __init__(
        self,
        env_id: str,
        env_space: TaskSpace,
        env_kwargs: dict[str, Any],
        rng: np.random.Generator,
        *,
        mastery_threshold: float,
        max_episode_steps: int,
        hidden: tuple[int, ...] = (256, 256),
        lr: float = 3e-4,
        initial_alpha: float = 1.0,
        gamma: float = 0.99,
        polyak: float = 0.995,
        batch_size: int = 256,
        replay_size: int = 1_000_000,
        start_steps: int = 10_000,
        update_after: int = 1_000,
        device: str | None = None,
        threads: int = 1,
    ):
        self.initial_alpha, self.update_after = initial_alpha, update_after
        super().__init__(
            env_id, env_space, env_kwargs, rng, mastery_threshold=mastery_threshold,
            max_episode_steps=max_episode_steps, hidden=hidden, lr=lr, gamma=gamma,
            polyak=polyak, batch_size=batch_size,
            replay_size=replay_size, start_steps=start_steps, train_freq=1,
            device=device, threads=threads,
        )  # fmt: skip

    def _build(self) -> None:
        obs_dim, act_dim, gen = self.env.obs_dim, self.env.act_dim, self.generator

        def critic() -> nn.Sequential:
            return _drl.mlp((obs_dim + act_dim, *self.hidden, 1), nn.ReLU, gen)

        self.pi = SquashedGaussianPolicy(obs_dim, act_dim, self.hidden, gen)
        self.q1, self.q2 = critic(), critic()
        self.q1_targ, self.q2_targ = critic(), critic()
        for net, target in ((self.q1, self.q1_targ), (self.q2, self.q2_targ)):
            target.load_state_dict(net.state_dict())
            target.requires_grad_(False)
        self.pi_params = list(self.pi.parameters())
        self.value_params = [*self.q1.parameters(), *self.q2.parameters()]
        self.target_params = [*self.q1_targ.parameters(), *self.q2_targ.parameters()]
        self.log_alpha = torch.tensor(
            float(np.log(self.initial_alpha)), device=self.device, requires_grad=True
        )
        self.target_entropy = -float(act_dim)
        self.pi_opt = torch.optim.Adam(self.pi_params, lr=self.lr, fused=True)
        self.value_opt = torch.optim.Adam(self.value_params, lr=self.lr, fused=True)
        self.alpha_opt = torch.optim.Adam([self.log_alpha], lr=self.lr, fused=True)

    def _value(self, obs: np.ndarray) -> float:
        """V(s) ~ min Q(s, mean action): the policy's value without its entropy bonus."""
        with torch.inference_mode():
            x = self._tensor(obs[None])
            pairs = torch.cat([x, self.pi.mean_action(x)], 1)
            return float(torch.minimum(self.q1(pairs), self.q2(pairs))[0, 0])

    def update(self) -> None:
        idx = self.rng.integers(0, self.buffer.size, size=self.batch_size)
        obs, act, rew, next_obs, done = (self._tensor(x) for x in self.buffer.batch(idx))
        alpha = self.log_alpha.detach().exp()
        with torch.no_grad():
            next_action, next_logp = self.pi(next_obs, self.generator)
            pairs = torch.cat([next_obs, next_action], 1)
            next_q = torch.minimum(self.q1_targ(pairs), self.q2_targ(pairs))[:, 0]
            backup = rew + self.gamma * (1 - done) * (next_q - alpha * next_logp)
        pairs = torch.cat([obs, act], 1)
        q_loss = 0.5 * ((self.q1(pairs)[:, 0] - backup).pow(2).mean()
                        + (self.q2(pairs)[:, 0] - backup).pow(2).mean())  # fmt: skip
        action, logp = self.pi(obs, self.generator)
        pairs_pi = torch.cat([obs, action], 1)
        q_pi = torch.minimum(self.q1(pairs_pi), self.q2(pairs_pi))[:, 0]
        pi_loss = (alpha * logp - q_pi).mean()
        alpha_loss = -(self.log_alpha * (logp.detach() + self.target_entropy)).mean()
        self.updates += 1
        _drl.check_finite(q_loss + pi_loss, self.name, "loss", self.updates)
        # Each loss reaches only its own parameters, all from the same forward pass.
        pi_grads = torch.autograd.grad(pi_loss, self.pi_params)
        self.value_opt.zero_grad(set_to_none=True)
        q_loss.backward()
        for param, grad in zip(self.pi_params, pi_grads, strict=True):
            param.grad = grad
        self.alpha_opt.zero_grad(set_to_none=True)
        alpha_loss.backward()
        self.pi_opt.step()
        self.value_opt.step()
        self.alpha_opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(self.target_params, self.value_params, 1 - self.polyak)

    def _after_step(self) -> None:
        if self.total_steps >= self.update_after:
            self.update()

    def _after_episode(self, length: int) -> None:
        """All learning happened during the episode."""

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "log_alpha": float(self.log_alpha.detach())}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        with torch.no_grad():
            self.log_alpha.fill_(float(state["log_alpha"]))
