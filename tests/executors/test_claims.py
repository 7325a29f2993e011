"""Claim files: one holder at a time, stale claims recovered, take-over free of races."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from pathlib import Path

import pytest
from teachbench.harness.claims import Claim, Holder, current_holder, try_claim


def _record(tmp_path: Path) -> Path:
    return tmp_path / "run" / "seed-0.json"


def _plant(record: Path, generation: int, **fields) -> Path:
    """A claim left by someone else (fields override a live claim of a running process)."""
    now = time.time()
    holder = {"host": os.uname().nodename, "pid": os.getppid(), "owner": "elsewhere",
              "token": "t", "claimed_at": now, "heartbeat": now, "steps": 0} | fields  # fmt: skip
    record.parent.mkdir(parents=True, exist_ok=True)
    path = record.with_name(f"seed-0.claim-{generation}")
    path.write_text(json.dumps(holder))
    return path


def test_a_claim_is_held_until_released(tmp_path: Path) -> None:
    record = _record(tmp_path)
    claim = try_claim(record)
    assert isinstance(claim, Claim)
    other = try_claim(record, owner="another command")
    assert isinstance(other, Holder) and other.pid == os.getpid()
    claim.release()
    assert current_holder(record) is None
    again = try_claim(record)
    assert isinstance(again, Claim)
    again.release()


def test_heartbeat_carries_the_steps_reached(tmp_path: Path) -> None:
    record = _record(tmp_path)
    with try_claim(record, heartbeat_s=0.05) as claim:
        claim.report_steps(1234)
        time.sleep(0.3)
        assert current_holder(record).steps == 1234
    assert not list(record.parent.iterdir())


@pytest.mark.parametrize(
    ("fields", "stale"),
    [
        ({}, False),  # a live process on this host
        ({"pid": 2**22 + 17}, True),  # its process is gone
        ({"host": "node-7", "pid": 1}, False),  # another host, fresh heartbeat
        ({"host": "node-7", "pid": 1, "heartbeat": time.time() - 600}, True),  # heartbeat too old
    ],
)
def test_stale_claims_are_taken_over(tmp_path: Path, fields: dict, stale: bool) -> None:
    record = _record(tmp_path)
    planted = _plant(record, 3, **fields)
    outcome = try_claim(record)
    assert isinstance(outcome, Claim) == stale
    if stale:
        assert outcome.path.name == "seed-0.claim-4" and not planted.exists()
        outcome.release()


def test_a_requeued_job_takes_over_its_own_previous_claim(tmp_path: Path) -> None:
    record = _record(tmp_path)
    _plant(record, 0, owner="slurm:1234", host="node-7", pid=1)
    assert isinstance(try_claim(record, owner="slurm:999"), Holder)
    claim = try_claim(record, owner="slurm:1234")
    assert isinstance(claim, Claim)
    claim.release()


def test_a_damaged_claim_is_stale(tmp_path: Path) -> None:
    record = _record(tmp_path)
    record.parent.mkdir(parents=True)
    record.with_name("seed-0.claim-0").write_text('{"host": ')
    claim = try_claim(record)
    assert isinstance(claim, Claim)
    claim.release()


def _contend(record: Path, start: float, wins) -> None:
    while time.time() < start:
        pass
    outcome = try_claim(record)
    if isinstance(outcome, Claim):
        wins.put(os.getpid())
        time.sleep(1.0)  # hold it while the others try
        outcome.release()


def test_many_processes_taking_over_one_stale_claim_leave_one_holder(tmp_path: Path) -> None:
    record = _record(tmp_path)
    _plant(record, 0, pid=2**22 + 17)  # dead: everybody may take it over
    context = mp.get_context("fork")
    wins = context.Queue()
    start = time.time() + 0.5
    processes = [context.Process(target=_contend, args=(record, start, wins)) for _ in range(8)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=30)
    winners = []
    while not wins.empty():
        winners.append(wins.get())
    assert len(winners) == 1
    assert current_holder(record) is None and not list(record.parent.iterdir())
