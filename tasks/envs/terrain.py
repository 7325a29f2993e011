"""Static terrain construction shared by the track environments.

All terrain of one kind lives on a single static body holding many fixtures:
creating ~200 separate bodies, as TeachMyAgent does, costs most of a reset.

pybox2d leaks the shape memory of every new ``b2FixtureDef`` (and of every chain
shape) it is given, about 300 B per fixture, which adds up to gigabytes over a
20M-step run. Fixtures are therefore created from a few shared definitions whose
shape vertices are rewritten before each use (Box2D copies the shape), and
polylines are made of edges rather than chain shapes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import cache

from Box2D import (
    b2_staticBody,
    b2Body,
    b2BodyDef,
    b2EdgeShape,
    b2FixtureDef,
    b2PolygonShape,
    b2World,
)
from teachbench.tasks.envs.constants import CAT_GROUND, FRICTION
from teachbench.tasks.envs.contacts import Surface

Point = tuple[float, float]


@cache
def _edge_def(category: int) -> b2FixtureDef:
    shape = b2EdgeShape(vertices=[(0.0, 0.0), (1.0, 0.0)])
    return b2FixtureDef(shape=shape, friction=FRICTION, categoryBits=category)


@cache
def _polygon_def(category: int, sensor: bool) -> b2FixtureDef:
    shape = b2PolygonShape(box=(1.0, 1.0))
    return b2FixtureDef(shape=shape, friction=FRICTION, categoryBits=category, isSensor=sensor)


@cache
def _static_def() -> b2BodyDef:
    return b2BodyDef(type=b2_staticBody)


def static_body(world: b2World, surface: Surface) -> b2Body:
    body = world.CreateBody(_static_def())
    body.userData = surface
    return body


def add_polyline(body: b2Body, points: Sequence[Point], category: int = CAT_GROUND) -> None:
    """A solid open polyline (ground or ceiling), one edge fixture per segment."""
    for a, b in itertools.pairwise(points):
        add_edge(body, a, b, category)


def add_edge(body: b2Body, a: Point, b: Point, category: int = CAT_GROUND) -> None:
    """One solid edge fixture from a to b."""
    fd = _edge_def(category)
    fd.shape.vertices = [a, b]
    body.CreateFixture(fd)


def add_polygon(
    body: b2Body,
    vertices: Sequence[Point],
    category: int = CAT_GROUND,
    sensor: bool = False,
) -> bool:
    """Add a convex polygon (Box2D takes the hull); False if it is degenerate and skipped."""
    fd = _polygon_def(category, sensor)
    try:
        fd.shape.vertices = list(vertices)
    except AssertionError:
        return False
    body.CreateFixture(fd)
    return True
