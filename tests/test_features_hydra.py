"""Tests of sigconv.features.Hydra and MultiRocketHydra (API.md §5b).

Oracle: the published PyTorch code (``angus924/hydra``, ``code/hydra.py``,
``code/hydra_multivariate.py`` and its ``SparseScaler``), transcribed below and run with its
own seeded weights, which are injected into our fitted transformer.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sigconv.features import Hydra, MultiRocket, MultiRocketHydra
from sigconv.features.hydra import SparseScaling, hydra_dilations
from tests.conftest import assert_close

try:  # the oracle; the other tests run without torch
    import torch
except ImportError:  # pragma: no cover - CI installs torch
    torch = None

DTYPES = [np.float32, np.float64]


class HydraReference(torch.nn.Module if torch is not None else object):
    """``Hydra`` and ``HydraMultivariate`` of the reference code (one class: ``I`` is None
    for univariate input)."""

    def __init__(self, input_length, num_channels=1, k=8, g=64, seed=0, dtype=torch.float32):
        super().__init__()
        torch.manual_seed(seed)
        self.k, self.g = k, g
        max_exponent = np.log2((input_length - 1) / (9 - 1))
        self.dilations = 2 ** torch.arange(int(max_exponent) + 1)
        self.paddings = torch.div((9 - 1) * self.dilations, 2, rounding_mode="floor").int()
        divisor = 2 if g > 1 else 1
        self._g = g // divisor
        self.W = [self.normalize(torch.randn(divisor, k * self._g, 1, 9)).to(dtype)
                  for _ in self.dilations]
        self.I = None
        if num_channels > 1:
            per = int(np.clip(num_channels // 2, 2, 8))
            self.I = [torch.randint(0, num_channels, (divisor, self._g, per)) for _ in self.dilations]

    @staticmethod
    def normalize(W):
        W -= W.mean(-1, keepdims=True)
        W /= W.abs().sum(-1, keepdims=True)
        return W

    def forward(self, X):
        n = X.shape[0]
        diff_X = torch.diff(X)
        Z = []
        for di in range(len(self.dilations)):
            d, p = self.dilations[di].item(), self.paddings[di].item()
            for r in range(min(2, self.g)):
                inp = X if r == 0 else diff_X
                if self.I is None:
                    _Z = torch.nn.functional.conv1d(inp, self.W[di][r], dilation=d, padding=p)
                else:
                    _Z = torch.nn.functional.conv1d(inp[:, self.I[di][r]].sum(2), self.W[di][r], dilation=d, padding=p,
                                  groups=self._g)
                _Z = _Z.view(n, self._g, self.k, -1)
                max_values, max_indices = _Z.max(2)
                count_max = torch.zeros(n, self._g, self.k, dtype=X.dtype)
                min_values, min_indices = _Z.min(2)
                count_min = torch.zeros(n, self._g, self.k, dtype=X.dtype)
                count_max.scatter_add_(-1, max_indices, max_values)
                count_min.scatter_add_(-1, min_indices, torch.ones_like(min_values))
                Z.append(count_max)
                Z.append(count_min)
        return torch.cat(Z, 1).view(n, -1)


class SparseScalerReference:
    """The reference ``SparseScaler`` (mask=True, exponent=4)."""

    def fit(self, X):
        X = X.clamp(0).sqrt()
        self.epsilon = (X == 0).float().mean(0) ** 4 + 1e-8
        self.mu = X.mean(0)
        self.sigma = X.std(0) + self.epsilon
        return self

    def transform(self, X):
        X = X.clamp(0).sqrt()
        return ((X - self.mu) * (X != 0)) / self.sigma


def _inject(h, ref):
    h.weights_ = np.stack([w[:, :, 0, :].double().numpy() for w in ref.W])
    if ref.I is not None:
        h.channels_ = np.stack([i.numpy() for i in ref.I]).astype(np.int64)


def _series(X):
    return np.ascontiguousarray(X if X.ndim == 3 else X[:, None, :])


# =========================================================================== against the reference
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,k,g", [((6, 150), 8, 64), ((5, 40), 4, 8), ((4, 3, 60), 8, 16),
                                       ((3, 5, 33), 2, 1)])
def test_counts_equal_torch_reference(dtype, shape, k, g, rng):
    pytest.importorskip("torch")
    X = rng.normal(size=shape).cumsum(axis=-1).astype(dtype)
    n_channels = shape[1] if len(shape) == 3 else 1
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    ref = HydraReference(shape[-1], n_channels, k=k, g=g, seed=3, dtype=tdtype)
    h = Hydra(n_kernels=k, n_groups=g, random_state=0).fit(X)
    assert h.dilations_.tolist() == ref.dilations.tolist()
    _inject(h, ref)
    series = _series(X)
    ours = h._counts(series)
    theirs = ref(torch.from_numpy(series)).numpy()
    assert ours.dtype == dtype and ours.shape == theirs.shape
    if dtype == np.float32:
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    else:
        assert_close(ours, theirs, n_terms=9 * shape[-1])


@pytest.mark.parametrize("dtype", DTYPES)
def test_transform_is_counts_scaled_as_reference(dtype, rng):
    pytest.importorskip("torch")
    X = rng.normal(size=(12, 70)).astype(dtype)
    tdtype = torch.float32 if dtype == np.float32 else torch.float64
    ref = HydraReference(70, seed=1, dtype=tdtype)
    h = Hydra(random_state=0).fit(X)
    _inject(h, ref)
    series = _series(X)
    h._fit_scaling(h._counts(series))
    counts = ref(torch.from_numpy(series))
    scaler = SparseScalerReference().fit(counts)
    Xt = rng.normal(size=(5, 70)).astype(dtype)
    want = scaler.transform(ref(torch.from_numpy(_series(Xt)))).numpy()
    got = h.transform(Xt)
    assert got.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-7   # the reference's sparsity term is float32
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    assert (got[want == 0] == 0).all()                  # the mask: zero counts stay zero


def test_sparse_scaling_single_sample():
    scaling = SparseScaling(np.array([[4.0, 0.0, -1.0]]))
    out = scaling.apply(np.array([[9.0, 0.0, 4.0]]))
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, [[(3.0 - 2.0) / (0 + 1e-8), 0.0, 2.0 / (1.0 + 1e-8)]])


# ====================================================================================== behaviour
@pytest.mark.parametrize("length,expected", [(1, [1]), (8, [1]), (9, [1]), (16, [1]), (17, [1, 2]),
                                             (150, [1, 2, 4, 8, 16]), (1000, [1, 2, 4, 8, 16, 32, 64])])
def test_dilations_published(length, expected):
    assert hydra_dilations(length).tolist() == expected


@pytest.mark.parametrize("length", range(1, 11))
@pytest.mark.parametrize("dtype", DTYPES)
def test_short_series_give_finite_features(length, dtype, rng):
    X = rng.normal(size=(5, length)).astype(dtype)
    h = Hydra(random_state=0).fit(X)
    F = h.transform(X)
    assert F.dtype == dtype and F.shape == (5, 1024) and np.isfinite(F).all()
    counts = h._counts(_series(X))
    mins = counts.reshape(5, 1, 2, 2, 32, 8)[:, :, :, 1]
    lengths = np.array([length, max(length - 1, 1)])
    np.testing.assert_array_equal(mins.sum(axis=-1), np.broadcast_to(lengths[None, None, :, None], (5, 1, 2, 32)))


def test_batch_equals_rows_alone_and_n_jobs(rng):
    X = rng.normal(size=(7, 3, 45))
    h = Hydra(random_state=4, n_jobs=2).fit(X)
    F = h.transform(X)
    rows = np.concatenate([h.transform(X[i:i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(F, rows)
    np.testing.assert_array_equal(F, h.set_params(n_jobs=1).transform(X))
    np.testing.assert_array_equal(F, Hydra(random_state=4, n_jobs=1).fit(X).transform(X))


def test_weights_zero_mean_unit_l1_and_groups(rng):
    X = rng.normal(size=(3, 200))
    h = Hydra(n_kernels=5, n_groups=10, random_state=0).fit(X)
    assert h.weights_.shape == (len(h.dilations_), 2, 25, 9)
    np.testing.assert_allclose(h.weights_.sum(-1), 0, atol=1e-12)
    np.testing.assert_allclose(np.abs(h.weights_).sum(-1), 1)
    assert h.n_features_out_ == len(h.dilations_) * 2 * 2 * 25
    names = h.get_feature_names_out()
    assert names[0] == "hydra_d1_x_max_g0_k0" and names[-1] == f"hydra_d{h.dilations_[-1]}_dx_min_g4_k4"


def test_dtypes_input_unchanged_dataframe(rng):
    import pandas as pd

    X = rng.normal(size=(4, 30))
    X.flags.writeable = False
    h = Hydra(random_state=0).fit(X)
    assert h.transform(X).dtype == np.float64
    assert h.transform(X.astype(np.float32)).dtype == np.float32
    df = pd.DataFrame(X, columns=[f"t{i}" for i in range(30)])
    np.testing.assert_array_equal(h.fit(df).transform(df), h.fit(X).transform(X))


@pytest.mark.parametrize("params,name", [
    ({"n_kernels": 0}, "n_kernels"), ({"n_groups": 0}, "n_groups"), ({"n_groups": 2.5}, "n_groups"),
    ({"n_jobs": -2}, "n_jobs"), ({"random_state": "x"}, "random_state"),
])
def test_bad_params(params, name, rng):
    with pytest.raises((ValueError, TypeError), match=f"`{name}`"):
        Hydra(**params).fit(rng.normal(size=(3, 20)))


@pytest.mark.parametrize("bad,message", [
    ([[1.0, 2.0, 3.0], [1.0, 2.0]], "ragged"), (np.ones((3, 20), dtype=complex), "Complex"),
    (np.array([["a"] * 20] * 3), "X"),
])
@pytest.mark.parametrize("cls", [Hydra, MultiRocket, MultiRocketHydra])
def test_bad_input(cls, bad, message):
    with pytest.raises(ValueError, match=message):
        cls().fit(bad)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), channels=st.integers(1, 4), length=st.integers(1, 40), seed=st.integers(0, 99),
       f32=st.booleans())
def test_property_shapes(n, channels, length, seed, f32):
    dtype = np.float32 if f32 else np.float64
    X = np.random.default_rng(seed).normal(size=(n, channels, length)).astype(dtype)
    h = Hydra(n_kernels=4, n_groups=4, random_state=seed).fit(X)
    out = h.transform(X)
    assert out.shape == (n, h.n_features_out_) and out.dtype == dtype and np.isfinite(out).all()


# ================================================================================ MultiRocketHydra
def test_multirockethydra_is_both_scaled(rng):
    X = rng.normal(size=(6, 2, 40))
    mrh = MultiRocketHydra(random_state=7).fit(X)
    F = mrh.transform(X)
    nh = mrh.hydra_.n_features_out_
    np.testing.assert_array_equal(F[:, :nh], mrh.hydra_.transform(X))
    mr = mrh.multirocket_.transform(X)
    std = mr.std(axis=0)
    want = (mr - mr.mean(axis=0)) / np.where(std == 0, 1, std)
    assert_close(F[:, nh:], want, scale=max(1.0, np.abs(want).max()), n_terms=6)
    assert F.shape == (6, nh + mrh.multirocket_.n_features_out_) == (6, mrh.n_features_out_)
    assert len(mrh.get_feature_names_out()) == mrh.n_features_out_
    assert MultiRocketHydra(random_state=7).fit(X.astype(np.float32)).transform(X.astype(np.float32)).dtype \
        == np.float32


@pytest.mark.parametrize("cls,params", [(Hydra, {"n_kernels": 4, "n_groups": 8}), (MultiRocket, {"n_features": 672}),
                                        (MultiRocketHydra, {})])
def test_dask_input_transformed_block_by_block(cls, params, rng):
    da = pytest.importorskip("dask.array")
    X = rng.normal(size=(7, 30))
    est = cls(random_state=0, **params).fit(X)
    F = est.transform(da.from_array(X, chunks=(3, 30)))
    assert F.chunks[0] == (3, 3, 1)
    np.testing.assert_array_equal(F.compute(), est.transform(X))
