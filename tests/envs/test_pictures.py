"""Task pictures are written headless and show the terrain."""

from __future__ import annotations

from PIL import Image
from teachbench.tasks.envs.pictures import save_episode_gif, save_task_png


def test_task_png(tmp_path):
    path = save_task_png("teachbench/StumpTracks-v0", [2.0, 1.0], tmp_path / "stumps.png")
    image = Image.open(path)
    assert image.format == "PNG" and image.width == 1600
    assert len(image.getcolors(maxcolors=100000)) > 4


def test_parkour_png(tmp_path):
    task = [-0.2, 0.8, 0.1, 0.3, 0.25, 2.0, 2.0, 10.0]
    path = save_task_png("teachbench/Parkour-v0", task, tmp_path / "p.png", body="fish")
    assert Image.open(path).height > 64


def test_episode_gif(tmp_path):
    path = tmp_path / "ep.gif"
    ret = save_episode_gif("teachbench/HexagonTracks-v0", [1.0] * 12, path, max_steps=20)
    image = Image.open(path)
    assert image.format == "GIF" and image.n_frames >= 5
    assert isinstance(ret, float)
