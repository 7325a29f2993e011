"""The batched EM against scikit-learn, and ALP-GMM's core behaviour."""

from __future__ import annotations

import numpy as np
from sklearn.mixture import GaussianMixture
from teachbench.baselines.teachers.alp_gmm import ALPGMM
from teachbench.baselines.teachers.gmm import fit_mixture
from teachbench.harness import ExpertKnowledge, Level, TaskSpace
from teachbench.harness.outcome import Episode, grade


def _blobs(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 0.0], [0.0, 6.0, 4.0]])
    return np.vstack([c + rng.normal(0, 0.5, (60, 3)) for c in centres])


def test_em_matches_scikit_learn_on_separated_clusters() -> None:
    for seed in range(3):
        data = _blobs(seed)
        ours = fit_mixture(data, 3, np.random.default_rng(seed))
        theirs = GaussianMixture(3, covariance_type="full", random_state=seed).fit(data)
        assert abs(ours.mean_log_likelihood - theirs.score(data)) < 0.01
        order = np.lexsort(ours.means.T[::-1])
        assert np.allclose(ours.means[order], theirs.means_[np.lexsort(theirs.means_.T[::-1])],
                           atol=1e-2)  # fmt: skip
        assert abs(ours.aic - theirs.aic(data)) / abs(theirs.aic(data)) < 0.01


def test_alp_gmm_concentrates_where_returns_change() -> None:
    """Returns rise over time only for h < 1: after a few fits most samples go there."""
    space = TaskSpace(["h", "s"], [0, 0], [3, 6])
    teacher = ALPGMM(space, ExpertKnowledge(Level.NONE, space), np.random.default_rng(0))
    noise = np.random.default_rng(1)
    for episode in range(900):
        task = teacher.sample_task()
        learning = task[0] < 1.0
        value = (-100 + episode * 0.5 if learning else -100.0) + noise.normal(0, 2)
        teacher.update(task, grade(Episode(value, 1000), 230, (-150, 350)))
    late = np.array([teacher.sample_task() for _ in range(500)])
    assert np.mean(late[:, 0] < 1.0) > 0.6  # uniform would give 1/3


def test_alp_gmm_bootstraps_from_the_easy_distribution_at_high_knowledge() -> None:
    from teachbench.tasks.suites.teachmyagent import SUITE

    challenge = SUITE.challenge("surrogate", "upper-baseline")
    teacher = ALPGMM(challenge.space, challenge.knowledge("high"), np.random.default_rng(0))
    first = np.array([teacher.sample_task() for _ in range(100)])
    assert first[:, 0].mean() < 0.5 and first[:, 1].mean() > 5.0
