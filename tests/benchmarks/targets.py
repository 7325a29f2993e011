"""Speed targets that this project has not yet shown on its reference machine (2 shared cores).

A benchmark whose target was measured as met asserts it outright. The ones routed through
:func:`check_target` were missed, or met only on a quiet machine, when they were written: they
print the verdict beside the measurement and warn when the target is missed, so that the
number stays visible in every CI log without blocking unrelated work. Set
``TEACHBENCH_STRICT_TARGETS=1`` to make them fail instead (the goal once they hold).
"""

from __future__ import annotations

import os
import warnings


def check_target(label: str, measured: float, target: float, higher_is_better: bool) -> None:
    met = measured >= target if higher_is_better else measured < target
    relation = ">=" if higher_is_better else "<"
    verdict = (
        f"{label}: {measured:.3g} (target {relation} {target:g}): {'met' if met else 'MISSED'}"
    )
    print(verdict)
    if met:
        return
    if os.environ.get("TEACHBENCH_STRICT_TARGETS"):
        raise AssertionError(verdict)
    warnings.warn(verdict, stacklevel=2)
