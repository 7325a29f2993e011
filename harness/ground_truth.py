"""Where a run's student could ever master a task, for students that know (surrogates).

A surrogate's landscape is a known truth: some tasks are learnable, the rest never are.
Curriculum pictures draw that region under the tasks a teacher sampled, which shows at a
glance whether a teacher found it (and, on the rugged challenge, how the teacher's space
scatters it). Real learners cannot know, so for them there is no region to draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from teachbench.harness.runspec import resolve_student, resolve_suite
from teachbench.harness.seeding import run_streams
from teachbench.harness.student import Student


@dataclass(frozen=True)
class LearnableSlice:
    """``learnable[i, j]``: the task at ``(x[j], y[i])`` on ``dims``, the other dimensions at
    the centre of the space (``centred`` names them), can be mastered at all."""

    dims: tuple[int, int]
    x: np.ndarray
    y: np.ndarray
    learnable: np.ndarray
    centred: tuple[str, ...]


def learnable_slice(
    record: dict[str, Any], dims: tuple[int, int], resolution: int = 80
) -> LearnableSlice | None:
    """The learnable region of a recorded run's task space on two of its teacher's dimensions.

    Rebuilt from the record's suite, challenge, level and seed exactly as the run built it (the
    same mapping from the teacher's space to the environment's); ``None`` when the challenge's
    student has no known truth.
    """
    protocol = record["protocol"]
    suite = resolve_suite(protocol["suite"])
    challenge = suite.challenge(protocol["tier"], record["challenge"])
    student_class = resolve_student(challenge.student).obj
    if student_class.learnable is Student.learnable:
        return None
    streams = run_streams(suite.name, challenge.name, record["level"], record["seed"])
    to_env = challenge.mapping.bind(challenge.space, streams.mapping)
    student = challenge.make_student(student_class, streams.student)
    space = challenge.space
    x = np.linspace(space.low[dims[0]], space.high[dims[0]], resolution)
    y = np.linspace(space.low[dims[1]], space.high[dims[1]], resolution)
    tasks = np.tile((space.low + space.high) / 2, (resolution * resolution, 1))
    grid_y, grid_x = np.meshgrid(y, x, indexing="ij")
    tasks[:, dims[0]], tasks[:, dims[1]] = grid_x.ravel(), grid_y.ravel()
    env_tasks = np.stack([to_env(task) for task in tasks])
    learnable = np.asarray(student.learnable(env_tasks), dtype=bool)
    centred = tuple(n for i, n in enumerate(space.names) if i not in dims)
    return LearnableSlice(dims, x, y, learnable.reshape(resolution, resolution), centred)
