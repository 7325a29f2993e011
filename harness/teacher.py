"""The Teacher contract: what a curriculum algorithm implements to be benchmarked."""

from __future__ import annotations

import numbers
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from teachbench.harness.knowledge import ExpertKnowledge
from teachbench.harness.outcome import Outcome
from teachbench.harness.space import TaskSpace


class Teacher(ABC):
    """Base class of every curriculum algorithm, baselines and submissions alike.

    The harness calls ``sample_task`` once per training episode and ``update``
    after it. All randomness must come from ``self.rng``: the harness owns that
    generator, seeds it from the run's seed and saves its state in checkpoints,
    so ``state_dict`` only needs the teacher's learning state.

    ``requires`` lists what the teacher needs (see ``teachbench.harness.knowledge``); where
    the challenge level or the student cannot provide it, the run is recorded as
    ``not_applicable`` rather than started.
    """

    requires: ClassVar[frozenset[str]] = frozenset()
    #: How people read the method's name ("ALP-GMM"), in error messages and figure legends. Records
    #: and tables key a teacher by its registry name (``alp-gmm``), which is a slug.
    display_name: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.__dict__.get("display_name"):
            cls.display_name = cls.__name__

    def __init__(self, space: TaskSpace, knowledge: ExpertKnowledge, rng: np.random.Generator):
        self.space = space
        self.knowledge = knowledge
        self.rng = rng
        #: V(s0) of a task, set by the harness for teachers that require ``value_estimate``.
        self.value_estimator: Callable[[np.ndarray], float] | None = None

    @abstractmethod
    def sample_task(self) -> np.ndarray:
        """The next training task: a float array of shape ``(space.dim,)`` inside the space."""

    @abstractmethod
    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        """Learn from the outcome of the episode played on ``task``."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]:
        """The learning state, as JSON-able values and numpy arrays (never pickles)."""

    @abstractmethod
    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned, so the future samples are the same."""

    def step_update(self, transition: tuple) -> None:  # noqa: B027 - optional hook
        """Optional per-step hook for teachers that require ``step_updates``."""

    def set_value_estimator(self, estimator: Callable[[np.ndarray], float]) -> None:
        """The harness hands over V(s0) here for teachers that require ``value_estimate``."""
        self.value_estimator = estimator


def check_param(
    owner: str,
    name: str,
    value: Any,
    kind: type | tuple[type, ...],
    *,
    low: float | None = None,
    high: float | None = None,
) -> Any:
    """Validate one hyper-parameter at construction, with an error naming owner and parameter.

    Booleans are rejected where numbers are expected: ``True`` as a fit rate is a
    typo, not a 1.
    """
    numeric = kind in (int, float) or (isinstance(kind, tuple) and float in kind)
    if isinstance(value, bool) and kind is not bool:
        raise TypeError(
            f"{owner}: hyper-parameter {name!r} must be {_kind_name(kind)}, got {value!r}"
        )
    if kind is float and isinstance(value, numbers.Real):
        value = float(value)
    if kind is int and isinstance(value, numbers.Integral):
        value = int(value)
    if not isinstance(value, kind):
        raise TypeError(
            f"{owner}: hyper-parameter {name!r} must be {_kind_name(kind)}, "
            f"got {type(value).__name__} {value!r}"
        )
    if numeric and not np.isfinite(value):
        raise ValueError(f"{owner}: hyper-parameter {name!r} must be finite, got {value!r}")
    if low is not None and value < low:
        raise ValueError(f"{owner}: hyper-parameter {name!r} must be >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{owner}: hyper-parameter {name!r} must be <= {high}, got {value!r}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return kind.__name__
