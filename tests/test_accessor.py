"""Tests of the pandas ``.sigconv`` accessor (API.md §6) on statsmodels datasets, with pandas
itself and the array functions of sigconv.filters as oracles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sigconv.accessor  # noqa: F401  (registers .sigconv)
from sigconv import filters as F
from tests.conftest import assert_close

sm_datasets = pytest.importorskip("statsmodels.datasets")


@pytest.fixture(scope="module")
def co2():
    """Weekly CO2 (DatetimeIndex, 59 gaps), as a named Series."""
    return sm_datasets.co2.load_pandas().data["co2"]


@pytest.fixture(scope="module")
def macro():
    """Macrodata: numeric columns with a quarterly DatetimeIndex."""
    df = sm_datasets.macrodata.load_pandas().data
    df.index = pd.period_range("1959Q1", periods=len(df), freq="Q").to_timestamp()
    return df[["realgdp", "realcons", "realinv", "cpi", "unemp", "infl"]]


@pytest.fixture(scope="module")
def elnino():
    """El Niño monthly temperatures: one column per month, years as the index."""
    df = sm_datasets.elnino.load_pandas().data
    return df.set_index(df["YEAR"].astype(int)).drop(columns="YEAR")


def _assert_series_like(out, s, dtype=np.float64):
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index) and out.name == s.name and out.dtype == dtype


# ----------------------------------------------------------------------------- Series


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m", [4, 5])
@pytest.mark.parametrize("center", [False, True])
def test_series_moving_average_equals_pandas_rolling(co2, dtype, m, center):
    s = co2.astype(dtype)
    align = "centered" if center else "trailing"
    out = s.sigconv.moving_average(m, "triangular", align=align)
    _assert_series_like(out, s, dtype)
    expected = s.astype(np.float64).rolling(m, win_type="triang", center=center).mean()
    assert_close(out.to_numpy(), expected.to_numpy(), dtype=dtype, n_terms=m)
    assert out[s.isna()].isna().all()  # NaN positions are kept
    omit = s.sigconv.moving_average(m, align=align, nan_policy="omit", min_periods=1)
    expected = s.astype(np.float64).rolling(m, center=center, min_periods=1).mean()
    assert_close(omit.to_numpy(), expected.to_numpy(), dtype=dtype, n_terms=m)


@pytest.mark.parametrize("adjust", [True, False])
def test_series_ewma_equals_pandas(co2, adjust):
    out = co2.sigconv.ewma(span=26, adjust=adjust)
    _assert_series_like(out, co2)
    assert_close(out.to_numpy(), co2.ewm(span=26, adjust=adjust).mean().to_numpy(), n_terms=4, k=16)


def test_series_convolve_trailing_and_centered(co2):
    s = co2.iloc[:300]
    k = np.array([0.5, 0.25, 0.25])
    out = s.sigconv.convolve(k)
    _assert_series_like(out, s)
    assert out.iloc[:2].isna().all()
    assert_close(out.to_numpy(), F.window_convolve(s.to_numpy(), k))
    expected = s.rolling(3).apply(lambda w: w[2] * k[0] + w[1] * k[1] + w[0] * k[2], raw=True)
    assert_close(out.to_numpy(), expected.to_numpy(), n_terms=3)
    c = s.sigconv.convolve(k, align="centered")
    assert_close(c.to_numpy(), out.shift(-1).to_numpy(), n_terms=3)


def test_series_recursions_and_prediction(macro):
    s = macro["infl"]
    for out, expected in [
        (s.sigconv.ar_filter([0.5, 0.2]), F.ar_filter(s.to_numpy(), [0.5, 0.2])),
        (s.sigconv.arma_filter([0.5], [0.3]), F.arma_filter(s.to_numpy(), [0.5], [0.3])),
        (s.sigconv.ar_predict([0.5], const=1.0), F.ar_predict(s.to_numpy(), [0.5], const=1.0)),
    ]:
        _assert_series_like(out, s)
        assert_close(out.to_numpy(), expected)
    fit = s.sigconv.fit_ar(2, method="ols")
    assert isinstance(fit, F.ARFit)
    assert_close(fit.ar, F.fit_ar(s.to_numpy(), 2, method="ols").ar)


def test_series_autocorr_and_xcorr_are_indexed_by_lag(macro):
    s = macro["infl"]
    ac = s.sigconv.autocorr(12)
    assert list(ac.index) == list(range(13)) and ac.index.name == "lag" and ac.name == "infl"
    assert_close(ac.to_numpy(), F.autocorr(s.to_numpy(), 12))
    assert ac[1] == pytest.approx(s.autocorr(1), rel=0.05)  # pandas' lag-1 Pearson r (not acf): close
    xc = s.sigconv.xcorr(macro["unemp"], 4)
    assert list(xc.index) == list(range(-4, 5))
    assert_close(xc.to_numpy(), F.xcorr(s.to_numpy(), macro["unemp"].to_numpy(), 4))
    assert_close(s.sigconv.xcorr(macro["unemp"].to_numpy(), 4).to_numpy(), xc.to_numpy())


def test_series_match_returns_index_labels(co2):
    s = co2.interpolate().iloc[:800]
    template = s.iloc[300:352].to_numpy()
    found = s.sigconv.match(template, threshold=0.95)
    assert list(found.columns) == ["start", "end", "score"]
    assert len(found) >= 1
    assert found["start"].iloc[0] == s.index[300] and found["end"].iloc[0] == s.index[351]
    assert found["score"].iloc[0] == pytest.approx(1.0, abs=1e-6)
    assert (np.diff(found["score"].to_numpy()) <= 0).all()
    empty = s.sigconv.match(template, threshold=0.99999999)
    assert len(empty) <= 1 and list(empty.columns) == ["start", "end", "score"]


# ----------------------------------------------------------------------------- nullable, dtypes


def test_nullable_float64_with_na(co2):
    s = co2.iloc[:500].astype("Float64")
    assert s.isna().sum() > 0  # pd.NA
    out = s.sigconv.moving_average(5)
    _assert_series_like(out, s)
    expected = co2.iloc[:500].sigconv.moving_average(5)
    assert_close(out.to_numpy(), expected.to_numpy())
    assert out[s.isna().to_numpy()].isna().all()
    assert_close(s.sigconv.ewma(alpha=0.2).to_numpy(), co2.iloc[:500].ewm(alpha=0.2).mean().to_numpy())
    i = pd.Series([1, 2, None, 4, 5], dtype="Int64", name="n")
    assert_close(i.sigconv.moving_average(2, nan_policy="omit", min_periods=1).to_numpy(),
                 np.array([1.0, 1.5, 2.0, 4.0, 4.5]))


def test_bool_and_int_series_compute_in_float64():
    out = pd.Series([True, False, True, True]).sigconv.moving_average(2)
    assert out.dtype == np.float64
    assert_close(out.to_numpy(), np.array([np.nan, 0.5, 0.5, 1.0]))


@pytest.mark.parametrize(
    "bad",
    [
        pd.Series(["a", "b", "c"]),
        pd.Series(pd.date_range("2020", periods=3)),
        pd.Series([1 + 1j, 2, 3]),
        pd.Series(pd.Categorical(["a", "b", "a"])),
    ],
)
def test_non_numeric_series_raises_type_error(bad):
    with pytest.raises(TypeError, match="numeric"):
        bad.sigconv.moving_average(2)


def test_non_numeric_column_raises_type_error_naming_it(macro):
    df = macro.iloc[:20].copy()
    df["label"] = "x"
    with pytest.raises(TypeError, match="'label'"):
        df.sigconv.ewma(alpha=0.5)


def test_bad_options_pass_through_with_clear_errors(co2):
    with pytest.raises(ValueError, match="`align`"):
        co2.sigconv.moving_average(3, align="middle")
    with pytest.raises(ValueError, match="`window`"):
        co2.sigconv.moving_average(0)
    with pytest.raises(ValueError, match="`other`"):
        co2.sigconv.xcorr(co2.iloc[:10])
    with pytest.raises(ValueError, match="`y`"):
        co2.sigconv.fit_ar(2)  # co2 has gaps


# ----------------------------------------------------------------------------- DataFrame


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_frame_moving_average_equals_pandas_per_column(macro, dtype):
    df = macro.astype(dtype)
    out = df.sigconv.moving_average(8, "hann")
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(df.index) and out.columns.equals(df.columns)
    assert (out.dtypes == dtype).all()
    expected = df.astype(np.float64).rolling(8, win_type="hann").mean()
    assert_close(out.to_numpy(), expected.to_numpy(), dtype=dtype, n_terms=8)


def test_frame_is_one_batch_equal_to_columnwise(elnino):
    df = elnino.copy()
    df.iloc[5, 2] = np.nan
    out = df.sigconv.ewma(halflife=3.0, adjust=False)
    assert_close(out.to_numpy(), df.ewm(halflife=3.0, adjust=False).mean().to_numpy())
    ma = df.sigconv.moving_average(5, align="centered")
    for c in df.columns:
        assert_close(ma[c].to_numpy(), df[c].sigconv.moving_average(5, align="centered").to_numpy())
    assert ma.iloc[3:8, 2].isna().all() and ma.iloc[2:-2, [0, 1, 3]].notna().all().all()


def test_frame_mixed_float32_float64_and_nullable(macro):
    df = pd.DataFrame({
        "a": macro["infl"].astype(np.float32).to_numpy(),
        "b": macro["unemp"].to_numpy(),
        "c": pd.array(np.r_[macro["cpi"].to_numpy()[:-1], np.nan], dtype="Float64"),
    })
    out = df.sigconv.moving_average(4)
    assert (out.dtypes == np.float64).all()
    assert np.isnan(out["c"].iloc[-1]) and np.isfinite(out["c"].iloc[-2])
    assert_close(out["b"].to_numpy(), df["b"].rolling(4).mean().to_numpy())
    f32 = pd.DataFrame({"a": df["a"], "b": df["b"].astype(np.float32)})
    assert (f32.sigconv.ewma(alpha=0.3).dtypes == np.float32).all()


def test_frame_recursions_and_zi(macro):
    df = macro[["infl", "unemp"]]
    zi = np.array([[1.0, 2.0], [0.5, -1.0]])  # (p, columns) as the frame is laid out
    out = df.sigconv.ar_filter([0.6, 0.1], zi=zi)
    for j, c in enumerate(df.columns):
        assert_close(out[c].to_numpy(), F.ar_filter(df[c].to_numpy(), [0.6, 0.1], zi=zi[:, j]))
    pred = df.sigconv.ar_predict([0.5, 0.2], const=0.3)
    assert pred.iloc[:2].isna().all().all()
    assert_close(pred["infl"].to_numpy(), F.ar_predict(df["infl"].to_numpy(), [0.5, 0.2], const=0.3))


def test_frame_statistics(macro):
    df = macro[["infl", "unemp", "realgdp"]]
    ac = df.sigconv.autocorr(6, adjusted=True)
    assert ac.shape == (7, 3) and ac.index.name == "lag" and ac.columns.equals(df.columns)
    assert_close(ac["unemp"].to_numpy(), F.autocorr(df["unemp"].to_numpy(), 6, adjusted=True))
    xc = df.sigconv.xcorr(df["infl"], 3)
    assert list(xc.index) == [-3, -2, -1, 0, 1, 2, 3]
    assert xc.loc[0, "infl"] == pytest.approx(1.0)
    fits = df.sigconv.fit_ar(2)
    assert list(fits.index) == list(df.columns)
    assert_close(fits["unemp"].ar, F.fit_ar(df["unemp"].to_numpy(), 2).ar)


def test_frame_match(macro):
    infl = macro["infl"].to_numpy()
    df = pd.DataFrame({"x": infl, "y": np.r_[infl[10:], np.zeros(10)]}, index=macro.index)
    template = macro["infl"].to_numpy()[60:80]
    found = df.sigconv.match(template, threshold=0.99)
    assert list(found.columns) == ["column", "start", "end", "score"]
    best = found.loc[found.groupby("column")["score"].idxmax()].set_index("column")
    assert best.loc["x", "start"] == df.index[60] and best.loc["y", "start"] == df.index[50]
    assert best.loc["x", "end"] == df.index[79]


def test_inputs_are_not_modified(macro):
    df = macro.copy()
    df.iloc[3, 1] = np.nan
    keep = df.copy()
    df.sigconv.moving_average(4, nan_policy="omit", min_periods=1)
    df.sigconv.ewma(alpha=0.5)
    df.sigconv.ar_filter([0.5])
    pd.testing.assert_frame_equal(df, keep)


def test_frame_goes_through_one_call_as_one_batch(macro, monkeypatch):
    calls = []
    real = F.ewma

    def spy(x, *args, **kwargs):
        calls.append(np.shape(x))
        return real(x, *args, **kwargs)

    monkeypatch.setattr(sigconv.accessor._f, "ewma", spy)
    out = macro.sigconv.ewma(alpha=0.2)
    assert calls == [(macro.shape[1], macro.shape[0])]
    assert_close(out.to_numpy(), macro.ewm(alpha=0.2).mean().to_numpy())
