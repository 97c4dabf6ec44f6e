"""The filters pack on the pandas accessor (API.md §2b layouts, §6): index kept, batch = columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.signal

import sigconv  # noqa: F401  (registers the accessor)
from sigconv import filters as F

sm_datasets = pytest.importorskip("statsmodels.datasets")


@pytest.fixture(scope="module")
def gdp():
    d = sm_datasets.macrodata.load_pandas().data
    idx = pd.period_range("1959Q1", periods=len(d), freq="Q")
    return pd.DataFrame({"gdp": np.log(d["realgdp"].to_numpy()), "cons": np.log(d["realcons"].to_numpy())},
                        index=idx)


def test_bk_series_keeps_length_with_nan_edges(gdp):
    s = gdp["gdp"]
    out = s.sigconv.bk_filter(6, 32, 12)
    assert out.index.equals(s.index) and out.name == "gdp"
    assert out.iloc[:12].isna().all() and out.iloc[-12:].isna().all()
    np.testing.assert_array_equal(out.to_numpy()[12:-12], F.bk_filter(s.to_numpy(), 6, 32, 12))


@pytest.mark.parametrize("method", ["hp_filter", "cf_filter"])
def test_cycle_trend_pairs_on_frames(gdp, method):
    cycle, trend = getattr(gdp.sigconv, method)()
    assert list(cycle.columns) == ["gdp", "cons"] and cycle.index.equals(gdp.index)
    c1, t1 = getattr(F, method)(gdp["cons"].to_numpy())
    np.testing.assert_allclose(cycle["cons"], c1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(trend["cons"], t1, rtol=0, atol=1e-12)


def test_hp_nullable_na_is_missing(gdp):
    s = gdp["gdp"].astype("Float64")
    s.iloc[[10, 11]] = pd.NA
    cycle, trend = s.sigconv.hp_filter(1600, one_sided=True)
    assert trend.iloc[2:].notna().all() and cycle.iloc[[10, 11]].isna().all()


def test_smoothers_and_sos(gdp):
    s = gdp["gdp"]
    np.testing.assert_allclose(s.sigconv.savgol(7, 2), scipy.signal.savgol_filter(s.to_numpy(), 7, 2),
                               rtol=0, atol=1e-12)
    assert s.sigconv.gaussian(2.0, order=1).index.equals(s.index)
    sos = scipy.signal.butter(2, 0.1, output="sos")
    y = gdp.sigconv.sos_filter(sos, zero_phase=True)
    np.testing.assert_allclose(y.to_numpy(), scipy.signal.sosfiltfilt(sos, gdp.to_numpy(), axis=0),
                               rtol=0, atol=1e-12)


def test_seasonal_decompose_components_on_index(gdp):
    s = np.exp(gdp["gdp"])
    s.iloc[40] = np.nan
    d = s.sigconv.seasonal_decompose(4, model="multiplicative")
    assert isinstance(d, F.Decomposition) and d.period == 4 and d.model == "multiplicative"
    for part in (d.observed, d.trend, d.seasonal, d.resid):
        assert isinstance(part, pd.Series) and part.index.equals(s.index)
    assert d.seasonal.notna().all() and d.trend.iloc[38:43].isna().all()
    frame = gdp.sigconv.seasonal_decompose(4)
    assert isinstance(frame.trend, pd.DataFrame) and list(frame.trend.columns) == ["gdp", "cons"]


def test_cwt_layouts(gdp):
    s = gdp["gdp"]
    out = s.sigconv.cwt([1, 2, 4])
    assert out.shape == (len(s), 3) and out.index.equals(s.index) and list(out.columns) == [1, 2, 4]
    np.testing.assert_array_equal(out.to_numpy().T, F.cwt(s.to_numpy(), [1, 2, 4]))
    both = gdp.sigconv.cwt([1, 2], "morlet2")
    assert both.shape == (len(s), 4) and both[("cons", 2)].dtype == np.complex128
