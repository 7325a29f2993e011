"""Baseline DRL students (SAC, PPO) live here."""
