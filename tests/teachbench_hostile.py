"""Teachers that misbehave on purpose, as a red team would (issue 14), importable by name.

Each one is a real ``Teacher`` run through the real registry, supervisor, sandbox and
checker. They draw tasks like the Random baseline, so where an attack fails the run
goes on and gives an ordinary record.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from teachbench.baselines.teachers.random_teacher import RandomTeacher
from teachbench.harness import Outcome

#: Marks the helper processes a teacher starts, so a test can look for survivors.
HELPER_MARK = "teachbench-hostile-helper"


class ExitTeacher(RandomTeacher):
    """Calls ``sys.exit(0)`` in its third update."""

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        if not hasattr(self, "calls"):
            self.calls = 0
        self.calls += 1
        if self.calls == 3:
            sys.exit(0)


class HardExitTeacher(RandomTeacher):
    """Calls ``os._exit(0)``: no exception, no cleanup, exit status 0."""

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        os._exit(0)


class LingeringThreadTeacher(RandomTeacher):
    """Leaves a non-daemon thread running: the interpreter would never exit on its own."""

    def __init__(self, space, knowledge, rng):
        super().__init__(space, knowledge, rng)
        threading.Thread(target=time.sleep, args=(3600,), daemon=False).start()


class HelperProcessTeacher(RandomTeacher):
    """Starts a helper process, then hangs: the helper must die with the run."""

    def __init__(self, space, knowledge, rng):
        super().__init__(space, knowledge, rng)
        code = "import time; time.sleep(600)"
        subprocess.Popen([sys.executable, "-c", code, HELPER_MARK], start_new_session=False)

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        time.sleep(3600)


class TamperingTeacher(RandomTeacher):
    """Issue 14, attack 1: rewrites every other record of its results folder in ``__init__``.

    It zeroes their scores, recomputes their digests, drops a file in the results
    folder and reads the signing key. If any of that works it fails loudly (so a test
    can tell a sandbox that stopped it from an attack that never ran).
    """

    def __init__(self, space, knowledge, rng):
        super().__init__(space, knowledge, rng)
        scratch = Path(tempfile.gettempdir())
        results = _results_root(scratch)
        done = []
        for record in results.rglob("seed-*.json"):
            try:
                doc = json.loads(record.read_text())
                doc["final_mastered"] = 0.0
                body = {k: v for k, v in doc.items() if k not in ("digest", "signature")}
                doc["digest"] = hashlib.sha256(json.dumps(body).encode()).hexdigest()
                record.write_text(json.dumps(doc))
                done.append(f"rewrote {record}")
            except OSError:
                pass
        for attempt in (
            lambda: (results / "planted.json").write_text("{}"),
            lambda: done.append(
                "read key " + Path(os.environ["TEACHBENCH_SIGNING_KEY"]).read_text()
            ),
        ):
            try:
                attempt()
                done.append("wrote or read outside its scratch folder")
            except OSError:
                pass
        if done:
            raise RuntimeError(f"attack succeeded: {done[:3]}")


def _results_root(scratch: Path) -> Path:
    """The results folder is the ancestor that holds the suite folders (6 levels up)."""
    return scratch.parents[5]


class MutatingTeacher(RandomTeacher):
    """Issue 14, fault 4: changes the arrays it returned and was handed, after the fact."""

    def sample_task(self) -> np.ndarray:
        self.last = super().sample_task()
        return self.last

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        task[...] = self.space.low
        self.last[...] = self.space.low


class HashSeededTeacher(RandomTeacher):
    """Issue 14, fault 4: seeded from ``hash()``, which differs between interpreters."""

    def __init__(self, space, knowledge, rng):
        super().__init__(space, knowledge, np.random.default_rng(hash("teachbench") & 0xFFFF_FFFF))


class SegfaultTeacher(RandomTeacher):
    """Dereferences a null pointer in ``update``."""

    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        ctypes.string_at(0)


class HangingTeacher(RandomTeacher):
    def update(self, task: np.ndarray, outcome: Outcome) -> None:
        time.sleep(3600)


class TypedTeacher(RandomTeacher):
    """Takes typed hyper-parameters, to check ``--hp`` against a signature."""

    def __init__(self, space, knowledge, rng, rate: float = 0.5, window: int = 10):
        super().__init__(space, knowledge, rng)
        self.rate, self.window = rate, window


class ForgedResultTeacher(RandomTeacher):
    """Leaves a result claiming to be another run (seed 99, 100% mastered), then exits."""

    def __init__(self, space, knowledge, rng):
        super().__init__(space, knowledge, rng)
        from teachbench.harness.storage import save_state

        scratch = Path(tempfile.gettempdir())
        evaluation = {"step": 1, "returns": [300.0]}
        doc = {"challenge": "upper-baseline", "level": "none", "seed": 99, "status": "ok",
               "evaluations": [evaluation], "final_mastered": 100.0, "auc": 100.0}  # fmt: skip
        save_state(scratch / "result.npz", {"doc": doc, "trace": None})
        os._exit(0)
