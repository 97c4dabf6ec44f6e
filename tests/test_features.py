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
from sigconv.features import (
    CNNFeatures,
    Hydra,
    KernelFeatures,
    MiniRocket,
    MultiRocket,
    MultiRocketHydra,
    default_kernels,
)
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
    F = MiniRocket(n_features=168, random_state=0).fit_transform(X)
    np.testing.assert_array_equal(mr.transform(df), F)
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


# ================================================================================ KernelFeatures
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(3, 40), (2, 2, 25)])
def test_kernel_features_match_naive(dtype, shape, rng):
    X = rng.normal(size=shape).astype(dtype)
    X3 = X[:, None, :] if X.ndim == 2 else X
    stats = ("mean", "max", "min", "ppv", "std")
    kf = KernelFeatures(stats=stats, dilations=(1, 3)).fit(X)
    F = kf.transform(X)
    assert F.dtype == dtype and F.shape == (shape[0], kf.n_features_out_)
    ref = kernel_features_naive(X3, kf.weights_, (1, 3), stats)
    assert_close(F, ref, dtype=dtype, scale=np.abs(X).max(), n_terms=31)
    names = kf.get_feature_names_out()
    assert len(names) == F.shape[1] == X3.shape[1] * 14 * 2 * 5
    assert names[0] == ("c0_" if X.ndim == 3 else "") + "ma3_d1_mean"
    assert names[-1] == ("c1_" if X.ndim == 3 else "") + "ddgauss4_d3_std"


def test_kernel_features_custom_banks(rng):
    X = rng.normal(size=(4, 30))
    w = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 0.0]])
    a = KernelFeatures(kernels=w, stats="max").fit(X)
    b = KernelFeatures(kernels={"k0": w[0], "k1": w[1]}, stats=("max",)).fit(X)
    c = KernelFeatures(kernels=[w[0], w[1]], stats=["max"]).fit(X)
    np.testing.assert_array_equal(a.transform(X), b.transform(X))
    np.testing.assert_array_equal(a.transform(X), c.transform(X))
    assert list(b.get_feature_names_out()) == ["k0_d1_max", "k1_d1_max"]
    assert_close(a.transform(X), kernel_features_naive(X[:, None], list(w), (1,), ("max",)))



@pytest.mark.parametrize("dtype", DTYPES)
def test_kernel_features_short_series_and_threads_match_naive(dtype, rng, monkeypatch):
    """Series shorter than the dilated kernels (every tap reaches past both edges), and the
    rows split over threads (forced) give the same features as one thread and the naive loops."""
    from sigconv.features import kernel as kernel_module

    X = rng.normal(size=(5, 2, 3)).astype(dtype)
    stats = ("mean", "max", "min", "ppv", "std")
    kf = KernelFeatures(stats=stats, dilations=(1, 5)).fit(X)
    F = kf.transform(X)
    assert_close(F, kernel_features_naive(X, kf.weights_, (1, 5), stats), dtype=dtype,
                 scale=np.abs(X).max(), n_terms=31)
    monkeypatch.setattr(kernel_module, "PARALLEL_MIN_WORK", 0)
    np.testing.assert_array_equal(kf.transform(X), F)

def test_default_kernels():
    bank = default_kernels()
    assert len(bank) == 14
    for name, w in bank.items():
        if name.startswith(("ma", "gauss")):
            assert_close(w.sum(), 1.0)
        else:                                   # differences and derivatives ignore offsets
            assert abs(w.sum()) < 1e-12
    # a derivative-of-Gaussian kernel is odd, the others even (or the 2-tap difference)
    np.testing.assert_allclose(bank["dgauss2"], -bank["dgauss2"][::-1])
    np.testing.assert_allclose(bank["gauss2"], bank["gauss2"][::-1])


def test_kernel_features_edge_extension(rng):
    """A constant series gives each kernel's weight sum everywhere (edges extended)."""
    X = np.full((2, 12), 3.0)
    kf = KernelFeatures(stats=("min", "max"), dilations=(1, 2)).fit(X)
    F = kf.transform(X).reshape(2, 14, 2, 2)
    sums = np.array([w.sum() for w in default_kernels().values()])
    assert_close(F, np.broadcast_to(3.0 * sums[None, :, None, None], F.shape), scale=3.0, n_terms=25)


@pytest.mark.parametrize("params,name", [
    ({"kernels": "gauss"}, "kernels"),
    ({"kernels": []}, "kernels"),
    ({"kernels": [np.ones((2, 2))]}, "kernels"),
    ({"kernels": [np.array([1.0, np.nan])]}, "kernels"),
    ({"kernels": 3}, "kernels"),
    ({"stats": ("mean", "median")}, "stats"),
    ({"stats": ()}, "stats"),
    ({"stats": 5}, "stats"),
    ({"dilations": (0,)}, "dilations"),
    ({"dilations": ()}, "dilations"),
    ({"dilations": 1.5}, "dilations"),
])
def test_kernel_features_bad_params(params, name, rng):
    with pytest.raises((ValueError, TypeError), match=name):
        KernelFeatures(**params).fit(rng.normal(size=(3, 20)))


def test_kernel_features_does_not_modify_input(rng):
    X = rng.normal(size=(3, 2, 20))
    X.flags.writeable = False
    keep = X.copy()
    KernelFeatures(dilations=(1, 2)).fit_transform(X)
    np.testing.assert_array_equal(X, keep)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 3), channels=st.integers(1, 2), length=st.integers(1, 30),
       seed=st.integers(0, 2**16))
def test_kernel_features_property_shapes(n, channels, length, seed):
    X = np.random.default_rng(seed).normal(size=(n, channels, length))
    kf = KernelFeatures(dilations=(1, 2))
    F = kf.fit_transform(X)
    assert F.shape == (n, channels * 14 * 2 * 4) and np.isfinite(F).all()
    ppv = F.reshape(n, channels, 14, 2, 4)[..., 3]
    assert ((ppv >= 0) & (ppv <= 1)).all()


# =================================================================================== CNNFeatures
def _tiny_model(dtype=np.float32, channels=1):
    from sigconv.nn import Conv1D, Dropout, GlobalMaxPool1D, Linear, ReLU, Sequential

    return Sequential(Conv1D(channels, 4, 5, padding="same", dtype=dtype, random_state=0), ReLU(),
                      Dropout(0.5), GlobalMaxPool1D(), Linear(4, 2, dtype=dtype, random_state=1))


@pytest.mark.parametrize("dtype", DTYPES)
def test_cnn_features_are_layer_activations(dtype, rng):
    model = _tiny_model(dtype, channels=2)
    X = rng.normal(size=(7, 2, 30)).astype(dtype)
    weight = model.layers[0].params["weight"].astype(np.float64)
    bias = model.layers[0].params["bias"].astype(np.float64)
    conv = np.zeros((7, 4, 30))
    Xp = np.pad(X.astype(np.float64), ((0, 0), (0, 0), (2, 2)))
    for k in range(5):
        conv += np.einsum("oc,nct->not", weight[:, :, k], Xp[:, :, k:k + 30])
    conv += bias[None, :, None]
    expected = np.maximum(conv, 0).max(axis=2)         # dropout is off at inference
    cf = CNNFeatures(model, batch_size=3).fit(X)
    F = cf.transform(X)
    assert F.dtype == dtype and F.shape == (7, 4) and cf.layer_ == 3
    assert_close(F, expected, dtype=dtype, n_terms=10)
    F1 = CNNFeatures(model, layer=1).fit_transform(X)
    assert F1.shape == (7, 4 * 30)
    assert_close(F1, np.maximum(conv, 0).reshape(7, -1), dtype=dtype, n_terms=10)
    last = CNNFeatures(model, layer=-1).fit_transform(X)
    np.testing.assert_array_equal(last, model.forward(X, training=False))
    assert list(cf.get_feature_names_out()) == [f"layer3_{j}" for j in range(4)]


def test_cnn_features_snapshot_and_dtype(rng):
    model = _tiny_model(np.float32)
    X = rng.normal(size=(5, 20))
    cf = CNNFeatures(model).fit(X)
    before = cf.transform(X)
    assert before.dtype == np.float64                   # the input's dtype
    model.layers[0].params["weight"][...] = 0.0         # training the model further ...
    np.testing.assert_array_equal(cf.transform(X), before)   # ... does not touch the fitted copy
    assert not np.array_equal(CNNFeatures(model).fit_transform(X), before)


@pytest.mark.parametrize("params,error,name", [
    ({"model": "net"}, TypeError, "model"),
    ({"layer": 5}, ValueError, "layer"),
    ({"layer": -6}, ValueError, "layer"),
    ({"layer": 1.0}, TypeError, "layer"),
    ({"batch_size": 0}, ValueError, "batch_size"),
])
def test_cnn_features_bad_params(params, error, name, rng):
    kwargs = {"model": _tiny_model()} | params
    with pytest.raises(error, match=name):
        CNNFeatures(**kwargs).fit(rng.normal(size=(3, 20)))


def test_cnn_features_channel_mismatch(rng):
    with pytest.raises(ValueError, match="model"):
        CNNFeatures(_tiny_model(channels=2)).fit(rng.normal(size=(3, 20)))


# ======================================================================= scikit-learn contract
def _all_estimators():
    return [MiniRocket(n_features=168, random_state=0), KernelFeatures(dilations=(1, 2)),
            CNNFeatures(_tiny_model()), MultiRocket(n_features=672, random_state=0),
            Hydra(n_kernels=4, n_groups=8, random_state=0), MultiRocketHydra(random_state=0)]


# check_estimator reports sklearn's array-API check as skipped (with a SkipTestWarning) unless
# SCIPY_ARRAY_API is set; the transformers take numpy input only, so that warning is expected.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
@pytest.mark.parametrize("est", _all_estimators(), ids=lambda e: type(e).__name__)
def test_check_estimator(est):
    from sklearn.utils.estimator_checks import check_estimator

    results = check_estimator(est, on_fail=None)
    bad = [(r["check_name"], r["status"], repr(r["exception"])) for r in results
           if r["status"] != "passed" and r["check_name"] != "check_array_api_input"]
    assert not bad
    assert sum(r["status"] == "passed" for r in results) >= 40


def test_get_set_params_and_clone():
    from sklearn.base import clone

    mr = MiniRocket(n_features=840, random_state=3)
    assert mr.get_params()["n_features"] == 840
    mr.set_params(max_dilations_per_kernel=8)
    assert clone(mr).get_params() == mr.get_params()
    with pytest.raises(ValueError):
        mr.set_params(n_kernels=3)


@pytest.mark.parametrize("est", _all_estimators(), ids=lambda e: type(e).__name__)
def test_pipeline_and_grid_search(est, rng):
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    t = np.linspace(0, 1, 40)
    y = np.repeat([0, 1], 15)
    freq = np.where(y == 0, 2.0, 5.0)
    X = np.sin(2 * np.pi * freq[:, None] * t) + 0.3 * rng.normal(size=(30, 40))
    pipe = make_pipeline(est, StandardScaler(with_mean=False), RidgeClassifierCV())
    assert pipe.fit(X[::2], y[::2]).score(X[1::2], y[1::2]) >= 0.8
    name = type(est).__name__.lower()
    grid = {"MiniRocket": {"minirocket__n_features": [84, 168]},
            "KernelFeatures": {"kernelfeatures__dilations": [(1,), (1, 4)]},
            "CNNFeatures": {"cnnfeatures__layer": [1, 3]},
            "MultiRocket": {"multirocket__n_features": [672, 1344]},
            "Hydra": {"hydra__n_groups": [4, 8]},
            "MultiRocketHydra": {"multirockethydra__random_state": [0, 1]}}[type(est).__name__]
    assert list(grid)[0].startswith(name)
    search = GridSearchCV(pipe, grid, cv=2).fit(X, y)
    assert search.best_score_ >= 0.8


def test_sklearn_imported_lazily_and_optional():
    code = (
        "import sys\n"
        "import sigconv\n"
        "assert 'sklearn' not in sys.modules, 'import sigconv imported sklearn'\n"
        "sys.modules['sklearn'] = None\n"           # now make scikit-learn unimportable
        "import numpy as np\n"
        "from sigconv.features import MiniRocket, KernelFeatures\n"
        "X = np.random.default_rng(0).normal(size=(5, 30))\n"
        "mr = MiniRocket(n_features=168, random_state=0)\n"
        "F = mr.fit_transform(X)\n"
        "assert F.shape == (5, 168) and mr.n_features_in_ == 30\n"
        "assert mr.get_params()['n_features'] == 168\n"
        "assert KernelFeatures().fit(X).transform(X).shape == (5, 56)\n"
        "for bad in ([[1.0, 2.0], [1.0]], np.array([[np.nan, 1.0]])):\n"
        "    try:\n"
        "        mr.fit(bad)\n"
        "    except ValueError:\n"
        "        pass\n"
        "    else:\n"
        "        raise AssertionError(bad)\n"
        "print('ok')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


# ================================================================================ UCR accuracy
#: test accuracy of MiniRocket + ridge in the MiniRocket paper (mean over resamples, Table 7)
PUBLISHED = {"GunPoint": 0.993, "ItalyPowerDemand": 0.969, "ArrowHead": 0.863, "OSULeaf": 0.959}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PUBLISHED))
def test_minirocket_ucr_accuracy(name):
    """MiniRocket + StandardScaler(with_mean=False) + RidgeClassifierCV on the default split,
    averaged over two seeds (the report gives five), within 1 point of the published figure."""
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from tests.data.ucr import load_ucr

    X_train, y_train, X_test, y_test = load_ucr(name)
    accuracies = []
    for seed in (0, 1):
        pipe = make_pipeline(MiniRocket(random_state=seed), StandardScaler(with_mean=False),
                             RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
        accuracies.append(pipe.fit(X_train, y_train).score(X_test, y_test))
    assert np.mean(accuracies) >= PUBLISHED[name] - 0.01, accuracies


@pytest.mark.slow
def test_minirocket_multivariate_ucr_accuracy():
    """BasicMotions (6 channels): the published MiniRocket accuracy is 1.0."""
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from tests.data.ucr import load_ucr

    X_train, y_train, X_test, y_test = load_ucr("BasicMotions")
    assert X_train.ndim == 3 and X_train.shape[1] == 6
    pipe = make_pipeline(MiniRocket(random_state=0), StandardScaler(with_mean=False),
                         RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
    assert pipe.fit(X_train, y_train).score(X_test, y_test) >= 0.975


def test_ucr_data_files():
    from tests.data.ucr import NAMES, load_ucr

    shapes = {"GunPoint": (50, 150, 150), "ItalyPowerDemand": (67, 1029, 24), "ArrowHead": (36, 175, 251),
              "OSULeaf": (200, 242, 427), "BasicMotions": (40, 40, 100)}
    for name in NAMES:
        X_train, y_train, X_test, y_test = load_ucr(name)
        n_train, n_test, length = shapes[name]
        assert X_train.dtype == np.float32 and X_train.shape[0] == n_train == len(y_train)
        assert X_test.shape[0] == n_test == len(y_test) and X_test.shape[-1] == length
        assert np.isfinite(X_train).all() and set(y_test) <= set(y_train)
    with pytest.raises(ValueError, match="name"):
        load_ucr("Coffee")
