"""Grasping for climbers: a hand holding an action > 0 grips what it touches.

TeachMyAgent's climbers have one grasp action per hand: while it is > 0, a hand
touching graspable terrain (the Parkour ceiling or a creeper) is pinned to it by
a revolute joint; an action <= 0 releases it (facts 1.3). Touch is tested
geometrically against the stored ceiling polyline and creeper rectangles, which
is exact for these shapes and cheaper than Box2D sensor callbacks.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from Box2D import b2Body, b2World
from teachbench.tasks.envs.terrain import Point

TOUCH_MARGIN = 0.01


class Grip:
    """The graspable surfaces of a track and the joints currently holding hands."""

    def __init__(
        self,
        ceiling_body: b2Body,
        ceiling: Sequence[Point],
        creeper_body: b2Body | None,
        creepers: Sequence[tuple[float, float, float, float]],
    ) -> None:
        self.ceiling_body = ceiling_body
        self._xs = [p[0] for p in ceiling]
        self._ys = [p[1] for p in ceiling]
        self.creeper_body = creeper_body
        self.creepers = list(creepers)  # (x_left, x_right, y_bottom, y_top)
        self.joints: dict[int, object] = {}

    def _ceiling_y(self, x: float) -> float:
        xs, ys = self._xs, self._ys
        i = min(max(bisect.bisect_right(xs, x) - 1, 0), len(xs) - 2)
        t = (x - xs[i]) / (xs[i + 1] - xs[i])
        return ys[i] + t * (ys[i + 1] - ys[i])

    def touching(self, x: float, y: float, radius: float) -> b2Body | None:
        """The graspable body a hand of `radius` centred at (x, y) touches, if any."""
        r = radius + TOUCH_MARGIN
        if self._xs[0] <= x <= self._xs[-1] and self._ceiling_y(x) - y <= r:
            return self.ceiling_body
        for x0, x1, y0, y1 in self.creepers:
            if x0 - r <= x <= x1 + r and y0 - r <= y <= y1 + r:
                return self.creeper_body
        return None

    def update(
        self, world: b2World, hands: Sequence[b2Body], radius: float, grasp: Sequence[float]
    ) -> None:
        """Release hands whose action is <= 0 and attach touching hands whose action is > 0."""
        for k, (hand, a) in enumerate(zip(hands, grasp, strict=True)):
            joint = self.joints.get(k)
            if a <= 0:
                if joint is not None:
                    world.DestroyJoint(joint)
                    del self.joints[k]
                continue
            if joint is not None:
                continue
            x, y = hand.worldCenter
            other = self.touching(x, y, radius)
            if other is not None:
                self.joints[k] = world.CreateRevoluteJoint(
                    bodyA=hand, bodyB=other, anchor=(x, y), collideConnected=True
                )

    def state(self, hands: Sequence[b2Body], radius: float, out: list[float]) -> None:
        """Append (touching, holding) per hand."""
        for k, hand in enumerate(hands):
            x, y = hand.worldCenter
            out.append(1.0 if self.touching(x, y, radius) is not None else 0.0)
            out.append(1.0 if k in self.joints else 0.0)
