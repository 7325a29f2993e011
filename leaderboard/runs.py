"""From a folder of run records to the one-row-per-run frame the statistics take."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from teachbench.harness.challenge import canonical_json, sha256_hex
from teachbench.harness.records import (
    RecordError,
    iter_record_files,
    load_record,
    mastered_curve,
    read_record,
)
from teachbench.harness.submission import verified
from teachbench.harness.vocabulary import is_slug

RUN_KEY = ["suite", "tier", "challenge", "level", "teacher", "seed"]
NAMED_COLUMNS = ["suite", "tier", "challenge", "level", "teacher"]
"""Names read from records that become table cells, folder and file names: slugs only."""


def runs_frame(results: Path | Sequence[Path], skip_invalid: bool = False) -> pd.DataFrame:
    """Read and validate every record under ``results`` (one folder or several).

    Several folders put your runs beside the committed baselines' campaign
    without copying it. An invalid record stops the leaderboard with an error
    naming the file, since a table silently missing a run is worse than no table;
    ``skip_invalid`` turns that into a warning for users who want the rest anyway.
    A run recorded in two folders counts once when both records hold the same
    result (runs are deterministic, so a re-run of the same code does), and is
    refused, naming both files, when they differ. Each row says whether its record's
    signature verifies with this machine's key (``trust``: verified/unverified).
    """
    folders = [results] if isinstance(results, Path) else list(results)
    bundles: dict = {}  # submission bundles' verification, read once per bundle
    rows = []
    seen: dict[tuple, Path] = {}  # run -> the file that recorded it
    for folder in folders:
        for path in iter_record_files(folder):
            try:
                loaded = load_record(path)
                doc = loaded.doc
                row = {**_row(doc, path), "trust": loaded.trust.value}
                row["verified"] = verified(path, doc["digest"], bundles)
            except RecordError as exc:
                if not skip_invalid:
                    raise
                warnings.warn(f"skipped invalid record: {exc}", stacklevel=2)
                continue
            run = tuple(row[k] for k in RUN_KEY)
            if run in seen:  # rare: fingerprint only then, re-reading the first record
                if _result_fingerprint(read_record(seen[run])) != _result_fingerprint(doc):
                    raise RecordError(
                        f"one run has two different records ({seen[run]} and {path}); "
                        "keep the one you trust and move the other away"
                    )
                continue  # the same deterministic result twice: count it once
            seen[run] = path
            rows.append(row)
    if not rows:
        raise FileNotFoundError(
            f"no run records under {', '.join(map(str, folders))}; run "
            "`teachbench run --teacher NAME` or `teachbench quickstart` first"
        )
    return pd.DataFrame(rows)


def _result_fingerprint(doc: dict) -> str:
    """What a re-run of the same code reproduces: not timings, provenance or the digest."""
    differs = ("timings", "provenance", "digest", "signature", "schema_version", "trace")
    kept = {k: v for k, v in doc.items() if k not in differs}
    return sha256_hex(canonical_json(kept))


def _curve(doc: dict) -> list[float]:
    """``mastered_curve`` of the record in one numpy call (it is the leaderboard's hot loop)."""
    evaluations = doc["evaluations"]
    sizes = {len(e["returns"]) for e in evaluations}
    if len(sizes) != 1:  # a test set whose size changed mid-run: the general path
        return mastered_curve(doc)
    returns = np.array([e["returns"] for e in evaluations], dtype=float)
    passed = returns > doc["protocol"]["mastery_threshold"]
    return (100.0 * passed.mean(axis=1)).tolist()


def _row(doc: dict, path: Path) -> dict:
    """The run's table row; names that are not slugs are refused (records are untrusted)."""
    row = {
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
        "curve_mastered": _curve(doc),
        **{f"diag_{k}": v for k, v in doc["diagnostics"].items()},
        "record_file": str(path),
        "entry_point": doc["teacher"].get("entry_point", ""),
        "code_version": str(doc["teacher"].get("code_version") or ""),
        "package_version": str(doc["provenance"].get("teachbench") or ""),
        "git_commit": str(doc["provenance"].get("git_commit") or ""),
        "device": str(doc["provenance"].get("machine") or ""),
        "env_steps": doc["steps"],
        "wall_s": doc["timings"].get("wall_s", float("nan")),
    }
    for column in NAMED_COLUMNS:
        if not is_slug(row[column]):
            raise RecordError(
                f"{path}: {column} {row[column]!r} is not a slug (lower-case letters, digits, "
                "'-', '_'); a record's names become paths and table cells, so it is refused: "
                "fix or remove the record"
            )
    return row
