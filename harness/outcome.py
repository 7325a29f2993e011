"""What one training episode tells the teacher."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Episode:
    """What a student reports after one episode, before the harness grades it.

    Students do not know the challenge's mastery threshold or reward range; the
    harness turns an ``Episode`` into an ``Outcome`` so that every teacher sees the
    same grading whatever the student.
    """

    episodic_return: float
    length: int
    initial_value: float | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The feedback a teacher receives in ``update``.

    ``success`` is the strict ``return > threshold`` of TeachMyAgent;
    ``competence`` is the return mapped linearly to [0, 1] by the challenge's
    reward range (clipped), for teachers that want a bounded signal.
    """

    episodic_return: float
    success: bool
    length: int
    competence: float
    initial_value: float | None = None


def grade(episode: Episode, mastery_threshold: float, reward_range: tuple[float, float]) -> Outcome:
    low, high = reward_range
    competence = (episode.episodic_return - low) / (high - low)
    return Outcome(
        episodic_return=float(episode.episodic_return),
        success=bool(episode.episodic_return > mastery_threshold),
        length=int(episode.length),
        competence=float(min(1.0, max(0.0, competence))),
        initial_value=episode.initial_value,
    )
