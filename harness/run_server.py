"""Imported only by the fork server that starts runs: it dies with the command, and takes every
run's process group with it; and it warms what every run needs, so each run starts faster.

A run process is a child of the fork server, not of the command, so its own
``PR_SET_PDEATHSIG`` fires when the fork server dies. This module makes that happen
when the command dies (even by SIGKILL): the fork server asks the kernel for a
SIGTERM when its parent goes, and on SIGTERM kills the process group of every run
it started (the run and its helper processes) before it exits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found.append(int(entry.name))
    return found


def _stop_runs(signum: int, frame: object) -> None:
    for pid in _children(os.getpid()):
        try:
            os.killpg(pid, signal.SIGKILL)  # each run leads its own group
        except OSError:
            pass
    os._exit(0)


def _warm() -> None:
    """Import and compute, once, what every run process would otherwise redo.

    Only the harness's own code and the registered suites (the benchmark's definition,
    not a submission) are loaded here: this process is not sandboxed.
    """
    import importlib

    import threadpoolctl  # noqa: F401
    from teachbench.harness import provenance, registry

    provenance.provenance(started="")  # the git commit and library versions, cached
    registry.names(registry.TEACHERS)  # warms importlib.metadata's view of installed packages
    for target in registry.names(registry.SUITES).values():
        try:
            importlib.import_module(target.partition(":")[0])
        except Exception:  # a broken suite fails its own runs, with its own message
            pass


if sys.platform == "linux":
    signal.signal(signal.SIGTERM, _stop_runs)
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
_warm()
