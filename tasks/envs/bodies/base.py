"""The embodiment contract: what an environment needs to know about an agent body.

A body owns its Box2D parts and motors. The environment only asks it to spawn,
to apply an action, to write its proprioception into the observation and to
answer a few questions (which part is the head, is its contact critical, how
much does a unit of torque cost). Everything else is private to the body module.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import ClassVar

from Box2D import b2Body, b2CircleShape, b2FixtureDef, b2PolygonShape, b2RevoluteJoint, b2World
from teachbench.tasks.envs.constants import AGENT_MASK, CAT_AGENT


class BodyKind(enum.Enum):
    """How a body lives: it decides lidar type, spawn pose and the milieu it survives in."""

    WALKER = "walker"
    CLIMBER = "climber"
    SWIMMER = "swimmer"
    AMPHIBIAN = "amphibian"


class Push(enum.Enum):
    """Where a body receives the horizontal spawn push drawn in [-5, 5] at reset."""

    HEAD = "head"
    SEGMENTS = "every segment"
    NONE = "none"


class Part:
    """userData of one Box2D body of the agent; the contact monitor writes into it.

    ``has_contact`` follows TeachMyAgent's rule: a contact beginning sets it, any
    contact ending clears it (even if another one goes on), so it is a 0/1 flag,
    not a count of touching fixtures.
    """

    __slots__ = ("critical", "has_contact", "name")

    def __init__(self, name: str, critical: bool = False) -> None:
        self.name = name
        self.critical = critical
        self.has_contact = False


class GraspSensor(Part):
    """userData of a climber's grasp sensor (TeachMyAgent's ``hand_sensor``).

    ``touching`` lists the graspable terrain fixtures it overlaps, oldest first;
    ``ready`` says its grasp action is > 0; ``joint`` is the revolute joint
    holding it to the terrain, if any.
    """

    __slots__ = ("joint", "ready", "touching")

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.touching: list = []
        self.ready = False
        self.joint = None


@dataclass(frozen=True)
class Motor:
    """A motorised joint and how it is observed."""

    joint: b2RevoluteJoint
    speed: float  # |motorSpeed| when the action is non-zero
    angle_offset: float = 0.0  # added to the joint angle in the observation
    contact_part: Part | None = None  # reported as a 0/1 ground-contact flag


# pybox2d leaks the shape of every new b2FixtureDef (~300 B per fixture), so agent
# fixture definitions are built once per distinct shape and reused at every spawn.


def polygon_fixture(
    vertices: Sequence[tuple[float, float]], density: float, friction: float = 0.1
) -> b2FixtureDef:
    """A solid agent fixture (collides with terrain, not with the agent itself)."""
    return _polygon_fixture(tuple((float(x), float(y)) for x, y in vertices), density, friction)


@cache
def _polygon_fixture(
    vertices: tuple[tuple[float, float], ...], density: float, friction: float
) -> b2FixtureDef:
    return b2FixtureDef(
        shape=b2PolygonShape(vertices=list(vertices)),
        density=density,
        friction=friction,
        restitution=0.0,
        categoryBits=CAT_AGENT,
        maskBits=AGENT_MASK,
    )


@cache
def box_fixture(half_w: float, half_h: float, density: float) -> b2FixtureDef:
    """A rectangular agent fixture centred on its body."""
    return b2FixtureDef(
        shape=b2PolygonShape(box=(half_w, half_h)),
        density=density,
        friction=0.2,
        restitution=0.0,
        categoryBits=CAT_AGENT,
        maskBits=AGENT_MASK,
    )


@cache
def grasp_sensor_fixture(radius: float) -> b2FixtureDef:
    """A climber's grasp sensor: a small massive disc that feels graspable terrain."""
    return b2FixtureDef(
        shape=b2CircleShape(radius=radius),
        density=1.0,
        restitution=0.0,
        isSensor=True,
        categoryBits=CAT_AGENT,
        maskBits=AGENT_MASK,
    )


@cache
def _with_density(fd: b2FixtureDef, density: float) -> b2FixtureDef:
    """A cached copy of `fd` with another density (bodies built for water)."""
    return b2FixtureDef(
        shape=fd.shape,
        density=density,
        friction=fd.friction,
        restitution=fd.restitution,
        categoryBits=fd.filter.categoryBits,
        maskBits=fd.filter.maskBits,
    )


class Body(ABC):
    """Base class of every embodiment.

    Subclasses set the class attributes and implement :meth:`_build`, which creates
    the parts (registering them with :meth:`_add_part`) and motors (with
    :meth:`_add_motor`). Sizes are given in pixels and divided by SCALE, as in the
    facts file, so they can be checked against it.
    """

    name: ClassVar[str]
    #: the TeachMyAgent body class whose ``draw`` this body's build follows
    teachmyagent_class: ClassVar[str]
    kind: ClassVar[BodyKind] = BodyKind.WALKER
    #: survival limit in steps out of the body's milieu (None = immortal)
    default_survival_steps: ClassVar[int | None] = 600
    #: drop the head-angle term from the reward shaping (fish, chimpanzees, wheel)
    ignore_head_angle: ClassVar[bool] = False
    #: number of grasp actions (climbers), appended after the motor actions
    n_grasp: ClassVar[int] = 0
    #: which parts the random spawn push acts on, as in TeachMyAgent
    push: ClassVar[Push] = Push.HEAD

    def __init__(
        self,
        motors_torque: float,
        torque_penalty: float,
        critical_head: bool,
        survival_steps: int | None = None,
        density: float | None = None,
    ) -> None:
        self.motors_torque = float(motors_torque)
        self.torque_penalty = float(torque_penalty)
        self.critical_head = critical_head
        self.survival_steps = (
            self.default_survival_steps if survival_steps is None else int(survival_steps)
        )
        self.density_override = density
        self.parts: list[b2Body] = []
        self.motors: list[Motor] = []
        self.head: b2Body | None = None
        self.sensors: list[b2Body] = []  # climbers' grasp sensors (not parts: no water)

    # --- sizes, known before the body is built --------------------------------------
    @property
    @abstractmethod
    def n_motors(self) -> int:
        """Number of motorised joints (one action each)."""

    @property
    @abstractmethod
    def n_contact_flags(self) -> int:
        """Number of motors that report a ground-contact flag."""

    @property
    @abstractmethod
    def width(self) -> float:
        """Approximate width in world units; widens the start pad for big bodies."""

    @property
    @abstractmethod
    def spawn_height(self) -> float:
        """Height above flat ground handed to the builder at spawn, in world units
        (TeachMyAgent's ``AGENT_CENTER_HEIGHT``: the centre of the hull or chest)."""

    @property
    def stump_spawn_height(self) -> float:
        """Spawn height on Stump and Hexagon Tracks; only the old bipedal differs."""
        return self.spawn_height

    @property
    def action_size(self) -> int:
        return self.n_motors + self.n_grasp

    @property
    def state_size(self) -> int:
        """Length of the proprioceptive part of the observation."""
        return 2 * self.n_motors + self.n_contact_flags + 2 * self.n_grasp

    # --- life cycle -------------------------------------------------------------------
    def build(self, world: b2World, x: float, y: float, push: float) -> None:
        """Create the body with its head centre at (x, y), pushed horizontally by `push`.

        The parts of a previous build are forgotten, not destroyed: environments
        build a fresh world at each reset.
        """
        self.parts, self.motors, self.head, self.sensors = [], [], None, []
        self._build(world, x, y)
        assert self.head is not None, f"{self.name} did not set its head"
        assert len(self.motors) == self.n_motors
        for part in self._pushed_parts():
            part.ApplyForceToCenter((push, 0.0), True)

    def _pushed_parts(self) -> list[b2Body]:
        if self.push is Push.HEAD:
            return [self.head]
        if self.push is Push.SEGMENTS:
            return [p for p in self.parts if p.userData.name == "segment"]
        return []

    @abstractmethod
    def _build(self, world: b2World, x: float, y: float) -> None: ...

    def _add_part(
        self,
        world: b2World,
        name: str,
        position: tuple[float, float],
        fixture: b2FixtureDef,
        angle: float = 0.0,
        critical: bool = False,
    ) -> b2Body:
        if self.density_override is not None:
            fixture = _with_density(fixture, self.density_override)
        body = world.CreateDynamicBody(position=position, angle=angle, fixtures=fixture)
        body.userData = Part(name, critical)
        self.parts.append(body)
        return body

    def _add_motor(
        self,
        world: b2World,
        parent: b2Body,
        child: b2Body,
        anchor: tuple[float, float] | None,
        limits: tuple[float, float],
        speed: float,
        angle_offset: float = 0.0,
        report_contact: bool = False,
        local_anchors: tuple[tuple[float, float], tuple[float, float]] | None = None,
    ) -> Motor:
        """A motorised revolute joint at the world point `anchor`, or, for bodies
        built TeachMyAgent's old way, at ``local_anchors`` (parent's, child's)."""
        where = (
            {"anchor": anchor}
            if local_anchors is None
            else {"localAnchorA": local_anchors[0], "localAnchorB": local_anchors[1]}
        )
        joint = world.CreateRevoluteJoint(
            bodyA=parent,
            bodyB=child,
            **where,
            enableMotor=True,
            enableLimit=True,
            maxMotorTorque=self.motors_torque,
            motorSpeed=1.0,
            lowerAngle=limits[0],
            upperAngle=limits[1],
        )
        motor = Motor(joint, speed, angle_offset, child.userData if report_contact else None)
        self.motors.append(motor)
        return motor

    # --- per step ---------------------------------------------------------------------
    def apply_action(self, action: Sequence[float]) -> None:
        """Speed = speed·sign(a), max torque = torque·min(|a|, 1) (facts 1.2, Action)."""
        torque = self.motors_torque
        for motor, a in zip(self.motors, action, strict=False):
            a = float(a)
            joint = motor.joint
            joint.motorSpeed = motor.speed if a > 0 else (-motor.speed if a < 0 else 0.0)
            joint.maxMotorTorque = torque * min(abs(a), 1.0)

    def write_state(self, out: list[float]) -> None:
        """Append angle, normalised speed and (where reported) contact of each motor."""
        for motor in self.motors:
            joint = motor.joint
            out.append(joint.angle + motor.angle_offset)
            out.append(joint.speed / motor.speed)
            if motor.contact_part is not None:
                out.append(1.0 if motor.contact_part.has_contact else 0.0)
