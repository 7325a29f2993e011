"""Baseline teachers: one module per curriculum algorithm."""
