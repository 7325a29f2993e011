"""The benchmark's words, defined once: everything else (record schema, tables, CLI) reads them here.

Each set of names is a ``StrEnum`` so that the value written in a record, typed on the command
line and shown in a table is the same string, and an unknown one fails where it is read.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Status(StrEnum):
    """How a run ended. Only ``ok`` runs enter the statistics; the others are counted."""

    OK = "ok"
    FAILED = "failed"
    NOT_APPLICABLE = "not_applicable"  # the teacher needs more than the level grants


class Tier(StrEnum):
    """Tiers of one suite: the same challenges with different students and budgets.

    Records of different tiers never meet in one table (their protocol hashes differ).
    """

    SURROGATE = "surrogate"  # numpy learners with a known ground truth; seconds per run
    SMOKE = "smoke"  # real Box2D and DRL students at tiny budgets; proves the wiring
    FULL = "full"  # the published budgets; a cluster job


class Level(StrEnum):
    """Expert knowledge granted to a teacher, as in TeachMyAgent (in increasing order)."""

    NONE = "none"  # only the task space
    LOW = "low"  # + reward range and success threshold
    HIGH = "high"  # + an initial (easy) task distribution, and a target one if defined


class Trust(StrEnum):
    """Whether a record's signature shows this harness, with this machine's key, wrote it.

    Unverified records are shown, marked, never refused: shared folders are normal, and
    ``teachbench verify`` (re-running a sample) is what makes a foreign record trusted.
    """

    VERIFIED = "verified"  # signed with this machine's key, content unchanged
    UNVERIFIED = "unverified"  # unsigned (older schema), another key, or a signature mismatch


#: TeachMyAgent's body names, as the Box2D environments and the surrogate profiles spell them.
#: Challenge names use their slug (``body_slug``): ``students-sac-small-bipedal``.
BODIES = (
    "old_classic_bipedal",
    "classic_bipedal",
    "small_bipedal",
    "big_quadru",
    "spider",
    "millipede",
    "wheel",
    "profile_chimpanzee",
    "amphibious_bipedal",
    "fish",
    "climbing_profile_chimpanzee",
    "climbing_chest_profile_chimpanzee",
)

#: Names that become folder names and table cells: lower-case letters, digits, '-' and '_'.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?")


def body_slug(body: str) -> str:
    """The spelling of a body inside a challenge name (hyphens, like every challenge name)."""
    if body not in BODIES:
        raise ValueError(f"unknown body {body!r}; known: {', '.join(BODIES)}")
    return body.replace("_", "-")


def is_slug(name: str) -> bool:
    """Whether ``name`` can safely become a path component or a table cell."""
    return isinstance(name, str) and SLUG.fullmatch(name) is not None
