"""Tests of sigconv.stream.Matcher (API.md §8): scores per completed window equal
match_template(mode="valid") (and the naive oracle), matches equal locate's set for any split,
each reported once and as soon as it is final; on the shipped speech in 10 ms chunks."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import stream
from sigconv.datasets import load_speech
from sigconv.match import locate, match_template
from tests import reference as ref
from tests.conftest import assert_close


def planted(rng, n, m, dtype, copies=3, offset=0.0, exact=False):
    """A noisy signal with ``copies`` scaled (``exact``: unscaled) copies of a random template
    (returned too)."""
    t = rng.standard_normal(m)
    x = rng.standard_normal(n) * 0.6
    if n > m:
        for start in rng.choice(n - m, size=min(copies, n - m), replace=False):
            x[start:start + m] += (1.0 if exact else 1 + rng.random()) * t
    return (x + offset).astype(dtype), t.astype(dtype)


def stream_all(matcher, x, cuts):
    parts = np.split(x, cuts)
    scores = np.concatenate([matcher.push(p) for p in parts])
    assert matcher.flush().shape == (0,)
    return scores


def positions(peaks):
    return sorted(int(p) for p in peaks.positions[:, 0])


@st.composite
def cases(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    m = draw(st.integers(4, 12))   # (two-sample windows all score ±1: peaks become rounding ties)
    n = draw(st.integers(1, 150))
    x, t = planted(rng, n, m, dtype, offset=draw(st.sampled_from([0.0, 100.0])))
    for v in draw(st.lists(st.sampled_from([np.nan, np.inf]), max_size=2)):
        x[rng.integers(n)] = v
    kind = draw(st.sampled_from(["single", "random", "one"]))
    cuts = list(range(1, n)) if kind == "single" else [] if kind == "one" else \
        sorted(draw(st.lists(st.integers(0, n), max_size=10)))
    return x, t, cuts


@settings(max_examples=60, deadline=None)
@given(case=cases(), score=st.sampled_from(["zncc", "ncc", "sqdiff", "zdist", "ccorr"]),
       threshold=st.sampled_from([None, 0.3, 0.7, 5.0]), min_distance=st.sampled_from([None, 1, 3, 20]))
def test_any_split_equals_match_template_and_locate(case, score, threshold, min_distance):
    x, t, cuts = case
    if threshold is not None and score in ("zncc", "ncc") and threshold > 1:
        threshold = 0.9
    m = stream.Matcher(t, score=score, threshold=threshold, min_distance=min_distance)
    got = stream_all(m, x, cuts)
    if x.size < t.size:
        assert got.shape == (0,)
        return
    want = match_template(x, t, score=score)
    assert got.dtype == x.dtype and got.shape == want.shape
    finite = np.isfinite(want)
    np.testing.assert_array_equal(np.isfinite(got), finite)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    # the batch's own precision (API.md §3: float32 zncc within 1e-3 of exact), relative to
    # the scores' magnitude for the unnormalised scores
    scale = 1.0 if score in ("zncc", "ncc") else np.abs(want[finite]).max(initial=1.0)
    tol = {np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-9}[x.dtype] * scale
    np.testing.assert_allclose(got[finite], want[finite], atol=tol, rtol=0)
    if threshold is None:
        assert len(m.matches) == 0
        return
    ref_peaks = locate(x, t, threshold=threshold, min_distance=min_distance, score=score)
    assert positions(m.matches) == positions(ref_peaks)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("score", ["zncc", "zdist", "sqdiff"])
def test_scores_and_peaks_against_naive(dtype, score, rng):
    x, t = planted(rng, 300, 16, dtype, offset=0.0 if score == "sqdiff" else 1e3, exact=score == "sqdiff")
    thr = {"zncc": 0.6, "zdist": 2.5, "sqdiff": 12.0}[score]
    m = stream.Matcher(t, score=score, threshold=thr, min_distance=10)
    got = stream_all(m, x, list(range(7, 300, 13)))
    naive = ref.match_template_naive(x.astype(np.float64), t.astype(np.float64), score=score)
    tol = {np.float32: 1e-3, np.float64: 1e-9}[dtype] * (1 if score == "zncc" else np.abs(naive).max())
    np.testing.assert_allclose(got, naive, atol=tol)
    sign = -1 if score in ("zdist", "sqdiff") else 1
    want = ref.find_peaks_naive(sign * naive, sign * thr, 10)
    assert set(positions(m.matches)) == {p[0] for p in want}
    assert len(want) >= 1


def test_matches_reported_once_as_soon_as_final(rng):
    x, t = planted(rng, 2000, 25, np.float64, copies=8)
    d = 30
    m = stream.Matcher(t, threshold=0.5, min_distance=d)
    seen = []
    for s in range(0, 2000, 17):
        m.push(x[s:s + 17])
        new = positions(m.new_matches)
        for p in new:
            assert m.windows - 1 >= p + d               # final: d more windows were scored
            assert m.windows - 17 - 1 < p + d            # and not later than the push that made it so
        seen += new
    m.flush()
    seen += positions(m.new_matches)
    assert sorted(seen) == positions(m.matches) == positions(locate(x, t, threshold=0.5, min_distance=d))
    assert len(seen) == len(set(seen)) >= 5
    assert len(m.matches) == len(seen)
    # the matches stay after the flush until a new signal starts
    m.push(x[:100])
    assert len(m.matches) == 0 or max(positions(m.matches)) < 100


def test_speech_in_10ms_chunks_equals_locate():
    x, rate = load_speech()
    word = x[int(1.05 * rate):int(1.45 * rate)]           # 0.4 s of the recording
    noisy = x + 0.01 * np.random.default_rng(3).standard_normal(x.size)
    chunk = rate // 100
    for threshold in (0.3, 0.6):
        m = stream.Matcher(word, threshold=threshold)
        scores = stream_all(m, noisy, list(range(chunk, noisy.size, chunk)))
        assert_close(scores, match_template(noisy, word), scale=1.0, n_terms=word.size, k=64.0)
        want = locate(noisy, word, threshold=threshold)
        assert positions(m.matches) == positions(want) and len(want) >= 1
        np.testing.assert_allclose(np.sort(m.matches.scores), np.sort(want.scores), atol=1e-9)


def test_16khz_batch_of_channels_scores(rng):
    x, _ = load_speech()
    x16 = scipy.signal.resample_poly(x[:16000], 2, 1)
    both = np.stack([x16, -x16 + 0.5])
    word = x16[8000:9600]
    m = stream.Matcher(word)
    got = np.concatenate([m.push(both[:, s:s + 160]) for s in range(0, both.shape[1], 160)], axis=1)
    assert_close(got, match_template(both, word), scale=1.0, n_terms=word.size, k=64.0)
    with pytest.raises(ValueError, match="`chunk`"):
        stream.Matcher(word, threshold=0.5).push(both[:, :10])


def test_constant_scores_have_no_peak():
    # find_peaks' rule: a map that is everywhere its own local maximum has no peak
    m = stream.Matcher([1.0, 2.0, 3.0], score="ccorr", threshold=-1.0, min_distance=2)
    for _ in range(5):
        m.push(np.zeros(4))
    m.flush()
    assert len(m.matches) == 0 == len(locate(np.zeros(20), [1.0, 2.0, 3.0], score="ccorr", threshold=-1.0,
                                            min_distance=2))


@pytest.mark.parametrize("few", [0, 10**9])
def test_both_candidate_paths(few, rng, monkeypatch):
    # above _FEW candidates the window maxima come from one sliding-maximum pass, below it
    # each candidate's window is read on its own: both give locate's set
    import sigconv.stream.matcher as sm

    monkeypatch.setattr(sm, "_FEW", few)
    x, t = planted(rng, 3000, 30, np.float64, copies=10)
    for threshold, d in ((0.2, 5), (-0.5, 30), (0.6, 100)):
        m = stream.Matcher(t, threshold=threshold, min_distance=d)
        stream_all(m, x, list(range(37, 3000, 37)))
        assert positions(m.matches) == positions(locate(x, t, threshold=threshold, min_distance=d))
