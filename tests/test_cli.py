"""The ``sigconv`` command line: match, demo and bench."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.io import wavfile

from sigconv.cli import main
from sigconv.datasets import load_speech


@pytest.fixture
def planted(rng):
    """A 1D signal with a template planted at known samples."""
    template = rng.standard_normal(200)
    signal = 0.3 * rng.standard_normal(5000)
    starts = [700, 2500, 4100]
    for s in starts:
        signal[s: s + 200] += template
    return template, signal, starts


def _positions(output: str) -> list[int]:
    return [int(line.split("sample ")[1].split(")")[0].split()[0]) for line in output.splitlines()
            if "score" in line and "sample" in line]


def test_match_npy(planted, tmp_path, capsys):
    template, signal, starts = planted
    np.save(tmp_path / "t.npy", template)
    np.save(tmp_path / "s.npy", signal)
    assert main(["match", str(tmp_path / "t.npy"), str(tmp_path / "s.npy"), "--threshold", "0.5"]) == 0
    assert sorted(_positions(capsys.readouterr().out)) == starts


def test_match_csv(planted, tmp_path, capsys):
    template, signal, starts = planted
    np.savetxt(tmp_path / "t.csv", template, delimiter=",")
    np.savetxt(tmp_path / "s.csv", signal, delimiter=",")
    assert main(["match", str(tmp_path / "t.csv"), str(tmp_path / "s.csv"), "--threshold", "0.5"]) == 0
    assert sorted(_positions(capsys.readouterr().out)) == starts


def test_match_wav_prints_seconds(tmp_path, capsys):
    speech, rate = load_speech()
    word = speech[20_000:23_200]
    wavfile.write(tmp_path / "word.wav", rate, (word * 32767).astype(np.int16))
    wavfile.write(tmp_path / "speech.wav", rate, (speech * 32767).astype(np.int16))
    assert main(["match", str(tmp_path / "word.wav"), str(tmp_path / "speech.wav"), "--threshold", "0.95"]) == 0
    out = capsys.readouterr().out
    assert f"{20_000 / rate:.3f} s (sample 20000)" in out


def test_match_png(tmp_path, capsys, rng):
    from PIL import Image

    image = (rng.random((80, 90)) * 255).astype(np.uint8)
    Image.fromarray(image).save(tmp_path / "scene.png")
    Image.fromarray(image[30:50, 40:65]).save(tmp_path / "crop.png")
    assert main(["match", str(tmp_path / "crop.png"), str(tmp_path / "scene.png"), "--max-matches", "1"]) == 0
    assert "row 30, column 40" in capsys.readouterr().out


@pytest.mark.parametrize("make, fragment", [
    (lambda p: None, "t.npy"),                                             # missing file
    (lambda p: (p / "t.npy").write_bytes(b"not numpy"), "t.npy"),           # unreadable
    (lambda p: np.save(p / "t.npy", np.ones((3, 3))), "1D"),                 # 2D template, 1D signal
])
def test_match_bad_files_give_clear_errors(make, fragment, tmp_path, capsys):
    np.save(tmp_path / "s.npy", np.arange(100.0))
    make(tmp_path)
    assert main(["match", str(tmp_path / "t.npy"), str(tmp_path / "s.npy")]) == 2
    assert fragment in capsys.readouterr().err


def test_unknown_command_exits():
    with pytest.raises(SystemExit):
        main(["frobnicate"])


@pytest.mark.slow
def test_demo_writes_plots_and_report(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MISMATCH" not in out and out.count("exact") == 2
    report = (tmp_path / "report.md").read_text()
    for png in ("filters_sunspots.png", "match_speech.png", "match_image.png", "cnn_gunpoint.png",
                "minirocket_gunpoint.png"):
        assert (tmp_path / png).stat().st_size > 10_000
        assert png in report


@pytest.mark.slow
def test_bench_quick_prints_ratio_table(capsys):
    assert main(["bench", "--quick", "--only", "bench_filters"]) == 0
    table = capsys.readouterr().out
    assert "| capability |" in table and "×" in table
