"""Tests of sigconv.features (API.md §5): MiniRocket, KernelFeatures, CNNFeatures.

Oracles: the loops of ``tests/reference.py`` (explicit multiplications in float64) and the
published MiniRocket formulas.  MiniRocket's PPV features compare a sum with a bias, so the
oracle comparisons use small-integer series, on which every sum is exact in float32 and
float64 and the features must agree exactly.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv import _minirocket as _mr
from sigconv.features import KernelFeatures, MiniRocket
from tests.conftest import assert_close
from tests.reference import (
    kernel_features_naive,
    minirocket_dilations_published,
    minirocket_naive,
)

DTYPES = [np.float32, np.float64]


def _int_series(rng, shape, dtype):
    """Small-integer series: every MiniRocket sum is exact, so PPVs must match exactly."""
    return rng.integers(-8, 9, size=shape).astype(dtype)


def _naive_features(mr, X3):
    """The oracle's PPVs (count / length), rounded to the dtype of the fitted biases."""
    F = minirocket_naive(X3, mr.dilations_, mr.n_features_per_dilation_, mr.channel_starts_,
                         mr.channel_indices_, biases=mr.biases_.astype(np.float64))
    return F.astype(mr.biases_.dtype)


def _assert_same_ppv(F, ref):
    """Equal counts: PPVs differ by at most the rounding of ``count / length`` (a flipped
    comparison would differ by ``1 / length``)."""
    np.testing.assert_allclose(F, ref, rtol=0, atol=4 * np.finfo(F.dtype).eps)


def _naive_biases(mr, X3):
    q = _mr.quantiles(mr.n_features_out_).astype(np.float64)   # float32 values, float64 maths
    return minirocket_naive(X3, mr.dilations_, mr.n_features_per_dilation_, mr.channel_starts_,
                            mr.channel_indices_, examples=mr.bias_examples_, quantiles=q)


# ==================================================================================== MiniRocket
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 40), (4, 3, 33), (3, 2, 20)])
def test_minirocket_matches_naive(dtype, shape, rng):
    X = _int_series(rng, shape, dtype)
    X3 = X[:, None, :] if X.ndim == 2 else X
    mr = MiniRocket(n_features=336, max_dilations_per_kernel=4, random_state=1, n_jobs=1).fit(X)
    assert mr.biases_.dtype == dtype
    assert_close(mr.biases_, _naive_biases(mr, X3), dtype=dtype, n_terms=9 * X3.shape[1])
    F = mr.transform(X)
    assert F.dtype == dtype and F.shape == (shape[0], 336) and F.flags.c_contiguous
    _assert_same_ppv(F, _naive_features(mr, X3))


@pytest.mark.parametrize("dtype", DTYPES)
def test_minirocket_float_data_close_to_naive(dtype, rng):
    """On real-valued data a PPV may flip only where an output ties its bias within rounding."""
    X = rng.normal(size=(6, 2, 50)).astype(dtype)
    mr = MiniRocket(n_features=420, random_state=3).fit(X)
    F = mr.transform(X)
    ref = _naive_features(mr, X)
    diff = np.abs(F - ref)
    assert diff.max() <= 2.0 / 50 + 1e-6
    assert np.mean(diff > 1e-6) < 1e-2


@pytest.mark.parametrize("length", [9, 10, 17, 50, 150, 1000])
@pytest.mark.parametrize("n_features,max_dil", [(10_000, 32), (1000, 32), (840, 4), (84, 32)])
def test_minirocket_dilations_published(length, n_features, max_dil):
    d, nf = _mr.fit_dilations(length, n_features, max_dil)
    d_ref, nf_ref = minirocket_dilations_published(length, n_features, max_dil)
    np.testing.assert_array_equal(d, d_ref)
    np.testing.assert_array_equal(nf, nf_ref)
    assert (d * 8 <= length - 1).all()
    assert 84 * nf.sum() == 84 * (n_features // 84)


def test_minirocket_quantiles_published():
    q = _mr.quantiles(5)
    ref = np.array([(k * ((np.sqrt(5) + 1) / 2)) % 1 for k in range(1, 6)], dtype=np.float32)
    np.testing.assert_array_equal(q, ref)


def test_minirocket_default_size_and_range(rng):
    X = rng.normal(size=(8, 120)).astype(np.float32)
    F = MiniRocket(random_state=0).fit_transform(X)
    assert F.shape == (8, 9996) and F.dtype == np.float32
    assert ((F >= 0) & (F <= 1)).all()
    # biases from quantiles: on a training example roughly the quantile's share is above it
    assert 0.3 < F.mean() < 0.7


@pytest.mark.parametrize("length", [1, 2, 5, 8])
@pytest.mark.parametrize("dtype", DTYPES)
def test_minirocket_short_series(length, dtype, rng):
    """Shorter than the kernel: single dilation 1, zero padding, PPV over the padded output."""
    X = _int_series(rng, (4, 2, length), dtype)
    mr = MiniRocket(n_features=168, random_state=0).fit(X)
    np.testing.assert_array_equal(mr.dilations_, [1])
    F = mr.transform(X)
    _assert_same_ppv(F, _naive_features(mr, X))


def test_minirocket_deterministic_and_independent_of_n_jobs(rng):
    X = rng.normal(size=(12, 2, 64))
    a = MiniRocket(n_features=840, random_state=7, n_jobs=1).fit(X)
    b = MiniRocket(n_features=840, random_state=7, n_jobs=2).fit(X)
    np.testing.assert_array_equal(a.biases_, b.biases_)
    Fa, Fb = a.transform(X), b.transform(X)
    np.testing.assert_array_equal(Fa, Fb)
    np.testing.assert_array_equal(Fa, MiniRocket(n_features=840, random_state=7, n_jobs=-1).fit_transform(X))
    c = MiniRocket(n_features=840, random_state=8).fit(X)
    assert not np.array_equal(a.biases_, c.biases_)


def test_minirocket_random_state_kinds(rng):
    X = rng.normal(size=(6, 30))
    a = MiniRocket(n_features=168, random_state=np.random.default_rng(4)).fit(X)
    b = MiniRocket(n_features=168, random_state=np.random.default_rng(4)).fit(X)
    np.testing.assert_array_equal(a.biases_, b.biases_)
    MiniRocket(n_features=168, random_state=np.random.RandomState(0)).fit(X)


def test_minirocket_dtypes(rng):
    X = rng.integers(-3, 4, size=(5, 30))
    assert MiniRocket(n_features=84, random_state=0).fit_transform(X).dtype == np.float64
    F32 = MiniRocket(n_features=84, random_state=0).fit_transform(X.astype(np.float32))
    F64 = MiniRocket(n_features=84, random_state=0).fit_transform(X.astype(np.float64))
    assert F32.dtype == np.float32
    np.testing.assert_allclose(F32, F64, rtol=0, atol=1e-6)   # integer data: same counts
    mr = MiniRocket(n_features=84, random_state=0).fit(X.astype(np.float64))
    assert mr.transform(X.astype(np.float32)).dtype == np.float32


def test_minirocket_dataframe_and_2d_vs_3d(rng):
    pd = pytest.importorskip("pandas")
    X = rng.normal(size=(6, 40))
    df = pd.DataFrame(X, columns=[f"t{i}" for i in range(40)])
    mr = MiniRocket(n_features=168, random_state=0).fit(df)
    np.testing.assert_array_equal(mr.transform(df), MiniRocket(n_features=168, random_state=0).fit_transform(X))
    np.testing.assert_array_equal(MiniRocket(n_features=168, random_state=0).fit_transform(X[:, None, :]),
                                  mr.transform(df))


def test_minirocket_does_not_modify_input(rng):
    X = rng.normal(size=(5, 2, 30))
    X.flags.writeable = False
    keep = X.copy()
    mr = MiniRocket(n_features=168, random_state=0).fit(X)
    mr.transform(X)
    np.testing.assert_array_equal(X, keep)


@pytest.mark.parametrize("params,name", [
    ({"n_features": 83}, "n_features"),
    ({"n_features": 1.5}, "n_features"),
    ({"max_dilations_per_kernel": 0}, "max_dilations_per_kernel"),
    ({"random_state": -1}, "random_state"),
    ({"random_state": "seed"}, "random_state"),
    ({"n_jobs": 0}, "n_jobs"),
    ({"n_jobs": -3}, "n_jobs"),
])
def test_minirocket_bad_params(params, name, rng):
    X = rng.normal(size=(4, 20))
    with pytest.raises((ValueError, TypeError), match=name):
        MiniRocket(**params).fit(X)


def test_bad_input_raises(rng):
    mr = MiniRocket(n_features=84, random_state=0)
    with pytest.raises(ValueError):
        mr.fit([[1.0, 2.0, 3.0], [1.0, 2.0]])                  # ragged
    with pytest.raises(ValueError):
        mr.fit(np.array([[1.0, np.nan, 2.0]]))
    with pytest.raises(ValueError):
        mr.fit(np.ones((3, 10), dtype=complex))
    with pytest.raises(ValueError):
        mr.fit(np.ones(10))                                    # 1D
    with pytest.raises(ValueError):
        mr.fit(np.ones((2, 2, 2, 10)))                         # 4D
    mr.fit(rng.normal(size=(4, 2, 20)))
    with pytest.raises(ValueError, match="time points"):
        mr.transform(rng.normal(size=(4, 2, 21)))
    with pytest.raises(ValueError, match="channel|features"):
        mr.transform(rng.normal(size=(4, 3, 20)))
    with pytest.raises(ValueError, match="fitted on 3D"):
        mr.transform(rng.normal(size=(4, 20)))
    with pytest.raises(ValueError):
        mr.transform([[[1.0, 2.0]], [[1.0]]])                  # ragged


def test_not_fitted():
    from sigconv._estimator import NotFittedError

    for est in (MiniRocket(), KernelFeatures()):
        with pytest.raises(NotFittedError):
            est.transform(np.ones((2, 10)))


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), channels=st.integers(1, 3), length=st.integers(1, 40),
       seed=st.integers(0, 2**16), f32=st.booleans())
def test_minirocket_property_shapes(n, channels, length, seed, f32):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, channels, length)).astype(np.float32 if f32 else np.float64)
    F = MiniRocket(n_features=252, random_state=seed).fit_transform(X)
    assert F.shape == (n, 252)
    assert F.dtype == X.dtype
    assert np.isfinite(F).all() and ((F >= 0) & (F <= 1)).all()
