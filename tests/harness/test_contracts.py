"""Task spaces, mappings, seeding and hyper-parameter checks."""

from __future__ import annotations

import numpy as np
import pytest
from teachbench.harness import TaskSpace, check_param
from teachbench.harness.mapping import SelectDimensions, ShuffledCells
from teachbench.harness.seeding import parse_seeds, run_streams


def test_task_space_contract() -> None:
    space = TaskSpace(["h", "s"], [0, 0], [3, 6])
    rng = np.random.default_rng(0)
    samples = np.array([space.sample(rng) for _ in range(1000)])
    assert all(space.contains(x) for x in samples)
    assert not space.contains(np.array([np.nan, 1.0])) and not space.contains(np.zeros(3))
    assert np.allclose(space.from_unit(space.to_unit(samples)), samples)
    with pytest.raises(ValueError, match="low <= high"):
        TaskSpace(["a"], [1], [0])
    with pytest.raises(ValueError, match="unique"):
        TaskSpace(["a", "a"], [0, 0], [1, 1])


def test_shuffled_cells_permute_whole_cells_inside_the_box() -> None:
    space = TaskSpace(["h", "s"], [0, 0], [3, 6])
    shuffle = ShuffledCells(4).bind(space, np.random.default_rng(3))
    rng = np.random.default_rng(0)
    points = np.array([space.sample(rng) for _ in range(2000)])
    mapped = np.array([shuffle(p) for p in points])
    assert np.all(mapped >= space.low) and np.all(mapped <= space.high)
    cell_of = lambda x: tuple(np.minimum((space.to_unit(x) * 4).astype(int), 3))  # noqa: E731
    pairs = {cell_of(p): cell_of(m) for p, m in zip(points, mapped, strict=True)}
    assert len(set(pairs.values())) == 16, "a bijection between the 16 cells"
    assert any(k != v for k, v in pairs.items())
    again = ShuffledCells(4).bind(space, np.random.default_rng(3))
    assert np.array_equal(again(points[0]), mapped[0])


def test_select_dimensions_drops_distractors() -> None:
    space = TaskSpace(["h", "s", "d"], [0, 0, 0], [1, 1, 1])
    assert np.array_equal(SelectDimensions((0, 1)).bind(space, None)(np.array([.1, .2, .3])),
                          [.1, .2])  # fmt: skip


def test_seed_ranges() -> None:
    assert parse_seeds("0-3") == (0, 1, 2, 3)
    assert parse_seeds("5, 1,2-3") == (1, 2, 3, 5)
    for bad in ("5-2", "-1", "a", "1-", ""):
        with pytest.raises(ValueError, match="invalid seed range"):
            parse_seeds(bad)


def test_streams_are_reproducible_and_independent() -> None:
    a, b = run_streams("s", "c", "none", 0), run_streams("s", "c", "none", 0)
    assert a.teacher.random() == b.teacher.random()
    assert a.student.random() != a.env.random()
    assert run_streams("s", "c", "low", 0).teacher.random() != run_streams(
        "s", "c", "none", 0).teacher.random()  # fmt: skip
    with pytest.raises(ValueError, match="non-negative integer"):
        run_streams("s", "c", "none", -1)


def test_check_param_names_owner_and_parameter() -> None:
    assert check_param("T", "rate", 3, float) == 3.0
    with pytest.raises(TypeError, match="T: hyper-parameter 'rate' must be float"):
        check_param("T", "rate", "fast", float)
    with pytest.raises(TypeError, match="'n' must be int, got True"):
        check_param("T", "n", True, int)
    with pytest.raises(ValueError, match="'p' must be <= 1"):
        check_param("T", "p", 2.0, float, high=1.0)
