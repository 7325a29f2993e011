"""Finding teachers, students and suites by name.

Everything is found the same way, baselines included: an entry point in one of
the ``teachbench.*`` groups, or a ``package.module:Attr`` string. That keeps the
harness free of imports of ``tasks``/``baselines`` and makes a stranger's
submission a first-class citizen.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

TEACHERS = "teachbench.teachers"
STUDENTS = "teachbench.students"
SUITES = "teachbench.suites"
#: Helpers the CLI offers without importing ``tasks`` by name (``teachbench show``).
TOOLS = "teachbench.tools"

_KIND = {TEACHERS: "teacher", STUDENTS: "student", SUITES: "suite", TOOLS: "tool"}


class RegistryError(LookupError):
    """A name that resolves to nothing, or to the wrong kind of thing."""


@dataclass(frozen=True)
class Resolved:
    """What a name resolved to, and the entry point string that records carry."""

    name: str
    entry_point: str
    obj: Any


def names(group: str) -> dict[str, str]:
    """Registered names of a group and their ``module:attr`` targets."""
    return {ep.name: ep.value for ep in entry_points(group=group)}


def registered_targets(group: str, name: str) -> list[str]:
    """Every distinct target registered under ``name``, importing nothing; raise if none.

    Installed packages may collide on a name: all their targets are returned.
    """
    targets = sorted({ep.value for ep in entry_points(group=group) if ep.name == name})
    if not targets:
        kind = _KIND[group]
        known = ", ".join(sorted(names(group))) or "none"
        raise RegistryError(
            f"unknown {kind} {name!r}; registered {kind}s: {known} "
            f"(or give package.module:Attr; `teachbench list {kind}s` lists them)"
        )
    return targets


def resolve(group: str, name: str) -> Resolved:
    """Resolve a registered name or a ``package.module:Attr`` string."""
    kind = _KIND[group]
    if ":" in name:
        return Resolved(name=short_name(name), entry_point=name, obj=_import(name, kind))
    targets = registered_targets(group, name)
    if len(targets) > 1:
        # One name, two packages: whichever Python lists first would silently win, and its
        # records would land in the other's folder.
        raise RegistryError(
            f"{kind} name {name!r} is registered by more than one package ({', '.join(targets)}); "
            "uninstall one, or give the one you mean as package.module:Attr"
        )
    return Resolved(name=name, entry_point=targets[0], obj=_import(targets[0], kind))


def short_name(target: str) -> str:
    """The attribute a ``package.module:Attr`` string names: how it reads in messages."""
    return target.split(":", 1)[1].split(".")[-1]


def _import(target: str, kind: str) -> Any:
    module_name, _, attr_path = target.partition(":")
    if not module_name or not attr_path:
        raise RegistryError(f"{kind} {target!r} is not of the form package.module:Attr")
    try:
        obj: Any = importlib.import_module(module_name)
    except (Exception, SystemExit) as exc:  # a plugin's import-time bug: reported, not raised
        raise RegistryError(
            f"cannot import {kind} module {module_name!r} ({type(exc).__name__}: {exc}); "
            "is its package installed and working?"
        ) from None
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise RegistryError(f"{kind} {target!r}: {module_name} has no {attr_path!r}") from None
    return obj
