"""Tests for sigconv.match: scores against the naive oracle and the peers (skimage, OpenCV,
stumpy), precision under a DC offset, NaN locality, peaks against skimage, real data."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sigconv
from sigconv.match import Matcher, find_peaks, load_signal, locate, match_template
from tests.reference import find_peaks_naive, match_template_naive

SPEECH = pathlib.Path(sigconv.__file__).parent / "data" / "speech.wav"   # the recording that ships
SCORES = ("zncc", "ncc", "ccorr", "sqdiff", "zdist")
DTYPES = (np.float32, np.float64)


def _score_tol(score, dtype, x, t):
    """Absolute tolerance for a score: normalised scores are O(1); ccorr/sqdiff scale with
    the magnitudes summed; zdist with sqrt(m)."""
    eps = float(np.finfo(dtype).eps)
    m = t.size
    if score in ("zncc", "ncc"):
        return 64 * eps * np.sqrt(m)
    if score == "zdist":  # sqrt(2m(1 - r)): an error e in r costs up to sqrt(2 m e) near r = 1
        return 64 * eps * m + np.sqrt(2 * m * 64 * eps * np.sqrt(m))
    mag = (np.abs(x).max() + np.abs(t).max()) ** 2 * m
    return 32 * eps * mag


# ----------------------------------------------------------------------------- oracle


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("mode", ["valid", "same"])
@pytest.mark.parametrize("method", ["auto", "direct", "fft"])
def test_2d_equals_naive(rng, dtype, score, mode, method):
    x = (rng.standard_normal((23, 31)) + 2.0).astype(dtype)
    t = x[4:9, 6:13] + rng.standard_normal((5, 7)).astype(dtype)
    got = match_template(x, t, mode=mode, score=score, method=method)
    ref = match_template_naive(x, t, mode, score)
    assert got.dtype == dtype
    assert got.flags.c_contiguous
    np.testing.assert_allclose(got, ref, rtol=0, atol=_score_tol(score, dtype, x, t))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("mode", ["valid", "same"])
@pytest.mark.parametrize("method", ["direct", "fft", "overlap-add"])
def test_1d_equals_naive(rng, dtype, score, mode, method):
    x = (rng.standard_normal(300) - 1.0).astype(dtype)
    t = x[40:72].copy()
    got = match_template(x, t, mode=mode, score=score, method=method)
    ref = match_template_naive(x, t, mode, score)
    assert got.dtype == dtype
    np.testing.assert_allclose(got, ref, rtol=0, atol=_score_tol(score, dtype, x, t))


@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("mode", ["valid", "same"])
def test_3d_equals_naive(rng, score, mode):
    x = rng.standard_normal((9, 10, 11))
    t = x[2:5, 3:7, 1:6] * 2.0 + 1.0
    got = match_template(x, t, mode=mode, score=score)
    ref = match_template_naive(x, t, mode, score)
    np.testing.assert_allclose(got, ref, rtol=0, atol=_score_tol(score, np.float64, x, t))
    direct = match_template(x, t, mode=mode, score=score, method="direct")
    np.testing.assert_allclose(direct, ref, rtol=0, atol=_score_tol(score, np.float64, x, t))


def test_batch_axes_keep_their_places(rng):
    image = rng.random((30, 26, 3))
    t = image[5:12, 8:14, 1]
    got = match_template(image, t, axes=(0, 1))
    assert got.shape == (24, 21, 3)
    for c in range(3):
        np.testing.assert_allclose(got[..., c], match_template_naive(image[..., c], t), atol=1e-12)
    # leading batch axes of a 1D signal, rows with different offsets (sqdiff shifts per row)
    x = rng.standard_normal((2, 3, 200)) + np.arange(6.0).reshape(2, 3, 1) * 100
    t = x[1, 2, 50:80]
    for score in SCORES:
        got = match_template(x, t, mode="same", score=score)
        assert got.shape == (2, 3, 200)
        for i in range(2):
            for j in range(3):
                ref = match_template_naive(x[i, j], t, "same", score)
                # windows straddling the zero padding of a row offset by ~500 lose a few digits
                # (the one-pass variance); zdist: sqrt(2m(1 - r)) near r = 1 amplifies that
                tol = {"zncc": 1e-10, "ncc": 1e-10, "zdist": 2e-4}.get(score)
                tol = tol or _score_tol(score, np.float64, x, t)
                np.testing.assert_allclose(got[i, j], ref, rtol=0, atol=tol)


def test_matcher_reuses_and_equals_match_template(rng):
    x = rng.standard_normal((64, 70))
    m = Matcher(x)
    for shape in [(5, 5), (9, 4), (5, 5), (16, 20)]:
        t = rng.standard_normal(shape)
        for score in ("zncc", "sqdiff"):
            np.testing.assert_allclose(m.match(t, score=score, method="fft"),
                                       match_template(x, t, score=score, method="direct"), atol=1e-9)
    # one transform of the signal serves every template
    assert len(m._spectra) == 1


# ----------------------------------------------------------------------------- peers


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["valid", "same"])
def test_equals_skimage(rng, dtype, mode):
    skimage_feature = pytest.importorskip("skimage.feature")
    x = rng.random((60, 80)).astype(dtype)
    t = x[20:35, 10:31].copy()
    got = match_template(x, t, mode=mode)
    ref = skimage_feature.match_template(x, t, pad_input=(mode == "same"))
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref, rtol=0, atol=200 * np.finfo(dtype).eps)
    assert np.unravel_index(np.argmax(got), got.shape) == ((20, 10) if mode == "valid" else (27, 20))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score,flag", [("zncc", "TM_CCOEFF_NORMED"), ("ncc", "TM_CCORR_NORMED"),
                                        ("ccorr", "TM_CCORR"), ("sqdiff", "TM_SQDIFF")])
def test_equals_opencv(rng, dtype, score, flag):
    cv2 = pytest.importorskip("cv2")
    x = rng.random((50, 64)).astype(np.float32)
    t = (x[10:22, 30:47] + 0.1 * rng.standard_normal((12, 17))).astype(np.float32)
    ref = cv2.matchTemplate(x, t, getattr(cv2, flag)).astype(np.float64)
    got = match_template(x.astype(dtype), t.astype(dtype), score=score)
    # OpenCV works in float32 whatever we do: compare at float32 precision
    scale = 1.0 if score in ("zncc", "ncc") else np.abs(ref).max()
    np.testing.assert_allclose(got, ref, rtol=0, atol=2e-5 * scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zdist_equals_stumpy_mass(rng, dtype):
    stumpy = pytest.importorskip("stumpy")
    x = rng.standard_normal(2000).astype(dtype)
    x[700:760] = 3.0  # a constant stretch: stumpy scores those windows sqrt(m)
    t = x[100:150].copy()
    got = match_template(x, t, score="zdist")
    ref = stumpy.mass(t.astype(np.float64), x.astype(np.float64))
    tol = 1e-9 if dtype == np.float64 else 2e-3
    # near a perfect match the square root turns a rounding of r (1e-16) into 1e-7: compare
    # the squared distances there, 2m(1 - r), which carry the rounding unamplified
    near = ref < 1e-3
    assert near.sum() == 1
    np.testing.assert_allclose(got[~near], ref[~near], rtol=0, atol=tol)
    np.testing.assert_allclose(got[near] ** 2, ref[near] ** 2, rtol=0, atol=tol)
    assert got[700] == pytest.approx(np.sqrt(50))


# ----------------------------------------------------------------------------- precision and edge values


@pytest.mark.parametrize("offset_sd", [1e3, 1e4])
@pytest.mark.parametrize("mode", ["valid", "same"])
def test_dc_offset_float32_same_mode(rng, offset_sd, mode):
    base = rng.standard_normal(3000)
    t = base[1000:1100].copy()
    x32 = (base + offset_sd).astype(np.float32)
    exact32 = match_template_naive(x32.astype(np.float64), t.astype(np.float32).astype(np.float64), mode)
    for method in ("direct", "fft"):
        got = match_template(x32, t.astype(np.float32), mode=mode, method=method)
        assert np.abs(got).max() <= 1.0
        np.testing.assert_allclose(got, exact32, rtol=0, atol=1e-3)


@pytest.mark.parametrize("offset_sd", [1e3, 1e4])
def test_dc_offset_float32_within_bound(rng, offset_sd):
    base = rng.standard_normal((96, 96))
    t = base[30:46, 50:66].copy()
    exact = match_template_naive(base, t)
    x32 = (base + offset_sd * base.std()).astype(np.float32)
    t32 = t.astype(np.float32)
    # the exact scores of the float32 input itself (float32 rounding changed the samples)
    exact32 = match_template_naive(x32.astype(np.float64), t32.astype(np.float64))
    got = match_template(x32, t32)
    assert got.dtype == np.float32
    assert np.abs(got).max() <= 1.0
    np.testing.assert_allclose(got, exact32, rtol=0, atol=1e-3)
    assert np.unravel_index(np.argmax(got), got.shape) == (30, 50)
    if offset_sd == 1e3:  # rounding to float32 at this offset keeps the match obvious
        assert got[30, 50] > 0.99 and np.abs(exact - exact32).max() < 0.1
    skimage_feature = pytest.importorskip("skimage.feature")
    sk = skimage_feature.match_template(x32, t32)
    assert np.abs(sk - exact32).max() > 1e-3  # the peer fails the bound we meet


def test_zero_variance_windows_score_zero_not_nan(rng):
    x = rng.standard_normal((40, 40))
    x[10:30, 5:25] = 7.5
    t = rng.standard_normal((6, 6))
    got = match_template(x, t)
    assert np.isfinite(got).all()
    assert np.all(got[10:25, 5:20] == 0)
    zeros = np.zeros((20, 20))
    zeros[0, 0] = 1.0
    ncc = match_template(zeros, t, score="ncc")
    assert np.isfinite(ncc).all() and np.all(ncc[5:, 5:] == 0)
    big = np.full(300, 1e6, dtype=np.float32)
    assert np.all(match_template(big, np.arange(8.0, dtype=np.float32)) == 0)


@pytest.mark.parametrize("score", SCORES)
def test_nan_and_inf_only_affect_covering_windows(rng, score):
    x = rng.standard_normal((30, 30))
    x[12, 14] = np.nan
    x[3, 25] = np.inf
    t = rng.standard_normal((4, 5))
    got = match_template(x, t, score=score, method="fft")
    ref = match_template_naive(x, t, "valid", score)
    bad = np.zeros(got.shape, bool)
    bad[9:13, 10:15] = True
    bad[0:4, 21:26] = True
    fill = np.inf if score == "zdist" else np.nan
    assert np.array_equal(np.isnan(got) if fill != np.inf else np.isinf(got), bad)
    tol = _score_tol(score, np.float64, np.nan_to_num(x, posinf=0), t)
    np.testing.assert_allclose(got[~bad], ref[~bad], atol=tol)


@pytest.mark.parametrize("score", ["zncc", "zdist"])
def test_constant_template_raises(score):
    with pytest.raises(ValueError, match="`template`"):
        match_template(np.arange(20.0), np.ones(5), score=score)
    # the scores that do not normalise by the template's variance accept it
    assert match_template(np.arange(20.0), np.ones(5), score="sqdiff").shape == (16,)


def test_int_and_bool_inputs_compute_in_float64():
    x = np.arange(40) % 7
    got = match_template(x, x[3:9])
    assert got.dtype == np.float64
    assert match_template(x.astype(np.float32), x[3:9]).dtype == np.float64
    assert match_template(x.astype(np.float32), x[3:9].astype(np.float32)).dtype == np.float32


def test_inputs_not_modified(rng):
    x = rng.standard_normal((20, 20))
    x[3, 3] = np.nan
    t = rng.standard_normal((4, 4))
    xc, tc = x.copy(), t.copy()
    x.flags.writeable = False
    t.flags.writeable = False
    for score in SCORES:
        match_template(x, t, score=score, mode="same")
    locate(x, t, threshold=0.1)
    s = rng.random((10, 10))
    s.flags.writeable = False
    find_peaks(s)
    np.testing.assert_array_equal(x, xc)
    np.testing.assert_array_equal(t, tc)


def test_workers_do_not_change_results(rng):
    x = rng.standard_normal((70, 90))
    t = x[10:30, 20:35]
    np.testing.assert_allclose(match_template(x, t, workers=1), match_template(x, t, workers=2), atol=1e-12)


BAD_INPUTS = [
    (dict(x=np.ones(10), template=np.ones((2, 2))), ValueError, "`template`"),
    (dict(x=np.ones(10), template=np.arange(12.0)), ValueError, "`template`"),
    (dict(x=np.ones((4, 4, 4, 4)), template=np.ones((2, 2, 2, 2))), ValueError, "`template`"),
    (dict(x=np.ones(0), template=np.arange(2.0)), ValueError, "`x`"),
    (dict(x=np.ones(10), template=np.ones(0)), ValueError, "`template`"),
    (dict(x=np.ones(10) + 1j, template=np.arange(2.0)), TypeError, "`x`"),
    (dict(x=np.ones(10), template=np.array(["a", "b"])), TypeError, "`template`"),
    (dict(x=np.ones(10), template=np.array([1.0, np.nan])), ValueError, "`template`"),
    (dict(x=np.ones(10), template=np.arange(3.0), score="nope"), ValueError, "`score`"),
    (dict(x=np.ones(10), template=np.arange(3.0), mode="full"), ValueError, "`mode`"),
    (dict(x=np.ones(10), template=np.arange(3.0), method="magic"), ValueError, "`method`"),
    (dict(x=np.ones(10), template=np.arange(3.0), score=3), TypeError, "`score`"),
    (dict(x=np.ones((5, 6)), template=np.ones((2, 2)) + np.eye(2), axes=(0, 0)), ValueError, "`axes`"),
    (dict(x=np.ones((5, 6)), template=np.ones((2, 2)) + np.eye(2), axes=(0, 5)), ValueError, "`axes`"),
    (dict(x=np.ones(10), template=np.arange(3.0), workers=0), ValueError, "`workers`"),
    (dict(x=np.ones(10), template=np.arange(3.0), workers=1.5), TypeError, "`workers`"),
    (dict(x=None, template=np.arange(3.0)), TypeError, "`x`"),
]


@pytest.mark.parametrize("kwargs,exc,name", BAD_INPUTS)
def test_bad_inputs(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        match_template(**kwargs)


BAD_PEAKS = [
    (dict(scores=np.ones((2, 2, 2, 2))), ValueError, "`scores`"),
    (dict(scores=np.ones(5), min_distance=0), ValueError, "`min_distance`"),
    (dict(scores=np.ones(5), min_distance=1.5), TypeError, "`min_distance`"),
    (dict(scores=np.ones(5), threshold="high"), TypeError, "`threshold`"),
    (dict(scores=np.ones(5), threshold=np.nan), ValueError, "`threshold`"),
    (dict(scores=np.ones(5), max_peaks=0), ValueError, "`max_peaks`"),
    (dict(scores=np.ones(5), exclude_border=-1), ValueError, "`exclude_border`"),
    (dict(scores=np.ones(5) * 1j), TypeError, "`scores`"),
]


@pytest.mark.parametrize("kwargs,exc,name", BAD_PEAKS)
def test_find_peaks_bad_inputs(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        find_peaks(**kwargs)


def test_locate_bad_inputs():
    with pytest.raises(ValueError, match="`template`"):
        locate(np.ones((5, 5)), np.arange(3.0))
    with pytest.raises(ValueError, match="`max_matches`"):
        locate(np.arange(20.0), np.arange(3.0), max_matches=0)
    with pytest.raises(TypeError, match="`threshold`"):
        locate(np.arange(20.0), np.arange(3.0), threshold=[0.5])


# ----------------------------------------------------------------------------- peaks


@pytest.mark.parametrize("min_distance", [1, 2, 5])
@pytest.mark.parametrize("threshold", [0.3, 0.7])
def test_find_peaks_equals_skimage(rng, min_distance, threshold):
    skimage_feature = pytest.importorskip("skimage.feature")
    x = rng.random((70, 60))
    scores = match_template(x, x[10:17, 20:26], mode="same")
    ref = skimage_feature.peak_local_max(scores, min_distance=min_distance, threshold_abs=threshold,
                                         exclude_border=False)
    got = find_peaks(scores, threshold=threshold, min_distance=min_distance)
    assert set(map(tuple, got.positions.tolist())) == set(map(tuple, ref.tolist()))
    assert len(got) > 0
    assert np.all(np.diff(got.scores) <= 0)


@pytest.mark.parametrize("ndim", [1, 2])
def test_find_peaks_equals_naive_with_ties_and_nan(rng, ndim):
    shape = (200,) if ndim == 1 else (25, 30)
    s = np.round(rng.random(shape) * 8) / 8  # many ties
    s.flat[rng.choice(s.size, 10, replace=False)] = np.nan
    for d in (1, 3):
        got = find_peaks(s, threshold=0.2, min_distance=d)
        assert set(map(tuple, got.positions.tolist())) == find_peaks_naive(s, 0.2, d)
        assert not np.isnan(got.scores).any()
        again = find_peaks(s.copy(), threshold=0.2, min_distance=d)
        np.testing.assert_array_equal(got.positions, again.positions)  # deterministic


def test_find_peaks_details():
    s = np.array([0.1, 0.9, 0.2, 0.9, 0.1, 0.5, np.nan, 0.95])
    p = find_peaks(s)
    assert p.positions.shape == (4, 1) and p.positions.dtype == np.int64
    assert p.positions.ravel().tolist() == [7, 1, 3, 5]
    # 5 is not the maximum within 2 of it; 1 and 3 tie at distance 2, which is allowed
    assert find_peaks(s, min_distance=2).positions.ravel().tolist() == [7, 1, 3]
    assert find_peaks(s, min_distance=3).positions.ravel().tolist() == [7, 1]
    assert find_peaks(s, max_peaks=2).positions.ravel().tolist() == [7, 1]
    assert find_peaks(s, threshold=0.9).positions.ravel().tolist() == [7]  # strictly greater
    assert len(find_peaks(np.full(10, 0.5))) == 0  # constant map: no peak (skimage's rule)
    assert len(find_peaks(np.full(10, np.nan))) == 0
    assert find_peaks(s, exclude_border=True).positions.ravel().tolist() == [1, 3, 5]
    assert "Peaks(" in repr(p) and len(p) == 4
    assert p.scores.dtype == np.float64
    assert find_peaks(s.astype(np.float32)).scores.dtype == np.float32


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(0, 2**31 - 1), st.sampled_from([1, 2]))
def test_find_peaks_property(d, seed, ndim):
    g = np.random.default_rng(seed)
    s = g.integers(0, 5, size=(17,) if ndim == 1 else (7, 9)).astype(float)
    got = find_peaks(s, threshold=1.0, min_distance=d)
    assert set(map(tuple, got.positions.tolist())) == find_peaks_naive(s, 1.0, d)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.integers(1, 12), st.sampled_from(SCORES), st.sampled_from(["valid", "same"]),
       st.integers(0, 2**31 - 1))
def test_match_shapes_and_range_property(n, m, score, mode, seed):
    g = np.random.default_rng(seed)
    # scale anywhere, DC offset up to 1e4 standard deviations (the bound API.md states)
    x = (g.standard_normal(n) + g.uniform(-1e4, 1e4)) * 10 ** g.uniform(-3, 3)
    t = g.standard_normal(m)
    if m > n:   # refused in both modes (as skimage, pad_input or not)
        with pytest.raises(ValueError, match="`template`"):
            match_template(x, t, mode=mode, score=score)
        return
    if score in ("zncc", "zdist") and np.ptp(t) == 0:
        return
    got = match_template(x, t, mode=mode, score=score)
    assert got.shape == ((n - m + 1,) if mode == "valid" else (n,))
    assert np.isfinite(got).all()
    if score == "zncc":
        assert np.abs(got).max() <= 1.0
        ref = match_template_naive(x, t, mode, score)
        np.testing.assert_allclose(got, ref, atol=1e-6)
    if score == "zdist":
        assert got.min() >= 0 and got.max() <= np.sqrt(4 * m) + 1e-9


def test_locate_maxima_and_minima(rng):
    x = rng.standard_normal(3000)
    t = x[500:560].copy()
    x[2000:2060] = 3 * t + 5
    for score in ("zncc", "zdist"):
        thr = 0.9 if score == "zncc" else 1.0
        p = locate(x, t, threshold=thr, score=score)
        assert sorted(p.positions.ravel().tolist()) == [500, 2000]
    p = locate(x, t, threshold=None, score="sqdiff", max_matches=1)
    assert p.positions.ravel().tolist() == [500] and p.scores[0] == pytest.approx(0, abs=1e-9)
    same = locate(x, t, threshold=0.9, mode="same")
    assert sorted(same.positions.ravel().tolist()) == [530, 2030]


# ----------------------------------------------------------------------------- real data


def _plant(word, n, positions, snr_db, g):
    noise_sd = np.sqrt(np.mean(word ** 2) / 10 ** (snr_db / 10))
    x = g.standard_normal(n) * noise_sd
    for p in positions:
        x[p:p + word.size] += word
    return x


@pytest.mark.parametrize("snr_db", [10, 3, 0])
@pytest.mark.parametrize("dtype", DTYPES)
def test_speech_word_found_in_noise(snr_db, dtype):
    speech, rate = load_signal(SPEECH)
    assert rate == 8000.0 and speech.ndim == 1
    word = speech[7200:9600]  # 0.3 s of speech
    positions = [1234, 15000, 31877]
    g = np.random.default_rng(snr_db)
    x = _plant(word, 40000, positions, snr_db, g).astype(dtype)
    x += 2000.0  # a DC offset too
    p = locate(x, word.astype(dtype), threshold=0.4)
    assert sorted(p.positions.ravel().tolist()) == positions
    assert p.scores.min() > 0.5


def test_speech_word_found_among_other_speech():
    speech, _ = load_signal(SPEECH)
    word = speech[7200:9600].copy()
    g = np.random.default_rng(1)
    x = speech + g.standard_normal(speech.size) * word.std()  # 0 dB noise on the whole recording
    p = locate(x, word, threshold=0.4)
    assert p.positions.ravel().tolist() == [7200]


def _grace_hopper():
    cbook = pytest.importorskip("matplotlib.cbook")
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    image, rate = load_signal(path)
    assert rate is None
    return image


@pytest.mark.parametrize("dtype", DTYPES)
def test_image_template_under_brightness_contrast_and_noise(dtype):
    image = _grace_hopper()
    assert image.shape == (600, 512)
    g = np.random.default_rng(7)
    template = image[220:284, 180:260].copy()  # her face region
    changed = 0.6 * image + 70 + g.normal(0, 12, image.shape)
    p = locate(changed.astype(dtype), template.astype(dtype), threshold=0.5)
    assert p.positions[0].tolist() == [220, 180]
    assert p.scores[0] > 0.8
    same = match_template(changed.astype(dtype), template.astype(dtype), mode="same")
    assert np.unravel_index(np.argmax(same), same.shape) == (220 + 32, 180 + 40)


def test_image_rgb_batch_over_axes():
    cbook = pytest.importorskip("matplotlib.cbook")
    from PIL import Image

    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as im:
        rgb = np.asarray(im, dtype=np.float32)[::2, ::2]  # (300, 256, 3)
    t = rgb[100:130, 90:120, 0]
    s = match_template(rgb, t, axes=(0, 1))
    assert s.shape == (271, 227, 3) and s.dtype == np.float32
    assert np.unravel_index(np.argmax(s[..., 0]), s.shape[:2]) == (100, 90)


def test_load_signal_formats(tmp_path):
    x = np.arange(12.0).reshape(3, 4)
    np.save(tmp_path / "a.npy", x)
    np.testing.assert_array_equal(load_signal(tmp_path / "a.npy")[0], x)
    (tmp_path / "b.csv").write_text("1,2,3\n4,5,6\n")
    np.testing.assert_array_equal(load_signal(tmp_path / "b.csv")[0], [[1, 2, 3], [4, 5, 6]])
    (tmp_path / "c.csv").write_text("1\n2\n3\n")
    np.testing.assert_array_equal(load_signal(tmp_path / "c.csv")[0], [1, 2, 3])
    from PIL import Image

    Image.fromarray(np.arange(64, dtype=np.uint8).reshape(8, 8)).save(tmp_path / "d.png")
    img, rate = load_signal(tmp_path / "d.png")
    assert img.shape == (8, 8) and rate is None and img[7, 7] == 63
    with pytest.raises(ValueError, match="`path`"):
        load_signal(tmp_path / "a.xyz")
    with pytest.raises(FileNotFoundError, match="`path`"):
        load_signal(tmp_path / "missing.wav")


@pytest.mark.parametrize("shape, tshape, spread", [((13,), (2,), 0.3), ((40,), (5,), 1e-3),
                                                   ((12, 15), (3, 4), 1e-3), ((30, 9), (4, 1), 1e-3)])
def test_same_mode_padding_leaves_no_rounding_behind(shape, tshape, spread):
    """mode='same' pads with a DC offset's distance from the data; once the padding leaves a
    window (along rows or columns), the window sums must not keep its rounding (found by
    hypothesis: n=13, m=2 scored -0.9999976 for an exact -1)."""
    g = np.random.default_rng(2)
    x = g.standard_normal(shape) * spread + 1165.0
    t = g.standard_normal(tshape)
    for method in ("direct", "fft"):
        got = match_template(x, t, mode="same", score="zncc", method=method)
        np.testing.assert_allclose(got, match_template_naive(x, t, "same", "zncc"), atol=1e-9)
