"""Physical and geometric constants shared by every teachbench Box2D task.

They reproduce TeachMyAgent's values (facts file, section 1.1) because the published
rewards, success threshold and episode lengths only mean the same thing on the same
scale: a change here changes what "return > 230" measures.
"""

from __future__ import annotations

import math

FPS = 50
SCALE = 30.0
VIEWPORT_W = 600
VIEWPORT_H = 400
# Box2D solver iterations used by TeachMyAgent (6*30 velocity, 2*30 position).
VELOCITY_ITERATIONS = 180
POSITION_ITERATIONS = 60

TERRAIN_STEP = 14 / SCALE
TERRAIN_LENGTH = 200  # in terrain steps
TERRAIN_HEIGHT = VIEWPORT_H / SCALE / 4
TERRAIN_STARTPAD = 20  # in terrain steps (widened for wide bodies)
FRICTION = 2.5

NB_LIDAR = 10
LIDAR_RANGE = 160 / SCALE
INITIAL_RANDOM = 5.0

MAX_EPISODE_STEPS = 2000
#: TeachMyAgent's success line: an episode "masters" its task when its return is above it.
SUCCESS_RETURN = 230.0
#: The reward ranges TeachMyAgent grants teachers at expert-knowledge level "low".
STUMP_REWARD_RANGE = (-150.0, 350.0)
PARKOUR_REWARD_RANGE = (-150.0, 360.0)
CRASH_REWARD = -100.0
# Reward shaping: 130 per SCALE of forward progress, 5 per radian of head tilt.
PROGRESS_REWARD = 130.0
HEAD_ANGLE_PENALTY = 5.0
# TeachMyAgent multiplies every body's TORQUE_PENALTY by the original torque (80).
TORQUE_COST_SCALE = 80.0

# Collision categories. Agent parts collide with terrain (not with each other):
# solid ground and ceiling, and the creepers, which are sensors that only report
# overlaps (contacts.py); water acts on the agent geometrically (water.py).
CAT_GROUND = 0x0001
CAT_GRIP = 0x0002  # graspable terrain (Parkour ceiling)
CAT_WATER = 0x0004
CAT_CREEPER = 0x0008
CAT_AGENT = 0x0020
AGENT_MASK = CAT_GROUND | CAT_GRIP | CAT_CREEPER
LIDAR_MASK = CAT_GROUND | CAT_GRIP | CAT_WATER | CAT_CREEPER

HALF_PI = math.pi / 2
