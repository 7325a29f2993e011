"""Atomic files and pickle-free state files.

Every file the harness writes goes through ``atomic_write``: a run killed half-way
leaves either the old file or the new one, never a torn one. State (checkpoints,
traces) is stored as ``.npz`` with a JSON tree and ``allow_pickle=False``, so a
results folder can be shared without handing anyone arbitrary code.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
_TREE_KEY = "__tree__"
_ARRAY_TAG = "__ndarray__"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600); results are meant to be shared like any file.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_state(path: Path, tree: Any) -> None:
    """Save nested dicts/lists of JSON values and numpy arrays."""
    arrays: dict[str, np.ndarray] = {}

    def encode(node: Any) -> Any:
        if isinstance(node, np.ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = node
            return {_ARRAY_TAG: key}
        if isinstance(node, dict):
            return {str(k): encode(v) for k, v in node.items()}
        if isinstance(node, list | tuple):
            return [encode(v) for v in node]
        if isinstance(node, np.generic):
            return node.item()
        return node

    tree_json = json.dumps(encode(tree), allow_nan=True)
    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, **{_TREE_KEY: np.frombuffer(tree_json.encode(), np.uint8)}, **arrays
    )
    atomic_write(path, buffer.getvalue())


def load_state(path: Path) -> Any:
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    tree = json.loads(arrays.pop(_TREE_KEY).tobytes().decode())

    def decode(node: Any) -> Any:
        if isinstance(node, dict):
            if set(node) == {_ARRAY_TAG}:
                return arrays[node[_ARRAY_TAG]]
            return {k: decode(v) for k, v in node.items()}
        if isinstance(node, list):
            return [decode(v) for v in node]
        return node

    return decode(tree)


class StorageError(OSError):
    """The results folder refused a write (read-only, full, gone): not the run's fault."""


#: Attempts at a write before it is reported as a storage error.
WRITE_ATTEMPTS = 3


def write_with_retry(write: Callable[[], T], path: Path, attempts: int = WRITE_ATTEMPTS) -> T:
    """Call ``write`` until it succeeds; after ``attempts`` failures raise a ``StorageError``.

    A full disk or a network folder can fail a write for a moment; a result that took
    an hour to compute deserves a second try before it is given up.
    """
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except OSError as exc:
            if attempt == attempts:
                raise StorageError(
                    f"cannot write {path} ({exc.strerror or exc}); free space or fix the "
                    "permissions of the results folder, then run the same command again"
                ) from None
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def check_writable(results: Path, min_free_bytes: int = 50 * 2**20) -> None:
    """Before any run: ``results`` is a writable folder (or can become one) with free space.

    Nothing is created here: a command that stops at planning leaves no empty folder.
    """
    existing = results
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise StorageError(f"results folder {results}: {existing} exists and is not a folder")
    if existing == results:
        try:
            fd, probe = tempfile.mkstemp(dir=results, prefix=".write-test-")
            os.close(fd)
            os.unlink(probe)
        except OSError as exc:
            raise StorageError(
                f"results folder {results} is not writable ({exc.strerror}); choose another "
                "with --results or fix its permissions"
            ) from None
    elif not os.access(existing, os.W_OK | os.X_OK):
        raise StorageError(
            f"cannot create results folder {results}: {existing} is not writable; choose "
            "another with --results"
        )
    free = shutil.disk_usage(existing).free
    if free < min_free_bytes:
        raise StorageError(
            f"results folder {results} has only {free / 2**20:.0f} MiB free; runs need at "
            f"least {min_free_bytes / 2**20:.0f} MiB: free some space or choose another --results"
        )
