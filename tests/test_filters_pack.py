"""The filters pack (API.md §2b): savgol, gaussian, bk/cf/hp, seasonal_decompose, cwt.

Oracles: scipy (savgol_filter, gaussian_filter1d, the private _cwt that scipy 1.15 left after
removing cwt), statsmodels (bkfilter, cffilter, hpfilter, seasonal_decompose) and the naive
loops of tests/reference.py.  Real data: statsmodels' macrodata, co2 and sunspots.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import bk_filter, cf_filter, cwt, gaussian, hp_filter, savgol, seasonal_decompose
from tests import reference as ref
from tests.conftest import eps_of

sm_datasets = pytest.importorskip("statsmodels.datasets")
from statsmodels.tsa.filters.bk_filter import bkfilter  # noqa: E402
from statsmodels.tsa.filters.cf_filter import cffilter  # noqa: E402
from statsmodels.tsa.filters.hp_filter import hpfilter  # noqa: E402
from statsmodels.tsa.seasonal import seasonal_decompose as sm_decompose  # noqa: E402

DTYPES = (np.float32, np.float64)


# ---- data --------------------------------------------------------------------------------------


def _macro():
    d = sm_datasets.macrodata.load_pandas().data
    return {"log realgdp": np.log(d["realgdp"].to_numpy()), "unemp": d["unemp"].to_numpy(),
            "infl": d["infl"].to_numpy()}


MACRO = _macro()
SUNSPOTS = sm_datasets.sunspots.load_pandas().data["SUNACTIVITY"].to_numpy()
_CO2 = sm_datasets.co2.load_pandas().data["co2"]
CO2_WEEKLY = _CO2.to_numpy()                                          # with gaps (NaN)
CO2_MONTHLY = _CO2.resample("MS").mean().interpolate().to_numpy()   # gap-free, period 12


def _series(name, rng):
    if name == "random":
        return rng.standard_normal(150).cumsum()
    if name == "sunspots":
        return SUNSPOTS
    if name == "co2":
        return CO2_MONTHLY
    return MACRO[name]


SERIES = ["log realgdp", "unemp", "sunspots", "co2", "random"]


def _scale(a):
    a = np.asarray(a)
    finite = np.abs(a[np.isfinite(a)])
    return float(finite.max()) if finite.size else 1.0


def _rel(dtype, k=64.0):
    """Relative tolerance of a float64 comparison with a peer, or the float32 rounding."""
    return k * eps_of(dtype)


def _check(actual, expected, dtype, k=64.0, scale=None):
    scale = _scale(expected) if scale is None else scale
    np.testing.assert_allclose(actual, expected, rtol=0, atol=_rel(dtype, k) * scale, equal_nan=True)


# ---- savgol ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["interp", "mirror", "constant", "nearest", "wrap"])
@pytest.mark.parametrize("window,polyorder", [(5, 2), (4, 2), (11, 3), (12, 4), (1, 0), (31, 5)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_savgol_equals_scipy(mode, window, polyorder, dtype, rng):
    x = rng.standard_normal((2, 60)).astype(dtype)
    for deriv in range(polyorder + 1):
        got = savgol(x, window, polyorder, deriv=deriv, delta=0.5, mode=mode, cval=1.5)
        assert got.dtype == dtype and got.shape == x.shape
        want = scipy.signal.savgol_filter(x.astype(np.float64), window, polyorder, deriv=deriv, delta=0.5,
                                          mode=mode, cval=1.5)
        # the taps sum up to window terms of magnitude ~ max|x| * sum|taps|
        _check(got, want, dtype, k=64 * window, scale=_scale(x) * max(1.0, np.abs(want).max()))


@pytest.mark.parametrize("name", SERIES)
def test_savgol_real_data_and_interior_loop(name, rng):
    x = _series(name, rng)
    for window, polyorder, deriv in ((7, 2, 0), (13, 3, 1), (8, 2, 2)):
        got = savgol(x, window, polyorder, deriv=deriv)
        want = scipy.signal.savgol_filter(x, window, polyorder, deriv=deriv)
        _check(got, want, np.float64, k=1e5)     # 1e-11 relative: the edges are polynomial fits
        inner = ref.savgol_interior_loop(x[:80], window, polyorder, deriv)
        ok = np.isfinite(inner)
        _check(savgol(x[:80], window, polyorder, deriv=deriv)[ok], inner[ok], np.float64, k=1e5,
               scale=_scale(x[:80]))


def test_savgol_nan_stays_local(rng):
    x = rng.standard_normal(100)
    y0 = savgol(x, 9, 3)
    x[[2, 50]] = np.nan                       # one in the left edge window, one inside
    y = savgol(x, 9, 3)
    touched = np.zeros(100, bool)
    touched[:4] = True                        # the 'interp' edge outputs fitted on x[:9]
    touched[2:7] = True                       # interior windows covering sample 2
    touched[46:55] = True
    assert np.isnan(y[touched]).all()
    np.testing.assert_allclose(y[~touched], y0[~touched], rtol=0, atol=1e-13)


# ---- gaussian ----------------------------------------------------------------------------------


GAUSS_MODES = ["reflect", "constant", "nearest", "mirror", "wrap", "grid-constant", "grid-mirror", "grid-wrap"]


@pytest.mark.parametrize("mode", GAUSS_MODES)
@pytest.mark.parametrize("order", [0, 1, 2, 3])
@pytest.mark.parametrize("dtype", DTYPES)
def test_gaussian_equals_ndimage(mode, order, dtype, rng):
    x = rng.standard_normal((2, 50)).astype(dtype)
    for sigma, truncate, radius in ((0.7, 4.0, None), (2.5, 2.0, None), (4.0, 4.0, 3), (30.0, 4.0, None)):
        got = gaussian(x, sigma, order=order, mode=mode, cval=0.3, truncate=truncate, radius=radius)
        assert got.dtype == dtype
        want = scipy.ndimage.gaussian_filter1d(x.astype(np.float64), sigma, order=order, mode=mode, cval=0.3,
                                               truncate=truncate, radius=radius)
        _check(got, want, dtype, k=256, scale=_scale(x))


@pytest.mark.parametrize("mode", GAUSS_MODES)
def test_gaussian_against_loop(mode, rng):
    x = rng.standard_normal(9)                  # shorter than the kernel: the extension repeats
    for order in range(4):
        taps = ref.gaussian_taps_loop(1.5, order, 6)
        _check(gaussian(x, 1.5, order=order, mode=mode, cval=0.3),
               ref.centred_fir_loop(x, taps, mode, 0.3), np.float64, k=64, scale=_scale(x))


def test_gaussian_real_data_and_nan_local():
    x = SUNSPOTS.copy()
    want = scipy.ndimage.gaussian_filter1d(x, 3.0, order=1)
    _check(gaussian(x, 3.0, order=1), want, np.float64)
    x[100] = np.nan
    y = gaussian(x, 3.0, order=1)
    reach = int(4 * 3.0 + 0.5)
    bad = np.zeros(x.size, bool)
    bad[100 - reach:100 + reach + 1] = True
    assert np.isnan(y[bad]).all()
    np.testing.assert_allclose(y[~bad], want[~bad], rtol=0, atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), sigma=st.floats(0.2, 30), order=st.integers(0, 3),
       mode=st.sampled_from(GAUSS_MODES), window=st.integers(1, 15), nan_at=st.integers(-1, 39))
def test_smoothers_never_crash(n, sigma, order, mode, window, nan_at):
    x = np.random.default_rng(n).standard_normal((2, n))
    if 0 <= nan_at < n:
        x[0, nan_at] = np.nan
    assert gaussian(x, sigma, order=order, mode=mode).shape == x.shape
    polyorder = min(2, window - 1)
    smode = "interp" if window <= n else "mirror"
    y = savgol(x, window, polyorder, mode=smode)
    assert y.shape == x.shape
    assert np.isfinite(y[1]).all()            # the NaN-free row stays finite


# ---- Baxter-King -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SERIES)
def test_bk_equals_statsmodels(name, rng):
    x = _series(name, rng)
    for low, high, K in ((6, 32, 12), (2, 8, 3), (1.5 * 2, 40.5, 20)):
        _check(bk_filter(x, low, high, K), bkfilter(x, low, high, K), np.float64, scale=_scale(x))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bk_batch_axis_and_nan(dtype, rng):
    X = rng.standard_normal((80, 3)).cumsum(axis=0).astype(dtype)
    got = bk_filter(X, 6, 32, 12, axis=0)
    assert got.shape == (56, 3) and got.dtype == dtype
    _check(got, bkfilter(X.astype(np.float64), 6, 32, 12), dtype, k=64, scale=_scale(X))
    x = X[:, 0].astype(np.float64)
    x[40] = np.nan
    y = bk_filter(x, 6, 32, 12)
    bad = np.zeros(56, bool)
    bad[40 - 24:40 + 1] = True                 # output t covers x[t .. t + 2K]
    assert np.isnan(y[bad]).all() and np.isfinite(y[~bad]).all()


# ---- Christiano-Fitzgerald ---------------------------------------------------------------------


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("drift", [True, False])
def test_cf_equals_statsmodels(name, drift, rng):
    x = _series(name, rng)
    for low, high in ((6, 32), (2, 8), (3, np.inf)):
        cycle, trend = cf_filter(x, low, high, drift=drift)
        c2, t2 = cffilter(x, low, high, drift)
        _check(cycle, c2, np.float64, k=256, scale=_scale(x))
        _check(trend, t2, np.float64, k=256, scale=_scale(x))


def test_cf_loop_short_series_float32_and_nan(rng):
    for n in (2, 3, 4, 9):
        x = rng.standard_normal(n)
        _check(cf_filter(x, 4, 12)[0], ref.cf_loop(x, 4, 12), np.float64, scale=_scale(x))
    X = rng.standard_normal((3, 200)).cumsum(axis=1).astype(np.float32)
    cycle, trend = cf_filter(X)
    assert cycle.dtype == np.float32 and cycle.shape == X.shape
    want = cffilter(X.T.astype(np.float64))[0].T
    _check(cycle, want, np.float32, k=4096, scale=_scale(X))
    x = X[0].astype(np.float64)
    x[50] = np.nan
    assert np.isnan(cf_filter(x)[0]).all()     # every output depends on every sample


# ---- Hodrick-Prescott --------------------------------------------------------------------------


def _hp_atol(x, lamb):
    """The system's condition number (~ 1 + 16 lamb) times the rounding of the data."""
    return 64 * eps_of(np.float64) * (1 + 16 * lamb) * _scale(x)


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("lamb", [6.25, 1600, 129600])
def test_hp_equals_statsmodels(name, lamb, rng):
    x = _series(name, rng)
    cycle, trend = hp_filter(x, lamb)
    c2, t2 = hpfilter(x, lamb)
    np.testing.assert_allclose(trend, t2, rtol=0, atol=_hp_atol(x, lamb))
    np.testing.assert_allclose(cycle, c2, rtol=0, atol=_hp_atol(x, lamb))


@pytest.mark.parametrize("lamb", [1.0, 1600, 129600])
def test_hp_one_sided_equals_expanding_window(lamb, rng):
    x = np.r_[MACRO["log realgdp"], MACRO["log realgdp"][-1] + rng.standard_normal(97).cumsum() * 0.01]  # 300
    trend = hp_filter(x, lamb, one_sided=True)[1]
    want = np.r_[x[:2], [hpfilter(x[:t + 1], lamb)[1][-1] for t in range(2, x.size)]]
    np.testing.assert_allclose(trend, want, rtol=0, atol=_hp_atol(x, lamb))


def test_hp_missing_observations(rng):
    x = MACRO["unemp"].copy()
    x[[0, 30, 31, 32, 150, 202]] = np.nan
    cycle, trend = hp_filter(x, 1600)
    assert np.isfinite(trend).all()
    np.testing.assert_array_equal(np.isnan(cycle), np.isnan(x))
    np.testing.assert_allclose(trend, ref.hp_dense(x, 1600), rtol=0, atol=_hp_atol(x, 1600))
    one = hp_filter(x[:60], 100, one_sided=True)[1]
    want = [ref.hp_dense(x[:t + 1], 100)[-1] for t in range(3, 60)]
    np.testing.assert_allclose(one[3:], want, rtol=0, atol=_hp_atol(x, 100))


@pytest.mark.parametrize("dtype", DTYPES)
def test_hp_batch_and_dtype(dtype, rng):
    X = rng.standard_normal((4, 3, 90)).cumsum(axis=-1).astype(dtype)
    X[1, 2, :] = np.nan
    X[1, 2, 5] = 1.0                            # one observation: no line through it
    cycle, trend = hp_filter(X, 1600)
    assert trend.dtype == dtype and trend.shape == X.shape
    assert np.isnan(trend[1, 2]).all()
    want = hpfilter(X[2, 1].astype(np.float64), 1600)[1]
    tol = _hp_atol(X[2, 1], 1600) if dtype == np.float64 else 64 * eps_of(dtype) * _scale(X[2, 1])
    np.testing.assert_allclose(trend[2, 1], want, rtol=0, atol=tol)
    moved = hp_filter(np.moveaxis(X, -1, 0), 1600, axis=0)[1]
    np.testing.assert_array_equal(np.moveaxis(moved, 0, -1), trend)


# ---- seasonal decomposition --------------------------------------------------------------------


CASES = [("co2", CO2_MONTHLY, 12), ("sunspots", SUNSPOTS + 1.0, 11), ("realgdp", np.exp(MACRO["log realgdp"]), 4)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
@pytest.mark.parametrize("model", ["additive", "multiplicative"])
@pytest.mark.parametrize("two_sided", [True, False])
def test_decompose_equals_statsmodels(case, model, two_sided):
    _, x, period = case
    for extrapolate in (0, 2, "freq"):
        got = seasonal_decompose(x, period, model=model, two_sided=two_sided, extrapolate_trend=extrapolate)
        sm_extra = "period" if extrapolate == "freq" else extrapolate
        want = sm_decompose(x, period=period, model=model, two_sided=two_sided, extrapolate_trend=sm_extra)
        for part in ("trend", "seasonal", "resid"):
            a, b = getattr(got, part), np.asarray(getattr(want, part))
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            _check(a, b, np.float64, k=1024, scale=_scale(x))
        np.testing.assert_array_equal(got.observed, x)


@pytest.mark.parametrize("dtype", DTYPES)
def test_decompose_batch_even_odd_periods(dtype, rng):
    X = (rng.random((3, 41)) + 0.5).astype(dtype)
    for period in (2, 3, 6, 7):
        got = seasonal_decompose(X, period, model="multiplicative")
        assert got.trend.dtype == dtype and got.seasonal.shape == X.shape
        want = sm_decompose(X.T.astype(np.float64), period=period, model="multiplicative")
        _check(got.resid, np.asarray(want.resid).T, dtype, k=1024 if dtype == np.float64 else 64)


def test_decompose_with_gaps_co2():
    """statsmodels refuses NaN; here the trend is NaN only where its window covers a NaN, the
    phase means skip NaN, and where nothing is missing the trend equals the 2x52 average."""
    x = CO2_WEEKLY[:600]
    assert np.isnan(x).any()
    with pytest.raises(ValueError):
        sm_decompose(x, period=52)
    d = seasonal_decompose(x, 52)
    w = np.r_[0.5, np.ones(51), 0.5] / 52
    gap = np.isnan(x)
    covered = np.convolve(gap.astype(float), np.ones(53), mode="same") > 0
    inside = np.zeros(x.size, bool)
    inside[26:x.size - 26] = True
    np.testing.assert_array_equal(np.isnan(d.trend), covered | ~inside)
    ok = ~np.isnan(d.trend)
    direct = np.array([np.dot(w, x[t - 26:t + 27]) for t in np.flatnonzero(ok)])
    _check(d.trend[ok], direct, np.float64, k=256)
    means = ref.phase_nanmeans(x - d.trend, 52)
    _check(d.seasonal[:52], means - means.mean(), np.float64, k=256, scale=_scale(means))


def test_decompose_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = seasonal_decompose(CO2_MONTHLY, 12).plot()
    assert len(fig.axes) == 4
    plt.close(fig)


# ---- continuous wavelet transform --------------------------------------------------------------


@pytest.mark.parametrize("widths", [np.arange(1, 31), np.array([0.5, 2.3, 7.7, 40.0]), np.array([100])])
@pytest.mark.parametrize("n", [1, 6, 137, 2000])
def test_cwt_ricker_equals_scipy_private_cwt(widths, n, rng):
    from scipy.signal._wavelets import _cwt, _ricker

    x = rng.standard_normal(n)
    got = cwt(x, widths)
    want = _cwt(x, _ricker, widths)
    assert got.shape == (len(widths), n) and got.dtype == np.float64
    _check(got, want, np.float64, k=256, scale=_scale(x) * 4)


def test_cwt_morlet2_and_loop(rng):
    from scipy.signal._wavelets import _cwt

    x = rng.standard_normal(300)
    widths = np.array([1.0, 3.0, 12.5])
    got = cwt(x, widths, "morlet2", w=6.0)
    assert got.dtype == np.complex128
    _check(got, _cwt(x, ref.morlet2_wavelet, widths, w=6.0), np.float64, k=256, scale=_scale(x) * 4)
    short = x[:40]
    _check(cwt(short, widths, "morlet2", w=6.0), ref.cwt_loop(short, widths, ref.morlet2_wavelet, w=6.0),
           np.float64, k=256, scale=_scale(short) * 4)
    _check(cwt(short, widths), ref.cwt_loop(short, widths, ref.ricker_wavelet), np.float64, k=256,
           scale=_scale(short) * 4)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cwt_layout_batches_and_dtype(dtype, rng):
    from scipy.signal._wavelets import _cwt, _ricker

    X = rng.standard_normal((3, 2, 120)).astype(dtype)
    widths = np.arange(1, 9)
    got = cwt(X, widths)
    assert got.shape == (3, 2, 8, 120) and got.dtype == dtype
    _check(got[2, 1], _cwt(X[2, 1].astype(np.float64), _ricker, widths), dtype, k=256, scale=_scale(X) * 4)
    assert cwt(X, widths, "morlet2").dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    moved = cwt(np.moveaxis(X, -1, 0), widths, axis=0)          # time first: (8, 120, 3, 2)
    assert moved.shape == (8, 120, 3, 2)
    np.testing.assert_allclose(np.moveaxis(moved, (0, 1), (-2, -1)), got, rtol=0,
                               atol=64 * eps_of(dtype) * _scale(X) * 4)


def test_cwt_nan_local_and_real_data():
    x = SUNSPOTS.copy()
    widths = np.array([1, 2, 4, 8])
    clean = cwt(x, widths)
    x[150] = np.nan
    y = cwt(x, widths)
    for j, width in enumerate(widths):
        m = min(10 * width, x.size)
        lo = 150 - (m - 1) // 2          # outputs i with 150 in [i + (m-1)//2 - m + 1, i + (m-1)//2]
        hi = lo + m - 1
        bad = np.zeros(x.size, bool)
        bad[max(lo, 0):hi + 1] = True
        assert np.isnan(y[j, bad]).all()
        np.testing.assert_allclose(y[j, ~bad], clean[j, ~bad], rtol=0, atol=1e-10 * _scale(x))


def test_filters_do_not_modify_inputs(rng):
    x = rng.standard_normal((2, 64))
    x.flags.writeable = False
    keep = x.copy()
    savgol(x, 7, 2)
    gaussian(x, 2.0)
    bk_filter(x, K=5)
    cf_filter(x)
    hp_filter(x)
    hp_filter(x, one_sided=True)
    seasonal_decompose(x + 5, 4, model="multiplicative")
    cwt(x, [1, 2])
    np.testing.assert_array_equal(x, keep)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), nan_at=st.lists(st.integers(0, 59), max_size=3), lamb=st.floats(0.1, 1e6),
       one_sided=st.booleans(), period=st.integers(1, 8), width=st.floats(0.3, 30.0))
def test_cycles_decompose_cwt_never_crash(n, nan_at, lamb, one_sided, period, width):
    """Any length, NaN anywhere: a result of the documented shape or a clear ValueError."""
    x = np.random.default_rng(n).standard_normal(n) + 5.0
    for i in nan_at:
        x[i % n] = np.nan
    cycle, trend = hp_filter(x, lamb, one_sided=one_sided)
    assert trend.shape == x.shape
    np.testing.assert_array_equal(np.isnan(cycle) & ~np.isnan(trend), np.isnan(x) & ~np.isnan(trend))
    if np.isfinite(x).sum() >= 2 and n >= 3 and not one_sided:
        assert np.isfinite(trend).all()
    if n > 4:
        assert bk_filter(x, 2, 8, 2).shape == (n - 4,)
    if n >= 2:
        assert cf_filter(x, 2, 8)[0].shape == (n,)
    if n >= 2 * period:
        d = seasonal_decompose(x, period)
        assert d.trend.shape == d.seasonal.shape == d.resid.shape == (n,)
    else:
        with pytest.raises(ValueError, match="`x`"):
            seasonal_decompose(x, period)
    out = cwt(x, [width, 2 * width])
    assert out.shape == (2, n)
    if not np.isnan(x).any():
        assert np.isfinite(out).all()


def test_cwt_widths_on_threads_equal_one_thread(monkeypatch, rng):
    import sigconv.filters.wavelets as wavelets

    x = rng.standard_normal((2, 500))
    widths = np.arange(1, 40, 3)
    one = cwt(x, widths, workers=1)
    monkeypatch.setattr(wavelets, "_THREADS_MIN_OUTPUTS", 0)
    np.testing.assert_array_equal(cwt(x, widths, workers=2), one)
    np.testing.assert_array_equal(cwt(x, widths, "morlet2", workers=2), cwt(x, widths, "morlet2", workers=1))


@pytest.mark.parametrize("chunk_bytes", [None, 1])
def test_cwt_bench_widths_every_path(chunk_bytes, monkeypatch, rng):
    """The benchmark's 64 widths: direct kernels (up to 40 taps), every octave's overlap-save
    blocks, Ricker pairs and a lone width per complex inverse transform, one block or many per
    chunk; float64 to 1e-10 (and to rounding), float32 within its rounding."""
    from scipy.signal._wavelets import _cwt, _ricker

    import sigconv.filters.wavelets as wavelets

    if chunk_bytes is not None:
        monkeypatch.setattr(wavelets, "CHUNK_BYTES", chunk_bytes)
    x = rng.standard_normal(20_000)
    widths = np.arange(1, 66)                       # 65: one octave has an odd count
    want = _cwt(x, _ricker, widths)
    got = cwt(x, widths)
    assert np.abs(got - want).max() <= 1e-10
    _check(got, want, np.float64, k=256, scale=_scale(x) * 4)
    got32 = cwt(x.astype(np.float32), widths)
    assert got32.dtype == np.float32
    _check(got32, want, np.float32, k=256, scale=_scale(x) * 4)
    batch = rng.standard_normal((3, 2500))          # rows' blocks run on in one queue
    for row, coef in zip(batch, cwt(batch, widths)):
        _check(coef, _cwt(row, _ricker, widths), np.float64, k=256, scale=_scale(batch) * 4)
    some = np.array([1.0, 3.0, 12.5, 40.0, 64.0])
    want_m = _cwt(x[:3000], ref.morlet2_wavelet, some, w=6.0)
    _check(cwt(x[:3000], some, "morlet2", w=6.0), want_m, np.float64, k=256, scale=_scale(x) * 4)
    _check(cwt(x[:3000].astype(np.float32), some, "morlet2", w=6.0), want_m, np.float32, k=256,
           scale=_scale(x) * 4)
