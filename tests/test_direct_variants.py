"""The one-row specialisations of the direct kernel (:func:`sigconv._kernels.conv.direct_kernel`)
give the general kernel's results for every tap count, the register tiles of rows of more than
eight taps (:mod:`sigconv._kernels.tiles`) equal the naive loops of ``tests/reference.py`` and
keep NaN/inf local, and ``locate`` checks its arguments first."""

import numpy as np
import pytest
import scipy.signal as ss
from hypothesis import given, settings
from hypothesis import strategies as st

import sigconv
from sigconv._kernels import conv, tiles
from tests.conftest import assert_close
from tests.reference import conv_reference


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("K", [1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 23, 31, 64, 100, 257])
def test_row_variant_matches_general(K, dtype):
    rng = np.random.default_rng(K)
    x = rng.standard_normal((2, 1, 300)).astype(dtype)
    w = rng.standard_normal((2, 1, K)).astype(dtype)
    xi = wi = np.arange(2, dtype=np.int64)
    W = 300 + K - 1
    tol = (1e-5 if dtype == np.float32 else 1e-13) * max(1.0, np.sqrt(K / 16))
    general, special = np.empty((2, 1, W), dtype), np.empty((2, 1, W), dtype)
    geometry = (1, 1, 1, 1, 0, -(K - 1), conv.ZERO)
    conv.conv_direct(x, w, xi, wi, general, *geometry)
    kernel = conv.direct_kernel(1, K, 1, 1, False)
    assert kernel is not conv.conv_direct
    kernel(x, w, xi, wi, special, *geometry)
    np.testing.assert_allclose(special, general, rtol=tol, atol=tol)   # FMA contraction may differ
    conv.conv_direct_parallel(x, w, xi, wi, general, *geometry)
    conv.direct_kernel(1, K, 1, 1, True)(x, w, xi, wi, special, *geometry)
    np.testing.assert_allclose(special, general, rtol=tol, atol=tol)   # FMA contraction may differ


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("K", [7, 9, 64])
def test_row_variant_complex(K, dtype):
    """Complex rows of more than eight taps take passes of eight taps (no register tiles)."""
    rng = np.random.default_rng(K)
    x = (rng.standard_normal(400) + 1j * rng.standard_normal(400)).astype(dtype)
    k = (rng.standard_normal(K) + 1j * rng.standard_normal(K)).astype(dtype)
    got = sigconv.convolve(x, k, method="direct", workers=1)
    assert got.dtype == dtype
    assert_close(got, conv_reference(x, k), dtype=dtype, n_terms=K)


def test_general_kernel_elsewhere():
    assert conv.direct_kernel(1, 8, 2, 1, True) is conv.conv_direct_parallel
    assert conv.direct_kernel(1, 8, 1, 2, False) is conv.conv_direct
    assert conv.direct_kernel(2, 8, 2, 1, False) is conv.conv_direct
    assert conv.direct_kernel(2, 8, 1, 1, False) is not conv.conv_direct


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("shape", [(2, 3), (3, 3), (3, 5), (5, 5), (2, 8), (4, 9), (3, 17)])
def test_rows_variant_matches_general(shape, dtype):
    """Kernels of several rows with unit column stride and dilation (the 2D entry kernel):
    every boundary the kernel reads itself, edge rows and columns, row stride and dilation."""
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    Kh, Kw = shape
    x = rng.standard_normal((2, 23, 90)).astype(dtype)
    w = rng.standard_normal((2, Kh, Kw)).astype(dtype)
    if np.dtype(dtype).kind == "c":
        x, w = x + 1j * x[:, ::-1], w - 1j
    xi = wi = np.arange(2, dtype=np.int64)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for bmode in (conv.ZERO, conv.WRAP, conv.SYMMETRIC, conv.REFLECT, conv.EDGE):
        for sh, dh in ((1, 1), (2, 1), (1, 2)):
            Ho = (23 + (Kh - 1) * dh) // sh
            out = np.empty((2, Ho, 90 + Kw - 1), dtype)
            geometry = (sh, 1, dh, 1, -(Kh - 1) * dh, -(Kw - 1), bmode)
            general = np.empty_like(out)
            conv.conv_direct(x, w, xi, wi, general, *geometry)
            for parallel in (False, True):
                conv.direct_kernel(Kh, Kw, 1, 1, parallel)(x, w, xi, wi, out, *geometry)
                np.testing.assert_allclose(out, general, rtol=tol, atol=tol * Kh * Kw)


def test_locate_checks_threshold_before_scoring(monkeypatch):
    from sigconv.match import api, matcher

    def fail(*args, **kwargs):   # pragma: no cover - reached only if the check comes late
        raise AssertionError("scored before checking the arguments")

    monkeypatch.setattr(matcher.Matcher, "match", fail)
    with pytest.raises(TypeError, match="threshold"):
        api.locate(np.zeros(50), np.ones(5), threshold="high")
    with pytest.raises(ValueError, match="min_distance"):
        matcher.Matcher(np.zeros(50)).locate(np.ones(5), min_distance=0)


# ----------------------------------------------------------------------------- register tiles
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("K", [9, 23, 64, 200])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("boundary", ["fill", "wrap", "symm", "reflect", "edge"])
def test_tiles_against_reference(K, dtype, mode, boundary):
    """Every mode and boundary, convolution and correlation, one and two threads, against the
    naive loop; lengths that leave partial tiles and a scalar tail."""
    rng = np.random.default_rng(K)
    n = 3 * 12 * 16 + 37 + K
    x = rng.standard_normal(n).astype(dtype)
    k = rng.standard_normal(K).astype(dtype)
    for correlate, func in ((False, sigconv.convolve), (True, sigconv.correlate)):
        want = conv_reference(x.astype(np.float64), k.astype(np.float64), mode, boundary=boundary,
                              fill_value=0.5, correlate=correlate)
        for workers in (1, 2):
            got = func(x, k, mode, method="direct", boundary=boundary, fill_value=0.5, workers=workers)
            assert got.dtype == dtype
            assert_close(got, want, dtype=dtype, n_terms=K)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_tiles_batch_and_bank(dtype):
    """A batch of signals against a bank of kernels (one output row each), as the wrapper runs
    it on threads; equal to the naive loop row by row."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 1, 2500)).astype(dtype)
    bank = rng.standard_normal((4, 71)).astype(dtype)
    got = sigconv.correlate(x, bank, "same", method="direct", workers=2)
    assert got.shape == (3, 4, 2500) and got.dtype == dtype
    for b in range(3):
        for f in range(4):
            assert_close(got[b, f], conv_reference(x[b, 0], bank[f], "same", correlate=True), dtype=dtype, n_terms=71)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_tiles_keep_nonfinite_local(dtype, bad):
    """A non-finite sample reaches exactly the outputs whose window covers it: the tiles' first
    and last steps hold taps for some lanes only and must leave the other lanes untouched
    (0 * inf would be NaN); samples at every lane position of a tile."""
    K = 40
    x = np.ones(1200, dtype)
    spots = [0, 5, 300, 301, 315, 316, 700, 1199]
    x[spots] = bad
    k = np.linspace(0.5, 1.5, K).astype(dtype)
    x64 = x.astype(np.float64)
    for mode in ("full", "same", "valid"):
        got = sigconv.convolve(x, k, mode, method="direct", workers=1)
        want = conv_reference(x64, k.astype(np.float64), mode)
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        np.testing.assert_array_equal(np.isposinf(got), np.isposinf(want))
        np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
        finite = np.isfinite(want)
        assert_close(got[finite], want[finite], dtype=dtype, n_terms=K)


def test_tiles_nonfinite_tap_valid():
    """A NaN tap reaches every output (the tiles' zero table entries are never multiplied)."""
    x = np.arange(500.0)
    k = np.ones(30)
    k[7] = np.nan
    assert np.isnan(sigconv.convolve(x, k, "valid", method="direct")).all()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 700), K=st.integers(9, 90), f32=st.booleans(), seed=st.integers(0, 2**16))
def test_tiles_property_any_length(n, K, f32, seed):
    """Any signal length against any row length (shorter or longer than the signal: scipy's
    'valid' swap), equal to scipy.signal.correlate."""
    dtype = np.float32 if f32 else np.float64
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n).astype(dtype)
    k = rng.standard_normal(K).astype(dtype)
    for mode in ("full", "valid"):
        got = sigconv.correlate(x, k, mode, method="direct", workers=1)
        want = ss.correlate(x.astype(np.float64), k.astype(np.float64), mode, method="direct")
        assert got.dtype == dtype
        assert_close(got, want, dtype=dtype, n_terms=K)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_weight_table(dtype):
    """``wt[d, t] = w[d - t]`` inside the row, zero outside; 64-byte aligned."""
    w = np.arange(1.0, 12.0).astype(dtype)
    wt = tiles.weight_table(w)
    width = tiles.VECTOR_BYTES // np.dtype(dtype).itemsize
    table = wt.reshape(-1, width)
    assert table.shape[0] == w.size + width - 1 and wt.ctypes.data % 64 == 0
    for d in range(table.shape[0]):
        for t in range(width):
            assert table[d, t] == (w[d - t] if 0 <= d - t < w.size else 0)


@pytest.mark.parametrize("K", [1, 5, 64])
def test_mask_table(K):
    """Bit ``t`` of ``masks[d]`` is set exactly where the weight table holds a tap."""
    for dtype in (np.float64, np.float32):
        width = tiles.VECTOR_BYTES // np.dtype(dtype).itemsize
        masks = tiles.mask_table(K, np.zeros(1, dtype))
        assert masks.shape == (K + width - 1,)
        for d in range(K + width - 1):
            assert [bool(masks[d] >> t & 1) for t in range(width)] == [0 <= d - t < K for t in range(width)]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_source_index_equals_numpy_pad(n):
    """The boundary index (its division-free path within one signal length and its modulo
    path beyond) equals ``numpy.pad``'s extension at any distance."""
    modes = {conv.WRAP: "wrap", conv.SYMMETRIC: "symmetric", conv.REFLECT: "reflect", conv.EDGE: "edge"}
    pad = 4 * n + 3
    for bmode, name in modes.items():
        want = np.pad(np.arange(n), pad, mode=name)
        assert [conv.source_index(i, n, bmode) for i in range(-pad, n + pad)] == list(want)


@settings(max_examples=30, deadline=None)
@given(K=st.integers(9, 80), n=st.integers(80, 900), f32=st.booleans(), cut=st.floats(0, 1), seed=st.integers(0, 2**16))
def test_tiles_chunked_equals_whole_bitwise(K, n, f32, cut, seed):
    """An output has the same bits whichever tile, single vector or padded last vector computes
    it: 'valid' outputs of a piece of the signal equal the whole call's exactly (the streams
    and the Dask twins rely on it)."""
    dtype = np.float32 if f32 else np.float64
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n + K - 1).astype(dtype)
    k = rng.standard_normal(K).astype(dtype)
    whole = sigconv.convolve(x, k, "valid", method="direct", workers=1)
    a = int(cut * (n - 1))
    for b in (a + 1, min(n, a + 17), n):
        part = sigconv.convolve(x[a:b + K - 1], k, "valid", method="direct", workers=1)
        np.testing.assert_array_equal(part, whole[a:b])
