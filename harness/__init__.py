"""teachbench's core: the contracts a curriculum algorithm is benchmarked through.

A submission needs only this package::

    from harness import Teacher, TaskSpace, Outcome, ExpertKnowledge, Student
"""

from harness.knowledge import ExpertKnowledge, GaussianDistribution, Level
from harness.outcome import Episode, Outcome
from harness.space import TaskSpace
from harness.student import Student
from harness.teacher import Teacher, check_param

__all__ = [
    "Episode",
    "ExpertKnowledge",
    "GaussianDistribution",
    "Level",
    "Outcome",
    "Student",
    "TaskSpace",
    "Teacher",
    "check_param",
]
