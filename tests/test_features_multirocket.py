"""Tests of sigconv.features.MultiRocket (API.md §5b).

Oracles: ``tests/reference.py::multirocket_naive`` (explicit multiplications and the pooling
definitions, float64) and sktime's ``MultiRocket`` / ``MultiRocketMultivariate`` with our
fitted dilations and biases injected.  The four statistics compare sums with biases, so the
exact comparisons use small-integer series, on which every sum is exact in float32 and float64.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv.features import MiniRocket, MultiRocket
from sigconv.features.multirocket import STATS
from tests.conftest import assert_close
from tests.reference import minirocket_naive, multirocket_naive

DTYPES = [np.float32, np.float64]


def _int_series(rng, shape, dtype):
    return rng.integers(-8, 9, size=shape).astype(dtype)


def _params(fitted):
    return (fitted.dilations, fitted.per_dilation, fitted.channel_starts, fitted.channel_indices,
            fitted.biases.astype(np.float64))


def _blocks(F, mr):
    """``F`` split into its 8 blocks (representation × statistic)."""
    sizes = [mr.base_.n_biases] * 4 + [mr.diff_.n_biases] * 4
    return np.split(F, np.cumsum(sizes)[:-1], axis=1)


def _assert_same_stats(F, ref, mr, precision=None):
    """PPV, LSPV and MIPV come from exact counts (equal up to the rounding of one division);
    MPV is a float64 sum of values rounded to the working dtype, divided by a count.
    ``precision``: the dtype of the reference's output, when coarser than ``F``'s."""
    eps = max(np.finfo(F.dtype).eps, np.finfo(precision or F.dtype).eps)
    for k, (got, want) in enumerate(zip(_blocks(F, mr), _blocks(ref, mr), strict=True)):
        stat = STATS[k % 4]
        if stat == "mpv":
            np.testing.assert_allclose(got, want, rtol=4 * eps, atol=4 * eps * np.abs(want).max())
        else:
            np.testing.assert_allclose(got, want, rtol=2 * eps, atol=2 * eps, err_msg=stat)


# ============================================================================== oracle and peer
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 20), (3, 3, 24), (2, 12)])
def test_matches_naive(dtype, shape, rng):
    X = _int_series(rng, shape, dtype)
    mr = MultiRocket(n_features=672, random_state=1).fit(X)
    F = mr.transform(X)
    assert F.dtype == dtype and F.shape == (shape[0], mr.n_features_out_)
    X3 = X[:, None, :] if X.ndim == 2 else X
    ref = multirocket_naive(X3.astype(np.float64), _params(mr.base_), _params(mr.diff_))
    _assert_same_stats(F, ref.astype(dtype), mr)


@pytest.mark.parametrize("dtype", DTYPES)
def test_biases_are_minirocket_fits_of_series_and_difference(dtype, rng):
    """The base biases are MiniRocket's fit; the difference's, the same fit on np.diff(X)."""
    X = _int_series(rng, (6, 3, 30), dtype)
    mr = MultiRocket(n_features=2688, random_state=3).fit(X)
    for fitted, series in ((mr.base_, X), (mr.diff_, np.diff(X, axis=-1))):
        q = __import__("sigconv._minirocket", fromlist=["quantiles"]).quantiles(fitted.n_biases)
        ref = minirocket_naive(series.astype(np.float64), fitted.dilations, fitted.per_dilation,
                               fitted.channel_starts, fitted.channel_indices, examples=fitted.examples,
                               quantiles=q.astype(np.float64))
        assert_close(fitted.biases, ref.astype(dtype), n_terms=9 * 3)
    # the series' biases and dilations are those MiniRocket fits with the same random stream
    mini = MiniRocket(n_features=336, random_state=3).fit(X)
    np.testing.assert_array_equal(mini.biases_, mr.base_.biases)
    np.testing.assert_array_equal(mini.dilations_, mr.base_.dilations)


def _sktime():
    pytest.importorskip("sktime")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sktime.transformations.panel.rocket import MultiRocket as SkMR
        from sktime.transformations.panel.rocket import MultiRocketMultivariate as SkMRM
    return SkMR, SkMRM


def _sk_transform(sk, X3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sk.transform(X3.astype(np.float64)).to_numpy()


@pytest.mark.slow
@pytest.mark.parametrize("dtype", DTYPES)
def test_equals_sktime_univariate(dtype, rng):
    """sktime's MultiRocket, our dilations and biases injected: integer series exactly, and
    the shipped GunPoint series up to comparisons that sktime's float32 sums flip."""
    SkMR, _ = _sktime()
    from tests.data.ucr import load_ucr

    X_train, _, X_test, _ = load_ucr("GunPoint")
    mr = MultiRocket(random_state=0).fit(X_train.astype(dtype))
    assert mr.n_features_out_ == 49_728                      # as sktime and the paper make
    sk = SkMR(random_state=0).fit(X_train[:5, None, :].astype(np.float64))
    sk.parameter, sk.parameter1 = [(f.dilations.astype(np.int32), f.per_dilation.astype(np.int32),
                                    f.biases.astype(np.float32)) for f in (mr.base_, mr.diff_)]
    X_int = _int_series(rng, (4, 150), dtype)
    _assert_same_stats(mr.transform(X_int), _sk_transform(sk, X_int[:, None, :]).astype(dtype), mr,
                       np.float32)   # sktime's features are float32
    F = mr.transform(X_test[:20].astype(dtype))
    ref = _sk_transform(sk, X_test[:20, None, :])
    flipped = ~np.isclose(F, ref, rtol=1e-5, atol=1e-5)
    assert flipped.mean() < 1e-3, flipped.mean()


@pytest.mark.slow
@pytest.mark.parametrize("dtype", DTYPES)
def test_equals_sktime_multivariate(dtype, rng):
    """sktime's MultiRocketMultivariate with our parameters, on the series' four blocks.

    Its difference blocks are left to the naive oracle (``test_matches_naive``): on one
    channel they equal sktime's univariate MultiRocket and ours, but on several channels they
    differ from both (measured; sktime's transform also applies the series' channel subsets
    to the difference, while its fit drew separate ones)."""
    _, SkMRM = _sktime()
    X = _int_series(rng, (5, 3, 40), dtype)
    mr = MultiRocket(n_features=2688, random_state=2).fit(X)
    sk = SkMRM(num_kernels=336, random_state=0).fit(X.astype(np.float64))
    sk.parameter, sk.parameter1 = [(np.diff(f.channel_starts).astype(np.int32), f.channel_indices.astype(np.int32),
                                    f.dilations.astype(np.int32), f.per_dilation.astype(np.int32),
                                    f.biases.astype(np.float32)) for f in (mr.base_, mr.diff_)]
    n = 4 * mr.base_.n_biases
    F = mr.transform(X)
    ref = _sk_transform(sk, X).astype(dtype)
    ref[:, n:] = F[:, n:]
    _assert_same_stats(F, ref, mr, np.float32)


# ====================================================================================== behaviour
def test_default_size_and_names(rng):
    X = rng.normal(size=(3, 150))
    mr = MultiRocket(random_state=0).fit(X)
    assert mr.n_features_out_ == 49_728
    names = mr.get_feature_names_out()
    assert names.shape == (49_728,) and names[0] == "multirocket_x_ppv0"
    assert names[-1] == f"multirocket_dx_mipv{mr.diff_.n_biases - 1}"


@pytest.mark.parametrize("length", range(1, 11))
@pytest.mark.parametrize("dtype", DTYPES)
def test_short_series_give_finite_features(length, dtype, rng):
    X = rng.normal(size=(4, length)).astype(dtype)
    F = MultiRocket(n_features=672, random_state=0).fit(X).transform(X)
    assert F.dtype == dtype and np.isfinite(F).all()
    ppv = _blocks(F, MultiRocket(n_features=672, random_state=0).fit(X))[0]
    assert ((ppv >= 0) & (ppv <= 1)).all()


def test_batch_equals_rows_alone_and_n_jobs(rng):
    X = rng.normal(size=(7, 2, 33))
    mr = MultiRocket(n_features=1344, random_state=5, n_jobs=2).fit(X)
    F = mr.transform(X)
    rows = np.concatenate([mr.transform(X[i:i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(F, rows)
    np.testing.assert_array_equal(F, mr.set_params(n_jobs=1).transform(X))
    again = MultiRocket(n_features=1344, random_state=5, n_jobs=1).fit(X).transform(X)
    np.testing.assert_array_equal(F, again)


def test_dtypes_and_input_unchanged(rng):
    X = rng.normal(size=(4, 30))
    X.flags.writeable = False
    mr = MultiRocket(n_features=672, random_state=0).fit(X)
    assert mr.transform(X).dtype == np.float64
    assert mr.transform(X.astype(np.float32)).dtype == np.float32
    assert mr.transform(X.astype(np.int64)).dtype == np.float64
    import pandas as pd

    df = pd.DataFrame(X, columns=[f"t{i}" for i in range(30)])
    np.testing.assert_array_equal(mr.fit(df).transform(df), mr.fit(X).transform(X))


@pytest.mark.parametrize("params,name", [
    ({"n_features": 671}, "n_features"), ({"n_features": 1.5}, "n_features"),
    ({"max_dilations_per_kernel": 0}, "max_dilations_per_kernel"), ({"n_jobs": 0}, "n_jobs"),
    ({"random_state": -1}, "random_state"), ({"random_state": "x"}, "random_state"),
])
def test_bad_params(params, name, rng):
    with pytest.raises((ValueError, TypeError), match=f"`{name}`"):
        MultiRocket(**params).fit(rng.normal(size=(3, 20)))


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), channels=st.integers(1, 3), length=st.integers(1, 40), seed=st.integers(0, 99),
       f32=st.booleans())
def test_property_shapes(n, channels, length, seed, f32):
    dtype = np.float32 if f32 else np.float64
    X = np.random.default_rng(seed).normal(size=(n, channels, length)).astype(dtype)
    mr = MultiRocket(n_features=672, random_state=seed).fit(X)
    F = mr.transform(X)
    assert F.shape == (n, mr.n_features_out_) and F.dtype == dtype and np.isfinite(F).all()
