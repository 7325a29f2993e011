"""What the DRL students share: the environment they play, the device, torch without global RNG.

Each algorithm (``sac.py``, ``sac_modern.py``, ``ppo.py``) is one readable file; the parts
that are about the benchmark rather than the algorithm live here, once:

- ``TaskEnv`` plays one task of a gymnasium environment and refuses a NaN observation or
  reward with an error naming the environment, the task and the step, so a broken
  environment fails its run instead of silently poisoning a network;
- ``pick_device`` reads ``device`` (or ``TEACHBENCH_DEVICE``, set by ``teachbench run
  --device``) and says what to do when CUDA is asked for but absent;
- networks are initialised from a ``torch.Generator`` seeded from the run's numpy stream,
  and checkpoints are numpy arrays (never pickles) that restore networks, optimiser
  moments and generator states exactly, so a resumed run continues bit for bit.
"""

from __future__ import annotations

import math
import os
from abc import abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
import torch
from teachbench.harness.device import DEVICE_VARIABLE
from teachbench.harness.knowledge import STEP_UPDATES, VALUE_ESTIMATE
from teachbench.harness.student import Student
from torch import nn

#: The optional Student features every DRL student offers.
DRL_CAPABILITIES = frozenset({VALUE_ESTIMATE, STEP_UPDATES})
#: V(s0) of a task is estimated on this fixed terrain seed, so the estimate is a function of
#: the task alone (what SPDL, PLR and SPaCE ask for).
VALUE_SEED = 0


class DivergedError(FloatingPointError):
    """A student's loss became NaN or infinite: its run cannot continue."""


class BadEnvironmentError(ValueError):
    """An environment returned a NaN or infinite observation or reward."""


def pick_device(device: str | None) -> torch.device:
    """``cpu`` by default; ``cuda`` only when asked for and present (one-line error otherwise)."""
    name = device or os.environ.get(DEVICE_VARIABLE) or "cpu"
    if name not in ("cpu", "cuda") and not name.startswith("cuda:"):
        raise ValueError(f"unknown device {name!r}: use cpu or cuda")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"device {name!r} was asked for but torch sees no CUDA GPU "
            f"(torch {torch.__version__}, cuda build {torch.version.cuda}); use --device cpu"
        )
    return torch.device(name)


def torch_generator(rng: np.random.Generator, device: torch.device) -> torch.Generator:
    """A torch generator on ``device`` seeded from the run's numpy stream."""
    return torch.Generator(device=device).manual_seed(int(rng.integers(2**62)))


def limit_threads(threads: int) -> None:
    """One intra-op thread by default: runs are parallel across processes, not inside one."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def linear(
    n_in: int, n_out: int, generator: torch.Generator, init: str, gain: float = 1.0
) -> nn.Linear:
    """A linear layer initialised from ``generator`` (never torch's global RNG).

    ``glorot``: uniform Glorot weights and zero biases, TensorFlow's ``dense`` default, which
    SpinningUp's SAC used; ``orthogonal``: OpenAI Baselines' orthogonal init with ``gain``.
    """
    layer = nn.utils.skip_init(nn.Linear, n_in, n_out, device=generator.device)
    with torch.no_grad():
        layer.bias.zero_()
        if init == "glorot":
            bound = math.sqrt(6.0 / (n_in + n_out))
            layer.weight.uniform_(-bound, bound, generator=generator)
        elif init == "orthogonal":
            nn.init.orthogonal_(layer.weight, gain=gain, generator=generator)
        else:
            raise ValueError(f"unknown init {init!r}")
    return layer


def mlp(
    sizes: Sequence[int],
    activation: type[nn.Module],
    generator: torch.Generator,
    init: str = "glorot",
    gain: float = 1.0,
    last_activation: bool = False,
) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(linear(sizes[i], sizes[i + 1], generator, init, gain))
        if i < len(sizes) - 2 or last_activation:
            # In place where torch allows it (ReLU): one allocation less per layer and step.
            layers.append(activation(inplace=True) if activation is nn.ReLU else activation())
    return nn.Sequential(*layers)


class TaskEnv:
    """One gymnasium environment playing the tasks it is given, checked at every step.

    Its time limit is the challenge's ``max_episode_steps`` (it replaces whatever limit the
    environment registered), so the harness's episode cap and the student's are one number.
    """

    def __init__(self, env_id: str, env_kwargs: dict[str, Any], max_steps: int):
        if max_steps < 1:
            raise ValueError(f"max_episode_steps must be >= 1, got {max_steps}")
        self.env_id = env_id
        self.env = gym.make(
            env_id, disable_env_checker=True, max_episode_steps=max_steps, **env_kwargs
        )
        self.max_steps = max_steps
        self.obs_dim = int(np.prod(self.env.observation_space.shape))
        self.act_dim = int(np.prod(self.env.action_space.shape))
        self.act_high = np.asarray(self.env.action_space.high, dtype=np.float32)
        self.task: np.ndarray | None = None
        self.steps = 0

    def reset(self, task: np.ndarray | None, seed: int) -> np.ndarray:
        self.task, self.steps = task, 0
        options = None if task is None else {"task": np.asarray(task, dtype=np.float64)}
        obs, _ = self.env.reset(seed=int(seed), options=options)
        return self._checked_obs(obs)

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool]:
        """Scale an action in [-1, 1] to the action box; return (obs, reward, done, truncated)."""
        obs, reward, terminated, truncated, _ = self.env.step(action * self.act_high)
        self.steps += 1
        reward = float(reward)
        if not math.isfinite(reward):
            raise self._bad(f"reward {reward!r}")
        return self._checked_obs(obs), reward, bool(terminated), bool(truncated)

    def _checked_obs(self, obs: Any) -> np.ndarray:
        obs = np.asarray(obs, dtype=np.float32).reshape(-1)
        if not np.isfinite(obs).all():
            raise self._bad(
                f"observation with non-finite entries at {np.flatnonzero(~np.isfinite(obs)).tolist()}"
            )
        return obs

    def _bad(self, what: str) -> BadEnvironmentError:
        task = None if self.task is None else np.round(np.asarray(self.task), 4).tolist()
        return BadEnvironmentError(
            f"environment {self.env_id} returned a {what} at step {self.steps} of task {task}; "
            "the environment is broken for this task: fix it or exclude the task"
        )

    def close(self) -> None:
        self.env.close()


StepListener = Callable[[tuple], None]


class DRLStudent(Student):
    """The plumbing SAC and PPO set up alike, so each algorithm's file holds only the algorithm.

    A subclass calls ``_set_up`` first in its constructor and implements
    ``_deterministic_action``; evaluation, the per-step channel and tensors come from here.
    """

    capabilities: ClassVar[frozenset[str]] = DRL_CAPABILITIES

    def _set_up(
        self,
        env_id: str,
        env_kwargs: dict[str, Any],
        rng: np.random.Generator,
        *,
        max_episode_steps: int,
        hidden: Sequence[int],
        device: str | None,
        threads: int,
    ) -> None:
        self.device = pick_device(device)
        limit_threads(threads)
        self.env = TaskEnv(env_id, dict(env_kwargs), max_episode_steps)
        self.test_env = TaskEnv(env_id, dict(env_kwargs), max_episode_steps)
        self.rng = rng
        self.generator = torch_generator(rng, self.device)
        self.hidden = tuple(int(h) for h in hidden)
        self.step_listener: StepListener | None = None
        self.updates = 0

    def _tensor(self, array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(array).to(self.device)

    @abstractmethod
    def _deterministic_action(self, obs: np.ndarray) -> np.ndarray:
        """The action in [-1, 1] the trained policy plays on a raw observation, no learning."""

    def set_step_listener(self, listener: StepListener | None) -> None:
        self.step_listener = listener

    def evaluate(self, tasks: np.ndarray, seeds: np.ndarray) -> np.ndarray:
        returns = np.empty(len(tasks))
        for i, (task, seed) in enumerate(zip(tasks, seeds, strict=True)):
            obs, total = self.test_env.reset(task, int(seed)), 0.0
            while True:
                obs, reward, terminated, truncated = self.test_env.step(
                    self._deterministic_action(obs)
                )
                total += reward
                if terminated or truncated:
                    break
            returns[i] = total
        return returns


def check_finite(loss: torch.Tensor, student: str, what: str, updates: int) -> None:
    """Fail the run, saying so, when a loss diverges (NaN or infinite)."""
    value = float(loss.detach())
    if not math.isfinite(value):
        raise DivergedError(
            f"student {student!r} diverged: its {what} is {value} at update {updates}; "
            "lower the learning rate or check the environment's reward scale"
        )


# --- checkpoints: numpy arrays only ---------------------------------------------------------


def module_state(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}


def load_module_state(module: nn.Module, state: dict[str, Any]) -> None:
    device = next(module.parameters()).device
    module.load_state_dict({k: torch.from_numpy(np.array(v)).to(device) for k, v in state.items()})


def generator_state(generator: torch.Generator) -> np.ndarray:
    return generator.get_state().numpy().copy()


def load_generator_state(generator: torch.Generator, state: np.ndarray) -> None:
    generator.set_state(torch.from_numpy(np.asarray(state, dtype=np.uint8).copy()))
