"""PPO as TeachMyAgent ran it: OpenAI Baselines' PPO2 on one environment behind VecNormalize.

Rewritten in torch from the published algorithm (Schulman et al. 2017) with Baselines'
choices, which TeachMyAgent used (``students/openai_baselines/ppo2``):

- one 400-300 tanh trunk shared by the policy and the value (orthogonal init, gain sqrt(2));
  a diagonal Gaussian whose mean head has gain 0.01 and whose log-std is a free parameter
  (initially 0); a value head with gain 1;
- observations normalised by running statistics and clipped to [-10, 10]; rewards divided by
  the running std of the discounted return and clipped to [-10, 10] (VecNormalize); the
  statistics are checkpointed, and evaluation uses them frozen;
- rollouts of 20,000 steps that run across episode ends (an update can fall mid-episode, then
  it bootstraps on the value of the current state); GAE (gamma 0.99, lambda 0.95); 5 epochs
  of 20 shuffled minibatches of 1000; Adam lr 3e-4 (eps 1e-5); clipped surrogate and clipped
  value loss (0.2), value coefficient 0.5, no entropy bonus, global grad-norm clip 0.5;
- actions are clipped to the action box when played (ClipActionsWrapper); a time-out ends an
  episode like any other end, as in Baselines.

Evaluation plays the mean action (the Student contract's deterministic policy; Baselines'
``model.step`` sampled, so TeachMyAgent's PPO evaluation was stochastic).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import torch
from teachbench.baselines.students import _drl
from teachbench.baselines.teachers._torch_nets import load_optimizer_state, optimizer_state
from teachbench.harness.outcome import Episode
from teachbench.harness.space import TaskSpace
from torch import nn

CLIP_OBS = CLIP_REWARD = 10.0
NORM_EPSILON = 1e-8


class RunningMeanStd:
    """Running mean and variance (Baselines' parallel formula, one sample at a time)."""

    def __init__(self, shape: tuple[int, ...]):
        self.mean = np.zeros(shape, np.float64)
        self.var = np.ones(shape, np.float64)
        self.count = 1e-4

    def update(self, x: np.ndarray) -> None:
        """Fold in one sample (a batch of one: its own variance is 0)."""
        delta = x - self.mean
        total = self.count + 1.0
        self.mean = self.mean + delta / total
        self.var = (self.var * self.count + delta * delta * (self.count / total)) / total
        self.count = total

    def state_dict(self) -> dict[str, Any]:
        return {"mean": self.mean.copy(), "var": self.var.copy(), "count": float(self.count)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.mean = np.array(state["mean"], np.float64)
        self.var = np.array(state["var"], np.float64)
        self.count = float(state["count"])


class ActorCritic(nn.Module):
    def __init__(self, obs_dim: int, act_dim: int, hidden: tuple[int, ...], gen: torch.Generator):
        super().__init__()
        gain = math.sqrt(2)
        self.trunk = _drl.mlp((obs_dim, *hidden), nn.Tanh, gen, "orthogonal", gain, True)
        self.mean = _drl.linear(hidden[-1], act_dim, gen, "orthogonal", 0.01)
        self.value = _drl.linear(hidden[-1], 1, gen, "orthogonal", 1.0)
        self.log_std = nn.Parameter(torch.zeros(act_dim, device=gen.device))

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.trunk(obs)
        return self.mean(h), self.value(h)[:, 0]

    def log_prob(self, mean: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        z = (action - mean) * torch.exp(-self.log_std)
        return (
            -0.5 * (z * z).sum(1) - self.log_std.sum() - 0.5 * mean.shape[1] * math.log(2 * math.pi)
        )


class PPO(_drl.DRLStudent):
    """TeachMyAgent's PPO (OpenAI Baselines PPO2 + VecNormalize) as a teachbench Student."""

    name: ClassVar[str] = "ppo"

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
        n_steps: int = 20_000,
        n_minibatches: int = 20,
        n_epochs: int = 5,
        lr: float = 3e-4,
        clip_range: float = 0.2,
        gamma: float = 0.99,
        gae_lambda: float = 0.95,
        vf_coef: float = 0.5,
        max_grad_norm: float = 0.5,
        device: str | None = None,
        threads: int = 1,
    ):
        if n_steps % n_minibatches:
            raise ValueError(
                f"ppo: n_steps {n_steps} must be a multiple of n_minibatches {n_minibatches}"
            )
        self._set_up(env_id, env_kwargs, rng, max_episode_steps=max_episode_steps, hidden=hidden,
                     device=device, threads=threads)  # fmt: skip
        self.n_steps, self.n_minibatches, self.n_epochs = n_steps, n_minibatches, n_epochs
        self.lr, self.clip_range, self.gamma, self.gae_lambda = lr, clip_range, gamma, gae_lambda
        self.vf_coef, self.max_grad_norm = vf_coef, max_grad_norm
        self._build()

    def _build(self) -> None:
        obs_dim, act_dim = self.env.obs_dim, self.env.act_dim
        self.net = ActorCritic(obs_dim, act_dim, self.hidden, self.generator)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=self.lr, eps=1e-5, fused=True)
        self.obs_rms = RunningMeanStd((obs_dim,))
        self.ret_rms = RunningMeanStd(())
        n = self.n_steps
        self.rollout = {
            "obs": np.zeros((n, obs_dim), np.float32),  # normalised, as the policy saw them
            "act": np.zeros((n, act_dim), np.float32),
            "logp": np.zeros(n, np.float32),
            "value": np.zeros(n, np.float32),
            "rew": np.zeros(n, np.float32),  # normalised
            "first": np.zeros(n, np.float32),  # the step starts an episode (Baselines' dones)
        }
        self.pos = 0

    # --- VecNormalize ---------------------------------------------------------------------

    def _normalise(self, obs: np.ndarray, learn: bool) -> np.ndarray:
        if learn:
            self.obs_rms.update(obs.astype(np.float64))
        scaled = (obs - self.obs_rms.mean) / np.sqrt(self.obs_rms.var + NORM_EPSILON)
        return np.clip(scaled, -CLIP_OBS, CLIP_OBS).astype(np.float32)

    def _scale_reward(self, reward: float) -> float:
        self._discounted = self._discounted * self.gamma + reward
        self.ret_rms.update(np.float64(self._discounted))
        return float(
            np.clip(reward / math.sqrt(self.ret_rms.var + NORM_EPSILON), -CLIP_REWARD, CLIP_REWARD)
        )

    def _return_scale(self) -> float:
        return math.sqrt(float(self.ret_rms.var) + NORM_EPSILON)

    # --- acting ----------------------------------------------------------------------------

    def _policy(self, nobs: np.ndarray) -> tuple[np.ndarray, float, float]:
        """A sampled action, its log-probability and the value, for one normalised observation."""
        with torch.inference_mode():
            mean, value = self.net(self._tensor(nobs[None]))
            noise = torch.randn(mean.shape, generator=self.generator, device=mean.device)
            action = mean + noise * self.net.log_std.exp()
            logp = self.net.log_prob(mean, action)
        return action[0].cpu().numpy(), float(logp[0]), float(value[0])

    def _mean_action(self, nobs: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return self.net(self._tensor(nobs[None]))[0][0].cpu().numpy()

    # --- learning --------------------------------------------------------------------------

    def _learn(self, last_value: float, last_done: bool) -> None:
        """GAE over the full rollout, then epochs of clipped-surrogate minibatch steps."""
        r = self.rollout
        n = self.n_steps
        advantages = np.zeros(n, np.float32)
        gae = 0.0
        for t in reversed(range(n)):
            if t == n - 1:
                next_nonterminal, next_value = 1.0 - float(last_done), last_value
            else:
                next_nonterminal, next_value = 1.0 - r["first"][t + 1], r["value"][t + 1]
            delta = r["rew"][t] + self.gamma * next_value * next_nonterminal - r["value"][t]
            gae = delta + self.gamma * self.gae_lambda * next_nonterminal * gae
            advantages[t] = gae
        returns = advantages + r["value"]
        data = {
            "obs": self._tensor(r["obs"]),
            "act": self._tensor(r["act"]),
            "logp": self._tensor(r["logp"]),
            "value": self._tensor(r["value"]),
            "adv": self._tensor(advantages),
            "ret": self._tensor(returns),
        }
        size = n // self.n_minibatches
        params = list(self.net.parameters())
        for _ in range(self.n_epochs):
            order = self.rng.permutation(n)
            for start in range(0, n, size):
                idx = self._tensor(order[start : start + size])
                self._minibatch_step({k: v[idx] for k, v in data.items()}, params)

    def _minibatch_step(self, mb: dict[str, torch.Tensor], params: list[nn.Parameter]) -> None:
        mean, value = self.net(mb["obs"])
        adv = (mb["adv"] - mb["adv"].mean()) / (mb["adv"].std(correction=0) + 1e-8)
        ratio = torch.exp(self.net.log_prob(mean, mb["act"]) - mb["logp"])
        clipped = torch.clamp(ratio, 1 - self.clip_range, 1 + self.clip_range)
        pg_loss = torch.maximum(-adv * ratio, -adv * clipped).mean()
        value_clipped = mb["value"] + torch.clamp(
            value - mb["value"], -self.clip_range, self.clip_range
        )
        vf_loss = (
            0.5 * torch.maximum((value - mb["ret"]) ** 2, (value_clipped - mb["ret"]) ** 2).mean()
        )
        loss = pg_loss + self.vf_coef * vf_loss
        self.updates += 1
        _drl.check_finite(loss, self.name, "loss", self.updates)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(params, self.max_grad_norm)
        self.opt.step()

    # --- the Student contract --------------------------------------------------------------

    def run_episode(self, task: np.ndarray, seed: int) -> Episode:
        raw = self.env.reset(task, seed)
        nobs = self._normalise(raw, learn=True)
        self._discounted = 0.0
        first = True
        episodic_return, length, initial_value = 0.0, 0, None
        while True:
            action, logp, value = self._policy(nobs)
            if initial_value is None:
                initial_value = value * self._return_scale()
            played = np.clip(action, -1.0, 1.0)
            next_raw, reward, terminated, truncated = self.env.step(played)
            done = terminated or truncated
            episodic_return += reward
            length += 1
            if self.step_listener is not None:
                self.step_listener((raw, played, reward, next_raw, terminated))
            r, i = self.rollout, self.pos
            r["obs"][i], r["act"][i], r["logp"][i], r["value"][i] = nobs, action, logp, value
            r["rew"][i], r["first"][i] = self._scale_reward(reward), float(first)
            self.pos += 1
            if not done:  # Baselines resets at once: a terminal observation is never normalised
                raw, nobs, first = next_raw, self._normalise(next_raw, learn=True), False
            if self.pos == self.n_steps:
                self._learn(0.0 if done else self._policy_value(nobs), done)
                self.pos = 0
            if done:
                break
        return Episode(episodic_return, length, initial_value)

    def _policy_value(self, nobs: np.ndarray) -> float:
        with torch.inference_mode():
            return float(self.net(self._tensor(nobs[None]))[1][0])

    def _deterministic_action(self, obs: np.ndarray) -> np.ndarray:
        return np.clip(self._mean_action(self._normalise(obs, learn=False)), -1.0, 1.0)

    def value_estimate(self, task: np.ndarray) -> float:
        """V(s0) in return units (the value head predicts normalised returns)."""
        raw = self.test_env.reset(task, _drl.VALUE_SEED)
        return self._policy_value(self._normalise(raw, learn=False)) * self._return_scale()

    def reset(self) -> None:
        self._build()

    def state_dict(self) -> dict[str, Any]:
        n = self.pos
        return {
            "net": _drl.module_state(self.net),
            "optimizer": optimizer_state(self.opt),
            "generator": _drl.generator_state(self.generator),
            "obs_rms": self.obs_rms.state_dict(),
            "ret_rms": self.ret_rms.state_dict(),
            "rollout": {k: v[:n].copy() for k, v in self.rollout.items()},
            "pos": n,
            "updates": self.updates,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        _drl.load_module_state(self.net, state["net"])
        load_optimizer_state(self.opt, state["optimizer"])
        _drl.load_generator_state(self.generator, state["generator"])
        self.obs_rms.load_state_dict(state["obs_rms"])
        self.ret_rms.load_state_dict(state["ret_rms"])
        self.pos = int(state["pos"])
        for key, values in state["rollout"].items():
            self.rollout[key][: self.pos] = values
        self.updates = int(state["updates"])
