"""rliable's stratified bootstrap, vectorised over resamples.

rliable (1.2) resamples runs within each task one resample at a time, in a Python loop over
arch's bootstrap, and calls the statistic once per resample: at 2,000 resamples for ~400 cells
that loop is most of a leaderboard's time. Here every resample is drawn at once and the
statistic is computed on a stacked ``[reps, n_runs, n_tasks]`` array.

The resampling indices are rliable's own: rliable draws them with ``np.random.choice(n_runs,
(n_runs, n_tasks))`` from numpy's legacy global RNG after the caller seeds it; we draw the same
stream from a private ``np.random.RandomState(seed)`` (no global state), in one call, which
yields the same integers in the same order. The percentile interval is arch's (numpy's linear
``percentile`` of the resampled statistics). So for one seed the intervals equal rliable's
(``tests/leaderboard/test_leaderboard_bootstrap.py`` checks it against rliable itself).

Statistics take arrays with any number of leading axes (``[..., n_runs, n_tasks]``) and reduce
the last two; they equal rliable's ``metrics`` functions on a single matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Statistic = Callable[..., np.ndarray]
"""Maps sample arrays ``[..., n_runs, n_tasks]`` to ``[..., k]`` statistics."""


def _interquartile_mean(values: np.ndarray, axis: int) -> np.ndarray:
    """scipy's ``trim_mean(values, 0.25, axis)``, step for step, without its per-call overhead.

    Same partition and same slice, so the same floating-point sums as scipy (and rliable).
    """
    n = values.shape[axis]
    cut = int(0.25 * n)
    kept = np.partition(values, (cut, n - cut - 1), axis=axis)
    return np.take(kept, np.arange(cut, n - cut), axis=axis).mean(axis=axis)


def iqm(scores: np.ndarray) -> np.ndarray:
    """Interquartile mean over runs and tasks together (rliable's ``aggregate_iqm``)."""
    return _interquartile_mean(scores.reshape(*scores.shape[:-2], -1), axis=-1)


def mean(scores: np.ndarray) -> np.ndarray:
    """Mean over tasks of the per-task mean over runs (rliable's ``aggregate_mean``)."""
    return scores.mean(axis=-2).mean(axis=-1)


def median(scores: np.ndarray) -> np.ndarray:
    """Median over tasks of the per-task mean over runs (rliable's ``aggregate_median``)."""
    return np.median(scores.mean(axis=-2), axis=-1)


def optimality_gap(scores: np.ndarray, gamma: float) -> np.ndarray:
    """How far below ``gamma`` scores fall, on average (rliable's ``aggregate_optimality_gap``)."""
    flat = np.minimum(scores, gamma).reshape(*scores.shape[:-2], -1)
    return gamma - flat.mean(axis=-1)


def iqm_per_task(scores: np.ndarray) -> np.ndarray:
    """IQM over runs of each task (column) separately: the point of a sample-efficiency curve."""
    return _interquartile_mean(scores, axis=-2)


def probability_of_improvement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(X > Y) per task (ties count half), averaged over tasks (rliable's metric).

    rliable takes Mann-Whitney's U over ``m * n``; U counts, over every pair of runs, 1 when
    x beats y and 1/2 on a tie, which is what is counted here for all resamples at once.
    """
    wins = x[..., :, None, :] > y[..., None, :, :]
    ties = x[..., :, None, :] == y[..., None, :, :]
    per_task = (wins.mean(axis=(-3, -2)) + 0.5 * ties.mean(axis=(-3, -2))).astype(float)
    return per_task.mean(axis=-1)


def score_distribution(scores: np.ndarray, taus: np.ndarray) -> np.ndarray:
    """Fraction of runs x tasks scoring above each threshold (rliable's performance profile)."""
    flat = scores.reshape(*scores.shape[:-2], -1)
    return (flat[..., None, :] > np.asarray(taus)[:, None]).mean(axis=-1)


def resampling_indices(seed: int, reps: int, shapes: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """rliable's run indices for ``reps`` resamples of samples of the given shapes.

    rliable draws, per resample, one ``[n_runs, n_tasks]`` index array per sample, in order.
    When every sample has the same number of runs, one ``randint`` call of all resamples draws
    the identical stream (the legacy generator fills arrays element by element); otherwise the
    draws are interleaved as rliable makes them.
    """
    state = np.random.RandomState(seed)  # rliable's legacy stream, kept private: see module doc
    sizes = [n * t for n, t in shapes]
    if len({n for n, _ in shapes}) == 1:
        block = state.randint(0, shapes[0][0], size=(reps, sum(sizes)))
        parts = np.split(block, np.cumsum(sizes)[:-1], axis=1)
    else:
        draws = [[state.randint(0, n, size=n * t) for n, t in shapes] for _ in range(reps)]
        parts = [np.stack([d[i] for d in draws]) for i in range(len(shapes))]
    return [p.reshape(reps, n, t) for p, (n, t) in zip(parts, shapes, strict=True)]


def _percentile_interval(
    values: np.ndarray, confidence: float, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """arch's percentile interval of ``values[reps, k]``, reshaped to the statistic's shape."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    alpha = (1.0 - confidence) / 2
    low, high = np.percentile(values, [100 * alpha, 100 * (1.0 - alpha)], axis=0)
    return low.reshape(shape), high.reshape(shape)


def interval(
    statistic: Statistic,
    samples: Sequence[np.ndarray],
    reps: int,
    seed: int,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Point estimate and percentile CI of ``statistic`` by stratified bootstrap over runs.

    ``samples`` are ``[n_runs, n_tasks]`` matrices resampled independently, each run index
    drawn per task (the stratum). Returns ``(point, low, high)``, each of ``statistic``'s shape
    on one sample set. With ``reps`` resamples in memory at once: ``reps * n_runs * n_tasks``
    values per sample, a few MB for a leaderboard.
    """
    point = np.asarray(statistic(*samples), dtype=float)
    indices = resampling_indices(seed, reps, [s.shape for s in samples])
    resampled = [s[i, np.arange(s.shape[1])] for s, i in zip(samples, indices, strict=True)]
    values = np.asarray(statistic(*resampled), dtype=float).reshape(reps, -1)
    return (point, *_percentile_interval(values, confidence, point.shape))


def _counts(indices: np.ndarray, n_runs: int) -> np.ndarray:
    """``[reps, n_tasks, n_runs]``: how often each run was drawn, per resample and task."""
    reps, _, n_tasks = indices.shape
    cell = np.arange(reps)[:, None, None] * n_tasks + np.arange(n_tasks)[None, None, :]
    flat = (cell * n_runs + indices).ravel()
    return np.bincount(flat, minlength=reps * n_tasks * n_runs).reshape(reps, n_tasks, n_runs)


def poi_interval(
    x: np.ndarray, y: np.ndarray, reps: int, seed: int, confidence: float = 0.95
) -> tuple[float, float, float]:
    """:func:`probability_of_improvement` with its bootstrap CI, as :func:`interval` gives it.

    Same resamples, computed without materialising them: a resample's count of wins minus
    losses on a task is ``counts_x @ sign(x_i - y_j) @ counts_y``, so each resample costs a
    small matrix product instead of ``n_x * n_y`` comparisons of copied scores.
    """
    point = float(probability_of_improvement(x, y))
    ix, iy = resampling_indices(seed, reps, [x.shape, y.shape])
    sign = np.sign(x[:, None, :] - y[None, :, :]).transpose(2, 0, 1)  # [task, i, j]
    cx, cy = _counts(ix, x.shape[0]).astype(float), _counts(iy, y.shape[0]).astype(float)
    margin = (np.matmul(cx[:, :, None, :], sign[None])[:, :, 0, :] * cy).sum(axis=-1)
    values = (0.5 + 0.5 * margin / (x.shape[0] * y.shape[0])).mean(axis=-1)[:, None]
    low, high = _percentile_interval(values, confidence, (1,))
    return point, float(low[0]), float(high[0])
