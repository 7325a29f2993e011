"""Numpy port of TeachMyAgent's Parkour terrain CPPN (no TensorFlow needed).

TeachMyAgent builds this network in TensorFlow 1 and restores a saved random
initialisation; Parkour could not be built without TF1. The weights were exported
to ``tasks/data/cppn/*.npz`` and the forward pass is five bias-free matrix products
(``cppn_architecture.md``): input ``[x/199, v0, v1, v2]`` for x = 0..199, then
tanh → softplus → tanh → softplus → linear, giving (ground, ceiling) per x.
It is computed in float32, the dtype of the original graph.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

X_DIM = 200  # = TERRAIN_LENGTH
WEIGHT_KEYS = ("Variable", "Variable_1", "Variable_2", "Variable_3", "Variable_4")
DEFAULT_WEIGHTS = "same_ground_ceiling_cppn"


def weights_path(name: str = DEFAULT_WEIGHTS) -> Path:
    """Path of a shipped weight file (``same_ground_ceiling_cppn`` or ``ground_cppn``)."""
    return Path(str(resources.files("teachbench.tasks") / "data" / "cppn" / f"cppn_{name}.npz"))


@cache
def _load(path: str) -> tuple[np.ndarray, ...]:
    with np.load(path) as data:
        return tuple(np.ascontiguousarray(data[k], dtype=np.float32) for k in WEIGHT_KEYS)


class TerrainCPPN:
    """The terrain generator: ``generate(input_vector)`` → (200, output_dim) float32."""

    def __init__(self, weights: str | Path = DEFAULT_WEIGHTS) -> None:
        path = Path(weights) if str(weights).endswith(".npz") else weights_path(str(weights))
        self.weights = _load(str(path))
        self.input_dim = self.weights[0].shape[0] - 1
        self.output_dim = self.weights[-1].shape[1]
        x = np.arange(X_DIM, dtype=np.float64) / (X_DIM - 1)
        self._x = x.astype(np.float32)[:, None]

    def generate(self, input_vector: np.ndarray) -> np.ndarray:
        v = np.asarray(input_vector, dtype=np.float32).ravel()
        if v.shape[0] != self.input_dim:
            raise ValueError(f"CPPN input_vector needs {self.input_dim} values, got {v.shape[0]}")
        h = np.concatenate([self._x, np.broadcast_to(v, (X_DIM, self.input_dim))], axis=1)
        w1, w2, w3, w4, w_out = self.weights
        h = np.tanh(h @ w1)
        h = np.logaddexp(np.float32(0), h @ w2)
        h = np.tanh(h @ w3)
        h = np.logaddexp(np.float32(0), h @ w4)
        return h @ w_out
