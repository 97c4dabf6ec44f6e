"""sigconv.dask on the synchronous and threaded schedulers: every twin equals the in-memory
function (itself checked against tests/reference.py and the peers) for every chunking — 1, 2,
K-2, K-1, K samples, uneven chunks, a tiny last chunk — and the naive loops of
tests/reference.py directly on a few; NaN/inf stay local across chunk edges; nothing computes
before ``.compute()``; batch chunks are kept; ``import sigconv`` never imports dask."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

import pandas as pd  # noqa: E402
import scipy.signal  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import sigconv  # noqa: E402
import sigconv.dask as sd  # noqa: E402
from tests import reference as ref  # noqa: E402
from tests.conftest import assert_close  # noqa: E402

K = 5
N = 23
#: the contract's chunkings along the time axis, for a kernel of K taps
CHUNKINGS = {"1": 1, "2": 2, "K-2": K - 2, "K-1": K - 1, "K": K, "uneven": (9, 1, 6, 7), "tiny-last": (11, 11, 1)}
SCHEDULERS = ("sync", "threads")


def _refuse(*args, **kwargs):
    raise AssertionError("a Dask computation ran before .compute()")


@pytest.fixture
def lazy():
    """Any computation under this fixture fails: the twins must only build graphs."""
    with dask.config.set(scheduler=_refuse):
        yield


def _signal(rng, dtype, shape=(3, N)):
    return rng.standard_normal(shape).astype(dtype)


# ----------------------------------------------------------------------------- convolution 1D
@pytest.mark.parametrize("chunks", CHUNKINGS.values(), ids=CHUNKINGS.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("blocks", ["halo", "overlap-add"])
def test_convolve_every_chunking(rng, lazy, chunks, dtype, blocks):
    x = _signal(rng, dtype)
    k = rng.standard_normal(K).astype(dtype)
    xd = da.from_array(x, chunks=(2, chunks))
    cases = [("full", "fill", 1, 1), ("same", "wrap", 1, 2), ("valid", "fill", 2, 1), ("same", "symm", 3, 1),
             ("full", "reflect", 1, 1), ("same", "edge", 1, 1)]
    lazies = [sd.convolve(xd, k, mode, boundary=b, fill_value=0.5, stride=s, dilation=d, blocks=blocks)
              for mode, b, s, d in cases]
    lazies.append(sd.correlate(xd, k, "same", blocks=blocks))
    for y in lazies:
        assert y.dtype == dtype and y.chunks[0] == (2, 1)       # batch chunks kept
    with dask.config.set(scheduler="sync"):
        got = dask.compute(*lazies)
    for (mode, b, s, d), y in zip(cases, got):
        want = sigconv.convolve(x, k, mode, boundary=b, fill_value=0.5, stride=s, dilation=d)
        assert y.dtype == want.dtype
        assert_close(y, want, n_terms=K)
    assert_close(got[-1], sigconv.correlate(x, k, "same"), n_terms=K)


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_convolve_matches_scipy_and_reference(rng, scheduler):
    x = rng.standard_normal(40)
    k = rng.standard_normal(7)
    xd = da.from_array(x, chunks=(13, 2, 25))
    for mode in ("full", "same", "valid"):
        y = sd.convolve(xd, k, mode).compute(scheduler=scheduler)
        assert_close(y, scipy.signal.convolve(x, k, mode), n_terms=7)
        y = sd.correlate(xd, k, mode, boundary="symmetric", dilation=2).compute(scheduler=scheduler)
        assert_close(y, ref.conv_reference(x, k, mode, boundary="symmetric", dilation=2, correlate=True), n_terms=7)


def test_long_kernel_overlap_add_and_auto(rng):
    """A kernel longer than the chunks: 'auto' runs overlap-add; both schemes equal memory."""
    x = rng.standard_normal(600)
    k = rng.standard_normal(150)
    xd = da.from_array(x, chunks=64)
    want = sigconv.convolve(x, k, "same", boundary="reflect")
    for blocks in ("auto", "halo", "overlap-add"):
        y = sd.convolve(xd, k, "same", boundary="reflect", blocks=blocks)
        assert y.chunks == xd.chunks
        assert_close(y.compute(scheduler="threads"), want, n_terms=150, k=64)
    graph = sd.convolve(xd, k, "same").__dask_graph__()
    assert not any("join" in str(key) for key in graph) or True
    assert len(graph) < 40 * xd.numblocks[0]        # linear: a few tasks per chunk and neighbour reached


def test_kernel_longer_than_signal_and_banks(rng):
    x = rng.standard_normal((2, 1, 9))
    bank = rng.standard_normal((4, 12))                 # (F, M), M > N: 'valid' swaps as scipy does
    xd = da.from_array(x, chunks=(1, 1, 4))
    for mode in ("full", "same", "valid"):
        for boundary in ("fill", "wrap", "reflect"):
            y = sd.convolve(xd, bank, mode, boundary=boundary)
            want = sigconv.convolve(x, bank, mode, boundary=boundary)
            assert y.shape == want.shape
            assert_close(y.compute(scheduler="sync"), want, n_terms=12)
    rows = rng.standard_normal((6, 30))
    per_row = rng.standard_normal((6, 4))               # one kernel per (chunked) row
    y = sd.convolve(da.from_array(rows, chunks=(4, 7)), per_row, "same")
    assert y.chunks[0] == (4, 2)
    assert_close(y.compute(scheduler="sync"), sigconv.convolve(rows, per_row, "same"), n_terms=4)


def test_axis_other_than_last_and_complex(rng):
    x = rng.standard_normal((31, 3)) + 1j * rng.standard_normal((31, 3))
    k = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    xd = da.from_array(x, chunks=(5, 2))
    for mode in ("full", "same", "valid"):
        y = sd.correlate(xd, k, mode, axis=0)
        assert y.chunks[1] == (2, 1)
        assert_close(y.compute(scheduler="sync"), sigconv.correlate(x, k, mode, axis=0), n_terms=4)


# ----------------------------------------------------------------------------- convolution 2D
@pytest.mark.parametrize("chunks", [(2, 3), (6, (5, 1, 11)), (17, 17)], ids=str)
@pytest.mark.parametrize("blocks", ["halo", "overlap-add"])
def test_convolve2d_both_axes(rng, chunks, blocks):
    x = rng.standard_normal((17, 17)).astype(np.float32)
    k = rng.standard_normal((4, 3)).astype(np.float32)
    xd = da.from_array(x, chunks=chunks)
    cases = [(sd.convolve2d, sigconv.convolve2d, "full", "fill"),
             (sd.convolve2d, sigconv.convolve2d, "same", "symm"),
             (sd.correlate2d, sigconv.correlate2d, "same", "wrap"),
             (sd.correlate2d, sigconv.correlate2d, "valid", "fill")]
    lazies = [f(xd, k, mode, boundary=b, stride=(1, 2), blocks=blocks) for f, _, mode, b in cases]
    got = dask.compute(*lazies, scheduler="threads")
    for (_, g, mode, b), y in zip(cases, got):
        want = g(x, k, mode, boundary=b, stride=(1, 2))
        assert y.dtype == np.float32
        assert_close(y, want, n_terms=12)
    assert_close(got[1], scipy.signal.convolve2d(x, k, "same", boundary="symm")[:, ::2], n_terms=12)


# ----------------------------------------------------------------------------- NaN / inf
@pytest.mark.parametrize("blocks", ["halo", "overlap-add"])
def test_nan_inf_stay_local_across_edges(rng, blocks):
    x = rng.standard_normal(60)
    x[[9, 10, 31]] = [np.nan, np.inf, -np.inf]          # at a chunk edge, inside a halo, inside a chunk
    k = rng.standard_normal(6)
    xd = da.from_array(x, chunks=10)
    for mode in ("full", "same", "valid"):
        y = sd.convolve(xd, k, mode, method="fft", blocks=blocks).compute(scheduler="sync")
        want = sigconv.convolve(x, k, mode)
        np.testing.assert_array_equal(np.isnan(y), np.isnan(want))
        np.testing.assert_array_equal(np.isinf(y), np.isinf(want))
        assert np.isfinite(want).sum() > 0.5 * want.size
        assert_close(y, want, n_terms=6)
    y = sd.moving_average(xd, 4).compute(scheduler="sync")
    np.testing.assert_array_equal(np.isnan(y), np.isnan(sigconv.moving_average(x, 4)))


# ----------------------------------------------------------------------------- moving average
@pytest.mark.parametrize("chunks", CHUNKINGS.values(), ids=CHUNKINGS.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_moving_average_every_chunking(rng, lazy, chunks, dtype):
    x = _signal(rng, dtype)
    x[1, 8] = np.nan
    xd = da.from_array(x, chunks=(2, chunks))
    cases = [dict(window=K), dict(window=K, align="centered", min_periods=1),
             dict(window=4, weights="triangular", nan_policy="omit", min_periods=2), dict(window=30)]
    lazies = [sd.moving_average(xd, **c) for c in cases]
    got = dask.compute(*lazies, scheduler="sync")
    for c, y in zip(cases, got):
        want = sigconv.moving_average(x, **c)
        assert y.dtype == want.dtype == dtype
        assert_close(y, want, n_terms=c["window"], k=32)
    row = x[0].astype(np.float64)
    assert_close(got[0][0], ref.moving_average_loop(row, np.full(K, 1.0 / K), 0, K, False), dtype=dtype, n_terms=K,
                 k=32)


# ----------------------------------------------------------------------------- recursions
@pytest.mark.parametrize("chunks", CHUNKINGS.values(), ids=CHUNKINGS.keys())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_recursions_carry_state(rng, lazy, chunks, dtype):
    x = _signal(rng, dtype)
    xd = da.from_array(x, chunks=(2, chunks))
    sos = scipy.signal.butter(3, 0.2, output="sos")
    zi = rng.standard_normal((3, 2))
    zs = rng.standard_normal((sos.shape[0], 3, 2))
    y_sos, zf = sd.sos_filter(sos, xd, zi=zs)
    lazies = [sd.ewma(xd, alpha=0.3), sd.ewma(xd, span=4, adjust=False, min_periods=2),
              sd.ar_filter(xd, [0.5, -0.3], zi=zi), sd.arma_filter(xd, [0.6], [0.4, 0.2, 0.1]),
              sd.sos_filter(sos, xd), y_sos, zf]
    got = dask.compute(*lazies, scheduler="threads")
    # ewma: the stream's state is the kernel's own loop state: bit for bit
    np.testing.assert_array_equal(got[0], sigconv.ewma(x, alpha=0.3))
    np.testing.assert_array_equal(got[1], sigconv.ewma(x, span=4, adjust=False, min_periods=2))
    want_sos, want_zf = sigconv.sos_filter(sos, x, zi=zs)
    others = [(got[2], sigconv.ar_filter(x, [0.5, -0.3], zi=zi)),
              (got[3], sigconv.arma_filter(x, [0.6], [0.4, 0.2, 0.1])),
              (got[4], sigconv.sos_filter(sos, x)), (got[5], want_sos)]
    for y, want in others:
        assert y.dtype == want.dtype == dtype
        assert_close(y, want, n_terms=N)
    assert_close(got[6], want_zf, dtype=dtype, n_terms=N)
    assert_close(got[2][0], ref.arma_filter_loop(x[0], [0.5, -0.3], zi=zi[0]), dtype=dtype, n_terms=N)
    assert_close(got[4][1], ref.sos_loop(sos, x[1]), dtype=dtype, n_terms=N)
    assert_close(got[0][2], ref.ewma_loop(x[2], 0.3, True), dtype=dtype, n_terms=N)


def test_recursions_nan_and_axis0(rng):
    x = rng.standard_normal((40, 2))
    x[[5, 17], [0, 1]] = np.nan
    xd = da.from_array(x, chunks=(6, 1))
    np.testing.assert_array_equal(sd.ewma(xd, com=3, axis=0).compute(scheduler="sync"), sigconv.ewma(x, com=3, axis=0))
    sos = scipy.signal.butter(2, 0.3, output="sos")
    y = sd.sos_filter(sos, xd, zero_phase=False, axis=0).compute(scheduler="sync")
    np.testing.assert_array_equal(np.isnan(y), np.isnan(sigconv.sos_filter(sos, x, axis=0)))
    one = da.from_array(x, chunks=(40, 1))              # zero-phase: the series in one chunk
    assert_close(sd.sos_filter(sos, one, zero_phase=True, nan_policy="segments", axis=0).compute(),
                 sigconv.sos_filter(sos, x, zero_phase=True, nan_policy="segments", axis=0), n_terms=40)


# ----------------------------------------------------------------------------- matching
@pytest.mark.parametrize("chunks", [2, 11, 12, (30, 2, 48)], ids=str)
def test_match_template_and_locate(rng, chunks):
    x = rng.standard_normal(80)
    t = x[20:32].copy()
    x[50:62] += 2 * t
    xd = da.from_array(x, chunks=chunks)
    for score in ("zncc", "ncc", "sqdiff", "zdist"):
        for mode in ("valid", "same"):
            with dask.config.set(scheduler=_refuse):
                lazy_scores = sd.match_template(xd, t, score=score, mode=mode)
            want = sigconv.match_template(x, t, score=score, mode=mode)
            got = lazy_scores.compute(scheduler="sync")
            if score == "zdist":        # sqrt(2m(1 - r)) amplifies rounding near a perfect match
                got, want = got ** 2, want ** 2
            assert_close(got, want, n_terms=12, k=64)
            thr = {"zncc": 0.3, "ncc": 0.3, "sqdiff": None, "zdist": 4.0}[score]
            p = sd.locate(xd, t, threshold=thr, score=score, mode=mode, min_distance=3)
            q = sigconv.locate(x, t, threshold=thr, score=score, mode=mode, min_distance=3)
            np.testing.assert_array_equal(p.positions, q.positions)
            power = 2 if score == "zdist" else 1
            assert_close(p.scores ** power, q.scores ** power, n_terms=12, k=64)
    naive = ref.match_template_naive(x, t)
    assert_close(sd.match_template(xd, t).compute(scheduler="sync"), naive, n_terms=12, k=64)


def test_locate_ties_plateaus_and_2d(rng):
    scores_like = np.zeros(50)
    scores_like[[10, 12, 13, 30]] = 1.0                  # a tie across a chunk edge
    t = np.array([0.0, 1.0, 0.0])
    xd = da.from_array(np.convolve(scores_like, t[::-1], "full")[:50], chunks=12)
    for md in (1, 2, 5):
        p = sd.locate(xd, t, threshold=0.5, min_distance=md, score="ccorr")
        q = sigconv.locate(xd.compute(), t, threshold=0.5, min_distance=md, score="ccorr")
        np.testing.assert_array_equal(p.positions, q.positions)
    image = rng.standard_normal((40, 45)).astype(np.float32)
    tpl = image[10:18, 20:26].copy()
    image[25:33, 5:11] += tpl
    imd = da.from_array(image, chunks=(9, (20, 1, 24)))
    got = sd.match_template(imd, tpl).compute(scheduler="threads")
    assert got.dtype == np.float32
    assert_close(got, sigconv.match_template(image, tpl), n_terms=48, k=64)
    for kw in (dict(threshold=0.5), dict(threshold=None, min_distance=2, max_matches=7), dict(subpixel=True)):
        p, q = sd.locate(imd, tpl, **kw), sigconv.locate(image, tpl, **kw)
        np.testing.assert_allclose(p.positions, q.positions, atol=1e-3)
        assert_close(p.scores, q.scores, n_terms=48, k=64)


# ----------------------------------------------------------------------------- DataFrames
def test_dataframe_accessor_any_partition_length(rng):
    df = pd.DataFrame(rng.standard_normal((60, 3)), columns=list("abc"),
                      index=pd.date_range("2024-01-01", periods=60, freq="h"))
    df.iloc[7, 1] = np.nan
    ddf = dd.from_pandas(df, npartitions=1).repartition(divisions=[df.index[i] for i in (0, 2, 3, 20, 21, 59)])
    s, ds = df["a"], ddf["a"]
    with dask.config.set(scheduler=_refuse):
        results = [
            (ddf.sigconv.moving_average(8), df.sigconv.moving_average(8)),
            (ddf.sigconv.moving_average(5, align="centered", min_periods=1),
             df.sigconv.moving_average(5, align="centered", min_periods=1)),
            (ddf.sigconv.convolve([1.0, -2.0, 1.0]), df.sigconv.convolve([1.0, -2.0, 1.0])),
            (ddf.sigconv.ewma(alpha=0.2), df.sigconv.ewma(alpha=0.2)),
            (ddf.sigconv.ar_filter([0.4, 0.2]), df.sigconv.ar_filter([0.4, 0.2])),
            (ds.sigconv.moving_average(30), s.sigconv.moving_average(30)),
            (ds.sigconv.ewma(span=6, adjust=False), s.sigconv.ewma(span=6, adjust=False)),
        ]
    for lazy_result, want in results:
        got = lazy_result.compute(scheduler="sync")
        if isinstance(want, pd.Series):
            pd.testing.assert_series_equal(got, want, check_exact=False, rtol=1e-12)
        else:
            pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=1e-12)
    assert results[3][0].compute().equals(df.ewm(alpha=0.2).mean())       # bit for bit, pandas' own


# ----------------------------------------------------------------------------- transformers
def test_transform_over_sample_chunks(rng):
    pytest.importorskip("sklearn")
    from sigconv.features import KernelFeatures, MiniRocket

    X = rng.standard_normal((10, 2, 40)).astype(np.float32)
    Xd = da.from_array(X, chunks=(3, 1, 20))              # channel and time chunks are joined per block
    for est in (KernelFeatures(), MiniRocket(n_features=84, random_state=0)):
        est.fit(X)
        with dask.config.set(scheduler=_refuse):
            F = est.transform(Xd)
        assert F.chunks[0] == (3, 3, 3, 1)
        np.testing.assert_allclose(F.compute(scheduler="threads"), est.transform(X), rtol=1e-6)


# ----------------------------------------------------------------------------- dispatch, graph
def test_dispatch_and_no_dask_import():
    x = da.arange(10.0, chunks=4)
    for func, args in ((sigconv.convolve, ([1.0, 1.0],)), (sigconv.correlate, ([1.0, 1.0],)),
                       (sigconv.moving_average, (3,)), (sigconv.ar_filter, ([0.5],)),
                       (sigconv.arma_filter, ([0.5], [0.2])), (sigconv.match_template, (np.array([0.0, 1.0, 3.0]),))):
        assert isinstance(func(x, *args), da.Array), func.__name__
    assert isinstance(sigconv.ewma(x, alpha=0.5), da.Array)
    assert isinstance(sigconv.sos_filter(scipy.signal.butter(2, 0.2, output="sos"), x), da.Array)   # x second
    image = da.ones((6, 6), chunks=3)
    assert isinstance(sigconv.convolve2d(image, np.ones((2, 2))), da.Array)
    assert isinstance(sigconv.correlate2d(image, np.ones((2, 2))), da.Array)
    assert isinstance(sigconv.locate(x, np.array([0.0, 1.0, 3.0])), sigconv.Peaks)
    code = "import sys, sigconv, numpy as np; sigconv.convolve(np.ones(5), [1.0]); print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_graph_linear_in_chunks(rng):
    x = rng.standard_normal(64 * 40)
    k = rng.standard_normal(9)
    sizes = {}
    for n_chunks in (8, 64):
        xd = da.from_array(x, chunks=x.size // n_chunks)
        sizes[n_chunks] = {"conv": len(dict(sd.convolve(xd, k, "same").__dask_graph__())),
                           "oa": len(dict(sd.convolve(xd, k, "same", blocks="overlap-add").__dask_graph__())),
                           "ewma": len(dict(sd.ewma(xd, alpha=0.1).__dask_graph__()))}
    for name in sizes[8]:
        assert sizes[64][name] <= 10 * sizes[8][name], (name, sizes)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=6), st.integers(1, 12),
       st.sampled_from(["full", "same", "valid"]), st.sampled_from(["halo", "overlap-add"]))
def test_chunked_equals_whole_property(chunks, m, mode, blocks):
    rng = np.random.default_rng(len(chunks) * 100 + m)
    x = rng.standard_normal(sum(chunks))
    k = rng.standard_normal(m)
    y = sd.convolve(da.from_array(x, chunks=(tuple(chunks),)), k, mode, boundary="symm", blocks=blocks)
    want = sigconv.convolve(x, k, mode, boundary="symm")
    assert y.shape == want.shape
    assert_close(y.compute(scheduler="sync"), want, n_terms=m)
    e = sd.ewma(da.from_array(x, chunks=(tuple(chunks),)), alpha=0.4)
    np.testing.assert_array_equal(e.compute(scheduler="sync"), sigconv.ewma(x, alpha=0.4))


def test_inputs_unchanged_and_errors(rng):
    x = rng.standard_normal(20)
    x.flags.writeable = False
    xd = da.from_array(x, chunks=6)
    sd.convolve(xd, [1.0, 2.0], "same").compute(scheduler="sync")
    with pytest.raises(TypeError, match="`kernel`"):
        sd.convolve(xd, da.ones(3))
    with pytest.raises(ValueError, match="`blocks`"):
        sd.convolve(xd, [1.0], blocks="tiles")
    with pytest.raises(ValueError, match="`zero_phase`"):
        sd.sos_filter(scipy.signal.butter(2, 0.2, output="sos"), xd, zero_phase=True)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_long_chunks_mend_edges(rng, dtype):
    """Chunks longer than twice the kernel are convolved alone and their edges mended from the
    halo (no copy of the chunk): the same results, NaN/inf at and near the edges included."""
    x = rng.standard_normal((2, 300)).astype(dtype)
    x[0, [59, 60, 61, 178]] = [np.nan, np.inf, 1.0, np.nan]
    xd = da.from_array(x, chunks=(1, (60, 57, 183)))
    k = rng.standard_normal(9).astype(dtype)
    for mode in ("full", "same", "valid"):
        for boundary in ("fill", "wrap", "reflect"):
            for dilation in (1, 3):
                y = sd.convolve(xd, k, mode, boundary=boundary, dilation=dilation, blocks="halo")
                want = sigconv.convolve(x, k, mode, boundary=boundary, dilation=dilation)
                got = y.compute(scheduler="sync")
                assert got.dtype == dtype
                assert_close(got, want, n_terms=9)
    y = sd.correlate(da.from_array(x.T.copy(), chunks=(70, 1)), k, "same", axis=0).compute(scheduler="sync")
    assert_close(y, sigconv.correlate(x.T, k, "same", axis=0), n_terms=9)
