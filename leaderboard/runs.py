"""From a folder of run records to the one-row-per-run frame the statistics take."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from harness.records import RecordError, iter_record_files, mastered_curve, read_record

RUN_KEY = ["suite", "tier", "challenge", "level", "teacher", "seed"]


def runs_frame(results: Path | Sequence[Path], skip_invalid: bool = False) -> pd.DataFrame:
    """Read and validate every record under ``results`` (one folder or several).

    Several folders put your runs beside the committed baselines' campaign
    without copying it. An invalid record stops the leaderboard with an error
    naming the file, since a table silently missing a run is worse than no table;
    ``skip_invalid`` turns that into a warning for users who want the rest anyway.
    A run recorded in two folders is refused: it would count twice.
    """
    folders = [results] if isinstance(results, Path) else list(results)
    rows, sources = [], []
    for folder in folders:
        for path in iter_record_files(folder):
            try:
                doc = read_record(path)
            except RecordError as exc:
                if not skip_invalid:
                    raise
                warnings.warn(f"skipped invalid record: {exc}", stacklevel=2)
                continue
            rows.append(_row(doc))
            sources.append(path)
    if not rows:
        raise FileNotFoundError(
            f"no run records under {', '.join(map(str, folders))}; run "
            "`teachbench run --teacher NAME` or `teachbench quickstart` first"
        )
    frame = pd.DataFrame(rows)
    twice = frame.duplicated(RUN_KEY, keep=False)
    if twice.any():
        first, second = (sources[i] for i in frame.index[twice][:2])
        raise RecordError(
            f"the same run is recorded twice ({first} and {second}); "
            "give each run's folder once, or move one of the records away"
        )
    return frame


def _row(doc: dict) -> dict:
    return {
        "suite": doc["protocol"]["suite"],
        "tier": doc["protocol"]["tier"],
        "protocol_hash": doc["protocol"]["hash"],
        "challenge": doc["challenge"],
        "level": doc["level"],
        "teacher": doc["teacher"]["key"],
        "seed": doc["seed"],
        "status": doc["status"],
        "final_mastered": doc["final_mastered"],
        "auc": doc["auc"],
        "curve_steps": [e["step"] for e in doc["evaluations"]],
        "curve_mastered": mastered_curve(doc),
        **{f"diag_{k}": v for k, v in doc["diagnostics"].items()},
    }
