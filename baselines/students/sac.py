"""SAC as TeachMyAgent ran it: SpinningUp 0.1.1's Soft Actor-Critic with a V network.

This is the main student of TeachMyAgent (Romac et al., ICML 2021; ``sac_v0.1.1``),
rewritten in torch from the published algorithm (Haarnoja et al. 2018, SpinningUp 0.1.1):

- policy, Q1, Q2 and V are 400-300 ReLU MLPs (TensorFlow's Glorot-uniform weights, zero
  biases); the policy is a tanh-squashed Gaussian whose log-std is a tanh output rescaled to
  [-20, 2]; a target V network follows V by Polyak averaging (0.995);
- Q targets bootstrap on V-target: ``r + gamma (1 - d) V_targ(s')``; the V target is
  ``min(Q1, Q2)(s, a~pi) - alpha log pi``; the policy maximises ``Q1(s, a~pi) - alpha log pi``
  with a *fixed* entropy coefficient alpha = 0.005;
- one Adam (lr 1e-3) for the policy, one for Q1+Q2+V; both step from the same forward pass,
  as SpinningUp's single ``sess.run`` did (torch's fused Adam: 10-30x faster than the
  per-tensor one on these 0.5M parameters, measured);
- 10,000 uniform-random steps first; *all* gradient updates happen at the end of an episode,
  ``ceil(ep_len / 10)`` of them, on batches of 1000 from a 2e6 FIFO buffer;
- a time-out (2000 steps) is not a terminal state.

One run is one process with one torch thread (runs are parallel across processes). Every
random draw comes from the run's numpy stream or a torch generator seeded from it; torch's
global RNG is never used, so a seed gives the same run bit for bit on one machine kind.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import torch
from teachbench.baselines.students import _drl
from teachbench.baselines.students._replay import ReplayBuffer
from teachbench.baselines.teachers._torch_nets import load_optimizer_state, optimizer_state
from teachbench.harness.outcome import Episode
from teachbench.harness.space import TaskSpace
from torch import nn

LOG_STD_MIN, LOG_STD_MAX = -20.0, 2.0
_LOG_2PI = math.log(2 * math.pi)


class SquashedGaussianPolicy(nn.Module):
    """400-300 ReLU trunk; mean and tanh-bounded log-std heads; actions squashed by tanh."""

    def __init__(self, obs_dim: int, act_dim: int, hidden: tuple[int, ...], gen: torch.Generator):
        super().__init__()
        self.trunk = _drl.mlp((obs_dim, *hidden), nn.ReLU, gen, last_activation=True)
        self.mu = _drl.linear(hidden[-1], act_dim, gen, "glorot")
        self.log_std = _drl.linear(hidden[-1], act_dim, gen, "glorot")

    def forward(
        self, obs: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """A sampled action in [-1, 1] and its log-probability (with the tanh correction)."""
        h = self.trunk(obs)
        mu = self.mu(h)
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (
            torch.tanh(self.log_std(h)) + 1
        )
        noise = torch.randn(mu.shape, generator=generator, device=mu.device)
        pre_tanh = mu + noise * log_std.exp()
        logp = (-0.5 * (noise * noise + 2 * log_std + _LOG_2PI)).sum(1)
        action = torch.tanh(pre_tanh)
        # SpinningUp's clip_but_pass_gradient: clip 1 - tanh^2 to [0, 1], keep its gradient.
        squash = 1 - action * action
        squash = squash + (squash.clamp(0, 1) - squash).detach()
        return action, logp - torch.log(squash + 1e-6).sum(1)

    def mean_action(self, obs: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.mu(self.trunk(obs)))

    def sample_action(self, obs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """What ``forward`` samples (the same draw), without the log-probability: for acting."""
        h = self.trunk(obs)
        mu = self.mu(h)
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (
            torch.tanh(self.log_std(h)) + 1
        )
        noise = torch.randn(mu.shape, generator=generator, device=mu.device)
        return torch.tanh(mu + noise * log_std.exp())


class SAC(_drl.DRLStudent):
    """TeachMyAgent's SAC (SpinningUp 0.1.1) as a teachbench Student."""

    name: ClassVar[str] = "sac"
    #: What a checkpoint holds besides the buffer and counters (attribute names).
    nets: ClassVar[tuple[str, ...]] = ("pi", "q1", "q2", "v", "v_targ")
    optimizers: ClassVar[tuple[str, ...]] = ("pi_opt", "value_opt")

    def __init__(
        self,
        env_id: str,
        env_space: TaskSpace,
        env_kwargs: dict[str, Any],
        rng: np.random.Generator,
        *,
        mastery_threshold: float,
        max_episode_steps: int,
        hidden: tuple[int, ...] = (400, 300),
        lr: float = 1e-3,
        alpha: float = 0.005,
        gamma: float = 0.99,
        polyak: float = 0.995,
        batch_size: int = 1000,
        replay_size: int = 2_000_000,
        start_steps: int = 10_000,
        train_freq: int = 10,
        device: str | None = None,
        threads: int = 1,
    ):
        self._set_up(env_id, env_kwargs, rng, max_episode_steps=max_episode_steps, hidden=hidden,
                     device=device, threads=threads)  # fmt: skip
        self.lr, self.alpha, self.gamma, self.polyak = lr, alpha, gamma, polyak
        self.batch_size, self.start_steps, self.train_freq = batch_size, start_steps, train_freq
        self.buffer = ReplayBuffer(self.env.obs_dim, self.env.act_dim, replay_size)
        #: Env steps played so far; like TeachMyAgent's ``t`` it survives ``reset()``, so the
        #: uniform-random warm-up happens once per run.
        self.total_steps = 0
        self._build()

    # --- networks -------------------------------------------------------------------------

    def _build(self) -> None:
        obs_dim, act_dim, hidden, gen = (
            self.env.obs_dim,
            self.env.act_dim,
            self.hidden,
            self.generator,
        )

        def critic(n_in: int) -> nn.Sequential:
            return _drl.mlp((n_in, *hidden, 1), nn.ReLU, gen)

        self.pi = SquashedGaussianPolicy(obs_dim, act_dim, hidden, gen)
        self.q1, self.q2, self.v = (
            critic(obs_dim + act_dim),
            critic(obs_dim + act_dim),
            critic(obs_dim),
        )
        self.v_targ = critic(obs_dim)
        self.v_targ.load_state_dict(self.v.state_dict())
        self.v_targ.requires_grad_(False)
        self.pi_params = list(self.pi.parameters())
        self.value_params = [*self.q1.parameters(), *self.q2.parameters(), *self.v.parameters()]
        self.pi_opt = torch.optim.Adam(self.pi_params, lr=self.lr, fused=True)
        self.value_opt = torch.optim.Adam(self.value_params, lr=self.lr, fused=True)

    def _action(self, obs: np.ndarray, deterministic: bool) -> np.ndarray:
        with torch.inference_mode():
            x = self._tensor(obs[None])
            action = (
                self.pi.mean_action(x)
                if deterministic
                else self.pi.sample_action(x, self.generator)
            )
        return action[0].cpu().numpy()

    def _value(self, obs: np.ndarray) -> float:
        with torch.inference_mode():
            return float(self.v(self._tensor(obs[None]))[0, 0])

    # --- learning ---------------------------------------------------------------------------

    def update(self) -> None:
        """One gradient step of policy, Q1, Q2 and V on a uniform batch, then Polyak."""
        idx = self.rng.integers(0, self.buffer.size, size=self.batch_size)
        obs, act, rew, next_obs, done = (self._tensor(x) for x in self.buffer.batch(idx))
        action, logp = self.pi(obs, self.generator)
        pairs = torch.cat([obs, act], 1)
        q1, q2, v = self.q1(pairs)[:, 0], self.q2(pairs)[:, 0], self.v(obs)[:, 0]
        q1_pi = self.q1(torch.cat([obs, action], 1))[:, 0]
        with torch.no_grad():
            q2_pi = self.q2(torch.cat([obs, action], 1))[:, 0]
            q_backup = rew + self.gamma * (1 - done) * self.v_targ(next_obs)[:, 0]
            v_backup = torch.minimum(q1_pi, q2_pi) - self.alpha * logp
        pi_loss = (self.alpha * logp - q1_pi).mean()
        value_loss = 0.5 * (
            (q_backup - q1).pow(2).mean()
            + (q_backup - q2).pow(2).mean()
            + (v_backup - v).pow(2).mean()
        )
        self.updates += 1
        _drl.check_finite(pi_loss + value_loss, self.name, "loss", self.updates)
        # The policy's gradient must not reach Q1 (only the policy optimiser sees pi_loss).
        pi_grads = torch.autograd.grad(pi_loss, self.pi_params)
        self.value_opt.zero_grad(set_to_none=True)
        value_loss.backward()
        for param, grad in zip(self.pi_params, pi_grads, strict=True):
            param.grad = grad
        self.pi_opt.step()
        self.value_opt.step()
        with torch.no_grad():
            torch._foreach_lerp_(
                list(self.v_targ.parameters()), list(self.v.parameters()), 1 - self.polyak
            )

    # --- the Student contract ------------------------------------------------------------------

    def run_episode(self, task: np.ndarray, seed: int) -> Episode:
        obs = self.env.reset(task, seed)
        initial_value = self._value(obs)
        episodic_return, length = 0.0, 0
        while True:
            if self.total_steps > self.start_steps:
                action = self._action(obs, deterministic=False)
            else:
                action = self.rng.uniform(-1.0, 1.0, self.env.act_dim).astype(np.float32)
            next_obs, reward, terminated, truncated = self.env.step(action)
            episodic_return += reward
            length += 1
            self.total_steps += 1
            if self.step_listener is not None:
                self.step_listener((obs, action, reward, next_obs, terminated))
            # A time-out is not a terminal state (SpinningUp: d = False if ep_len == max_ep_len).
            done = terminated and length < self.env.max_steps
            self.buffer.store(obs, action, reward, next_obs, done)
            obs = next_obs
            self._after_step()
            if terminated or truncated:
                break
        self._after_episode(length)
        return Episode(episodic_return, length, initial_value)

    def _after_step(self) -> None:
        """SpinningUp 0.1.1 learns nothing during an episode."""

    def _after_episode(self, length: int) -> None:
        for _ in range(math.ceil(length / self.train_freq)):
            self.update()

    def _deterministic_action(self, obs: np.ndarray) -> np.ndarray:
        return self._action(obs, True)

    def value_estimate(self, task: np.ndarray) -> float:
        return self._value(self.test_env.reset(task, _drl.VALUE_SEED))

    def reset(self) -> None:
        self._build()
        self.buffer.clear()

    def state_dict(self) -> dict[str, Any]:
        return {
            "nets": {name: _drl.module_state(getattr(self, name)) for name in self.nets},
            "optimizers": {name: optimizer_state(getattr(self, name)) for name in self.optimizers},
            "generator": _drl.generator_state(self.generator),
            "buffer": self.buffer.state_dict(),
            "total_steps": self.total_steps,
            "updates": self.updates,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for name in self.nets:
            _drl.load_module_state(getattr(self, name), state["nets"][name])
        for name in self.optimizers:
            load_optimizer_state(getattr(self, name), state["optimizers"][name])
        _drl.load_generator_state(self.generator, state["generator"])
        self.buffer.load_state_dict(state["buffer"])
        self.total_steps = int(state["total_steps"])
        self.updates = int(state["updates"])
