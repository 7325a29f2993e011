"""Executors: where runs happen. Every executor turns a crash or a hang into a failed record."""
