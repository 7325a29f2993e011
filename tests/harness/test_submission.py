"""submit -> verify -> leaderboard for an outside package, and a tampered bundle caught."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from teachbench.harness.cli import main
from teachbench.harness.records import mastered_curve
from teachbench.harness.submission import MANIFEST, VERIFICATION, drl_agrees, verify
from teachbench_forgery import forged_bytes

PACKAGE = "teachbench_submitted_teacher"
SOURCE = '''
"""A submission: the lower-left corner of the task space first, then anywhere."""
from teachbench import Outcome, Teacher


class CornerFirst(Teacher):
    def __init__(self, space, knowledge, rng, warmup=3000):
        super().__init__(space, knowledge, rng)
        self.warmup, self.seen = warmup, 0

    def sample_task(self):
        if self.seen < self.warmup:
            return self.space.low + self.rng.random(self.space.dim) * self.space.width / 3
        return self.space.sample(self.rng)

    def update(self, task, outcome: Outcome):
        self.seen += 1

    def state_dict(self):
        return {"seen": self.seen}

    def load_state_dict(self, state):
        self.seen = int(state["seen"])
'''
RUN = "teachmyagent/surrogate/upper-baseline/none/corner-first/seed-{}.json"


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "--quiet", *args], check=True, timeout=300)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """An outside package, pip-installed, submitted on one challenge and level, seeds 0-1."""
    root = tmp_path_factory.mktemp("submission")
    source = root / "source"
    (source / PACKAGE).mkdir(parents=True)
    (source / PACKAGE / "__init__.py").write_text(textwrap.dedent(SOURCE))
    (source / "pyproject.toml").write_text(
        textwrap.dedent(f"""
        [build-system]
        requires = ["setuptools"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "{PACKAGE}"
        version = "1.2.3"
        [project.entry-points."teachbench.teachers"]
        corner-first = "{PACKAGE}:CornerFirst"
        """)
    )
    _pip("install", "--no-deps", "--no-build-isolation", "--no-index", str(source))
    assert main(["submit", "corner-first", "--name", "corner", "--challenge", "upper-baseline",
                 "--level", "none", "--seeds", "0-1", "--root", str(root / "bundles"),
                 "--workers", "2"]) == 0  # fmt: skip
    yield root / "bundles" / "corner"
    _pip("uninstall", "--yes", PACKAGE)


def test_the_manifest_says_what_ran(bundle):
    manifest = json.loads((bundle / MANIFEST).read_text())
    assert manifest["entry_point"] == f"{PACKAGE}:CornerFirst"
    assert (manifest["package"], manifest["package_version"]) == (PACKAGE, "1.2.3")
    assert len(manifest["code_sha256"]) == 64 and manifest["machine"]["python"]
    assert set(manifest["records"]) == {RUN.format(0), RUN.format(1)}
    assert list(manifest["protocol_hashes"]) == ["upper-baseline"]


def test_honest_bundle_verifies_and_is_flagged_verified(bundle, tmp_path, capsys):
    assert main(["verify", "corner", "--rerun", "2", "--root", str(bundle.parent)]) == 0
    out = capsys.readouterr().out
    assert "re-ran seeds [0, 1] (2 runs" in out and "verified" in out
    assert json.loads((bundle / VERIFICATION).read_text())["passed"] is True
    assert PACKAGE not in sys.modules, "submit and verify must not import the submitted code"
    assert main(["leaderboard", "--results", str(bundle / "records"), "--out", str(tmp_path),
                 "--reps", "50", "--format", "html"]) == 0  # fmt: skip
    page = (tmp_path / "index.html").read_text()
    assert 'class="badge verified"' in page and 'class="badge unverified"' not in page


def test_tampered_record_fails_verification_naming_the_run(bundle, tmp_path, capsys):
    path = bundle / "records" / RUN.format(1)
    original = path.read_text()
    doc = json.loads(original)
    doc["evaluations"][-1]["returns"] = [300.0] * len(doc["evaluations"][-1]["returns"])
    curve = mastered_curve(doc)
    doc["final_mastered"], doc["auc"] = curve[-1], sum(curve) / len(curve)
    path.write_bytes(forged_bytes(doc))
    try:
        result = verify("corner", rerun=2, root=bundle.parent, entropy=7)
        assert not result.passed
        named = [d for d in result.disagreements if d.startswith(RUN.format(1))]
        assert any("manifest" in d for d in named), result.disagreements
        assert any("re-run differs" in d and "100.0 submitted" in d for d in named)
        assert not any(d.startswith(RUN.format(0)) for d in result.disagreements)
        assert main(["leaderboard", "--results", str(bundle / "records"), "--out",
                     str(tmp_path), "--reps", "50", "--format", "html"]) == 0  # fmt: skip
        assert 'class="badge verified"' not in (tmp_path / "index.html").read_text()
    finally:
        path.write_text(original)


def test_drl_tiers_compare_within_the_submitted_interval():
    submitted = [10.0, 12.0, 14.0, 16.0, 18.0, 20.0, 22.0, 24.0]
    assert drl_agrees(17.0, submitted)
    assert not drl_agrees(40.0, submitted) and not drl_agrees(2.0, submitted)
