"""teachbench: a benchmark and leaderboard harness for curriculum (ACL) teachers in RL.

Everything a submission needs comes from here::

    from teachbench import Teacher, TaskSpace, Outcome, ExpertKnowledge, Student

The subpackages are ``teachbench.harness`` (the core: contracts, run loop, records, CLI),
``teachbench.tasks`` (environments, surrogate learners, suites), ``teachbench.baselines``
(reference teachers and students, registered like any submission) and
``teachbench.leaderboard`` (statistics, tables, figures).
"""

# The surface is listed once, in teachbench.harness; the top-level package re-exports all of it.
from teachbench import harness as _harness
from teachbench.harness import *  # noqa: F403

__all__ = list(_harness.__all__)
