"""Tests of sigconv.stream's filters (API.md §8): every split of a signal into chunks gives
the batch function's result (bit for bit where the batch runs direct), checked against the
batch functions, the naive loops of tests/reference.py and scipy/pandas; the chunk rules
(batch shape, dtype, empty chunks, refused chunks leave the state unchanged); copies and
pickles branch a stream."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import stream
from sigconv.convolve import convolve
from sigconv.filters import ar_filter, arma_filter, ewma, moving_average, sos_filter
from tests import reference as ref
from tests.conftest import assert_close, eps_of

SOS4 = scipy.signal.butter(4, 0.15, output="sos")


def run(s, x, cuts):
    """Push ``x`` split at ``cuts`` (along the last axis), then flush; concatenated."""
    parts = np.split(x, cuts, axis=-1)
    return np.concatenate([s.push(p) for p in parts] + [s.flush()], axis=-1)


@st.composite
def splits(draw, max_n=90):
    """``(x, cuts)``: a float32/float64 signal with NaN and ±inf at a few places, and a split
    (single samples, random uneven cuts with empty chunks, or one chunk)."""
    n = draw(st.integers(1, max_n))
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = (rng.standard_normal(n) * 3 + draw(st.sampled_from([0.0, 50.0]))).astype(dtype)
    for v in draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf]), max_size=3)):
        x[rng.integers(n)] = v
    kind = draw(st.sampled_from(["single", "random", "one"]))
    if kind == "single":
        cuts = list(range(1, n))
    elif kind == "one":
        cuts = []
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=12)))
    return x, cuts


def fir_tolerance(x, k, dtype):
    finite = x[np.isfinite(x)]
    scale = (np.abs(finite).max() if finite.size else 1.0) * np.abs(k).sum()
    return dict(scale=scale, n_terms=k.size, k=16.0)


# ----------------------------------------------------------------------------------- FIR


@settings(max_examples=60, deadline=None)
@given(data=splits(), taps=st.integers(1, 40), method=st.sampled_from(["direct", "auto", "partitioned"]),
       seed=st.integers(0, 1000))
def test_fir_any_split_equals_convolve_full(data, taps, method, seed):
    x, cuts = data
    k = np.random.default_rng(seed).standard_normal(taps).astype(x.dtype)
    if method == "partitioned" and taps < 2:
        method = "direct"
    block = None if method != "partitioned" else int(np.random.default_rng(seed).integers(1, taps))
    y = run(stream.FIR(k, method=method, block=block), x, cuts)
    want = convolve(x, k, "full", method="direct")
    assert y.dtype == x.dtype and y.shape == want.shape
    assert_close(y, want, **fir_tolerance(x, k, x.dtype))
    np.testing.assert_array_equal(np.isnan(y), np.isnan(want))
    if method == "direct":   # bit for bit where the window lies inside the signal
        np.testing.assert_array_equal(y[taps - 1:x.size], want[taps - 1:x.size])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("method, block", [("direct", None), ("auto", None), ("partitioned", 16),
                                           ("partitioned", 64), ("partitioned", None)])
def test_fir_long_kernel_batch_against_naive(dtype, method, block, rng):
    x = rng.standard_normal((2, 3, 700)).astype(dtype)
    x[0, 1, 300] = np.nan
    x[1, 2, 500] = np.inf
    k = rng.standard_normal(257).astype(dtype)
    cuts = np.sort(rng.integers(0, 700, 25))
    y = run(stream.FIR(k, method=method, block=block), x, cuts)
    want = np.stack([[ref.conv_reference(row, k.astype(np.float64)) for row in rows] for rows in x])
    assert y.dtype == dtype
    assert_close(y, want, dtype=dtype, **fir_tolerance(x, k, dtype))
    np.testing.assert_array_equal(np.isnan(y), np.isnan(want))


@pytest.mark.parametrize("chunk", [1, 63, 64, 65, 1000, 4096])
def test_fir_partitioned_chunk_sizes_against_scipy_lfilter(chunk, rng):
    x = rng.standard_normal(5000)
    k = scipy.signal.firwin(501, 0.2)
    f = stream.FIR(k, method="partitioned", block=64)
    parts = [f.push(x[s:s + chunk]) for s in range(0, x.size, chunk)]
    assert all(p.size == min(chunk, x.size - s) for p, s in zip(parts, range(0, x.size, chunk)))
    y = np.concatenate(parts)
    want = scipy.signal.lfilter(k, [1.0], x)
    assert_close(y, want, **fir_tolerance(x, k, x.dtype))
    assert f.flush().shape == (500,)


def test_fir_auto_plans_by_cost():
    k = np.ones(1001)
    short, long_ = stream.FIR(k), stream.FIR(np.ones(100_000))
    short.push(np.zeros(4096))
    long_.push(np.zeros(256))
    assert short.block == 1001       # one transform per chunk beats partitions here
    assert long_.block < 100_000     # small chunks through a long kernel: partitions
    assert stream.fir.partitioned_seconds(256, 100_000, long_.block, np.float64) < \
        stream.fir.partitioned_seconds(256, 100_000, 100_000, np.float64)


def test_fir_state_is_last_samples(rng):
    x = rng.standard_normal(50)
    f = stream.FIR(np.ones(5))
    f.push(x[:2])
    np.testing.assert_array_equal(f.state, np.r_[0.0, 0.0, x[:2]])
    f.push(x[2:])
    np.testing.assert_array_equal(f.state, x[-4:])


# ----------------------------------------------------------------------------------- moving average

MA_CASES = [
    (5, "uniform", {}), (5, "uniform", {"min_periods": 2}), (5, "uniform", {"nan_policy": "omit", "min_periods": 1}),
    (4, "triangular", {}), (6, "linear", {"min_periods": 3}), (9, "gaussian", {"std": 2.0, "nan_policy": "omit",
                                                                               "min_periods": 4}),
    ([0.5, 0.3, 0.2], "uniform", {}), (1, "uniform", {}),
]


@settings(max_examples=50, deadline=None)
@given(data=splits(), case=st.sampled_from(MA_CASES))
def test_moving_average_any_split(data, case):
    x, cuts = data
    window, weights, kw = case
    y = run(stream.MovingAverage(window, weights, **kw), x, cuts)
    want = moving_average(x, window, weights, **kw)
    assert y.dtype == x.dtype
    assert_close(y, want, n_terms=np.size(window) if np.ndim(window) else window)
    if not (weights == "uniform" and np.ndim(window) == 0):
        # the direct window sums, where the window lies inside the signal: bit for bit
        m = np.size(window) if np.ndim(window) else window
        np.testing.assert_array_equal(y[m - 1:], want[m - 1:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("window, min_periods, policy", [(7, None, "propagate"), (7, 3, "omit"), (20, 1, "omit")])
def test_moving_average_against_pandas_and_loop(dtype, window, min_periods, policy, rng):
    x = rng.standard_normal(300).astype(dtype)
    x[[10, 11, 150]] = np.nan
    y = run(stream.MovingAverage(window, min_periods=min_periods, nan_policy=policy), x, [1, 2, 50, 51, 52, 299])
    minp = window if min_periods is None else min_periods
    loop = ref.moving_average_loop(x, np.full(window, 1.0 / window), 0, minp, policy == "omit")
    assert_close(y, loop, dtype=dtype, n_terms=window)
    if policy == "omit":
        pandas = pd.Series(x.astype(np.float64)).rolling(window, min_periods=minp).mean().to_numpy()
        assert_close(y, pandas, dtype=dtype, n_terms=window)


def test_moving_average_raise_policy_refuses_nan_chunk():
    ma = stream.MovingAverage(3, nan_policy="raise")
    ma.push([1.0, 2.0])
    with pytest.raises(ValueError, match="`chunk`"):
        ma.push([np.nan])
    np.testing.assert_array_equal(ma.push([3.0]), [2.0])


# ----------------------------------------------------------------------------------- EWMA

@settings(max_examples=50, deadline=None)
@given(data=splits(), adjust=st.booleans(), alpha=st.sampled_from([0.05, 0.3, 0.5, 1.0]),
       minp=st.integers(0, 4))
def test_ewma_any_split_bit_for_bit(data, adjust, alpha, minp):
    x, cuts = data
    y = run(stream.EWMA(alpha=alpha, adjust=adjust, min_periods=minp), x, cuts)
    want = ewma(x, alpha=alpha, adjust=adjust, min_periods=minp)
    assert y.dtype == x.dtype
    np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("adjust", [True, False])
def test_ewma_against_pandas_and_loop(dtype, adjust, rng):
    x = rng.standard_normal(200).astype(dtype)
    x[[0, 50, 51, 52]] = np.nan
    y = run(stream.EWMA(span=10, adjust=adjust), x, list(range(1, 200, 7)))
    pandas = pd.Series(x.astype(np.float64)).ewm(span=10, adjust=adjust).mean().to_numpy()
    assert_close(y, pandas, dtype=dtype, n_terms=200)
    assert_close(y, ref.ewma_loop(x, 2 / 11, adjust), dtype=dtype, n_terms=200)


# ----------------------------------------------------------------------------------- ARMA / SOS

ARMA_CASES = [((0.5,), (), None), ((0.6, -0.3), (0.4, 0.2), None), ((), (0.5, -0.5, 0.25), None),
              ((0.5, -0.2, 0.1), (), (1.0, -2.0, 0.5)), ((0.9,), (0.3,), (2.0,)),
              ((0.3,), tuple(0.5 ** np.arange(1, 13)), None)]   # q = 12: the MA part through the engine


@settings(max_examples=50, deadline=None)
@given(data=splits(), case=st.sampled_from(ARMA_CASES))
def test_arma_any_split(data, case):
    x, cuts = data
    ar, ma, zi = case
    y = run(stream.ARMA(ar, ma, zi=zi), x, cuts)
    if zi is None:
        want = arma_filter(x, ar, ma)
    else:   # zi starts the AR part; the MA part starts from rest
        want = ar_filter(convolve(x, np.r_[1.0, ma].astype(x.dtype), "full")[:x.size], ar, zi=zi)
    assert y.dtype == x.dtype
    finite = x[np.isfinite(x)]
    scale = max(np.abs(finite).max() if finite.size else 1.0, 1.0) * 10
    assert_close(y, want, scale=scale, n_terms=x.size, k=16.0)
    if not ma and len(ar) == 1:   # the AR(1) recursion continued from its zi: bit for bit
        np.testing.assert_array_equal(y, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_arma_against_lfilter_and_loop_batch(dtype, rng):
    x = rng.standard_normal((3, 400)).astype(dtype)
    ar, ma = [0.5, -0.25], [0.4]
    y = run(stream.ARMA(ar, ma), x, [3, 4, 100, 399])
    assert_close(y, scipy.signal.lfilter(np.r_[1, ma], np.r_[1, -np.array(ar)], x), dtype=dtype, n_terms=400)
    assert_close(y[1], ref.arma_filter_loop(x[1], ar, ma), dtype=dtype, n_terms=400)
    f = stream.ARMA(ar, zi=[[1.0, 2.0], [0.0, 0.0], [3.0, -1.0]])
    y = run(f, x, [5])
    assert_close(y[2], ar_filter(x[2], ar, zi=[3.0, -1.0]), n_terms=400)


def test_arma_state_is_ar_filter_zi(rng):
    x = rng.standard_normal(100)
    f = stream.ARMA([0.5, 0.2, -0.1])
    head = f.push(x[:60])
    z = f.state["zi"]
    np.testing.assert_array_equal(z, head[::-1][:3])
    assert_close(f.push(x[60:]), ar_filter(x[60:], [0.5, 0.2, -0.1], zi=z), n_terms=40)


@settings(max_examples=40, deadline=None)
@given(data=splits())
def test_sos_any_split(data):
    # the state is carried in float64 (sos_filter's zf), but the kernel's loop may fuse a
    # multiply-add differently at the start of a chunk: equal to rounding, not bit for bit
    x, cuts = data
    y = run(stream.SOS(SOS4), x, cuts)
    want = sos_filter(SOS4, x)
    assert y.dtype == x.dtype
    finite = x[np.isfinite(x)]
    assert_close(y, want, scale=max(np.abs(finite).max(initial=0.0), 1.0), n_terms=x.size)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sos_against_scipy_and_loop(dtype, rng):
    x = rng.standard_normal((2, 500)).astype(dtype)
    zi = scipy.signal.sosfilt_zi(SOS4)
    zi2 = np.stack([zi, zi], axis=1) * x[:, :1].astype(np.float64)[None]
    f = stream.SOS(SOS4, zi=zi2)
    y = run(f, x, [1, 2, 250])
    want, _ = scipy.signal.sosfilt(SOS4, x.astype(np.float64), zi=zi2)
    assert_close(y, want, dtype=dtype, n_terms=500)
    y0 = run(stream.SOS(SOS4), x, [100])
    assert_close(y0[0], ref.sos_loop(SOS4, x[0]), dtype=dtype, n_terms=500)


# ----------------------------------------------------------------------------------- chunk rules

ALL = [lambda: stream.FIR(np.full(4, 0.25, np.float32)), lambda: stream.MovingAverage(3),
       lambda: stream.EWMA(alpha=0.3), lambda: stream.ARMA([0.5], [0.2]), lambda: stream.SOS(SOS4),
       lambda: stream.Matcher([1.0, 3.0, 2.0])]


@pytest.mark.parametrize("make", ALL)
def test_dtypes_and_casts(make, rng):
    s = make()
    out = s.push(np.ones(5, np.float32))
    assert out.dtype == np.float32 and s.dtype == np.float32
    assert s.push(np.ones(3)).dtype == np.float32              # later chunks cast to the first dtype
    with pytest.raises(TypeError, match="`chunk`"):
        s.push(np.ones(3, np.int64))                           # another kind
    with pytest.raises(TypeError, match="`chunk`"):
        s.push(np.ones(3, np.complex64))
    s = make()
    assert s.push(np.arange(5)).dtype == np.float64           # ints compute in float64
    assert s.push(np.arange(5, dtype=np.int8)).dtype == np.float64
    with pytest.raises(TypeError, match="`chunk`"):
        s.push(np.ones(3))                                     # float after int


@pytest.mark.parametrize("make", ALL)
def test_bad_chunk_leaves_state_unchanged(make, rng):
    x = rng.standard_normal((2, 60))
    s, whole = make(), make()
    want = run(whole, x, [30])
    first = s.push(x[:, :30])
    for bad, exc in [(x[:1, 30:], ValueError), (x[:, 30:].astype(np.complex128), TypeError),
                     (x[:, 30:].astype(int), TypeError), (x[None, :, 30:], ValueError),
                     (np.float64(1.0), ValueError), ("abc", TypeError), (None, TypeError),
                     ([[1.0], [2.0, 3.0]], ValueError), (np.array([["a"], ["b"]]), TypeError)]:
        with pytest.raises(exc, match="`chunk`"):
            s.push(bad)
    assert s.position == 30
    got = np.concatenate([first, s.push(x[:, 30:]), s.flush()], axis=-1)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("make", ALL)
def test_empty_chunks_position_reset(make, rng):
    x = rng.standard_normal(40)
    s = make()
    assert s.push(np.empty(0)).shape == (0,)
    assert s.position == 0
    a = s.push(x[:25])
    assert s.push(x[25:25]).shape == (0,)
    assert s.position == 25
    b = s.push(x[25:])
    c = s.flush()
    assert s.position == 0
    again = np.concatenate([s.push(x), s.flush()])             # a flushed stream starts afresh
    assert_close(np.concatenate([a, b, c]), again, n_terms=40)
    s.push(x[:5])
    s.reset()
    assert s.position == 0 and s.dtype is None
    s.push(np.ones((3, 4)))                                     # a new batch shape after reset


@pytest.mark.parametrize("make", ALL)
def test_copy_deepcopy_pickle_branch(make, rng):
    x = rng.standard_normal((2, 80))
    s = make()
    s.push(x[:, :37])
    for twin in (copy.copy(s), copy.deepcopy(s), pickle.loads(pickle.dumps(s))):
        a = np.concatenate([twin.push(x[:, 37:]), twin.flush()], axis=-1)
        assert twin.position == 0
        b_stream = copy.deepcopy(s)
        b = np.concatenate([b_stream.push(x[:, 37:]), b_stream.flush()], axis=-1)
        np.testing.assert_array_equal(a, b)
    assert s.position == 37          # the branches did not touch the original
    assert "position=37" in repr(s)


def test_inputs_not_modified(rng):
    x = rng.standard_normal(50)
    x.flags.writeable = False
    k = np.ones(7)
    k.flags.writeable = False
    for s in (stream.FIR(k, method="partitioned", block=2), stream.MovingAverage(k), stream.EWMA(com=2),
              stream.ARMA([0.5], [0.5]), stream.SOS(SOS4), stream.Matcher(x[:9])):
        s.push(x[:20])
        s.push(x[20:])
        s.flush()


def test_flush_before_push_and_float32_scale(rng):
    assert stream.FIR([1.0, 2.0]).flush().shape == (0,)
    # the engine's promotion: a float64 kernel with float32 chunks computes in float64
    assert stream.FIR(np.ones(3)).push(np.ones(4, np.float32)).dtype == np.float64
    # float32 stays float32 through the partitioned transforms
    f = stream.FIR(np.ones(300, np.float32), method="partitioned", block=32)
    y = f.push(np.ones(1000, np.float32))
    assert y.dtype == np.float32
    assert_close(y, np.minimum(np.arange(1, 1001), 300).astype(np.float32), scale=300, n_terms=300)
    assert eps_of(y.dtype) > 1e-8
