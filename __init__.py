"""teachbench: a benchmark and leaderboard harness for curriculum (ACL) teachers in RL.

Everything a submission needs comes from here::

    from teachbench import Teacher, TaskSpace, Outcome, ExpertKnowledge, Student

The subpackages are ``teachbench.harness`` (the core: contracts, run loop, records, CLI),
``teachbench.tasks`` (environments, surrogate learners, suites), ``teachbench.baselines``
(reference teachers and students, registered like any submission) and
``teachbench.leaderboard`` (statistics, tables, figures).
"""

from teachbench.harness import (
    Challenge,
    Episode,
    ExpertKnowledge,
    GaussianDistribution,
    Level,
    Outcome,
    Status,
    Student,
    Suite,
    TaskSpace,
    Teacher,
    TestSet,
    Tier,
    check_param,
)

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
