"""Sub-pixel peaks (find_peaks/locate ``subpixel=``) and ``Matcher.match_many`` (API.md §3b)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.fft as sfft
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sigconv.match import Matcher, find_peaks, locate, match_template
from tests.conftest import assert_close
from tests.reference import subpixel_naive

DTYPES = (np.float32, np.float64)


def _blob(shape, centre, sigma=1.5):
    grids = np.meshgrid(*(np.arange(n, dtype=np.float64) for n in shape), indexing="ij")
    r2 = sum(((g - c) / sigma) ** 2 for g, c in zip(grids, centre))
    return np.exp(-0.5 * r2)


# ----------------------------------------------------------------------------- sub-pixel


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("frac", [-0.45, -0.3, -0.1, 0.0, 0.1, 0.25, 0.4, 0.49])
def test_subpixel_gaussian_blob_1d_2d(frac, dtype):
    centre1 = (20 + frac,)
    p = find_peaks(_blob((41,), centre1).astype(dtype), subpixel=True)
    assert p.positions.dtype == np.float64
    assert abs(p.positions[0, 0] - centre1[0]) < 0.05
    centre2 = (10.3 + frac, 20.7 - frac)
    s = _blob((25, 33), centre2).astype(dtype)
    p = find_peaks(s, subpixel=True)
    assert np.all(np.abs(p.positions[0] - centre2) < 0.05)
    assert p.scores[0] == s[tuple(np.rint(centre2).astype(int))]      # the sampled value
    assert p.scores.dtype == dtype


def test_subpixel_equals_the_parabola_oracle(rng):
    s = rng.standard_normal((30, 40))
    p0 = find_peaks(s, min_distance=3)
    p1 = find_peaks(s, min_distance=3, subpixel=True)
    np.testing.assert_array_equal(p0.scores, p1.scores)
    for a, b in zip(p0.positions, p1.positions):
        np.testing.assert_allclose(b, subpixel_naive(s, a), rtol=0, atol=1e-12)
        assert np.all(np.abs(b - a) <= 0.5)


def test_subpixel_stays_integer_where_a_neighbour_is_missing():
    s = _blob((20, 20), (0.3, 7.4))               # peak on the top edge
    s[8, 7] = np.nan                               # the right neighbour along axis 1 is NaN
    s[0, 8] = np.nan
    p = find_peaks(s, subpixel=True, max_peaks=1)
    assert p.positions[0, 0] == 0.0                # edge: no neighbour above
    assert p.positions[0, 1] == 7.0                # NaN neighbour
    q = find_peaks(np.array([3.0, 1.0, 0.0]), subpixel=True)
    assert q.positions.tolist() == [[0.0]]


@pytest.mark.parametrize("dtype", DTYPES)
def test_locate_subpixel_finds_a_shifted_target(dtype):
    # a smooth image shifted by a fraction of a pixel: its template's peak moves with it
    shape = (60, 70)
    truth = (22.3, 31.6)
    image = _blob(shape, truth, sigma=4.0) + 0.5 * _blob(shape, (45.0, 12.0), sigma=3.0)
    template = _blob((17, 17), (8.0, 8.0), sigma=4.0)
    p = locate(image.astype(dtype), template.astype(dtype), threshold=0.9, subpixel=True, max_matches=1)
    assert np.all(np.abs(p.positions[0] + 8.0 - truth) < 0.05)
    q = locate(image, template, score="sqdiff", threshold=None, subpixel=True, max_matches=1)
    assert np.all(np.abs(q.positions[0] + 8.0 - truth) < 0.1)
    assert "Peaks(1 peak" in repr(q)


def test_subpixel_3d_refinement():
    from sigconv.match.peaks import refine

    truth = (5.2, 6.8, 4.4)
    s = _blob((12, 13, 10), truth)
    pos = np.array([np.rint(truth).astype(np.int64)])
    assert np.all(np.abs(refine(s, pos)[0] - truth) < 0.05)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 30), seed=st.integers(0, 2**16), two_d=st.booleans(), nans=st.booleans())
def test_subpixel_never_crashes_and_stays_within_half_a_sample(n, seed, two_d, nans):
    g = np.random.default_rng(seed)
    s = g.standard_normal((n, n + 2) if two_d else (n,))
    if nans:
        s[g.random(s.shape) < 0.2] = np.nan
    p0 = find_peaks(s)
    p1 = find_peaks(s, subpixel=True)
    assert p1.positions.shape == p0.positions.shape
    assert np.all(np.abs(p1.positions - p0.positions) <= 0.5)
    assert np.all(np.isfinite(p1.positions))


# ----------------------------------------------------------------------------- match_many


def _disc(n):
    yy, xx = np.mgrid[:n, :n]
    return (yy - (n - 1) / 2) ** 2 + (xx - (n - 1) / 2) ** 2 <= (n / 2) ** 2


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score", ["zncc", "ncc", "sqdiff"])
def test_match_many_equals_match_template(dtype, score, rng):
    x = (rng.standard_normal((90, 100)) + 5.0).astype(dtype)
    ts = [x[10:22, 30:42].copy(), x[50:62, 5:17].copy(), x[20:31, 60:80].copy(), x[70:82, 70:82].copy()]
    scale = 1.0 if score != "sqdiff" else None
    k = 64.0     # the shared window sums and the fused pass round differently (both anchored)
    for mask in (None, _disc(12), [None, _disc(12), np.ones((11, 20), bool), _disc(12)]):
        if mask is not None and not isinstance(mask, list):
            got = Matcher(x).match_many([ts[0], ts[1], ts[3]], score=score, mask=mask)
            refs = [match_template(x, t, score=score, mask=mask) for t in (ts[0], ts[1], ts[3])]
        else:
            got = Matcher(x).match_many(ts, score=score, mask=mask)
            masks = mask if isinstance(mask, list) else [None] * 4
            refs = [match_template(x, t, score=score, mask=w) for t, w in zip(ts, masks)]
        assert len(got) == len(refs)
        for a, b in zip(got, refs):
            assert a.dtype == dtype
            assert_close(a, b, dtype=dtype, scale=scale, n_terms=144, k=k)


def test_match_many_with_nan_and_omit_and_stack(rng):
    x = rng.standard_normal((3, 200))
    x[1, 50] = np.nan
    stack = np.stack([x[0, 10:30], x[2, 100:120]])
    for policy in ("propagate", "omit"):
        got = Matcher(x).match_many(stack, nan_policy=policy)
        for a, t in zip(got, stack):
            np.testing.assert_allclose(a, match_template(x, t, nan_policy=policy), rtol=0, atol=1e-12)


def test_match_many_bad_arguments(rng):
    x = rng.standard_normal((30, 30))
    m = Matcher(x)
    with pytest.raises(ValueError, match="`mask`.*one shape"):
        m.match_many([x[:5, :5], x[:6, :6]], mask=np.ones((5, 5), bool))
    with pytest.raises(ValueError, match="`mask` as a list"):
        m.match_many([x[:5, :5], x[:6, :6]], mask=[None])
    with pytest.raises(ValueError, match="`templates`"):
        m.match_many([])
    with pytest.raises(TypeError, match="`templates`"):
        m.match_many("abc")


def _peaks_3d_naive(s, threshold, d):
    """The definition in 3D: candidates equal to the max of their clipped cube, > threshold,
    taken best first (ties in C order), dropping those at Chebyshev distance < d."""
    cands = []
    for idx in np.ndindex(*s.shape):
        cube = s[tuple(slice(max(i - d, 0), i + d + 1) for i in idx)]
        if s[idx] == cube.max() and s[idx] > threshold:
            cands.append(idx)
    cands.sort(key=lambda i: -s[i])
    taken = []
    for c in cands:
        if all(max(abs(a - b) for a, b in zip(c, t)) >= d for t in taken):
            taken.append(c)
    return taken


@pytest.mark.parametrize("d", [1, 2, 3])
def test_find_peaks_3d_equals_definition(d, rng):
    s = rng.standard_normal((9, 10, 11))
    p = find_peaks(s, threshold=0.5, min_distance=d)
    assert [tuple(int(v) for v in q) for q in p.positions] == _peaks_3d_naive(s, 0.5, d)
    assert p.positions.shape[1] == 3


def test_locate_3d_subpixel_in_a_volume():
    truth = (7.35, 9.6, 5.2)
    vol = _blob((16, 18, 12), truth, sigma=2.0)
    p = locate(vol, _blob((7, 7, 7), (3.0, 3.0, 3.0), sigma=2.0), threshold=0.9, subpixel=True)
    assert len(p) == 1 and np.all(np.abs(p.positions[0] + 3.0 - truth) < 0.05)


@pytest.mark.parametrize("workers", [1, 2, 3])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("score", ["zncc", "ncc", "sqdiff"])
def test_strips_equal_whole_signal_transform(dtype, score, workers, rng, monkeypatch):
    """Templates much shorter than the signal are correlated over overlap-save strips of
    rows (masked scores, and ``match_many``), strips on threads; equal to the one
    whole-signal transform."""
    from sigconv.match import strips

    x = (np.cumsum(rng.standard_normal((620, 150)), axis=0) * 0.1 + rng.standard_normal((620, 150))
         + 40.0).astype(dtype)
    x_nan = x.copy()
    x_nan[300:310, 20:40] = np.nan
    ts = [x[40 * i + 5:40 * i + 37, 30 * i:30 * i + 32].copy() for i in range(3)]
    w = _disc(32)
    for cost in (dict(), dict(per_strip=1.2, kernels=1)):   # the strip paths run (masked, match_many)
        assert strips.tile_shape(x.shape, (32, 32), x.shape, workers, **cost) is not None
    scale = 1.0 if score != "sqdiff" else None
    cases = [dict(), dict(mode="same"), dict(mask=w), dict(mask=w, mode="same"), dict(mask=w, image=x_nan),
             dict(mask=w, image=x_nan, nan_policy="omit"), dict(image=x_nan, nan_policy="omit"),
             dict(image=np.stack([x, x[::-1] * 2.0])), dict(mask=w, image=np.stack([x, x[::-1] * 2.0]))]

    def run(case):
        case = dict(case)
        image = case.pop("image", x)
        mode = case.pop("mode", "valid")
        return (Matcher(image, mode=mode, workers=workers).match_many(ts, score=score, **case),
                [match_template(image, t, score=score, mode=mode, workers=workers, **case) for t in ts])

    got = [run(case) for case in cases]
    public = got
    if workers == 2:
        with monkeypatch.context() as mp:   # scipy's public transforms instead of its private bindings
            mp.setattr(strips, "_private_transforms", lambda: None)
            public = [run(case) for case in cases]
    monkeypatch.setattr(strips, "tile_shape", lambda *a, **k: None)
    for (many, single), (pub_many, pub_single), case in zip(got, public, cases):
        want_many, want_single = run(case)
        for a, p, b in zip(many + single, pub_many + pub_single, want_many + want_single):
            assert a.dtype == p.dtype == dtype
            assert_close(a, b, dtype=dtype, scale=scale, n_terms=32 * 32, k=64.0)
            assert_close(p, b, dtype=dtype, scale=scale, n_terms=32 * 32, k=64.0)


@pytest.mark.parametrize("masked", [False, True])
def test_match_many_templates_of_several_heights_sharing_a_strip_height(masked, rng):
    """Templates of 32, 30 and 40 rows use strips of the same height but start them every
    ``L - mh + 1`` rows: the strips' cached spectra must not be shared between them."""
    from sigconv.match import strips

    x = rng.standard_normal((620, 150))
    ts = [x[10:42, 5:37].copy(), x[100:130, 40:72].copy(), x[300:340, 60:92].copy()]
    tiles = {strips.tile_shape(x.shape, t.shape, x.shape, 1, 1.2, 1) for t in ts}
    assert len(tiles) == 1 and None not in tiles
    masks = None
    if masked:   # corners cut off
        masks = [np.ones(t.shape, bool) for t in ts]
        for w in masks:
            w[:4, :4] = w[-4:, -4:] = False
    many = Matcher(x, workers=1).match_many(ts, mask=masks)
    for i, (got, t) in enumerate(zip(many, ts)):
        want = match_template(x, t, mask=None if masks is None else masks[i], workers=1)
        assert_close(got, want, dtype=np.float64, n_terms=t.size, k=64.0)
        assert np.unravel_index(np.argmax(got), got.shape) == [(10, 5), (100, 40), (300, 60)][i]


def test_zncc_window_factor_equals_direct_formula(rng):
    """The cached zncc window factor of ``match_many``: ``1/sqrt(s2 - s1**2/m)`` over every
    window, 0 for constant windows (the fused window sums, code ``FACTOR``)."""
    from sigconv.match.windows import _tolerance

    image = rng.standard_normal((2, 90, 70)) * 10 + 3
    image[0, 10:40, 5:50] = 7.0                    # constant windows: variance 0
    tshape = (12, 9)
    m = 12 * 9
    for dtype in DTYPES:
        x = image.astype(dtype)
        matcher = Matcher(x, workers=2)
        prep, _ = matcher._signal((1, 2), ((0, 0), (0, 0)), True, np.dtype(dtype))
        got = matcher._inverse_std(("k",), prep, tshape, _tolerance(tshape))
        xc = prep.xc.astype(np.float64)
        win = np.lib.stride_tricks.sliding_window_view(xc, tshape, axis=(1, 2))
        var = win.var(axis=(-2, -1)) * m
        s2 = (win ** 2).sum(axis=(-2, -1))
        want = np.where(var > 1e-9 * s2, 1.0 / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)
        assert got.dtype == dtype and got.shape == want.shape
        assert_close(got, want, dtype=dtype)
        assert np.all(got[0, 10:40 - 12 + 1, 5:50 - 9 + 1] == 0)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(300, 900), w=st.integers(8, 90), mh=st.integers(4, 70), mw=st.integers(4, 8),
       workers=st.sampled_from([1, 2, 3]), masked=st.booleans(), seed=st.integers(0, 2**16))
def test_strips_equal_whole_on_any_geometry(h, w, mh, mw, workers, masked, seed):
    """Strips of rows ("chunked") equal the one whole-signal transform ("whole") for any image
    height, template height and thread count: every output row is written once, by the strip
    that holds it (including a short last strip).  Templates of 16 samples or more: the
    scores of tinier ones amplify rounding by the window's tiny variance."""
    from unittest import mock

    from sigconv.match import strips

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((h, w)) + 5.0
    t = rng.standard_normal((mh, mw))
    mask = None
    if masked:
        mask = rng.random(t.shape) < 0.7
        mask.flat[:2] = True   # two pixels at least, of different values
        t.flat[1] = t.flat[0] + 1.0
    fshape = tuple(sfft.next_fast_len(n, real=True) for n in x.shape)
    assume(strips.tile_shape(x.shape, t.shape, fshape, workers, *(() if masked else (2.0, 1))) is not None)
    chunked = match_template(x, t, mask=mask, workers=workers, method="fft")
    with mock.patch.object(strips, "tile_shape", lambda *a, **k: None):
        whole = match_template(x, t, mask=mask, workers=workers, method="fft")
    # both are transforms: their rounding grows with the transform's size, over the window's std
    assert_close(chunked, whole, dtype=np.float64, n_terms=x.size, k=64.0)


@pytest.mark.parametrize("offset", [0.0, 1e3, 1e4])
def test_strips_float32_zncc_on_photograph_is_offset_proof(offset):
    """The strip path (a 600 x 512 photograph, a 64² template) keeps §3's DC-offset guarantee:
    float32 zncc within 1e-3 of the float64 scores (masked: 1e-4) and inside [-1, 1]."""
    from sigconv.match import load_signal, strips

    cbook = pytest.importorskip("matplotlib.cbook")
    image, _ = load_signal(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))
    image = image.astype(np.float64)
    template = image[300:364, 200:264].copy()
    assert strips.tile_shape(image.shape, template.shape, image.shape, 1) is not None
    for mask, bound in ((None, 1e-3), (_disc(64), 1e-4)):
        exact = match_template(image, template, mask=mask, workers=1)
        for workers in (1, 2):
            got = match_template((image + offset).astype(np.float32), (template + offset).astype(np.float32),
                                 mask=mask, workers=workers)
            assert got.dtype == np.float32
            assert np.max(np.abs(got - exact)) < bound
            assert np.max(np.abs(got)) <= 1.0
            assert np.unravel_index(np.argmax(got), got.shape) == (300, 200)


def test_matcher_of_several_template_sizes_transforms_the_signal_twice_at_most(rng):
    """A lone template shape runs over strips; once a matcher has seen a second shape it uses
    the whole-signal spectrum, which serves every further size (a pyramid of templates costs
    one more transform of the signal, not one per size)."""
    from unittest import mock

    import sigconv.match.matcher as matcher_mod
    from sigconv.match import strips

    x = rng.standard_normal((700, 300))
    sizes = [(32, 32), (40, 24), (48, 48), (20, 60), (32, 32)]
    ts = [x[100:100 + h, 50:50 + w].copy() for h, w in sizes]
    m = Matcher(x, workers=1)
    strips._private_transforms()   # its one-time check transforms a small array
    with mock.patch.object(matcher_mod.sfft, "rfftn", wraps=matcher_mod.sfft.rfftn) as whole, \
            mock.patch.object(strips, "forward", wraps=strips.forward) as strip:
        got = [m.match(t) for t in ts]
    n_strips = len(range(0, 700 - 32 + 1, strips.tile_shape(x.shape, (32, 32), (700, 300), 1, 2.0, 1)[0] - 31))
    # the first template's strips, each transformed once, and the template at the strips' size
    assert strip.call_count == n_strips + 1
    assert whole.call_count == 1          # then one whole-signal transform for all other sizes
    for g, t in zip(got, ts):
        assert_close(g, match_template(x, t), dtype=np.float64, n_terms=x.size, k=64.0)
        assert np.unravel_index(np.argmax(g), g.shape) == (100, 50)


@pytest.mark.parametrize("n_tasks,workers", [(1, 4), (5, 1), (5, 2), (7, 3), (2, 8)])
def test_strip_tasks_each_run_once_on_their_slot(n_tasks, workers):
    """``strips.for_each``: every task runs once, each slot on one thread of its own (per-slot
    buffers are never shared), the spare threads go to each task's transforms, and a task's
    error reaches the caller after every slot has finished."""
    import threading

    from sigconv.match import strips

    seen, lock = [], threading.Lock()

    def body(i, slot, fw):
        with lock:
            seen.append((i, slot, fw, threading.get_ident()))

    strips.for_each(n_tasks, workers, body)
    slots = strips.slots_for(n_tasks, workers)
    assert sorted(s[0] for s in seen) == list(range(n_tasks))
    assert all(0 <= slot < slots and fw == max(1, workers // slots) for _, slot, fw, _ in seen)
    for slot in range(slots):   # one thread runs a slot's tasks (if it got any); slot 0 is the caller's
        assert len({ident for _, sl, _, ident in seen if sl == slot}) <= 1
    assert {ident for _, sl, _, ident in seen if sl == 0} <= {threading.get_ident()}
    assert len({ident for *_, ident in seen}) == len({sl for _, sl, _, _ in seen})
    done = []

    def failing(i, slot, fw):
        if i == n_tasks - 1:
            raise ValueError("task failed")
        done.append(i)

    with pytest.raises(ValueError, match="task failed"):
        strips.for_each(n_tasks, workers, failing)
    # the failing task is the last one taken: every other task ran, on every slot, before the raise
    assert sorted(done) == list(range(n_tasks - 1))
