"""The Hydra transform: :class:`Hydra` (and its scaling, shared with
:class:`~sigconv.features.MultiRocketHydra`)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _minirocket as _mr
from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._kernels import hydra as _hydra
from sigconv._validate import check_int
from sigconv.features._common import check_n_jobs, feature_names
from sigconv.features._rocket_common import run_rocket_kernel

__all__ = ["Hydra"]


def hydra_dilations(n_timepoints: int) -> np.ndarray:
    """``2**0 .. 2**floor(log2((L - 1) / 8))``; series shorter than 9 samples get dilation 1."""
    if n_timepoints < 9:
        return np.ones(1, dtype=np.int64)
    return 2 ** np.arange(int(np.log2((n_timepoints - 1) / 8)) + 1, dtype=np.int64)


def draw_hydra(rng: np.random.Generator, n_dilations: int, n_groups: int, n_kernels: int,
               n_channels: int):
    """Weights ``(n_dil, R, G k, 9)`` (float64; zero mean, unit L1 norm) and channel table
    ``(n_dil, R, G, m)`` as the reference draws them: half the groups on the series and half
    on its first difference when ``n_groups > 1`` (``R = 2``, ``G = n_groups // 2``), all on
    the series otherwise; multivariate input sums ``m = clip(n_channels // 2, 2, 8)``
    channels drawn with replacement per group, univariate input uses its one channel."""
    R = 2 if n_groups > 1 else 1
    G = n_groups // R
    W = rng.standard_normal((n_dilations, R, G * n_kernels, 9))
    W -= W.mean(axis=-1, keepdims=True)
    W /= np.abs(W).sum(axis=-1, keepdims=True)
    if n_channels == 1:
        channels = np.zeros((n_dilations, R, G, 1), dtype=np.int64)
    else:
        m = int(np.clip(n_channels // 2, 2, 8))
        channels = rng.integers(0, n_channels, size=(n_dilations, R, G, m)).astype(np.int64)
    return W, channels


class SparseScaling:
    """The reference's ``SparseScaler`` as plain statistics: ``sqrt(max(F, 0))``, then
    ``(value - mean) * (value != 0) / (std + (fraction of zeros)**4 + 1e-8)`` per feature,
    with the mean, the standard deviation (``ddof=1``; 0 for a single sample) and the
    fraction of zeros learned on the training features."""

    #: features whose statistics are computed together (bounds the float64 temporaries)
    BLOCK = 1024

    def __init__(self, F: np.ndarray):
        ddof = 1 if F.shape[0] > 1 else 0
        self.mean = np.empty(F.shape[1])
        self.scale = np.empty(F.shape[1])
        for start in range(0, F.shape[1], self.BLOCK):
            block = slice(start, start + self.BLOCK)
            root = np.sqrt(np.maximum(F[:, block].astype(np.float64), 0.0))
            self.mean[block] = root.mean(axis=0)
            self.scale[block] = (root.std(axis=0, ddof=ddof) + (np.count_nonzero(root == 0, axis=0) / F.shape[0]) ** 4
                                 + 1e-8)

    def apply(self, F: np.ndarray) -> np.ndarray:
        """Scale ``F`` in place (its dtype kept) and return it."""
        np.maximum(F, 0, out=F)
        np.sqrt(F, out=F)
        nonzero = F != 0
        F -= self.mean.astype(F.dtype)
        F *= nonzero
        F /= self.scale.astype(F.dtype)
        return F


class Hydra(*BASES):
    """The Hydra transform (Dempster, Schmidt & Webb, DMKD 2023), with its sparse scaling.

    Per dilation ``2**0 .. 2**floor(log2((L - 1) / 8))``, ``n_groups`` groups of
    ``n_kernels`` random length-9 kernels (normal weights made zero-mean and unit-L1), half
    of the groups on the series and half on its first difference.  At each time point the
    kernel of a group with the largest response adds that response to its count (soft count
    of the maximum) and the one with the smallest response adds 1 (hard count of the
    minimum): ``2 * n_groups * n_kernels`` features per dilation (1,024 by default).
    ``fit`` draws the kernels and learns the published ``SparseScaler`` statistics on the
    training features; ``transform`` returns scaled features, ready for
    ``RidgeClassifierCV``.  The responses are reduced in cache-sized blocks and never stored
    for a whole series (see :mod:`sigconv._kernels.hydra`); torch is not needed.

    Parameters
    ----------
    n_kernels : int, default 8
        Kernels per group (``k``).
    n_groups : int, default 64
        Groups per dilation (``g``): ``n_groups // 2`` on the series and as many on the
        first difference, or one group on the series when ``n_groups == 1``.
    random_state : None, int, numpy Generator or RandomState
        Seeds the kernels (and channels).  The result never depends on ``n_jobs``.
    n_jobs : int or None, default None
        Threads for ``transform`` (parallel over samples).  ``None`` or -1: every core.

    Attributes
    ----------
    dilations_ : ndarray of int64
    weights_ : ndarray (n_dilations, R, G * n_kernels, 9), float64
        The kernels; group ``g`` of representation ``r`` at dilation ``i`` is
        ``weights_[i, r, g * n_kernels:(g + 1) * n_kernels]``.
    channels_ : ndarray (n_dilations, R, G, m) of int64
        Channels summed into each group's input (multivariate input; repeats allowed).
    scale_mean_, scale_std_ : ndarray of float64
        The scaling statistics (``std`` includes the sparsity term).
    n_channels_, n_timepoints_, n_features_in_, n_features_out_ : int

    Notes
    -----
    Multivariate input follows the reference's ``HydraMultivariate``: each group sees the
    sum of ``clip(n_channels // 2, 2, 8)`` randomly chosen channels.  Series shorter than 9
    samples get the single dilation 1 (the reference's exponent would be negative), zero
    padded; the first difference of a one-sample series is one zero.  Ties between kernels
    go to the lowest index.  float32 input computes in float32; anything else in float64.

    References
    ----------
    A. Dempster, D. F. Schmidt, G. I. Webb, "Hydra: competing convolutional kernels for fast
    and accurate time series classification", Data Mining and Knowledge Discovery 37,
    1779-1805, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.features import Hydra
    >>> X = np.random.default_rng(0).normal(size=(8, 100)).astype(np.float32)
    >>> h = Hydra(random_state=0).fit(X)
    >>> F = h.transform(X)
    >>> F.shape, F.dtype, h.dilations_.tolist()
    ((8, 4096), dtype('float32'), [1, 2, 4, 8])
    """

    def __init__(self, n_kernels: int = 8, n_groups: int = 64, *,
                 random_state: None | int | np.random.Generator | np.random.RandomState = None,
                 n_jobs: int | None = None):
        self.n_kernels = n_kernels
        self.n_groups = n_groups
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def fit(self, X: ArrayLike, y=None) -> Hydra:
        """Draw the kernels and learn the scaling on the features of ``X``."""
        n_kernels = check_int("n_kernels", self.n_kernels, minimum=1)
        n_groups = check_int("n_groups", self.n_groups, minimum=1)
        rng = _mr.generator(self.random_state)
        check_n_jobs(self.n_jobs)
        series = validate_series(self, X, reset=True)
        self.dilations_ = hydra_dilations(series.shape[2])
        self.weights_, self.channels_ = draw_hydra(rng, len(self.dilations_), n_groups, n_kernels,
                                                   series.shape[1])
        self._fit_scaling(self._counts(series))
        return self

    def _fit_scaling(self, counts: np.ndarray) -> None:
        scaling = SparseScaling(counts)
        self.scale_mean_ = scaling.mean
        self.scale_std_ = scaling.scale
        self.n_features_out_ = counts.shape[1]

    def _counts(self, series: np.ndarray) -> np.ndarray:
        """The unscaled counts ``(n, n_features)`` of validated ``series``."""
        W = self.weights_.astype(series.dtype)
        out = np.empty((series.shape[0], W.shape[0] * W.shape[1] * 2 * W.shape[2]), dtype=series.dtype)
        run_rocket_kernel(_hydra.transform_serial, _hydra.transform_parallel, series,
                          (self.dilations_, W, self.channels_), out, check_n_jobs(self.n_jobs))
        return out

    def _scaling(self) -> SparseScaling:
        scaling = SparseScaling.__new__(SparseScaling)
        scaling.mean, scaling.scale = self.scale_mean_, self.scale_std_
        return scaling

    @dask_transform
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Scaled features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "scale_std_")
        series = validate_series(self, X, reset=False)
        return self._scaling().apply(self._counts(series))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``hydra_d{dilation}_{x|dx}_{max|min}_g{group}_k{kernel}``."""
        check_fitted(self, "n_features_out_")
        _, R, GK, _ = self.weights_.shape
        k = GK // self.channels_.shape[2]
        names = [f"hydra_d{d}_{rep}_{how}_g{j // k}_k{j % k}" for d in self.dilations_
                 for rep in ("x", "dx")[:R] for how in ("max", "min") for j in range(GK)]
        return feature_names(self, names, input_features)
