"""`teachbench compare` against TeachMyAgent's Parkour table, on synthetic records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from teachbench.leaderboard.figures import save_figure
from teachbench.leaderboard.published import (
    CONSISTENT,
    DIFFERS,
    TOO_FEW,
    compare_published,
    comparison_figure,
    comparison_markdown,
    load_published,
)

NAME = "teachmyagent-parkour"


def _runs(published: pd.DataFrame, challenges: dict[str, str], shift_std: float, n: int = 16):
    """Per teacher and body, ``n`` scores with exactly the published mean (+ shift) and std."""
    by_body = {b: c for c, b in challenges.items()}
    rng = np.random.default_rng(0)
    rows = []
    for r in published[published["body"] != "overall"].itertuples(index=False):
        z = rng.standard_normal(n)
        z = (z - z.mean()) / z.std(ddof=1) if n > 1 else np.zeros(n)
        scores = r.mean + shift_std * r.std + r.std * z
        rows += [{"teacher": r.teacher.lower(), "challenge": by_body[r.body], "level": "low",
                  "status": "ok", "final_mastered": float(s), "seed": i}
                 for i, s in enumerate(scores)]  # fmt: skip
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def parkour():
    return load_published(NAME)


def test_the_shipped_table_is_the_reference_copy(parkour):
    published, challenges = parkour
    assert len(published) == 32 and set(published["body"]) == {
        "walker",
        "fish",
        "climber",
        "overall",
    }
    assert published.set_index(["teacher", "body"]).loc[("ALP-GMM", "walker"), "mean"] == 42.7
    assert sorted(challenges.values()) == ["climber", "fish", "walker"]


def test_records_drawn_from_the_published_numbers_are_consistent(parkour):
    published, challenges = parkour
    table = compare_published(_runs(published, challenges, 0.0), published, challenges)
    cells = table[table["body"] != "overall"]
    assert (cells["verdict"] == CONSISTENT).all()
    np.testing.assert_allclose(cells["mean"], cells["published_mean"], atol=1e-9)


def test_records_shifted_by_three_std_differ(parkour, tmp_path):
    published, challenges = parkour
    table = compare_published(_runs(published, challenges, 3.0), published, challenges)
    cells = table[table["body"] != "overall"]
    assert (cells.loc[cells["published_std"] > 0, "verdict"] == DIFFERS).all()
    assert (cells.loc[cells["published_std"] == 0, "verdict"] == CONSISTENT).all()
    text = comparison_markdown(table, NAME)
    assert "| ALP-GMM | walker | 76.3 +- 11.2 (n=16) | 42.7 +- 11.2 (n=16) |" in text
    png, pdf = save_figure(comparison_figure(table), tmp_path / "compare")
    assert png.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")


def test_one_seed_is_not_enough(parkour):
    published, challenges = parkour
    runs = _runs(published, challenges, 0.0, n=1)
    table = compare_published(runs, published, challenges)
    assert (table["verdict"] == TOO_FEW).sum() == 24  # every teacher x body; overall pools 3
    assert "not enough seeds" in comparison_markdown(table, NAME)


def test_unknown_table_names_what_exists():
    with pytest.raises(FileNotFoundError, match="teachmyagent-parkour"):
        load_published("nope")


def test_the_command_writes_table_and_figure(tmp_path, capsys):
    from teachbench.harness.cli import main

    records = Path(__file__).resolve().parents[2] / "results/baselines/teachmyagent/surrogate"
    out = tmp_path / "compare"
    cell = records / "upper-baseline" / "low" / "random"
    assert main(["compare", "--published", NAME, "--results", str(cell), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| Random | walker | -- |" in printed  # surrogate records hold no Parkour run
    assert (out / f"{NAME}.csv").read_text().count(TOO_FEW) == 32
    assert (out / f"{NAME}.png").stat().st_size > 10_000
