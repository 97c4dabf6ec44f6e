"""Masked templates and ``nan_policy='omit'`` (API.md §3b): OpenCV's masked scores, the naive
per-window oracle (tests/reference.py), occluded targets, DC offsets, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv.match import Matcher, load_signal, locate, match_template
from tests.conftest import assert_close
from tests.reference import match_template_masked_naive

DTYPES = (np.float32, np.float64)
SCORES = ("zncc", "ncc", "ccorr", "sqdiff", "zdist")


def _disc(h: int, w: int) -> np.ndarray:
    yy, xx = np.mgrid[:h, :w]
    return ((yy - (h - 1) / 2) / (h / 2)) ** 2 + ((xx - (w - 1) / 2) / (w / 2)) ** 2 <= 1.0


def _irregular(shape, seed=3) -> np.ndarray:
    g = np.random.default_rng(seed)
    w = g.random(shape) < 0.6
    w.flat[0] = True
    return w


def _grace_hopper() -> np.ndarray:
    cbook = pytest.importorskip("matplotlib.cbook")
    image, _ = load_signal(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    return image.astype(np.float32)


def _scale(ref: np.ndarray) -> float:
    return float(np.abs(ref[np.isfinite(ref)]).max())


# ----------------------------------------------------------------------------- OpenCV


@pytest.mark.parametrize("score,flag", [("ccorr", "TM_CCORR"), ("ncc", "TM_CCORR_NORMED"),
                                        ("sqdiff", "TM_SQDIFF")])
@pytest.mark.parametrize("shape_of_mask", ["disc", "irregular"])
def test_masked_scores_equal_opencv_on_photograph(score, flag, shape_of_mask):
    cv2 = pytest.importorskip("cv2")
    image = _grace_hopper()[150:400, 120:380].copy()        # her face and collar, 250 x 260
    template = image[70:111, 60:101].copy()                   # 41 x 41
    mask = _disc(41, 41) if shape_of_mask == "disc" else _irregular((41, 41))
    ref = cv2.matchTemplate(image, template, getattr(cv2, flag), mask=mask.astype(np.float32))
    ours = match_template(image, template, score=score, mask=mask)
    assert ours.dtype == np.float32 and ours.shape == ref.shape
    # both sides round in float32: sums of m products of magnitude <= 255**2
    assert_close(ours, ref.astype(np.float64), dtype=np.float32, scale=_scale(ref), n_terms=int(mask.sum()))
    if score != "sqdiff":
        assert np.unravel_index(np.argmax(ours), ours.shape) == np.unravel_index(np.argmax(ref), ref.shape)
    else:
        assert np.unravel_index(np.argmin(ours), ours.shape) == (70, 60)


def test_masked_zncc_on_photograph_equals_naive_and_finds_the_target():
    image = _grace_hopper()[200:330, 150:290].copy()
    template = image[40:71, 50:81].copy()
    mask = _disc(31, 31)
    ours = match_template(image, template, mask=mask)
    ref = match_template_masked_naive(image, template, mask)
    assert_close(ours, ref, dtype=np.float32, scale=1.0, n_terms=int(mask.sum()))
    assert np.unravel_index(np.argmax(ours), ours.shape) == (40, 50)


# ----------------------------------------------------------------------------- naive oracle


def _signal(shape, dtype, offset, seed):
    g = np.random.default_rng(seed)
    return (g.standard_normal(shape) + offset).astype(dtype)


CASES = [  # (x shape, template shape, axes)
    ((90,), (13,), None),
    ((3, 70), (9,), None),                  # a batch of three signals
    ((28, 33), (7, 6), None),
    ((16, 21, 2), (5, 4), (0, 1)),          # batch axis last
    ((9, 10, 11), (3, 4, 3), None),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]}")
@pytest.mark.parametrize("score", SCORES)
def test_masked_equals_naive(case, score, dtype):
    xshape, tshape, axes = case
    offset = 1e3 if score in ("zncc", "zdist", "sqdiff") else 0.0   # the DC-offset-proof scores
    x = _signal(xshape, dtype, offset, 1)
    t = _signal(tshape, dtype, offset, 2)
    mask = _irregular(tshape)
    ours = match_template(x, t, mask=mask, score=score, axes=axes)
    assert ours.dtype == dtype
    xm = x if axes is None else np.moveaxis(x, axes, tuple(range(-len(tshape), 0)))
    batch = xm.shape[:xm.ndim - len(tshape)]
    ref = np.stack([match_template_masked_naive(xm[i], t, mask, score) for i in np.ndindex(*batch)]) if batch \
        else match_template_masked_naive(xm, t, mask, score)
    ref = ref.reshape(batch + ref.shape[-len(tshape):])
    if axes is not None:
        ref = np.moveaxis(ref, tuple(range(-len(tshape), 0)), axes)
    m = int(mask.sum())
    # scores computed from data centred by its mean: the offset does not enter the rounding
    scale = 1.0 if score == "zncc" else _scale(ref)
    # correlations through the FFT round relative to the whole signal (log2 N stages): k = 64
    assert_close(ours, ref, dtype=dtype, scale=scale, n_terms=m, k=64.0)
    if score == "zncc":
        assert np.nanmax(np.abs(ours)) <= 1.0


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("mode", ["valid", "same"])
@pytest.mark.parametrize("with_mask", [False, True])
def test_omit_equals_naive(score, dtype, mode, with_mask):
    g = np.random.default_rng(4)
    x = _signal((30, 34), dtype, 50.0, 5)
    x[g.random(x.shape) < 0.1] = np.nan
    x[10:14, 3:12] = np.nan                      # a hole larger than half a template
    x[20, 20] = np.inf
    t = _signal((6, 7), dtype, 50.0, 6)
    mask = _disc(6, 7) if with_mask else None
    ours = match_template(x, t, mask=mask, score=score, nan_policy="omit", mode=mode)
    ref = match_template_masked_naive(x, t, mask, score, nan_policy="omit", mode=mode)
    assert ours.dtype == dtype and ours.shape == ref.shape
    assert np.array_equal(np.isnan(ours), np.isnan(ref)) and np.array_equal(np.isinf(ours), np.isinf(ref))
    scale = 1.0 if score in ("zncc", "ncc") else _scale(ref)
    assert_close(ours, ref, dtype=dtype, scale=scale, n_terms=t.size, k=64.0)


@pytest.mark.parametrize("score", SCORES)
def test_propagate_with_mask_ignores_nan_outside_the_mask(score):
    x = _signal((25, 25), np.float64, 0.0, 7)
    mask = _disc(7, 7)
    x[10, 10] = np.nan
    t = _signal((7, 7), np.float64, 0.0, 8)
    ours = match_template(x, t, mask=mask, score=score)
    ref = match_template_masked_naive(x, t, mask, score)
    missing = np.isinf(ref) if score == "zdist" else np.isnan(ref)
    assert missing.sum() == mask.sum()         # only the windows whose mask covers (10, 10)
    assert np.array_equal(np.isnan(ours), np.isnan(ref)) and np.array_equal(np.isinf(ours), np.isinf(ref))
    assert_close(ours, ref, dtype=np.float64, scale=_scale(ref), n_terms=int(mask.sum()))


# ----------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize("dtype", DTYPES)
def test_occluded_target_found_at_its_exact_position(dtype):
    image = _grace_hopper()[100:400, 100:400].astype(dtype)
    top, left = 120, 95
    template = image[top:top + 48, left:left + 48].copy()
    mask = _disc(48, 48)
    seen = image.copy()
    seen[top:top + 16, left:left + 48] = np.nan            # a third of the target hidden
    p = locate(seen, template, mask=mask, nan_policy="omit", threshold=0.9, max_matches=1)
    assert p.positions.tolist() == [[top, left]]
    assert p.scores[0] > 0.999
    # "propagate" loses it: every window over the hidden part is NaN
    s = match_template(seen, template, mask=mask)
    assert np.isnan(s[top, left])


def test_target_cut_by_the_edge_scores_under_omit_same():
    image = _grace_hopper()[100:300, 100:300]
    template = image[0:30, 50:80].copy()                  # touches the top edge
    s = match_template(image[10:], template, mode="same", nan_policy="omit")
    # the template's centre (15, 65) now sits at row 5: a third of the target is cut off
    assert np.unravel_index(np.nanargmax(s), s.shape) == (5, 65)
    assert np.nanmax(s) > 0.999


def test_all_true_mask_equals_no_mask(rng):
    x = rng.standard_normal((40, 50)).astype(np.float32)
    t = x[5:17, 8:20].copy()
    for score in SCORES:
        a = match_template(x, t, score=score)
        b = match_template(x, t, score=score, mask=np.ones(t.shape, dtype=np.uint8))
        np.testing.assert_array_equal(a, b)


def test_omit_without_missing_samples_equals_propagate(rng):
    x = rng.standard_normal(300)
    t = x[40:60].copy()
    np.testing.assert_array_equal(match_template(x, t, nan_policy="omit"), match_template(x, t))


def test_constant_window_scores_zero_under_mask():
    g = np.random.default_rng(9)
    x = g.standard_normal((60, 60)) * 30 + 100
    x[20:45, 20:45] = 255.0                                  # a saturated patch
    t = g.standard_normal((9, 9))
    s = match_template(x.astype(np.float32), t.astype(np.float32), mask=_disc(9, 9))
    assert np.all(s[20:37, 20:37] == 0.0)
    s = match_template(x, t, mask=_disc(9, 9), score="zdist")
    assert np.allclose(s[20:37, 20:37], np.sqrt(_disc(9, 9).sum()))


def test_dc_offset_float32_masked_zncc():
    g = np.random.default_rng(10)
    x = g.standard_normal((64, 64))
    t = x[10:26, 30:46].copy()
    mask = _disc(16, 16)
    exact = match_template_masked_naive(x, t, mask)
    shifted = match_template((x + 1e3).astype(np.float32), (t + 1e3).astype(np.float32), mask=mask)
    assert np.max(np.abs(shifted - exact)) < 1e-5
    assert np.unravel_index(np.argmax(shifted), shifted.shape) == (10, 30)


def test_matcher_reuses_spectra_for_masked_templates(rng):
    x = rng.standard_normal((50, 60))
    x[3, 4] = np.nan
    mt = Matcher(x)
    for k, score in enumerate(("zncc", "sqdiff", "ncc", "zncc")):
        t = x[10 + k:20 + k, 5:17].copy()
        t[np.isnan(t)] = 0.0
        mask = _irregular(t.shape, seed=k)
        for policy in ("propagate", "omit"):
            got = mt.match(t, score=score, mask=mask, nan_policy=policy)
            np.testing.assert_array_equal(got, match_template(x, t, score=score, mask=mask, nan_policy=policy))


def test_inputs_are_not_modified(rng):
    x = rng.standard_normal((30, 30))
    x[4, 4] = np.nan
    t = rng.standard_normal((5, 5))
    mask = _disc(5, 5)
    for a in (x, t, mask):
        a.flags.writeable = False
    match_template(x, t, mask=mask, nan_policy="omit")
    match_template(x, t, mask=mask, score="sqdiff")


@settings(max_examples=30, deadline=None)
@given(n=st.integers(6, 40), m=st.integers(2, 6), seed=st.integers(0, 2**16),
       score=st.sampled_from(SCORES), policy=st.sampled_from(["propagate", "omit"]),
       mode=st.sampled_from(["valid", "same"]), holes=st.floats(0.0, 0.6))
def test_masked_never_crashes_shape_and_range(n, m, seed, score, policy, mode, holes):
    g = np.random.default_rng(seed)
    x = g.standard_normal((n, n + 3))
    x[g.random(x.shape) < holes] = np.nan
    t = g.standard_normal((m, m + 1))
    mask = g.random(t.shape) < 0.7
    mask[0, 0] = mask[-1, -1] = True
    s = match_template(x, t, mask=mask, score=score, nan_policy=policy, mode=mode)
    assert s.shape == ((n - m + 1, n - m + 3) if mode == "valid" else x.shape)
    finite = s[np.isfinite(s)]
    if score in ("zncc", "ncc"):
        assert np.all(np.abs(finite) <= 1.0)
    if score in ("sqdiff", "zdist"):
        assert np.all(finite >= 0.0)


@pytest.mark.parametrize("method", ["fft", "direct"])
@pytest.mark.parametrize("shapes", [((40,), (9,)), ((20, 22), (5, 6)), ((9, 10, 11), (3, 4, 3))])
@pytest.mark.parametrize("score", ["zncc", "sqdiff"])
def test_masked_methods_and_same_mode_equal_naive(method, shapes, score):
    xshape, tshape = shapes
    x = _signal(xshape, np.float64, 10.0, 11)
    x.flat[7] = np.nan
    t = _signal(tshape, np.float64, 10.0, 12)
    mask = _irregular(tshape, seed=5)
    for mode in ("valid", "same"):
        for policy in ("propagate", "omit"):
            ours = match_template(x, t, mask=mask, score=score, method=method, mode=mode, nan_policy=policy)
            ref = match_template_masked_naive(x, t, mask, score, nan_policy=policy, mode=mode)
            assert np.array_equal(np.isnan(ours), np.isnan(ref))
            scale = 1.0 if score == "zncc" else _scale(ref)
            assert_close(ours, ref, dtype=np.float64, scale=scale, n_terms=t.size, k=64.0)


@pytest.mark.parametrize("offset", [0.0, 1e3, 1e4])
def test_float32_masked_zncc_on_photograph_is_offset_proof(offset):
    image = _grace_hopper().astype(np.float64)[150:400, 120:380]
    template = image[70:134, 60:124].copy()
    mask = _disc(64, 64)
    hidden = image.copy()
    hidden[80:100, 70:120] = np.nan
    for x, policy in ((image, "propagate"), (hidden, "omit")):
        exact = match_template(x, template, mask=mask, nan_policy=policy)    # float64: = naive (tests above)
        got = match_template((x + offset).astype(np.float32), (template + offset).astype(np.float32), mask=mask,
                             nan_policy=policy)
        assert np.nanmax(np.abs(got - exact)) < 1e-4
        assert np.nanmax(np.abs(got)) <= 1.0
        assert np.unravel_index(np.nanargmax(got), got.shape) == (70, 60)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_match_many_shares_one_masks_window_factor(dtype):
    """match_many with one mask over strips (two threads): each zncc template is a correlation
    scaled by the mask's cached window factor; it equals match_template (the one-pass strips)
    and a naive masked Pearson, and the same mask then serves other scores and zncc again."""
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((640, 260)) * 3 + 40).astype(dtype)
    yy, xx = np.mgrid[:40, :40]
    disc = (yy - 19.5) ** 2 + (xx - 19.5) ** 2 <= 400
    ts = [x[30:70, 20:60].copy(), x[300:340, 150:190].copy(), x[500:540, 80:120].copy()]
    from sigconv.match import strips
    from sigconv.match._common import _spectrum_shape

    assert strips.tile_shape(x.shape, (40, 40), _spectrum_shape(x.shape), 2) is not None   # strips
    m = Matcher(x, workers=2)
    got = m.match_many(ts, mask=disc)
    ncc = m.match(ts[1], score="ncc", mask=disc)
    again = m.match(ts[2], mask=disc)
    for g, t, at in zip(got, ts, [(30, 20), (300, 150), (500, 80)]):
        assert g.dtype == dtype
        assert_close(g, match_template(x, t, mask=disc, workers=2), dtype=dtype, scale=1.0, n_terms=t.size, k=64.0)
        assert np.unravel_index(np.argmax(g), g.shape) == at
    np.testing.assert_array_equal(again, got[2])
    assert_close(ncc, match_template(x, ts[1], score="ncc", mask=disc), dtype=dtype, scale=1.0, n_terms=1600, k=64.0)
    window = x[290:330, 140:180].astype(np.float64)   # one window, naive masked Pearson
    r = np.corrcoef(window[disc], ts[1].astype(np.float64)[disc])[0, 1]
    assert got[1][290, 140] == pytest.approx(r, abs=1e-4 if dtype == np.float32 else 1e-9)


@pytest.mark.parametrize("score", ["zncc", "sqdiff", "ncc"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_pass_strips_with_omit_equal_the_whole_transform(score, dtype):
    """The one-call strips recycle each task's buffers (the work buffer, spectra after their
    last product, extra rows buffers where none is free): with "omit" six correlations of
    three signal arrays per strip, with NaN in the image, equal the whole-signal transform."""
    from unittest import mock

    from sigconv.match import strips
    from sigconv.match._common import _spectrum_shape

    rng = np.random.default_rng(11)
    x = (rng.standard_normal((700, 230)) * 2 + 3).astype(dtype)
    x[100:140, 50:90] = np.nan
    x[rng.random(x.shape) < 0.01] = np.nan
    t = x[300:340, 100:140].copy()
    yy, xx = np.mgrid[:40, :40]
    disc = (yy - 19.5) ** 2 + (xx - 19.5) ** 2 <= 400
    t[~np.isfinite(t)] = 0.0
    assert strips.tile_shape(x.shape, t.shape, _spectrum_shape(x.shape), 2) is not None
    for policy in ("omit", "propagate"):
        chunked = match_template(x, t, mask=disc, score=score, nan_policy=policy, workers=2, method="fft")
        with mock.patch.object(strips, "tile_shape", lambda *a, **k: None):
            whole = match_template(x, t, mask=disc, score=score, nan_policy=policy, workers=2, method="fft")
        assert chunked.dtype == dtype
        np.testing.assert_array_equal(np.isnan(chunked), np.isnan(whole))
        scale = 1.0 if score != "sqdiff" else None
        assert_close(chunked, whole, dtype=dtype, scale=scale, n_terms=x.size, k=64.0)
