"""``sigconv match --mask MASK --subpixel`` (API.md §3b through the command line)."""

from __future__ import annotations

import numpy as np
import pytest

from sigconv.cli import main
from sigconv.match import load_signal

Image = pytest.importorskip("PIL.Image")


def _photo() -> np.ndarray:
    cbook = pytest.importorskip("matplotlib.cbook")
    return load_signal(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))[0].astype(np.uint8)


def _disc(n: int) -> np.ndarray:
    yy, xx = np.mgrid[:n, :n]
    return (yy - (n - 1) / 2) ** 2 + (xx - (n - 1) / 2) ** 2 <= (n / 2) ** 2


@pytest.fixture
def files(tmp_path):
    scene = _photo()[150:400, 120:380].copy()
    template = scene[70:111, 60:101].copy()
    template[~_disc(41)] = 0                          # black corners outside the disc: masked out
    Image.fromarray(scene).save(tmp_path / "scene.png")
    Image.fromarray(template).save(tmp_path / "face.png")
    Image.fromarray((_disc(41) * 255).astype(np.uint8)).save(tmp_path / "disc.png")
    return tmp_path


def test_mask_and_subpixel_find_the_target(files, capsys):
    args = ["match", str(files / "face.png"), str(files / "scene.png"), "--mask", str(files / "disc.png"),
            "--subpixel", "--threshold", "0.9", "--max-matches", "1"]
    assert main(args) == 0
    line = [s for s in capsys.readouterr().out.splitlines() if "score" in s and "row" in s][0]
    row = float(line.split("row ")[1].split(",")[0])
    col = float(line.split("column ")[1].split()[0])
    assert "." in line.split("row ")[1].split(",")[0]          # printed as a sub-pixel position
    assert abs(row - 70) <= 0.5 and abs(col - 60) <= 0.5
    assert main(args[:3] + args[5:]) == 0                        # without the mask: the corners spoil it
    assert "0 match(es)" in capsys.readouterr().out


def test_subpixel_on_a_1d_signal_prints_float_samples(tmp_path, capsys, rng):
    x = rng.standard_normal(3000)
    np.save(tmp_path / "s.npy", x)
    np.save(tmp_path / "t.npy", x[1200:1300])
    np.save(tmp_path / "m.npy", np.r_[np.ones(60), np.zeros(40)])
    assert main(["match", str(tmp_path / "t.npy"), str(tmp_path / "s.npy"), "--subpixel",
                 "--mask", str(tmp_path / "m.npy"), "--max-matches", "1"]) == 0
    assert "sample 1200.00" in capsys.readouterr().out


@pytest.mark.parametrize("make, fragment", [
    (lambda p: Image.fromarray(np.full((10, 10), 255, np.uint8)).save(p / "m.png"), "shape"),
    (lambda p: Image.fromarray(np.zeros((41, 41), np.uint8)).save(p / "m.png"), "all False"),
    (lambda p: None, "does not exist"),
])
def test_bad_mask_files_give_clear_errors(files, make, fragment, capsys):
    make(files)
    code = main(["match", str(files / "face.png"), str(files / "scene.png"), "--mask", str(files / "m.png")])
    err = capsys.readouterr().err
    assert code == 2
    assert "`--mask`" in err and fragment in err


def test_mask_with_stream_is_refused(files, capsys):
    code = main(["match", str(files / "face.png"), str(files / "scene.png"), "--stream", "--subpixel"])
    assert code == 2
    assert "`--subpixel`" in capsys.readouterr().err
