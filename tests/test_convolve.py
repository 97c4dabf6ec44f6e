"""The convolution engine against scipy.signal and the naive oracle of tests/reference.py."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import sys

import numpy as np
import pytest
import scipy.signal as ss
from hypothesis import given, settings
from hypothesis import strategies as st

import sigconv
from sigconv._kernels import conv as _conv
from sigconv._kernels.lanes import correlate_lanes as _LANES
from tests.conftest import assert_close
from tests.reference import conv_reference

METHODS = ("direct", "fft", "overlap-add", "auto")
MODES = ("full", "same", "valid")
DTYPES = (np.float32, np.float64, np.complex64, np.complex128)


def _random(rng, shape, dtype):
    a = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        a = a + 1j * rng.standard_normal(shape)
    return a.astype(dtype)


def _check(actual, expected, x, k, method, dtype):
    """Direct sums: error ~ taps * eps * |x| |k|; transforms: ~ log(n) eps |x|_2 |k|_2."""
    scale = float(np.abs(x).max() * np.abs(k).max()) * np.sqrt(k.size)
    assert_close(actual, expected, dtype=dtype, scale=scale, n_terms=k.size if method == "direct" else
                 max(x.size, k.size), k=8.0)


# ----------------------------------------------------------------------------- scipy equivalence
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("func", ["convolve", "correlate"])
def test_1d_equals_scipy(func, dtype, method, rng):
    ours, theirs = getattr(sigconv, func), getattr(ss, func)
    for n, m in itertools.product((1, 2, 7, 33, 130), (1, 2, 3, 8, 21, 140)):
        x, k = _random(rng, n, dtype), _random(rng, m, dtype)
        for mode in MODES:
            got = ours(x, k, mode, method=method)
            want = theirs(x.astype(np.complex128 if x.dtype.kind == "c" else np.float64),
                          k.astype(np.complex128 if k.dtype.kind == "c" else np.float64), mode, method="direct")
            assert got.dtype == np.dtype(dtype)
            _check(got, want, x, k, method, dtype)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("func", ["convolve2d", "correlate2d"])
def test_2d_equals_scipy(func, dtype, method, rng):
    ours, theirs = getattr(sigconv, func), getattr(ss, func)
    shapes = [((1, 1), (1, 1)), ((6, 7), (3, 2)), ((9, 5), (4, 4)), ((3, 4), (5, 6)), ((12, 10), (1, 5)),
              ((8, 8), (8, 8)), ((20, 17), (6, 3))]
    for (xs, ks), mode, boundary in itertools.product(shapes, MODES, ("fill", "wrap", "symm")):
        x, k = _random(rng, xs, dtype), _random(rng, ks, dtype)
        x64 = x.astype(np.complex128 if x.dtype.kind == "c" else np.float64)
        k64 = k.astype(np.complex128 if k.dtype.kind == "c" else np.float64)
        if boundary != "fill" and mode != "valid" and (ks[0] > xs[0] or ks[1] > xs[1]):
            continue  # scipy's wrap/symm only extend by one period; the oracle covers these
        got = ours(x, k, mode, method=method, boundary=boundary)
        want = theirs(x64, k64, mode, boundary=boundary)
        assert got.dtype == np.dtype(dtype)
        _check(got, want, x, k, method, dtype)


def test_2d_fill_value_equals_scipy(rng):
    x, k = rng.standard_normal((7, 9)), rng.standard_normal((3, 4))
    for mode, method in itertools.product(MODES, METHODS):
        got = sigconv.convolve2d(x, k, mode, method=method, fill_value=2.5)
        _check(got, ss.convolve2d(x, k, mode, fillvalue=2.5), x, k, method, np.float64)


def test_2d_valid_needs_one_larger():
    with pytest.raises(ValueError, match="mode='valid'"):
        sigconv.convolve2d(np.ones((5, 3)), np.ones((3, 5)), "valid")


@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint16, bool])
def test_integer_and_bool_inputs_compute_in_float64(dtype, rng):
    x = rng.integers(0, 2 if dtype is bool else 100, 50).astype(dtype)
    k = rng.integers(0, 2 if dtype is bool else 9, 6).astype(dtype)
    for method in METHODS:
        got = sigconv.convolve(x, k, method=method)
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, ss.convolve(x.astype(np.int64), k.astype(np.int64)), atol=1e-9)


def test_dtype_promotion():
    f32, f64 = np.ones(10, np.float32), np.ones(10)
    assert sigconv.convolve(f32, f32[:3]).dtype == np.float32
    assert sigconv.convolve(f32, f64[:3]).dtype == np.float64
    assert sigconv.convolve(f32, np.ones(3, int)).dtype == np.float64
    assert sigconv.convolve(f32.astype(np.complex64), f32[:3]).dtype == np.complex64
    assert sigconv.convolve(f64.astype(np.complex64), f64[:3]).dtype == np.complex128


def test_large_integers_stay_exact():
    # sums reach ~2**49: exact in float64 when summed directly, not through an FFT
    x = np.array([2**30 + 1, 3, 2**30 - 7] * 200, dtype=np.int64)
    k = np.array([2**12 + 1, 1, 5, 9] * 50, dtype=np.int64)
    assert sigconv.choose_method(x, k) == "direct"
    np.testing.assert_array_equal(sigconv.convolve(x, k), ss.convolve(x, k).astype(np.float64))


# ----------------------------------------------------------------------------- the definitions
BOUNDARIES = ("fill", "wrap", "symmetric", "reflect", "edge")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.complex128])
@pytest.mark.parametrize("correlate", [False, True])
def test_1d_options_equal_definition(correlate, dtype, method, rng):
    func = sigconv.correlate if correlate else sigconv.convolve
    grid = itertools.product((1, 5, 23), (1, 3, 6), MODES, BOUNDARIES, (1, 2, 3), (1, 2, 4))
    for n, m, mode, boundary, stride, dilation in grid:
        x, k = _random(rng, n, dtype), _random(rng, m, dtype)
        got = func(x, k, mode, method=method, boundary=boundary, fill_value=0.5, stride=stride, dilation=dilation)
        want = conv_reference(x, k, mode, boundary=boundary, fill_value=0.5, stride=stride, dilation=dilation,
                              correlate=correlate)
        assert got.dtype == np.dtype(dtype)
        scale = max(1.0, float(np.abs(want).max()))
        assert_close(got, want, dtype=dtype, scale=scale, n_terms=max(n, m) * 4, k=8.0)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("correlate", [False, True])
def test_2d_options_equal_definition(correlate, method, rng):
    func = sigconv.correlate2d if correlate else sigconv.convolve2d
    grid = itertools.product([(6, 5), (2, 9)], [(3, 2), (1, 4)], MODES, BOUNDARIES, [1, (2, 3)], [1, (2, 1)])
    for xs, ks, mode, boundary, stride, dilation in grid:
        x, k = rng.standard_normal(xs), rng.standard_normal(ks)
        me = [(m - 1) * d + 1 for m, d in zip(ks, (dilation,) * 2 if np.isscalar(dilation) else dilation)]
        if mode == "valid" and not (all(a >= b for a, b in zip(xs, me)) or all(a <= b for a, b in zip(xs, me))):
            continue
        got = func(x, k, mode, method=method, boundary=boundary, fill_value=-1.0, stride=stride,
                   dilation=dilation)
        want = conv_reference(x, k, mode, boundary=boundary, fill_value=-1.0, stride=stride, dilation=dilation,
                              correlate=correlate, nd=2)
        assert_close(got, want, scale=max(1.0, float(np.abs(want).max())), n_terms=64)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("chunk_bytes", [1, 1 << 30])
def test_overlap_save_in_chunks_equals_definition(chunk_bytes, workers, rng, monkeypatch):
    """2D overlap-add (overlap-save over output tiles) on the smallest tiles the kernel allows,
    transformed one tile per chunk (tiny budget) or all at once, the chunks on one thread or
    on two; tiles inside the signal are views, tiles crossing its edge zero-padded copies;
    batches of images and banks of kernels broadcast."""
    fft = sys.modules["sigconv._fft"]
    monkeypatch.setattr(fft, "CHUNK_BYTES", chunk_bytes)
    monkeypatch.setattr(fft, "THREADS_MIN_POINTS", 0)
    monkeypatch.setattr(fft, "block_shape", lambda n, me, lengths: tuple(2 * m for m in me))
    grid = itertools.product([(40, 33), (2, 3, 41, 29)], [(5, 4), (3, 1, 9, 2)], MODES, ("fill", "symm"),
                             [1, (2, 3)], [1, (2, 1)])
    for xs, ks, mode, boundary, stride, dilation in grid:
        x, k = rng.standard_normal(xs), rng.standard_normal(ks)
        if len(xs) == 4 and len(ks) == 4:
            continue
        got = sigconv.convolve2d(x, k, mode, method="overlap-add", boundary=boundary, stride=stride,
                                 dilation=dilation, workers=workers)
        batch = np.broadcast_shapes(x.shape[:-2], k.shape[:-2])
        assert got.shape[:-2] == batch
        xb, kb = np.broadcast_to(x, batch + x.shape[-2:]), np.broadcast_to(k, batch + k.shape[-2:])
        for index in np.ndindex(batch):
            want = conv_reference(xb[index], kb[index], mode, boundary=boundary, stride=stride, dilation=dilation,
                                  nd=2)
            assert_close(got[index], want, scale=max(1.0, float(np.abs(want).max())), n_terms=x.size)


def _overlap_save_in_child(x, k, queue):
    queue.put(sigconv.convolve2d(x, k, "same", method="overlap-add", workers=2))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX start method")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")   # what is tested
def test_overlap_save_threads_in_a_forked_child(rng, monkeypatch):
    """2D overlap-save's thread pool, once used in a process, must not hang a child forked
    from it (the child's copy of the pool has no threads)."""
    fft = sys.modules["sigconv._fft"]
    monkeypatch.setattr(fft, "THREADS_MIN_POINTS", 0)
    monkeypatch.setattr(fft, "block_shape", lambda n, me, lengths: (32, 32))
    x, k = rng.standard_normal((200, 150)), rng.standard_normal((9, 7))
    want = sigconv.convolve2d(x, k, "same", method="overlap-add", workers=2)   # the parent's pool runs
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_overlap_save_in_child, args=(x, k, queue))
    child.start()
    try:
        got = queue.get(timeout=60)
    finally:
        child.kill()
        child.join()
    assert_close(got, want, scale=float(np.abs(want).max()), n_terms=k.size)


@pytest.mark.parametrize("copy_pays", [False, True])
@pytest.mark.parametrize("correlate", [False, True])
def test_direct_boundary_both_ways_equals_definition(correlate, copy_pays, rng, monkeypatch):
    """The direct kernel reads wrap/symmetric/reflect/edge/zero itself, or an extended copy of
    the signal, whichever the cost model prefers; force each way for every case, kernels longer
    than the signal included."""
    engine = sys.modules["sigconv.convolve"]
    monkeypatch.setattr(engine._cost, "boundary_copy_pays", lambda plan: copy_pays)
    for nd in (1, 2):
        shapes = [((1,), (4,)), ((5,), (3,)), ((7,), (9,))] if nd == 1 else [((6, 5), (3, 2)), ((2, 3), (4, 5))]
        func = {(1, False): sigconv.convolve, (1, True): sigconv.correlate,
                (2, False): sigconv.convolve2d, (2, True): sigconv.correlate2d}[nd, correlate]
        modes = MODES if nd == 1 else ("full", "same")
        grid = itertools.product(shapes, modes, BOUNDARIES, (0.0, 1.5), (1, 2), (1, 3))
        for (xs, ks), mode, boundary, fill, stride, dilation in grid:
            x, k = rng.standard_normal(xs), rng.standard_normal(ks)
            got = func(x, k, mode, method="direct", boundary=boundary, fill_value=fill, stride=stride,
                       dilation=dilation)
            want = conv_reference(x, k, mode, boundary=boundary, fill_value=fill, stride=stride, dilation=dilation,
                                  correlate=correlate, nd=nd)
            assert_close(got, want, scale=max(1.0, float(np.abs(want).max())), n_terms=64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_lane_layout_equals_definition(dtype, rng, monkeypatch):
    """The lane layout (long kernel rows) is forced for every call it can compute: 1D and 2D,
    every boundary and fill, modes, row stride and dilation, kernel widths around the runs of
    eight, rows filling several lanes, segments and partial blocks; column stride/dilation
    falls back to the blocked loop (the polyphase form, which would run the lane layout on its
    phase signals, is off: tests/test_convolve_stride.py covers it)."""
    engine = sys.modules["sigconv.convolve"]
    monkeypatch.setattr(engine._cost, "lanes_pay", lambda plan, threads: True)
    monkeypatch.setattr(engine._cost, "phases_pay", lambda plan, workers: False)
    calls = []
    monkeypatch.setattr(engine, "correlate_lanes", lambda *a: calls.append(1) or _LANES(*a))
    cases = [((3000,), (37,)), ((700,), (8,)), ((5000,), (300,)), ((64,), (70,))]
    cases += [((9, 300), (4, 13)), ((12, 200), (3, 8)), ((5, 150), (2, 19)), ((4, 40), (3, 5))]
    eligible = 0
    for (xs, ks), mode, boundary, fill in itertools.product(cases, MODES, BOUNDARIES, (0.0, 1.5)):
        nd = len(xs)
        x, k = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ks).astype(dtype)
        func = sigconv.convolve if nd == 1 else sigconv.convolve2d
        for stride, dilation in ((1, 1), ((2, 1), (3, 1)), (2, 1), (1, 2)):
            if nd == 1 and isinstance(stride, tuple):
                continue
            reach = [(m - 1) * d + 1 for m, d in zip(ks, np.broadcast_to(dilation, nd))]
            if mode == "valid" and np.any(np.array(reach) > xs):
                continue
            batch = x[None] if nd == 1 else x   # a batch of one: not the small-call shortcut
            got = func(batch, k, mode, method="direct", boundary=boundary, fill_value=fill, stride=stride,
                       dilation=dilation)
            got = got[0] if nd == 1 else got
            eligible += np.ravel(stride)[-1] == 1 and np.ravel(dilation)[-1] == 1
            want = conv_reference(x.astype(float), k.astype(float), mode, boundary=boundary, fill_value=fill,
                                  stride=stride, dilation=dilation, nd=nd)
            assert got.dtype == dtype
            assert_close(got, want, scale=max(1.0, float(np.abs(want).max())), n_terms=int(np.prod(ks)),
                         dtype=dtype)
    assert len(calls) == eligible > 300   # every call with unit column stride and dilation


def test_lane_layout_keeps_nan_local_and_zero_fill_from_nan_taps(rng, monkeypatch):
    """In the lane layout a NaN sample reaches only the outputs whose window covers it; a
    kernel with a NaN tap runs the blocked loop, where (as in numpy) the tap never meets the
    zero fill."""
    engine = sys.modules["sigconv.convolve"]
    monkeypatch.setattr(engine._cost, "lanes_pay", lambda plan, threads: True)
    calls = []
    monkeypatch.setattr(engine, "correlate_lanes", lambda *a: calls.append(1) or _LANES(*a))
    x, k = rng.standard_normal((1, 4000)), rng.standard_normal(40)
    x[0, 1000] = np.nan
    got = sigconv.convolve(x, k, "full", method="direct")[0]
    assert calls == [1]
    hit = np.zeros(got.shape, bool)
    hit[1000:1040] = True
    assert np.isnan(got[hit]).all() and np.isfinite(got[~hit]).all()
    x[0, 1000], k[3] = 1.0, np.nan
    got = sigconv.convolve(x, k, "full", method="direct")[0]
    assert calls == [1]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(np.convolve(x[0], k, "full")))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_short_kernels_over_several_long_tasks_equal_definition(dtype, rng):
    """Kernels of at most eight taps run in one pass over long tasks (STREAM_BLOCK outputs,
    eight taps with default-width vectors): rows spanning several tasks and a partial one, on
    one thread and on all, with boundaries read in the kernel and edge outputs in every task
    position."""
    n = 2 * _conv.STREAM_BLOCK + 1234
    cases = [((n,), (1,)), ((n,), (5,)), ((n,), (8,)), ((3, n), (2, 4)), ((3, n), (1, 8)), ((5, n), (3, 3))]
    for (xs, ks), mode, boundary, workers in itertools.product(cases, MODES, ("fill", "wrap"), (1, None)):
        nd = len(xs)
        x, k = rng.standard_normal(xs).astype(dtype), rng.standard_normal(ks).astype(dtype)
        func = sigconv.convolve if nd == 1 else sigconv.convolve2d
        for stride, dilation in ((1, 1), (3, 1), (1, 2)):
            got = func(x, k, mode, method="direct", boundary=boundary, stride=stride, dilation=dilation,
                       workers=workers)
            want = conv_reference(x.astype(float), k.astype(float), mode, boundary=boundary, stride=stride,
                                  dilation=dilation, nd=nd)
            assert got.dtype == dtype
            assert_close(got, want, scale=max(1.0, float(np.abs(want).max())), n_terms=k.size, dtype=dtype)


def test_boundary_in_kernel_on_images(rng):
    """A 3×3 kernel on an image reads the boundary in the kernel (no copy) and equals scipy."""
    engine = sys.modules["sigconv.convolve"]
    x, k = rng.standard_normal((300, 400)), rng.standard_normal((3, 3))
    plan, _, _ = engine.make_plan(x, k, nd=2, axes=(-2, -1), mode="same", boundary="symm", fill_value=0,
                                  stride=1, dilation=1, flip=True)
    assert engine._direct_boundary(plan, "symm", True) is not None
    for boundary in ("symm", "wrap"):
        got = sigconv.convolve2d(x, k, "same", method="direct", boundary=boundary)
        assert_close(got, ss.convolve2d(x, k, "same", boundary=boundary), scale=10.0, n_terms=9)


def test_stride_and_dilation_identities(rng):
    x, k = rng.standard_normal(200), rng.standard_normal(7)
    dilated = np.zeros(19)
    dilated[::3] = k
    for mode in MODES:
        np.testing.assert_allclose(sigconv.convolve(x, k, mode, dilation=3), sigconv.convolve(x, dilated, mode),
                                   atol=1e-12)
        np.testing.assert_allclose(sigconv.convolve(x, k, mode, stride=4), sigconv.convolve(x, k, mode)[::4],
                                   atol=1e-12)


# ----------------------------------------------------------------------------- layout
def test_kernel_bank_broadcasts_against_batch(rng):
    x = rng.standard_normal((4, 50))
    bank = rng.standard_normal((3, 5))
    for method in METHODS:
        out = sigconv.convolve(x[:, None, :], bank, "same", method=method)
        assert out.shape == (4, 3, 50)
        for b, f in itertools.product(range(4), range(3)):
            np.testing.assert_allclose(out[b, f], ss.convolve(x[b], bank[f], "same"), atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_axis_places_output_like_x(method, rng):
    x = rng.standard_normal((30, 4, 2))
    k = rng.standard_normal(5)
    out = sigconv.correlate(x, k, "valid", axis=0, method=method)
    assert out.shape == (26, 4, 2)
    assert out.flags.c_contiguous
    np.testing.assert_allclose(out, np.apply_along_axis(lambda v: ss.correlate(v, k, "valid"), 0, x), atol=1e-12)
    kb = rng.standard_normal((2, 5))   # a bank broadcasting against the last batch axis
    out = sigconv.convolve(x, kb, "full", axis=0, method=method)
    assert out.shape == (34, 4, 2)
    np.testing.assert_allclose(out[:, 1, 1], ss.convolve(x[:, 1, 1], kb[1]), atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_2d_axes_and_batch(method, rng):
    x = rng.standard_normal((9, 8, 3))   # an RGB image, convolved over (0, 1)
    k = rng.standard_normal((3, 3))
    out = sigconv.convolve2d(x, k, "same", axes=(0, 1), method=method)
    assert out.shape == (9, 8, 3)
    for c in range(3):
        np.testing.assert_allclose(out[..., c], ss.convolve2d(x[..., c], k, "same"), atol=1e-12)
    swapped = sigconv.convolve2d(x[..., 0], k, "full", axes=(1, 0), method=method)
    np.testing.assert_allclose(swapped, ss.convolve2d(x[..., 0].T, k).T, atol=1e-12)


def test_workers_do_not_change_results(rng):
    x, k = rng.standard_normal((3, 40_000)), rng.standard_normal(300)
    for method in METHODS:
        one = sigconv.convolve(x, k, method=method, workers=1)
        np.testing.assert_allclose(one, sigconv.convolve(x, k, method=method, workers=None), atol=1e-10)


# ----------------------------------------------------------------------------- non-finite values
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_stays_local_1d(method, bad, rng):
    x, k = rng.standard_normal(3000), rng.standard_normal(40)
    x[1000] = bad
    x[2500] = bad
    for mode, dilation, stride in itertools.product(MODES, (1, 3), (1, 2)):
        got = sigconv.convolve(x, k, mode, method=method, dilation=dilation, stride=stride)
        want = sigconv.convolve(x, k, mode, method="direct", dilation=dilation, stride=stride)
        np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
        ok = np.isfinite(want)
        np.testing.assert_allclose(got[ok], want[ok], atol=1e-9)
        assert ok.sum() > 0.9 * ok.size    # the damage is local, not the whole output


@pytest.mark.parametrize("method", METHODS)
def test_non_finite_stays_local_2d(method, rng):
    x, k = rng.standard_normal((60, 50)), rng.standard_normal((5, 4))
    x[10, 20] = np.nan
    got = sigconv.convolve2d(x, k, "same", method=method)
    hit = np.zeros_like(x, bool)
    # 'same' output (i, j) = full (i + 2, j + 1) reads x rows i - 2 .. i + 2, columns j - 2 .. j + 1
    hit[10 - 2: 10 + 3, 20 - 1: 20 + 3] = True
    np.testing.assert_array_equal(np.isnan(got), hit)
    np.testing.assert_allclose(got[~hit], ss.convolve2d(np.nan_to_num(x), k, "same")[~hit], atol=1e-10)


def test_non_finite_kernel(rng):
    x, k = rng.standard_normal(500), rng.standard_normal(30)
    k[4] = np.nan
    for method in METHODS:
        assert np.isnan(sigconv.convolve(x, k, method=method)).sum() == 500


# ----------------------------------------------------------------------------- inputs
def test_inputs_are_not_modified(rng):
    x, k = rng.standard_normal((3, 300)), rng.standard_normal(20)
    x[0, 5] = np.nan
    x0, k0 = x.copy(), k.copy()
    x.flags.writeable = False
    k.flags.writeable = False
    for method, func in itertools.product(METHODS, (sigconv.convolve, sigconv.correlate)):
        func(x, k, "same", method=method, boundary="reflect")
    sigconv.convolve2d(x, k[None, :4], method="fft")
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(k, k0)


@pytest.mark.parametrize("method", METHODS)
def test_outputs_are_new_writeable_arrays(method, rng):
    x, k = rng.standard_normal(300), rng.standard_normal(20)
    for out in (sigconv.convolve(x, k, "same", method=method),
                sigconv.correlate(x[None, :], np.stack([k, k]), "valid", method=method),
                sigconv.convolve2d(x.reshape(15, 20), k.reshape(4, 5), method=method)):
        assert out.flags.writeable and out.flags.c_contiguous
        assert not np.shares_memory(out, x) and not np.shares_memory(out, k)


def test_accepts_lists_and_non_contiguous(rng):
    x = rng.standard_normal((50, 40))[::2, ::3]
    k = rng.standard_normal((6, 4))[::2, ::-1]
    for method in METHODS:
        np.testing.assert_allclose(sigconv.convolve2d(x, k, method=method), ss.convolve2d(x, k), atol=1e-12)
    assert sigconv.convolve([1, 2], [1]).tolist() == [1.0, 2.0]


BAD_CALLS = [
    (lambda: sigconv.convolve([], [1.0]), ValueError, "`x`"),
    (lambda: sigconv.convolve([1.0], []), ValueError, "`kernel`"),
    (lambda: sigconv.convolve(np.ones((2, 0)), [1.0]), ValueError, "`x`"),
    (lambda: sigconv.convolve(3.0, [1.0]), ValueError, "`x`"),
    (lambda: sigconv.convolve2d(np.ones(5), np.ones((2, 2))), ValueError, "`x`"),
    (lambda: sigconv.convolve2d(np.ones((5, 5)), np.ones(2)), ValueError, "`kernel`"),
    (lambda: sigconv.convolve(["a", "b"], [1.0]), TypeError, "`x`"),
    (lambda: sigconv.convolve([1.0, 2.0], ["a"]), TypeError, "`kernel`"),
    (lambda: sigconv.convolve(None, [1.0]), TypeError, "`x`"),
    (lambda: sigconv.convolve([[1.0], [1.0, 2.0]], [1.0]), ValueError, "`x`"),
    (lambda: sigconv.convolve(np.array(["2020-01-01"], "datetime64[D]"), [1.0]), TypeError, "`x`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], "middle"), ValueError, "`mode`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], 3), TypeError, "`mode`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], method="fast"), ValueError, "`method`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], boundary="zero"), ValueError, "`boundary`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], stride=0), ValueError, "`stride`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], stride=1.5), TypeError, "`stride`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], stride=True), TypeError, "`stride`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], dilation=-1), ValueError, "`dilation`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], dilation="2"), TypeError, "`dilation`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], axis=1), ValueError, "`axis`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], axis=0.5), TypeError, "`axis`"),
    (lambda: sigconv.convolve2d(np.ones((3, 3)), np.ones((2, 2)), axes=(0, 0)), ValueError, "`axes`"),
    (lambda: sigconv.convolve2d(np.ones((3, 3)), np.ones((2, 2)), axes=(0,)), ValueError, "`axes`"),
    (lambda: sigconv.convolve2d(np.ones((3, 3)), np.ones((2, 2)), axes=5), TypeError, "`axes`"),
    (lambda: sigconv.convolve2d(np.ones((3, 3)), np.ones((2, 2)), stride=(1, 2, 3)), ValueError, "`stride`"),
    (lambda: sigconv.convolve2d(np.ones((3, 3)), np.ones((2, 2)), dilation=(1, 0)), ValueError, "`dilation`"),
    (lambda: sigconv.convolve(np.ones((3, 5)), np.ones((2, 2))), ValueError, "broadcast"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], fill_value="x"), TypeError, "`fill_value`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], fill_value=[1, 2]), TypeError, "`fill_value`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], fill_value=1j), TypeError, "`fill_value`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], workers="all"), TypeError, "`workers`"),
    (lambda: sigconv.convolve([1.0, 2.0], [1.0], workers=0), ValueError, "`workers`"),
    (lambda: sigconv.choose_method([1.0], [1.0], axis=0, axes=(0, 1)), TypeError, "`axis`"),
    (lambda: sigconv.choose_method([1.0], [1.0], "nope"), ValueError, "`mode`"),
]


@pytest.mark.parametrize("call, error, fragment", BAD_CALLS)
def test_bad_input_raises_clear_error(call, error, fragment):
    with pytest.raises(error, match=fragment.replace("`", "`?").replace("(", r"\(")):
        call()


# ----------------------------------------------------------------------------- auto and properties
def test_choose_method_is_consistent(rng):
    assert sigconv.choose_method(np.ones(1000), np.ones(5)) == "direct"
    assert sigconv.choose_method(np.ones(100_000), np.ones(10_000)) in ("fft", "overlap-add")
    assert sigconv.choose_method(np.ones(10_000_000), np.ones(2048)) == "overlap-add"
    assert sigconv.choose_method(np.ones((64, 64)), np.ones((3, 3)), axes=(0, 1)) == "direct"
    # a large stride makes direct cheap: only the kept outputs are computed
    assert sigconv.choose_method(np.ones(100_000), np.ones(64), stride=64) == "direct"
    # images: direct for small kernels, overlap-save tiles for large ones (measured 2048²: 31×31
    # float64 direct 94-100 ms on two threads, tiles 65-70 ms)
    image = np.ones((2048, 2048))
    assert sigconv.choose_method(image, np.ones((7, 7)), "same", axes=(0, 1)) == "direct"
    assert sigconv.choose_method(image, np.ones((31, 31)), "same", axes=(0, 1)) == "overlap-add"
    assert sigconv.choose_method(image, np.ones((31, 31)), "same", axes=(0, 1), workers=1) == "overlap-add"


@settings(max_examples=80, deadline=None)
@given(lengths=st.tuples(st.integers(1, 5000), st.integers(1, 5000)),
       me=st.tuples(st.integers(1, 300), st.integers(1, 300)))
def test_tile_shape_is_fast_and_fits_the_kernel(lengths, me):
    """Overlap-save tiles are fast transform lengths of at least ``2 * Me - 1`` per axis, or
    one tile over the whole axis."""
    from scipy.fft import next_fast_len

    from sigconv._fft import tile_shape

    for f, length, m in zip(tile_shape(lengths, me), lengths, me):
        assert next_fast_len(f, real=True) == f
        assert f >= min(2 * m - 1, length + m - 1) and f - m + 1 >= 1
        assert f <= next_fast_len(length + m - 1, real=True)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 40), m=st.integers(1, 12), mode=st.sampled_from(MODES),
    method=st.sampled_from(METHODS), boundary=st.sampled_from(BOUNDARIES),
    stride=st.integers(1, 4), dilation=st.integers(1, 3), batch=st.sampled_from([(), (2,), (1, 3)]),
    correlate=st.booleans(),
)
def test_property_shape_and_oracle(n, m, mode, method, boundary, stride, dilation, batch, correlate):
    rng = np.random.default_rng(n * 1000 + m)
    x = rng.standard_normal(batch + (n,))
    k = rng.standard_normal(m)
    func = sigconv.correlate if correlate else sigconv.convolve
    out = func(x, k, mode, method=method, boundary=boundary, stride=stride, dilation=dilation)
    me = (m - 1) * dilation + 1
    length = {"full": n + me - 1, "same": n, "valid": abs(n - me) + 1}[mode]
    assert out.shape == batch + (-(-length // stride),)
    want = conv_reference(x.reshape(-1, n)[0], k, mode, boundary=boundary, stride=stride, dilation=dilation,
                          correlate=correlate)
    np.testing.assert_allclose(out.reshape(-1, out.shape[-1])[0], want, atol=1e-9 * max(1, np.abs(want).max()))


@settings(max_examples=40, deadline=None)
@given(
    xs=st.tuples(st.integers(1, 12), st.integers(1, 12)), ks=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    mode=st.sampled_from(("full", "same")), method=st.sampled_from(METHODS),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)), dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
)
def test_property_2d_shapes(xs, ks, mode, method, stride, dilation):
    x = np.ones(xs, np.float32)
    out = sigconv.correlate2d(x, np.ones(ks, np.float32), mode, method=method, stride=stride, dilation=dilation)
    assert out.dtype == np.float32
    for a in range(2):
        me = (ks[a] - 1) * dilation[a] + 1
        length = xs[a] + me - 1 if mode == "full" else xs[a]
        assert out.shape[a] == -(-length // stride[a])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_simple_plan_equals_validated_plan(dtype):
    """The shortcut plan of a plain 1D call is the plan the validating planner builds."""
    engine = sys.modules["sigconv.convolve"]
    for n, m, mode, flip in itertools.product((1, 7, 100), (1, 3, 7), MODES, (True, False)):
        if m > n:
            continue
        x, k = np.ones(n, dtype), np.ones(m, dtype)
        fast = engine._simple_plan(x, k, mode, "auto", -1, "fill", 0, 1, 1, flip)
        full, _, _ = engine.make_plan(x, k, nd=1, axes=(-1,), mode=mode, boundary="fill", fill_value=0, stride=1,
                                      dilation=1, flip=flip)
        assert fast == full
    assert engine._simple_plan(np.ones(3), np.ones(4), "full", "auto", -1, "fill", 0, 1, 1, True) is None
    assert engine._simple_plan(np.ones(5), np.ones(2, np.float32), "full", "auto", -1, "fill", 0, 1, 1, True) is None


# ----------------------------------------------------------------------------- exact integers
@pytest.mark.parametrize("method", METHODS)
def test_integers_exact_on_every_method(method, rng):
    """Integer inputs within the bound the cost model uses give exactly integer results on
    every method (the transforms round), equal to scipy's integer convolution; 1D, 2D, a
    batch, a boundary and an integer fill value."""
    np.testing.assert_array_equal(sigconv.convolve(np.arange(3), np.arange(3), method=method), [0, 0, 1, 4, 4])
    assert not np.signbit(sigconv.convolve(np.arange(3), np.arange(3), method=method)).any()
    x = rng.integers(-1000, 1000, (3, 5000))
    k = rng.integers(-50, 50, 301)
    want = np.array([ss.convolve(row, k) for row in x], dtype=np.float64)
    np.testing.assert_array_equal(sigconv.convolve(x, k, method=method), want)
    img, ker = rng.integers(0, 256, (120, 90), dtype=np.uint8), rng.integers(-3, 4, (9, 7)).astype(np.int16)
    np.testing.assert_array_equal(sigconv.convolve2d(img, ker, "same", method=method, boundary="symm"),
                                  ss.convolve2d(img.astype(np.int64), ker, "same", boundary="symm"))
    np.testing.assert_array_equal(sigconv.correlate(x[0], k, method=method, fill_value=2),
                                  ss.correlate(np.pad(x[0], 300, constant_values=2), k, "valid"))


def test_non_integer_fill_is_not_rounded():
    got = sigconv.convolve(np.arange(3), np.arange(3), method="fft", fill_value=0.5)
    np.testing.assert_allclose(got, [1.5, 1.0, 1.0, 4.0, 4.5])
