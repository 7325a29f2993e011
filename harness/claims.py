"""Claim files: one run is executed by one process at a time, whoever started it.

Two commands (or a local pool and a Slurm array) may share one results folder.
Before a run starts, its executor *claims* it by creating a small file next to
the record; whoever fails to create it leaves the run alone. A claim names its
holder (host, pid, an owner id such as a Slurm job id) and carries a heartbeat
the holder refreshes, so a claim left by a crash is recognised as stale and can
be taken over:

- on the holder's own host, a claim is stale when its pid is gone;
- from another host, when its heartbeat is older than ``stale_after_s``;
- a requeued Slurm job recognises the claim of its own previous incarnation
  (same owner id) and takes it over at once.

Take-over must be race free between two processes that both judge a claim
stale. Claims therefore have *generations*: ``seed-3.claim-0``, ``-1``, ... The
current claim is the highest generation; taking over generation ``g`` means
creating generation ``g + 1`` with ``O_CREAT | O_EXCL``, which exactly one
process can do, on a local disk as on NFS (v3 and later).
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from teachbench.harness.storage import StorageError, atomic_write

CLAIM_INFIX = ".claim-"
#: How often a holder refreshes its heartbeat.
HEARTBEAT_S = 10.0
#: A claim whose heartbeat is older than this is stale when its holder is on another host.
STALE_AFTER_S = 120.0


@dataclass(frozen=True)
class Holder:
    """Who holds a claim, and how far its run has got."""

    host: str
    pid: int
    owner: str
    token: str
    claimed_at: float
    heartbeat: float
    steps: int = 0

    def describe(self) -> str:
        who = f"pid {self.pid} on {self.host}"
        return who if self.owner == f"{self.host}:{self.pid}" else f"{who} ({self.owner})"


def this_host() -> str:
    return socket.gethostname()


def default_owner() -> str:
    return f"{this_host()}:{os.getpid()}"


def claim_stem(record_file: Path) -> str:
    return record_file.name.removesuffix(".json") + CLAIM_INFIX


def _generations(record_file: Path) -> list[tuple[int, Path]]:
    pattern = re.compile(re.escape(claim_stem(record_file)) + r"(\d+)")
    try:
        names = os.listdir(record_file.parent)
    except FileNotFoundError:
        return []
    found = [
        (int(m.group(1)), record_file.parent / n) for n in names if (m := pattern.fullmatch(n))
    ]
    return sorted(found)


def _read(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text())
        return Holder(**data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError):
        # Claims appear whole (see try_claim); one that cannot be read was damaged: stale.
        return Holder("?", -1, "?", "?", 0.0, 0.0)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_stale(holder: Holder, owner: str, stale_after_s: float = STALE_AFTER_S) -> bool:
    """Whether a claim may be taken over by ``owner`` (see the module docstring for the rules)."""
    if holder.owner == owner and holder.pid != os.getpid():
        return True  # our own previous incarnation (a requeued job), now gone
    if time.time() - holder.heartbeat > stale_after_s:
        return True
    return holder.host == this_host() and not _pid_alive(holder.pid)


def current_holder(record_file: Path) -> Holder | None:
    """The holder of a run's current claim, or None when the run is not claimed."""
    generations = _generations(record_file)
    return _read(generations[-1][1]) if generations else None


class Claim:
    """A held claim; refreshes its heartbeat in a thread until released."""

    def __init__(self, path: Path, holder: Holder, heartbeat_s: float):
        self.path = path
        self.holder = holder
        self._steps = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(heartbeat_s,), daemon=True)
        self._thread.start()

    def report_steps(self, steps: int) -> None:
        self._steps = steps

    def _beat(self, heartbeat_s: float) -> None:
        while not self._stop.wait(heartbeat_s):
            self._write()

    def _write(self) -> None:
        self.holder = Holder(
            **{**asdict(self.holder), "heartbeat": time.time(), "steps": self._steps}
        )
        try:
            atomic_write(self.path, json.dumps(asdict(self.holder)).encode())
        except OSError:
            pass  # a missed heartbeat only makes the claim look older; the next one retries

    def release(self) -> None:
        self._stop.set()
        self._thread.join()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Claim:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def try_claim(
    record_file: Path,
    owner: str | None = None,
    stale_after_s: float = STALE_AFTER_S,
    heartbeat_s: float = HEARTBEAT_S,
) -> Claim | Holder:
    """Claim a run: a ``Claim`` when this process now holds it, else the live ``Holder``."""
    owner = owner or default_owner()
    try:
        record_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where the folder must go, a read-only or full disk
        raise StorageError(
            f"cannot prepare {record_file.parent} for its runs' claims ({exc.strerror or exc}); "
            "check the results folder"
        ) from None
    while True:
        generations = _generations(record_file)
        if generations:
            generation, path = generations[-1]
            holder = _read(path)
            if holder is not None and not is_stale(holder, owner, stale_after_s):
                return holder
            if holder is None:  # released between listing and reading: look again
                continue
            generation += 1
        else:
            generation = 0
        path = record_file.parent / f"{claim_stem(record_file)}{generation}"
        now = time.time()
        holder = Holder(this_host(), os.getpid(), owner, uuid.uuid4().hex, now, now)
        # Written aside then linked into place: link(2) fails if the name exists, so the claim
        # appears whole or not at all, and exactly one process wins this generation.
        draft = path.with_name(f".{path.name}.{holder.token}")
        atomic_write(draft, json.dumps(asdict(holder)).encode())
        try:
            os.link(draft, path)
        except FileExistsError:
            continue  # another process took this generation first: judge its claim instead
        finally:
            draft.unlink(missing_ok=True)
        for older, older_path in _generations(record_file):
            if older < generation:
                older_path.unlink(missing_ok=True)
        return Claim(path, holder, heartbeat_s)
