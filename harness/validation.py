"""Checks the harness applies to everything a teacher or student hands back."""

from __future__ import annotations

import numpy as np
from teachbench.harness.errors import RunFailure, TaskValidationError
from teachbench.harness.space import TaskSpace

#: Slack on the bounds, relative to each dimension's width: float32 tasks at
#: the edge of a float64 box must not count as out of bounds.
BOUNDS_TOLERANCE = 1e-6


class TaskValidator:
    """Validates and clips teacher tasks; built once per run, called every episode."""

    def __init__(self, space: TaskSpace, teacher_name: str):
        slack = BOUNDS_TOLERANCE * np.maximum(space.width, 1.0)
        self.space = space
        self.teacher_name = teacher_name
        self._low = space.low - slack
        self._high = space.high + slack
        self._shape = (space.dim,)

    def __call__(self, task: object, episode: int) -> np.ndarray:
        if (
            isinstance(task, np.ndarray)
            and task.shape == self._shape
            and task.dtype.kind == "f"
            and (task >= self._low).all()
            and (task <= self._high).all()
        ):
            return np.clip(task.astype(np.float64, copy=False), self.space.low, self.space.high)
        raise TaskValidationError(
            f"teacher {self.teacher_name!r} sample_task() (episode {episode})", self._diagnose(task)
        )

    def _diagnose(self, task: object) -> str:
        if not isinstance(task, np.ndarray):
            return f"returned {type(task).__name__} {task!r}; expected a numpy float array"
        if task.shape != self._shape:
            return f"returned shape {task.shape}; the task space {self.space.names} needs {self._shape}"
        if task.dtype.kind != "f":
            return f"returned dtype {task.dtype}; expected a floating-point array"
        if not np.all(np.isfinite(task)):
            return f"returned a non-finite task {task.tolist()}"
        outside = [
            f"{name}={value:g} not in [{lo:g}, {hi:g}]"
            for name, value, lo, hi in zip(
                self.space.names, task, self.space.low, self.space.high, strict=True
            )
            if not lo - BOUNDS_TOLERANCE * max(hi - lo, 1.0)
            <= value
            <= hi + BOUNDS_TOLERANCE * max(hi - lo, 1.0)
        ]
        return "returned a task out of bounds: " + "; ".join(outside)


def check_returns(returns: object, size: int, student_name: str) -> np.ndarray:
    array = np.asarray(returns, dtype=np.float64)
    if array.shape != (size,) or not np.all(np.isfinite(array)):
        raise RunFailure(
            f"student {student_name!r} evaluate()",
            f"must return {size} finite returns, got shape {array.shape}",
        )
    return array
