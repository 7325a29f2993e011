"""Shared fixtures: a fresh results folder per test, and a signing key of the test session's own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def signing_key(tmp_path_factory) -> Path:
    """Records written by tests are signed with a throw-away key, never the user's."""
    path = tmp_path_factory.mktemp("key") / "signing.key"
    previous = os.environ.get("TEACHBENCH_SIGNING_KEY")
    os.environ["TEACHBENCH_SIGNING_KEY"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("TEACHBENCH_SIGNING_KEY", None)
    else:
        os.environ["TEACHBENCH_SIGNING_KEY"] = previous


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return tmp_path / "runs"
