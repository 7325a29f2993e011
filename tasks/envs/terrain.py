"""Static terrain construction shared by the track environments.

All solid terrain of a track lives on a few static bodies (one per surface kind)
holding many fixtures: creating ~200 separate bodies, as TeachMyAgent does, costs
most of a reset. The ground polyline is a single chain shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from Box2D import b2Body, b2ChainShape, b2FixtureDef, b2PolygonShape, b2World

from tasks.envs.constants import CAT_GROUND, FRICTION
from tasks.envs.contacts import Surface

Point = tuple[float, float]


def static_body(world: b2World, surface: Surface) -> b2Body:
    body = world.CreateStaticBody()
    body.userData = surface
    return body


def add_polyline(body: b2Body, points: Sequence[Point], category: int = CAT_GROUND) -> None:
    """A solid open polyline (ground or ceiling)."""
    body.CreateFixture(
        b2FixtureDef(
            shape=b2ChainShape(vertices_chain=list(points)),
            friction=FRICTION,
            categoryBits=category,
        )
    )


def add_polygon(
    body: b2Body,
    vertices: Sequence[Point],
    category: int = CAT_GROUND,
    sensor: bool = False,
) -> bool:
    """Add a convex polygon (Box2D takes the hull); False if it is degenerate and skipped."""
    try:
        shape = b2PolygonShape(vertices=list(vertices))
    except AssertionError:
        return False
    body.CreateFixture(
        b2FixtureDef(shape=shape, friction=FRICTION, categoryBits=category, isSensor=sensor)
    )
    return True
