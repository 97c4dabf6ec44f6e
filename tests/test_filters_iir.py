"""sos_filter (API.md §2b) against scipy's sosfilt / sosfiltfilt and a difference-equation loop."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import sos_filter
from tests import reference as ref
from tests.conftest import assert_close

DTYPES = (np.float32, np.float64)


def _designs():
    return {
        "lowpass1": scipy.signal.butter(2, 0.2, output="sos"),
        "bandpass4": scipy.signal.butter(4, [0.1, 0.3], btype="band", output="sos"),
        "cheby6": scipy.signal.cheby1(6, 1.0, 0.25, output="sos"),
        "ellip5": scipy.signal.ellip(5, 0.5, 40, 0.3, output="sos"),   # odd order: a zero b2/a2 section
    }


DESIGNS = _designs()


def _scale(y):
    return float(np.nanmax(np.abs(y)))


@pytest.mark.parametrize("name", sorted(DESIGNS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_sosfilt_equals_scipy_and_loop(name, dtype, rng):
    sos = DESIGNS[name]
    x = rng.standard_normal((3, 400)).astype(dtype)
    y = sos_filter(sos, x)
    assert y.dtype == dtype and y.shape == x.shape
    want = scipy.signal.sosfilt(sos, x.astype(np.float64))
    assert_close(y, want, dtype=dtype, scale=_scale(want), k=64 if dtype == np.float64 else 8)
    assert_close(y[1], ref.sos_loop(sos, x[1]), dtype=dtype, scale=_scale(want), k=64)


@pytest.mark.parametrize("name", sorted(DESIGNS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_sosfiltfilt_equals_scipy(name, dtype, rng):
    sos = DESIGNS[name]
    x = rng.standard_normal((2, 300)).astype(dtype)
    y = sos_filter(sos, x, zero_phase=True)
    assert y.dtype == dtype
    want = scipy.signal.sosfiltfilt(sos, x.astype(np.float64))
    assert_close(y, want, dtype=dtype, scale=_scale(want), k=64 if dtype == np.float64 else 8)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_zi_layout_and_zf_equal_scipy(axis, rng):
    sos = DESIGNS["bandpass4"]
    x = rng.standard_normal((5, 6, 7))
    shape = list(x.shape)
    shape[axis] = 2
    zi = rng.standard_normal((sos.shape[0], *shape))
    y, zf = sos_filter(sos, x, zi=zi, axis=axis)
    y2, zf2 = scipy.signal.sosfilt(sos, x, axis=axis, zi=zi)
    assert zf.shape == zi.shape and zf.dtype == np.float64
    assert_close(y, y2, scale=_scale(y2), k=64)
    assert_close(zf, zf2, scale=_scale(zf2), k=64)


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(0, 120), max_size=5))
def test_chunked_with_zf_equals_one_pass(dtype, cuts):
    """The state runs in float64: chunks fed through zi/zf equal one pass bit for bit."""
    sos = DESIGNS["cheby6"]
    x = np.random.default_rng(7).standard_normal(120).astype(dtype)
    whole = sos_filter(sos, x)
    z = np.zeros((sos.shape[0], 2))
    parts = []
    for piece in np.split(x, sorted(cuts)):
        if piece.size == 0:
            continue
        y, z = sos_filter(sos, piece, zi=z)
        parts.append(y)
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def _runs(x):
    finite = np.isfinite(x)
    edges = np.flatnonzero(np.diff(np.r_[False, finite, False].astype(int)))
    return list(zip(edges[::2], edges[1::2]))


@pytest.mark.parametrize("zero_phase", [False, True])
def test_segments_equal_scipy_per_run(zero_phase, rng):
    sos = DESIGNS["bandpass4"]
    x = rng.standard_normal(300)
    x[[40, 41, 120, 200]] = [np.nan, np.nan, np.inf, np.nan]
    x[299] = np.nan
    y = sos_filter(sos, x, zero_phase=zero_phase, nan_policy="segments")
    assert np.isnan(y[[40, 41, 200, 299]]).all() and y[120] == np.inf
    pad = 3 * (2 * sos.shape[0] + 1)
    for a, b in _runs(x):
        run = x[a:b]
        if zero_phase:
            want = scipy.signal.sosfiltfilt(sos, run, padlen=min(pad, b - a - 1))
        else:
            want = scipy.signal.sosfilt(sos, run)
        assert_close(y[a:b], want, scale=_scale(want), k=64)


def test_segments_with_zi_start_only_the_first_run(rng):
    sos = DESIGNS["lowpass1"]
    x = rng.standard_normal(50)
    x[20] = np.nan
    zi = rng.standard_normal((1, 2))
    y, zf = sos_filter(sos, x, zi=zi, nan_policy="segments")
    first, _ = scipy.signal.sosfilt(sos, x[:20], zi=zi)
    second, zf2 = scipy.signal.sosfilt(sos, x[21:], zi=np.zeros((1, 2)))
    assert_close(y[:20], first, scale=_scale(first), k=64)
    assert_close(y[21:], second, scale=_scale(second), k=64)
    assert_close(zf, zf2, scale=_scale(zf2), k=64)


def test_propagate_is_scipys_behaviour(rng):
    sos = DESIGNS["lowpass1"]
    x = rng.standard_normal(100)
    x[30] = np.nan
    y = sos_filter(sos, x)
    assert np.isfinite(y[:30]).all() and np.isnan(y[30:]).all()
    assert np.isnan(sos_filter(sos, x, zero_phase=True)).all()


def test_input_unchanged_and_readonly(rng):
    sos = DESIGNS["cheby6"]
    x = rng.standard_normal((2, 200))
    x.flags.writeable = False
    keep = x.copy()
    sos_filter(sos, x, zero_phase=True)
    sos_filter(sos, x, nan_policy="segments")
    np.testing.assert_array_equal(x, keep)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 60), batch=st.integers(1, 3), zero_phase=st.booleans(),
       nan_at=st.lists(st.integers(0, 59), max_size=4))
def test_never_crashes_with_segments(n, batch, zero_phase, nan_at):
    sos = DESIGNS["lowpass1"]
    x = np.random.default_rng(n).standard_normal((batch, n))
    for i in nan_at:
        x[:, i % n] = np.nan
    y = sos_filter(sos, x, zero_phase=zero_phase, nan_policy="segments")
    assert y.shape == x.shape
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x))
