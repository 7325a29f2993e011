"""Submission bundles: a teacher's records with a manifest of where they came from, and their
verification by re-running seeds the verifier chooses.

A bundle is ``<root>/<name>/``: ``records/`` (ordinary run records), ``manifest.json`` (entry
point, the teacher's package name and version, a hash of its code, protocol hashes, machine, and
the digest of every record) and, once checked, ``verification.json``. A row of the leaderboard is
*verified* when its record is listed in its bundle's manifest with the same digest and the bundle's
verification passed against that very manifest (:func:`verified`).

Re-runs must give the submitted records: bit for bit on the surrogate tier (runs are
deterministic), and within the interval of the submitted scores on the DRL tiers, where GPU and
library nondeterminism make bit-identity impossible.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import platform
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from teachbench.harness.challenge import canonical_json, sha256_hex
from teachbench.harness.executors.local import run_local
from teachbench.harness.plan import plan_runs
from teachbench.harness.records import RecordError, iter_record_files, read_record
from teachbench.harness.runspec import RunSpec, resolve_suite
from teachbench.harness.storage import atomic_write
from teachbench.harness.supervisor import inspect_teacher
from teachbench.harness.vocabulary import Status, Tier, is_slug

SUBMISSIONS = Path("results/submissions")
MANIFEST = "manifest.json"
VERIFICATION = "verification.json"
RECORDS = "records"
NOT_REPRODUCED = ("timings", "provenance", "digest", "signature", "trace")
"""Record fields a faithful re-run may change: when and where it ran (and so the digest and its
signature), and file locations."""
DRL_INTERVAL = (2.5, 97.5)
"""On DRL tiers a re-run agrees when its score lies in this percentile range of the submitted
seeds' scores of its cell (the submitted 95% interval of one run's score)."""


class SubmissionError(ValueError):
    """A bundle that cannot be made or trusted; the message names the bundle or the run."""


def bundle_dir(name: str, root: Path = SUBMISSIONS) -> Path:
    if not is_slug(name):
        raise SubmissionError(
            f"submission name {name!r} must be a slug (lower-case letters, digits, '-', '_')"
        )
    return root / name


def _package_of(entry_point: str) -> tuple[str, str, str]:
    """(distribution name, version, sha256 of its code) of the teacher at ``entry_point``.

    Learnt without importing the teacher here: the entry point comes from the sandboxed
    child that loaded it (``inspect_teacher``), and its files are found (not executed) by
    ``find_spec``.
    """
    module = entry_point.split(":")[0].split(".")[0]
    dists = metadata.packages_distributions().get(module, [])
    name = dists[0] if dists else module
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        version = "unknown"
    found = importlib.util.find_spec(module)
    if found is None or (found.origin is None and not found.submodule_search_locations):
        raise SubmissionError(f"cannot find the files of module {module!r} ({entry_point})")
    if found.submodule_search_locations:  # a package: every module file in it
        roots = [Path(folder).resolve() for folder in found.submodule_search_locations]
        files = [(root, path) for root in roots for path in sorted(root.rglob("*.py"))]
    else:  # a single module file
        origin = Path(str(found.origin)).resolve()
        files = [(origin.parent, origin)]
    digest = hashlib.sha256()
    for root, path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return name, version, digest.hexdigest()


def _record_digests(records: Path) -> dict[str, str]:
    return {
        path.relative_to(records).as_posix(): read_record(path)["digest"]
        for path in iter_record_files(records)
    }


def submit(
    entry: str,
    name: str,
    suite: str = "teachmyagent",
    tier: str = Tier.SURROGATE,
    seeds: tuple[int, ...] | None = None,
    challenges: list[str] | None = None,
    levels: list[str] | None = None,
    workers: int | None = None,
    root: Path = SUBMISSIONS,
) -> Path:
    """Run ``entry`` on the suite into a new bundle and write its manifest; return the bundle."""
    bundle = bundle_dir(name, root)
    if (bundle / MANIFEST).exists():
        raise SubmissionError(f"{bundle} already holds a submission; choose another --name")
    info = inspect_teacher(entry, {})
    plan = plan_runs(suite, tier, entry, bundle / RECORDS, challenges, levels, seeds, trace=False,
                     teacher_info=info)  # fmt: skip
    failed = [r for r in run_local(plan.todo, workers=workers) if r.status == Status.FAILED]
    if failed:
        raise SubmissionError(
            f"{len(failed)} run(s) failed (e.g. {failed[0].spec.label()}); their records under "
            f"{bundle / RECORDS} say why; fix the teacher and submit again under a new name"
        )
    package, version, code_hash = _package_of(info.entry_point)
    suite_obj = resolve_suite(suite)
    wanted = set(challenges or [c.name for c in suite_obj.challenges(tier)])
    manifest = {
        "name": name,
        "teacher": entry,
        "entry_point": info.entry_point,
        "package": package,
        "package_version": version,
        "code_sha256": code_hash,
        "suite": suite,
        "tier": tier,
        "protocol_hashes": {
            c.name: suite_obj.protocol_hash(tier, c)
            for c in suite_obj.challenges(tier)
            if c.name in wanted
        },
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "python": platform.python_version(),
        },
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "records": _record_digests(bundle / RECORDS),
    }
    atomic_write(bundle / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode())
    return bundle


@dataclass
class Verification:
    """The outcome of :func:`verify`: which runs were re-run and which disagree, and why."""

    bundle: Path
    seeds: list[int]
    rerun: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    entropy: int = 0

    @property
    def passed(self) -> bool:
        return not self.disagreements


def _read_manifest(bundle: Path) -> dict[str, Any]:
    try:
        return json.loads((bundle / MANIFEST).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise SubmissionError(f"{bundle / MANIFEST}: no readable manifest ({exc})") from None


def _comparable(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in NOT_REPRODUCED}


def drl_agrees(rerun_score: float, submitted_scores: Sequence[float]) -> bool:
    """Whether a DRL-tier re-run's score lies in the submitted seeds' interval of its cell."""
    low, high = np.percentile(np.asarray(submitted_scores, dtype=float), DRL_INTERVAL)
    return bool(low <= rerun_score <= high)


def verify(
    name: str,
    rerun: int = 2,
    root: Path = SUBMISSIONS,
    entropy: int | None = None,
    workers: int | None = None,
) -> Verification:
    """Check a bundle's records against its manifest, re-run ``rerun`` seeds, compare, record.

    The seeds are drawn by the verifier (fresh OS entropy unless ``entropy`` is given; it is
    written to ``verification.json`` so the choice can be replayed). Every disagreement names its
    run. The outcome is written to the bundle either way.
    """
    bundle = bundle_dir(name, root)
    manifest = _read_manifest(bundle)
    records = bundle / RECORDS
    result = Verification(bundle=bundle, seeds=[])
    docs: dict[str, dict[str, Any]] = {}
    listed = manifest.get("records", {})
    for path in iter_record_files(records):
        rel = path.relative_to(records).as_posix()
        try:
            docs[rel] = read_record(path)
        except RecordError as exc:
            result.disagreements.append(f"{rel}: {exc}")
            continue
        if listed.get(rel) != docs[rel]["digest"]:
            result.disagreements.append(f"{rel}: differs from the record the manifest lists")
    result.disagreements += [f"{rel}: listed in the manifest but missing" for rel in
                             sorted(set(listed) - set(docs))]  # fmt: skip
    code = _package_of(inspect_teacher(manifest["teacher"], {}).entry_point)[2]
    if code != manifest.get("code_sha256"):
        result.disagreements.append(
            f"the installed {manifest.get('package')} is not the submitted code (code hash "
            f"{code[:12]} here, {str(manifest.get('code_sha256'))[:12]} submitted)"
        )
    seeds = sorted({d["seed"] for d in docs.values()})
    sequence = np.random.SeedSequence(entropy)
    result.entropy = int(sequence.entropy)
    chooser = np.random.default_rng(sequence)
    result.seeds = sorted(
        int(s) for s in chooser.choice(seeds, min(rerun, len(seeds)), replace=False)
    )
    with tempfile.TemporaryDirectory(prefix="teachbench-verify-") as scratch:
        _rerun(manifest, docs, result, Path(scratch), workers)
    _write_verification(bundle, manifest, result)
    return result


def _rerun(
    manifest: dict[str, Any],
    docs: dict[str, dict[str, Any]],
    result: Verification,
    scratch: Path,
    workers: int | None,
) -> None:
    todo = []
    for rel, doc in sorted(docs.items()):
        if doc["seed"] not in result.seeds or doc["status"] == Status.NOT_APPLICABLE:
            continue
        spec = RunSpec(manifest["suite"], doc["protocol"]["tier"], doc["challenge"], doc["level"],
                       manifest["teacher"], doc["seed"], scratch,
                       hyperparameters=doc["teacher"]["hyperparameters"], trace=False)  # fmt: skip
        todo.append((rel, spec, doc["budget_steps"]))
    run_local([(spec, budget) for _, spec, budget in todo], workers=workers)
    for rel, spec, _ in todo:
        result.rerun.append(rel)
        submitted = docs[rel]
        try:
            again = read_record(spec.record_file)
        except RecordError as exc:
            result.disagreements.append(f"{rel}: the re-run left no valid record ({exc})")
            continue
        if submitted["protocol"]["tier"] == Tier.SURROGATE:
            if _comparable(again) != _comparable(submitted):
                result.disagreements.append(
                    f"{rel}: re-run differs (final % mastered {again['final_mastered']} here, "
                    f"{submitted['final_mastered']} submitted)"
                )
            continue
        cell = [d["final_mastered"] for d in docs.values()
                if (d["challenge"], d["level"]) == (submitted["challenge"], submitted["level"])
                and d["status"] == Status.OK]  # fmt: skip
        if again["final_mastered"] is None or not drl_agrees(again["final_mastered"], cell):
            result.disagreements.append(
                f"{rel}: re-run scores {again['final_mastered']}, outside the submitted interval"
            )


def _write_verification(bundle: Path, manifest: dict[str, Any], result: Verification) -> None:
    doc = {
        "passed": result.passed,
        "manifest_sha256": sha256_hex(canonical_json(manifest)),
        "seeds": result.seeds,
        "entropy": str(result.entropy),
        "rerun": result.rerun,
        "disagreements": result.disagreements,
        "verified": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    atomic_write(bundle / VERIFICATION, (json.dumps(doc, indent=1) + "\n").encode())


def _passed_bundle(bundle: Path) -> dict[str, str] | None:
    """The manifest's record digests if the bundle's verification passed for that manifest."""
    try:
        manifest = json.loads((bundle / MANIFEST).read_text())
        check = json.loads((bundle / VERIFICATION).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if check.get("passed") is not True:
        return None
    if check.get("manifest_sha256") != sha256_hex(canonical_json(manifest)):
        return None
    return manifest.get("records", {})


def verified(record_file: Path, digest: str, cache: dict[Path, Any] | None = None) -> bool:
    """Whether a record belongs to a bundle that passed verification, unchanged since.

    ``cache`` (one dict per pass over many records) keeps each bundle's files read once.
    """
    cache = {} if cache is None else cache
    path = Path(record_file).resolve()
    for parent in path.parents:
        if parent.name == RECORDS and (parent.parent / MANIFEST).exists():
            if parent not in cache:
                cache[parent] = _passed_bundle(parent.parent)
            listed = cache[parent]
            return listed is not None and listed.get(path.relative_to(parent).as_posix()) == digest
    return False


def add_commands(commands: Any, seeds_type: Any) -> None:
    """Register ``teachbench submit`` and ``teachbench verify`` on the CLI's subparsers."""
    sub = commands.add_parser("submit", help="run a teacher on a suite into a submission bundle")
    sub.add_argument("entry", help="registered teacher name or package.module:Class")
    sub.add_argument("--name", required=True, help="bundle name (a slug)")
    sub.add_argument("--suite", default="teachmyagent")
    sub.add_argument("--tier", default=Tier.SURROGATE, choices=[t.value for t in Tier])
    sub.add_argument("--seeds", type=seeds_type, help="default: the suite's seeds")
    sub.add_argument("--challenge", action="append", help="repeatable; default: all")
    sub.add_argument("--level", action="append", help="repeatable; default: all")
    sub.add_argument("--root", type=Path, default=SUBMISSIONS, help="folder of bundles")
    sub.add_argument("--workers", type=int)
    sub.set_defaults(handler=_cmd_submit)
    check = commands.add_parser("verify", help="re-run seeds of a submission and compare")
    check.add_argument("name", help="bundle name under --root")
    check.add_argument("--rerun", type=int, default=2, help="seeds to re-run (chosen here)")
    check.add_argument("--root", type=Path, default=SUBMISSIONS, help="folder of bundles")
    check.add_argument("--entropy", type=int, help="replay a verifier's choice of seeds")
    check.add_argument("--workers", type=int)
    check.set_defaults(handler=_cmd_verify)


def _cmd_submit(args: Any) -> int:
    bundle = submit(args.entry, args.name, args.suite, args.tier, args.seeds, args.challenge,
                    args.level, args.workers, args.root)  # fmt: skip
    print(f"wrote submission {bundle}: `teachbench verify {args.name}` checks it")
    return 0


def _cmd_verify(args: Any) -> int:
    result = verify(args.name, args.rerun, args.root, args.entropy, args.workers)
    print(f"re-ran seeds {result.seeds} ({len(result.rerun)} runs; entropy {result.entropy})")
    for line in result.disagreements:
        print(f"DISAGREES {line}")
    print(f"{result.bundle}: {'verified' if result.passed else 'NOT verified'}")
    return 0 if result.passed else 1
