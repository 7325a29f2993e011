"""Reading and verifying the committed campaign's records (issue 14: under 3 s for 2,880).

The reference is plain ``json.loads`` of the same files' bytes, measured in the same
process: what parsing alone costs, with no schema, digest, consistency or signature
check. The ratio of the reader to it is printed beside the target.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from targets import check_target
from teachbench.harness.records import iter_record_files, load_record

CAMPAIGN = Path(__file__).resolve().parents[2] / "results" / "baselines"
TARGET_S = 3.0
# What the reader may cost over bare parsing on any machine: checking schema, digest and
# consistency measured 2.5-3.0x json.loads here; 4x would mean a check got much slower.
MAX_RATIO_TO_PLAIN = 4.0


def test_reading_and_verifying_the_committed_campaign(benchmark, capsys) -> None:
    files = list(iter_record_files(CAMPAIGN))
    assert len(files) == 2880

    def read_all() -> list:
        return [load_record(path) for path in files]

    loaded = benchmark.pedantic(read_all, rounds=3, iterations=1)
    assert {r.trust for r in loaded} == {"unverified"}  # schema 2: digest only, no signature
    read_s = benchmark.stats.stats.min
    plain_s = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for path in files:
            json.loads(path.read_bytes())
        plain_s = min(plain_s, time.perf_counter() - start)
    with capsys.disabled():
        print(
            f"\nread + verify {len(files)} records: {read_s:.2f} s (target < {TARGET_S:g} s, "
            f"{1000 * read_s / len(files):.2f} ms each) | plain json.loads {plain_s:.2f} s | "
            f"ratio {read_s / plain_s:.2f}x"
        )
    check_target(f"read + verify {len(files)} records (s)", read_s, TARGET_S, False)
    assert read_s / plain_s < MAX_RATIO_TO_PLAIN
