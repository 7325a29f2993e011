"""Simplified water physics for Parkour: buoyancy, drag, lift and a swimming push.

The water of a Parkour track is everything below a horizontal surface ``water_y``,
so the submerged part of a polygon is a half-plane clip, done here in closed form
instead of general polygon clipping. Forces follow TeachMyAgent's model (facts
1.3): buoyancy = displaced mass·g at the submerged centroid; on each leading
submerged edge, drag ∝ (n·v̂)·|v|²·length and lift ∝ (n·v̂)(ê·v̂)·|v|²·length; and a
"push" on a motorised part that sweeps water, which lets a fish swim. Forces are
applied after a physics step and act during the next one, as in TeachMyAgent.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from Box2D import b2Body, b2PolygonShape

WATER_DENSITY = 1.0
GRAVITY = 10.0
# TeachMyAgent's GetMotorTorque(inv_dt) argument for the push force.
PUSH_INV_DT = 60.0

Point = tuple[float, float]


def clip_below(poly: list[Point], level: float) -> list[Point]:
    """The part of a convex CCW polygon with y <= level (still CCW)."""
    out: list[Point] = []
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        in0, in1 = y0 <= level, y1 <= level
        if in0:
            out.append((x0, y0))
        if in0 != in1:
            t = (level - y0) / (y1 - y0)
            out.append((x0 + t * (x1 - x0), level))
    return out


def area_centroid(poly: list[Point]) -> tuple[float, float, float]:
    """Signed area (positive for CCW) and centroid of a polygon."""
    a = cx = cy = 0.0
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a *= 0.5
    if abs(a) < 1e-12:
        return 0.0, 0.0, 0.0
    return a, cx / (6 * a), cy / (6 * a)


class _PartCache:
    """What does not change during an episode: local outlines, reach, swimming joints."""

    __slots__ = ("polygons", "pushers", "reach")

    def __init__(self, body: b2Body) -> None:
        self.polygons = [
            [tuple(v) for v in f.shape.vertices]
            for f in body.fixtures
            if isinstance(f.shape, b2PolygonShape)
        ]
        self.reach = max((math.hypot(*v) for poly in self.polygons for v in poly), default=0.0)
        # motorised joints turning this part (grasp joints have terrain as bodyB)
        self.pushers = [e.joint for e in body.joints if e.joint.bodyB == body]


class Water:
    """Applies water forces to the agent parts that are (partly) under ``level``.

    Per part, all forces are summed into one force at the centre of mass plus a
    torque (the same rigid-body effect as applying each at its point, with two
    Box2D calls instead of dozens).
    """

    def __init__(
        self,
        level: float,
        drag_mod: float = 0.25,
        lift_mod: float = 0.25,
        push_mod: float = 0.05,
        max_drag: float = 2000.0,
        max_lift: float = 500.0,
        max_push: float = 20.0,
    ) -> None:
        self.level = level
        self.drag_mod, self.lift_mod, self.push_mod = drag_mod, lift_mod, push_mod
        self.max_drag, self.max_lift, self.max_push = max_drag, max_lift, max_push
        self._cache: dict[int, _PartCache] = {}

    def apply(self, parts: Sequence[b2Body]) -> None:
        level = self.level
        for k, body in enumerate(parts):
            cache = self._cache.get(k)
            if cache is None:
                cache = self._cache[k] = _PartCache(body)
            px, py = body.position
            if py - cache.reach >= level:
                continue  # entirely above the surface
            angle = body.angle
            c, s = math.cos(angle), math.sin(angle)
            state = None
            for local in cache.polygons:
                poly = [(px + c * x - s * y, py + s * x + c * y) for x, y in local]
                if min(p[1] for p in poly) >= level:
                    continue
                wet = clip_below(poly, level)
                if len(wet) < 3:
                    continue
                area, ax, ay = area_centroid(wet)
                if area <= 0:
                    continue
                if state is None:
                    state = _Accumulator(body, self._push_forces(body, cache.pushers))
                state.add((0.0, WATER_DENSITY * area * GRAVITY), ax, ay)
                self._edge_forces(state, wet)
            if state is not None:
                state.flush()

    def _push_forces(self, body: b2Body, pushers: list) -> list[tuple[float, float, float, float]]:
        """(fx, fy, k, anchor) per active joint: the tangential force of its motor torque
        at the part's centre and the magnitude factor of the water's reaction."""
        out = []
        cx, cy = body.worldCenter
        for joint in pushers:
            if not joint.lowerLimit < joint.angle < joint.upperLimit:
                continue
            torque = joint.GetMotorTorque(PUSH_INV_DT)
            ax, ay = joint.anchorB
            fx, fy = -torque * (cy - ay), torque * (cx - ax)
            spin = torque + body.inertia * body.angularVelocity
            out.append((fx, fy, self.push_mod * WATER_DENSITY * spin * spin, (ax, ay)))
        return out

    def _edge_forces(self, acc: _Accumulator, wet: list[Point]) -> None:
        n = len(wet)
        lim = self.max_push
        for i in range(n):
            x0, y0 = wet[i]
            x1, y1 = wet[(i + 1) % n]
            ex, ey = x1 - x0, y1 - y0
            length = math.hypot(ex, ey)
            if length < 1e-9:
                continue
            ex, ey = ex / length, ey / length
            nx, ny = ey, -ex  # outward normal of a CCW polygon
            mx, my = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
            vx, vy = acc.velocity_at(mx, my)
            speed = math.hypot(vx, vy)
            if speed > 1e-9:
                ux, uy = vx / speed, vy / speed
                drag_dot = nx * ux + ny * uy
                if drag_dot >= 0:  # a leading edge
                    k = length * WATER_DENSITY * speed * speed
                    drag = min(drag_dot * self.drag_mod * k, self.max_drag)
                    acc.add((-drag * ux, -drag * uy), mx, my)
                    lift_dot = ex * ux + ey * uy
                    lift = min(drag_dot * lift_dot * self.lift_mod * k, self.max_lift)
                    acc.add((-lift * uy, lift * ux), mx, my)
            # reaction of the water swept by a part turning about its parent joint
            for fx, fy, k, (ax, ay) in acc.pushes:
                push_dot = nx * fx + ny * fy
                if push_dot > 0:
                    mag = push_dot * k * length
                    acc.add(
                        (min(max(-mag * fx, -lim), lim), min(max(-mag * fy, -lim), lim)), ax, ay
                    )


class _Accumulator:
    """Sums forces applied at points into a force at the centre of mass and a torque."""

    __slots__ = ("body", "cx", "cy", "fx", "fy", "pushes", "torque", "vx", "vy", "w")

    def __init__(self, body: b2Body, pushes: list) -> None:
        self.body = body
        self.cx, self.cy = body.worldCenter
        self.vx, self.vy = body.linearVelocity
        self.w = body.angularVelocity
        self.pushes = pushes
        self.fx = self.fy = self.torque = 0.0

    def velocity_at(self, x: float, y: float) -> tuple[float, float]:
        return self.vx - self.w * (y - self.cy), self.vy + self.w * (x - self.cx)

    def add(self, force: tuple[float, float], x: float, y: float) -> None:
        fx, fy = force
        self.fx += fx
        self.fy += fy
        self.torque += (x - self.cx) * fy - (y - self.cy) * fx

    def flush(self) -> None:
        self.body.ApplyForceToCenter((self.fx, self.fy), True)
        self.body.ApplyTorque(self.torque, True)
