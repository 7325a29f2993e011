"""Speed targets met on the 2-core reference machine by only a few percent.

Most benchmarks assert their target outright. The three routed through :func:`check_target`
(SAC's rate against Stable-Baselines3's, 1.24x for a 1.2x target; the local executor's 1 -> 2
worker speed-up, 1.84x for 1.7x, when nothing else ran; reading and verifying the committed
campaign, 2.4-2.9 s for 3 s) sit so close to their targets that the host's speed on the day can
flip them: they print the verdict beside the measurement and warn when it is missed, so the
number stays in every CI log (the record reader also asserts a hard bound on its ratio to
plain parsing, so a real regression still fails).
Set ``TEACHBENCH_STRICT_TARGETS=1`` on a quiet machine to make the targets themselves fail.
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
