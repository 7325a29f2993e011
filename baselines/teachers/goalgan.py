"""GoalGAN: a least-squares GAN that generates goals of intermediate difficulty.

Florensa, Held, Geng, Abbeel. "Automatic Goal Generation for Reinforcement
Learning Agents". ICML 2018 (arXiv 1705.06366).

A goal (task) is a Goal of Intermediate Difficulty (GOID) when the student's
success rate on it lies in [``goid_lb``, ``goid_ub``]. The generator maps noise
to tasks; each proposed goal, plus Gaussian noise of std ``state_noise_level``
times the range, is played ``n_rollouts`` times and labelled GOID or not from
its success rate. With probability ``p_old`` the next goal is instead an old
mastered goal (success above ``goid_ub``, kept only if farther than
``success_distance_threshold`` times the range's norm from those already kept),
replayed with the same noise, against forgetting. Once ``update_size`` goals are
labelled, the LSGAN is trained for ``gan_iterations`` steps on them (skipped if
none is GOID): the discriminator D pushes GOID goals to 1, other goals and
generated ones to -1, and the generator pushes D of its samples to 0 (the
paper's a = -1, b = 1, c = 0). Before the first episode the GAN is pretrained for
``pretrain_iterations`` steps to reproduce ``pretrain_samples`` tasks drawn from
the easy-task distribution (``high`` knowledge) or, lacking it, from a Gaussian
on a random part of the space (uniform mean, std 10% of the range), as in
TeachMyAgent.

Defaults are TeachMyAgent's benchmark values: noise 0.1, 100 goals per update,
``p_old`` 0.1, 2 rollouts, GOID in [0.25, 0.75], distance 0.01, 250 training
steps, batches of 64, RMSProp 1e-3, a 256-256 ReLU generator and a 128-128
leaky-ReLU discriminator, pretraining on 1000 samples for 500 steps. Success is
the challenge's ``return > threshold``, so GoalGAN needs ``low`` knowledge.
TeachMyAgent drew the pretraining samples and the noise from numpy's global
generator and turned seed 0 into a random seed; here every draw comes from the
harness's generator (torch's through generators seeded from it), seed 0 included.
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

#: LSGAN targets: a for fake and non-GOID goals, b for GOID goals, c for the generator.
A, B, C = -1.0, 1.0, 0.0


class GoalGAN(Teacher):
    """GoalGAN (see the module docstring for the paper and hyper-parameters)."""

    display_name = "GoalGAN"

    requires = frozenset({SUCCESS_THRESHOLD})

    def __init__(
        self,
        space: TaskSpace,
        knowledge: ExpertKnowledge,
        rng: np.random.Generator,
        state_noise_level: float = 0.1,
        update_size: int = 100,
        p_old: float = 0.1,
        n_rollouts: int = 2,
        goid_lb: float = 0.25,
        goid_ub: float = 0.75,
        success_distance_threshold: float = 0.01,
        gan_iterations: int = 250,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        generator_hidden: int = 256,
        discriminator_hidden: int = 128,
        pretrain_samples: int = 1000,
        pretrain_iterations: int = 500,
    ):
        super().__init__(space, knowledge, rng)
        name = self.display_name
        self.state_noise_level = check_param(
            name, "state_noise_level", state_noise_level, float, low=0.0
        )
        self.update_size = check_param(name, "update_size", update_size, int, low=1)
        self.p_old = check_param(name, "p_old", p_old, float, low=0.0, high=1.0)
        self.n_rollouts = check_param(name, "n_rollouts", n_rollouts, int, low=1)
        self.goid_lb = check_param(name, "goid_lb", goid_lb, float, low=0.0, high=1.0)
        self.goid_ub = check_param(name, "goid_ub", goid_ub, float, low=self.goid_lb, high=1.0)
        self.success_distance_threshold = check_param(
            name, "success_distance_threshold", success_distance_threshold, float, low=0.0
        )
        self.gan_iterations = check_param(name, "gan_iterations", gan_iterations, int, low=1)
        self.batch_size = check_param(name, "batch_size", batch_size, int, low=1)
        self.learning_rate = check_param(
            name, "learning_rate", learning_rate, float, low=1e-8, high=1.0
        )
        generator_hidden = check_param(name, "generator_hidden", generator_hidden, int, low=1)
        discriminator_hidden = check_param(
            name, "discriminator_hidden", discriminator_hidden, int, low=1
        )
        self.pretrain_samples = check_param(name, "pretrain_samples", pretrain_samples, int, low=0)
        self.pretrain_iterations = check_param(
            name, "pretrain_iterations", pretrain_iterations, int, low=0
        )

        d = space.dim
        init = torch_generator(rng)
        self._generator = mlp([d, generator_hidden, generator_hidden, d], nn.ReLU, init, nn.Tanh)
        self._discriminator = mlp(
            [d, discriminator_hidden, discriminator_hidden, 1], nn.LeakyReLU, init
        )
        self._g_opt = torch.optim.RMSprop(
            self._generator.parameters(), lr=self.learning_rate, foreach=True
        )
        self._d_opt = torch.optim.RMSprop(
            self._discriminator.parameters(), lr=self.learning_rate, foreach=True
        )
        self._goal: np.ndarray | None = None  # the goal being played, and its results so far
        self._results: list[bool] = []
        self._labelled_goals: list[np.ndarray] = []
        self._labels: list[bool] = []
        self._successes = np.empty((0, d))  # mastered goals, for replay
        self._pretrain(knowledge)

    # --- unit-cube coordinates: the GAN works in [-1, 1]^d ----------------------------------

    def _to_gan(self, tasks: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(2.0 * self.space.to_unit(tasks) - 1.0, dtype=torch.float32)

    def _from_gan(self, points: torch.Tensor) -> np.ndarray:
        return self.space.from_unit((points.detach().numpy().astype(np.float64) + 1.0) / 2.0)

    def _pretrain(self, knowledge: ExpertKnowledge) -> None:
        if self.pretrain_samples == 0 or self.pretrain_iterations == 0:
            return
        easy = knowledge.initial_distribution
        if easy is not None:
            mean, std = np.asarray(easy.mean), np.asarray(easy.std)
        else:
            mean, std = self.space.sample(self.rng), 0.1 * self.space.width
        samples = self.space.clip(
            mean + std * self.rng.standard_normal((self.pretrain_samples, self.space.dim))
        )
        self._train(samples, np.ones(len(samples), dtype=bool), self.pretrain_iterations)

    # --- sampling ----------------------------------------------------------------------------

    def sample_task(self) -> np.ndarray:
        if self._goal is None:
            if len(self._successes) and self.rng.random() < self.p_old:
                centre = self._successes[self.rng.integers(len(self._successes))]
            else:
                z = torch.as_tensor(
                    self.rng.standard_normal((1, self.space.dim)), dtype=torch.float32
                )
                with torch.no_grad(), small_net_mode():
                    centre = self._from_gan(self._generator(z))[0]
            noise = (
                self.state_noise_level * self.space.width * self.rng.standard_normal(self.space.dim)
            )
            self._goal = self.space.clip(centre + noise)
            self._results = []
        return self._goal.copy()

    # --- learning ----------------------------------------------------------------------------

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        if self._goal is None:
            return
        self._results.append(bool(outcome.success))
        if len(self._results) < self.n_rollouts:
            return
        goal, rate = self._goal, float(np.mean(self._results))
        self._goal, self._results = None, []
        self._labelled_goals.append(goal)
        self._labels.append(self.goid_lb <= rate <= self.goid_ub)
        if rate > self.goid_ub:
            self._remember_success(goal)
        if len(self._labels) >= self.update_size:
            goals, labels = np.array(self._labelled_goals), np.array(self._labels)
            self._labelled_goals, self._labels = [], []
            if labels.any():
                self._train(goals, labels, self.gan_iterations)

    def _remember_success(self, goal: np.ndarray) -> None:
        radius = self.success_distance_threshold * float(np.linalg.norm(self.space.width))
        if len(self._successes):
            nearest = np.min(np.linalg.norm(self._successes - goal, axis=1))
            if nearest <= radius:
                return
        self._successes = np.vstack([self._successes, goal])

    def _train(self, goals: np.ndarray, labels: np.ndarray, iterations: int) -> None:
        """LSGAN steps: one discriminator and one generator update per iteration."""
        gen = torch_generator(self.rng)
        data = self._to_gan(goals)
        target = torch.where(torch.as_tensor(labels)[:, None], B, A).to(torch.float32)
        with small_net_mode():
            self._lsgan_steps(data, target, iterations, gen)

    def _lsgan_steps(
        self, data: torch.Tensor, target: torch.Tensor, iterations: int, gen: torch.Generator
    ) -> None:
        for _ in range(iterations):
            batch = torch.randint(len(data), (self.batch_size,), generator=gen)
            z = torch.randn(self.batch_size, self.space.dim, generator=gen)
            fake = self._generator(z)
            d_loss = ((self._discriminator(data[batch]) - target[batch]) ** 2).mean() + (
                (self._discriminator(fake.detach()) - A) ** 2
            ).mean()
            self._d_opt.zero_grad()
            d_loss.backward()
            self._d_opt.step()
            g_loss = ((self._discriminator(fake) - C) ** 2).mean()
            self._g_opt.zero_grad()
            g_loss.backward()
            self._g_opt.step()

    @property
    def labelled(self) -> tuple[np.ndarray, np.ndarray]:
        """Goals labelled since the last GAN update, and whether each is a GOID."""
        goals = np.array(self._labelled_goals).reshape(-1, self.space.dim)
        return goals, np.array(self._labels, dtype=bool)

    @property
    def success_buffer(self) -> np.ndarray:
        return self._successes.copy()

    def discriminate(self, tasks: np.ndarray) -> np.ndarray:
        """The discriminator's output on tasks (near 1: judged of intermediate difficulty)."""
        with torch.no_grad(), small_net_mode():
            return self._discriminator(self._to_gan(tasks)).numpy()[:, 0].astype(np.float64)

    # --- checkpointing -----------------------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        return {
            "generator": module_state(self._generator),
            "discriminator": module_state(self._discriminator),
            "g_opt": optimizer_state(self._g_opt),
            "d_opt": optimizer_state(self._d_opt),
            "goal": None if self._goal is None else self._goal.copy(),
            "results": list(self._results),
            "labelled_goals": np.array(self._labelled_goals).reshape(-1, self.space.dim),
            "labels": list(self._labels),
            "successes": self._successes.copy(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        load_module_state(self._generator, state["generator"])
        load_module_state(self._discriminator, state["discriminator"])
        load_optimizer_state(self._g_opt, state["g_opt"])
        load_optimizer_state(self._d_opt, state["d_opt"])
        goal = state["goal"]
        self._goal = None if goal is None else np.array(goal, dtype=np.float64)
        self._results = [bool(r) for r in state["results"]]
        goals = np.asarray(state["labelled_goals"], dtype=np.float64).reshape(-1, self.space.dim)
        self._labelled_goals = list(goals)
        self._labels = [bool(x) for x in state["labels"]]
        self._successes = np.array(state["successes"], dtype=np.float64).reshape(-1, self.space.dim)
