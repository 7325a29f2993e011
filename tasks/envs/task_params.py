"""Named, validated task parameters.

A task reaches an environment at ``reset(options={"task": ...})`` either as a dict
of named parameters or as a flat vector in the documented order. Both forms are
checked here, once, so that a bad task fails at reset with a message naming the
parameter and the value, instead of producing a silently wrong terrain.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Param:
    """One task parameter (``size`` > 1 for a vector parameter such as ``input_vector``)."""

    name: str
    low: float  # physically valid range, inclusive (not the teacher's space)
    high: float
    default: float | tuple[float, ...] | None = None
    size: int = 1

    @property
    def flat_names(self) -> list[str]:
        if self.size == 1:
            return [self.name]
        return [f"{self.name}_{i}" for i in range(self.size)]


class TaskLayout:
    """The ordered parameters of an environment's task."""

    def __init__(self, *params: Param) -> None:
        self.params = params
        self.names: list[str] = [n for p in params for n in p.flat_names]

    @property
    def dim(self) -> int:
        return len(self.names)

    def defaults(self) -> dict[str, Any]:
        return self.parse({})

    def parse(self, task: Mapping[str, Any] | Sequence[float] | np.ndarray) -> dict[str, Any]:
        """Return ``{param name: float or float64 array}``; raise ValueError on bad input."""
        if isinstance(task, Mapping):
            flat = self._flat_from_mapping(task)
        else:
            values = np.asarray(task, dtype=np.float64).ravel()
            if values.shape[0] != self.dim:
                raise ValueError(
                    f"task vector has {values.shape[0]} values, expected {self.dim} "
                    f"in the order {self.names}"
                )
            flat = dict(zip(self.names, values.tolist(), strict=True))
        out: dict[str, Any] = {}
        for p in self.params:
            vals = [flat[n] for n in p.flat_names]
            for n, v in zip(p.flat_names, vals, strict=True):
                if not math.isfinite(v):
                    raise ValueError(f"task parameter {n} = {v!r} is not finite")
                if not p.low <= v <= p.high:
                    raise ValueError(
                        f"task parameter {n} = {v!r} is outside its valid range [{p.low}, {p.high}]"
                    )
            out[p.name] = vals[0] if p.size == 1 else np.array(vals, dtype=np.float64)
        return out

    def _flat_from_mapping(self, task: Mapping[str, Any]) -> dict[str, float]:
        flat: dict[str, float] = {}
        known = set(self.names) | {p.name for p in self.params}
        unknown = sorted(set(task) - known)
        if unknown:
            raise ValueError(f"unknown task parameter(s) {unknown}; expected {self.names}")
        for p in self.params:
            if p.name in task:
                vals = np.asarray(task[p.name], dtype=np.float64).ravel()
                if vals.shape[0] != p.size:
                    raise ValueError(
                        f"task parameter {p.name} has {vals.shape[0]} values, expected {p.size}"
                    )
                flat.update(zip(p.flat_names, vals.tolist(), strict=True))
                continue
            for i, n in enumerate(p.flat_names):
                if n in task:
                    flat[n] = float(task[n])
                elif isinstance(p.default, tuple):
                    flat[n] = float(p.default[i])
                elif p.default is not None:
                    flat[n] = float(p.default)
                else:
                    raise ValueError(f"task parameter {n} is missing and has no default")
        return flat

    def to_vector(self, task: Mapping[str, Any]) -> np.ndarray:
        """The flat float64 vector of a parsed task, in layout order."""
        parsed = self.parse(task)
        return np.concatenate([np.atleast_1d(parsed[p.name]) for p in self.params]).astype(
            np.float64
        )
