"""``sigconv match TEMPLATE SIGNAL.wav --stream``: the shipped speech written as a WAV file,
matched block by block; the matches printed equal locate's on the whole recording."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
from scipy.io import wavfile

import sigconv.match
from sigconv.cli import main
from sigconv.datasets import load_speech
from sigconv.stream._cli import blocks, open_wav


@pytest.fixture
def wavs(tmp_path):
    speech, rate = load_speech()
    pcm = (speech * 32767).astype(np.int16)
    word = pcm[8400:11600]
    wavfile.write(tmp_path / "speech.wav", rate, pcm)
    wavfile.write(tmp_path / "stereo.wav", rate, np.stack([pcm, pcm], axis=1))
    wavfile.write(tmp_path / "word.wav", rate, word)
    return tmp_path, pcm.astype(np.float64), word.astype(np.float64), rate


def _found(out: str) -> list[int]:
    return [int(line.split("(sample ")[1].split(")")[0]) for line in out.splitlines() if "(sample " in line]


@pytest.mark.parametrize("chunk_ms", ["10", "3.5", "250"])
def test_stream_prints_locates_matches(wavs, capsys, monkeypatch, chunk_ms):
    folder, pcm, word, rate = wavs
    loaded = []
    real = sigconv.match.load_signal
    monkeypatch.setattr(sigconv.match, "load_signal", lambda p: loaded.append(str(p)) or real(p))
    code = main(["match", str(folder / "word.wav"), str(folder / "speech.wav"), "--stream", "--threshold", "0.3",
                 "--chunk-ms", chunk_ms])
    out = capsys.readouterr().out
    assert code == 0
    assert loaded == [str(folder / "word.wav")]            # the recording is never loaded whole
    want = sigconv.locate(pcm, word, threshold=0.3)
    assert sorted(_found(out)) == sorted(int(p) for p in want.positions[:, 0]) and len(want) >= 2
    assert f"{8400 / rate:.3f} s (sample 8400)" in out
    assert "processing per chunk" in out and "found at" in out
    chunk = int(round(rate * float(chunk_ms) / 1000))
    assert f"in {-(-pcm.size // chunk)} chunks" in out


def test_stream_stereo_is_averaged_like_load_signal(wavs, capsys):
    folder, pcm, word, rate = wavs
    assert main(["match", str(folder / "word.wav"), str(folder / "stereo.wav"), "--stream", "--threshold", "0.9"]) == 0
    assert _found(capsys.readouterr().out) == [8400]


def test_blocks_read_the_map_chunk_by_chunk(wavs):
    folder, pcm, _, rate = wavs
    r, frames = open_wav(str(folder / "speech.wav"))
    assert r == rate and isinstance(frames, np.memmap)
    parts = list(blocks(frames, 80))
    assert all(p.size == 80 for p in parts[:-1]) and parts[0].dtype == np.float64
    np.testing.assert_array_equal(np.concatenate(parts), pcm)


@pytest.mark.parametrize("extra, flag", [(["--max-matches", "2"], "--max-matches"),
                                         (["--chunk-ms", "0"], "--chunk-ms"), (["--chunk-ms", "soon"], "--chunk-ms"),
                                         (["--threshold", "nan"], "--threshold")])
def test_stream_bad_flags(wavs, capsys, extra, flag):
    folder = wavs[0]
    with pytest.raises(SystemExit) if extra[1] == "soon" else contextlib.nullcontext():
        code = main(["match", str(folder / "word.wav"), str(folder / "speech.wav"), "--stream", *extra])
        assert code == 2
    assert flag in capsys.readouterr().err


def test_stream_needs_a_wav(wavs, tmp_path, capsys):
    folder, pcm, word, _ = wavs
    np.save(tmp_path / "s.npy", pcm)
    assert main(["match", str(folder / "word.wav"), str(tmp_path / "s.npy"), "--stream"]) == 2
    assert "`SIGNAL`" in capsys.readouterr().err


def test_demo_section(tmp_path):
    from sigconv.demo import SECTIONS, stream_section

    lines, plots = stream_section(tmp_path)
    assert "equals locate: yes" in lines[0] and "1.050 s (reported at 1.850 s)" in lines[0]
    assert (tmp_path / plots[0]).stat().st_size > 10_000
    assert stream_section in dict((f, t) for t, f in SECTIONS)
