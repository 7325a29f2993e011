"""The task space: a named box of continuous task parameters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class TaskSpace:
    """A named axis-aligned box.

    Teachers see a space, students receive points of (possibly another) space;
    the box is the only thing every teacher can rely on, so it is kept small and
    strict: bounds are finite, ``low <= high``, and names are unique.
    """

    names: tuple[str, ...]
    low: np.ndarray
    high: np.ndarray

    def __init__(self, names: Sequence[str], low: Sequence[float], high: Sequence[float]):
        names = tuple(str(n) for n in names)
        low_arr = np.array(low, dtype=np.float64).reshape(-1)
        high_arr = np.array(high, dtype=np.float64).reshape(-1)
        if not (len(names) == low_arr.size == high_arr.size) or not names:
            raise ValueError(
                f"TaskSpace needs one name, low and high per dimension; got {len(names)} names, "
                f"{low_arr.size} lows, {high_arr.size} highs"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"TaskSpace dimension names must be unique: {names}")
        if not (np.all(np.isfinite(low_arr)) and np.all(np.isfinite(high_arr))):
            raise ValueError(f"TaskSpace bounds must be finite: low={low_arr}, high={high_arr}")
        if np.any(low_arr > high_arr):
            raise ValueError(f"TaskSpace needs low <= high: low={low_arr}, high={high_arr}")
        low_arr.setflags(write=False)
        high_arr.setflags(write=False)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "low", low_arr)
        object.__setattr__(self, "high", high_arr)

    @property
    def dim(self) -> int:
        return len(self.names)

    @property
    def width(self) -> np.ndarray:
        return self.high - self.low

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        """A uniform point of the box (degenerate dimensions return their value)."""
        return self.low + rng.random(self.dim) * self.width

    def contains(self, x: np.ndarray) -> bool:
        x = np.asarray(x, dtype=np.float64)
        return bool(
            x.shape == (self.dim,)
            and np.all(np.isfinite(x))
            and np.all(x >= self.low)
            and np.all(x <= self.high)
        )

    def clip(self, x: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(x, dtype=np.float64), self.low, self.high)

    def to_unit(self, x: np.ndarray) -> np.ndarray:
        """Map to [0, 1]^d; degenerate dimensions map to 0."""
        width = np.where(self.width > 0, self.width, 1.0)
        return (np.asarray(x, dtype=np.float64) - self.low) / width

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(u, dtype=np.float64) * self.width

    def to_json(self) -> dict:
        return {"names": list(self.names), "low": self.low.tolist(), "high": self.high.tolist()}

    @classmethod
    def from_json(cls, data: dict) -> TaskSpace:
        return cls(data["names"], data["low"], data["high"])

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TaskSpace)
            and self.names == other.names
            and np.array_equal(self.low, other.low)
            and np.array_equal(self.high, other.high)
        )

    def __hash__(self) -> int:
        return hash((self.names, self.low.tobytes(), self.high.tobytes()))

    def __repr__(self) -> str:
        dims = ", ".join(
            f"{n}∈[{lo:g}, {hi:g}]"
            for n, lo, hi in zip(self.names, self.low, self.high, strict=True)
        )
        return f"TaskSpace({dims})"
