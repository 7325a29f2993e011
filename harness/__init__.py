"""teachbench's core: the contracts a curriculum algorithm is benchmarked through.

A submission imports them from the top-level package (``from teachbench import Teacher``);
this module is where they are collected.
"""

from teachbench.harness.challenge import Challenge, Suite, TestSet
from teachbench.harness.knowledge import ExpertKnowledge, GaussianDistribution, Level
from teachbench.harness.outcome import Episode, Outcome
from teachbench.harness.space import TaskSpace
from teachbench.harness.student import Student
from teachbench.harness.teacher import Teacher, check_param
from teachbench.harness.vocabulary import Status, Tier

__all__ = [
    "Challenge",
    "Episode",
    "ExpertKnowledge",
    "GaussianDistribution",
    "Level",
    "Outcome",
    "Status",
    "Student",
    "Suite",
    "TaskSpace",
    "Teacher",
    "TestSet",
    "Tier",
    "check_param",
]
