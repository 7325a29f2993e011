"""Small torch helpers shared by the neural teachers (GoalGAN, Setter-Solver).

Two rules of the Teacher contract shape them: every random draw comes from the
teacher's ``numpy`` generator (torch's global RNG is never touched, not even by
layer initialisation), and checkpoints are numpy arrays, never pickles, yet
restore networks *and* optimiser moments exactly so the future is identical.
Their networks are tiny, so torch runs them on one thread: on a shared machine,
intra-op threads cost far more in contention than they win (15x slower on 2 busy
cores in our measurements).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch
from torch import nn


def torch_generator(rng: np.random.Generator) -> torch.Generator:
    """A fresh torch generator seeded from the teacher's numpy generator."""
    return torch.Generator().manual_seed(int(rng.integers(2**62)))


@contextmanager
def small_net_mode() -> Iterator[None]:
    """One intra-op thread and denormals flushed to zero, restored after.

    Long RMSProp/Adam runs drive second moments into denormal floats, which the
    CPU handles in microcode: flushing them made GoalGAN's training 15% faster
    in our measurements. The caller's thread count is restored; flushing is
    switched back off (torch's default, and torch offers no way to read it).
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
        torch.set_num_threads(previous)


def mlp(
    sizes: Sequence[int],
    activation: type[nn.Module],
    generator: torch.Generator,
    out_activation: type[nn.Module] | None = None,
) -> nn.Sequential:
    """Linear layers of the given sizes with ``activation`` between them.

    Weights and biases are uniform in ±1/sqrt(fan_in) (torch's default bound),
    drawn from ``generator``.
    """
    layers: list[nn.Module] = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        linear = nn.utils.skip_init(nn.Linear, n_in, n_out)  # no draw from the global RNG
        bound = 1.0 / np.sqrt(n_in)
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(activation())
    if out_activation is not None:
        layers.append(out_activation())
    return nn.Sequential(*layers)


def module_state(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().copy() for k, v in module.state_dict().items()}


def load_module_state(module: nn.Module, state: dict[str, Any]) -> None:
    module.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})


def optimizer_state(optimizer: torch.optim.Optimizer) -> dict[str, dict[str, np.ndarray]]:
    """Per-parameter moments and step counts (the hyper-parameters come from the constructor)."""
    return {
        str(i): {k: v.detach().cpu().numpy().copy() for k, v in slots.items()}
        for i, slots in optimizer.state_dict()["state"].items()
    }


def load_optimizer_state(optimizer: torch.optim.Optimizer, state: dict[str, Any]) -> None:
    groups = optimizer.state_dict()["param_groups"]
    slots = {
        int(i): {k: torch.from_numpy(np.array(v)) for k, v in values.items()}
        for i, values in state.items()
    }
    optimizer.load_state_dict({"state": slots, "param_groups": groups})
