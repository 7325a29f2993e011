"""Headless rendering of a track world to an RGB array with Pillow.

``render_follow`` gives the 600×400 camera that follows the agent (``render()``
in ``rgb_array`` mode); ``render_overview`` draws a whole track for task pictures.
Both read the Box2D world directly, so what is drawn is what is simulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from Box2D import b2ChainShape, b2CircleShape, b2EdgeShape, b2PolygonShape
from PIL import Image, ImageDraw
from teachbench.tasks.envs.bodies.base import Part
from teachbench.tasks.envs.constants import SCALE, TERRAIN_HEIGHT, VIEWPORT_H, VIEWPORT_W
from teachbench.tasks.envs.contacts import Surface

if TYPE_CHECKING:
    from teachbench.tasks.envs.track_env import TrackEnv

SKY = (230, 230, 255)
COLORS = {
    Surface.GROUND: ((102, 153, 77), (77, 204, 77)),  # (fill below, line)
    Surface.GRIP: ((128, 128, 128), (0, 64, 64)),
    Surface.WATER: ((119, 172, 229), (119, 172, 229)),
    Surface.CREEPER: ((111, 128, 96), (137, 154, 121)),
}
OBSTACLE = ((255, 255, 255), (153, 153, 153))
AGENT = ((128, 102, 230), (77, 77, 128))
HEAD_DEAD = (230, 40, 40)
LIDAR = (255, 0, 0)


class _View:
    """World → pixel transform for a window [x0, x0+w] × [y0, y0+h] on a W×H image."""

    def __init__(self, x0: float, y0: float, scale: float, height_px: int) -> None:
        self.x0, self.y0, self.scale, self.h = x0, y0, scale, height_px

    def __call__(self, p: tuple[float, float]) -> tuple[float, float]:
        return ((p[0] - self.x0) * self.scale, self.h - (p[1] - self.y0) * self.scale)


def _draw_world(env: TrackEnv, draw: ImageDraw.ImageDraw, view: _View, lidar: bool) -> None:
    world = env.world
    bottom = view.y0 - 1.0
    top = view.y0 + view.h / view.scale + 1.0
    water = [b for b in world.bodies if b.userData is Surface.WATER]
    for body in water:
        for f in body.fixtures:
            draw.polygon(
                [view(body.transform * v) for v in f.shape.vertices], fill=COLORS[Surface.WATER][0]
            )
    for body in world.bodies:
        surface = body.userData
        if not isinstance(surface, Surface) or surface is Surface.WATER:
            continue
        fill, line = COLORS[surface]
        for f in body.fixtures:
            shape = f.shape
            if isinstance(shape, (b2ChainShape, b2EdgeShape)):
                pts = [body.transform * v for v in shape.vertices]
                edge_y = bottom if surface is Surface.GROUND else top
                area = [(pts[0][0], edge_y), *pts, (pts[-1][0], edge_y)]
                draw.polygon([view(p) for p in area], fill=fill)
                draw.line([view(p) for p in pts], fill=line, width=2)
            elif isinstance(shape, b2PolygonShape):
                poly = [view(body.transform * v) for v in shape.vertices]
                colors = COLORS[surface] if surface is Surface.CREEPER else OBSTACLE
                draw.polygon(poly, fill=colors[0], outline=colors[1])
    dead = env._agent_is_disabled()
    for body in world.bodies:
        if not isinstance(body.userData, Part):
            continue
        fill, line = AGENT
        if dead and body is env.body.head:
            fill = HEAD_DEAD
        for f in body.fixtures:
            shape = f.shape
            if isinstance(shape, b2CircleShape):
                cx, cy = view(body.transform * shape.pos)
                r = shape.radius * view.scale
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill, outline=line)
            elif isinstance(shape, b2PolygonShape):
                draw.polygon(
                    [view(body.transform * v) for v in shape.vertices], fill=fill, outline=line
                )
    if lidar:
        for p1, p2 in env.lidar.segments():
            draw.line([view(p1), view(p2)], fill=LIDAR, width=1)


def render_follow(env: TrackEnv, width: int = VIEWPORT_W, height: int = VIEWPORT_H) -> np.ndarray:
    """A SCALE px/unit camera whose left edge trails the head by a fifth of the view.

    On flat tracks the camera stays at ground level; where the terrain climbs and
    falls (``env.camera_follows_y``) it also follows the head vertically.
    """
    image = Image.new("RGB", (width, height), SKY)
    head = env.body.head
    x0 = head.position[0] - width / SCALE / 5
    y0 = head.position[1] - height / SCALE / 5 - TERRAIN_HEIGHT if env.camera_follows_y else 0.0
    _draw_world(env, ImageDraw.Draw(image), _View(x0, y0, SCALE, height), lidar=True)
    return np.asarray(image, dtype=np.uint8)


def render_overview(env: TrackEnv, width: int = 1600) -> np.ndarray:
    """The whole track, from x = 0 to the end line, scaled to `width` pixels."""
    x_end = env.end_x + 2.0
    # Terrain and the agent (not the water, which spans the whole sky when it is high).
    ys = [
        p[1]
        for body in env.world.bodies
        if body.userData is not Surface.WATER
        for f in body.fixtures
        if hasattr(f.shape, "vertices")
        for p in (body.transform * v for v in f.shape.vertices)
    ]
    y_low, y_high = min(ys) - 1.0, max(ys) + 2.0
    scale = width / x_end
    height = max(64, int((y_high - y_low) * scale))
    image = Image.new("RGB", (width, height), SKY)
    _draw_world(env, ImageDraw.Draw(image), _View(0.0, y_low, scale, height), lidar=False)
    return np.asarray(image, dtype=np.uint8)
