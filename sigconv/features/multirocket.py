"""The MultiRocket transform: :class:`MultiRocket`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _minirocket as _mr
from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._kernels import multirocket as _multi
from sigconv._kernels import rocket as _rocket
from sigconv._validate import check_int
from sigconv.features._common import check_n_jobs, feature_names
from sigconv.features._rocket_common import fit_rocket, run_rocket_kernel

__all__ = ["MultiRocket"]

#: the pooling statistics, in the order of the features
STATS = ("ppv", "lspv", "mpv", "mipv")
#: representations (the series, its first difference) times statistics
N_BLOCKS = 2 * len(STATS)


def first_difference(series: np.ndarray) -> np.ndarray:
    """``np.diff`` over the last axis; a one-sample series gives one zero."""
    if series.shape[-1] == 1:
        return np.zeros_like(series)
    return np.diff(series, axis=-1)


class MultiRocket(*BASES):
    """The MultiRocket transform (Tan, Dempster, Bergmeir & Webb, DMKD 2022).

    MiniRocket's 84 kernels, with dilations and quantile biases fitted as MiniRocket fits
    them, applied to each series and to its first difference; each kernel output is pooled
    against each bias by four statistics: PPV (proportion of positive values of
    ``output - bias``), LSPV (longest stretch of positive values), MPV (mean of positive
    values) and MIPV (mean index of positive values).  The statistics follow the reference
    implementation exactly (see :mod:`sigconv._kernels.multirocket`, which also records the
    reference's quirks kept for fidelity), so features equal sktime's ``MultiRocket`` /
    ``MultiRocketMultivariate`` given the same dilations and biases.  The transform adds and
    compares only and never stores more than one kernel output per sample.

    Parameters
    ----------
    n_features : int, default 50_000
        Requested number of features.  Each of the 8 blocks (2 representations × 4
        statistics) gets ``84 * (n_features // 8 // 84)`` features: 49,728 for the default,
        as published.  At least 672.
    max_dilations_per_kernel : int, default 32
    random_state : None, int, numpy Generator or RandomState
        Seeds the choice of training examples (and channels) behind the biases.  The result
        depends on it alone, never on ``n_jobs``.
    n_jobs : int or None, default None
        Threads for ``transform`` (parallel over samples).  ``None`` or -1: every core.

    Attributes
    ----------
    base_, diff_ : RocketFit
        The fitted kernels on the series and on its first difference: ``dilations``,
        ``per_dilation``, ``channel_starts``, ``channel_indices``, ``examples``, ``biases``
        (as in :class:`MiniRocket`'s attributes).
    n_channels_, n_timepoints_, n_features_in_, n_features_out_ : int

    Notes
    -----
    Features are ordered [series: PPV, LSPV, MPV, MIPV | difference: PPV, LSPV, MPV, MIPV],
    each block in MiniRocket's order (dilation, kernel, bias).  The published classifier
    standardises them (``StandardScaler``) before ``RidgeClassifierCV``.

    Short series: the first difference of a one-sample series is taken as one zero; a
    representation shorter than 9 samples gets the single dilation 1 and zero padding
    beyond both ends, every statistic over the padded output (the reference fails on series
    of 9 samples or fewer).  MPV is 0 and MIPV -1 where no value exceeds the bias.

    float32 input is transformed in float32 and gives float32 features; anything else in
    float64.

    References
    ----------
    C. W. Tan, A. Dempster, C. Bergmeir, G. I. Webb, "MultiRocket: multiple pooling operators
    and transformations for fast and effective time series classification", Data Mining and
    Knowledge Discovery 36, 1623-1646, 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.features import MultiRocket
    >>> X = np.random.default_rng(0).normal(size=(10, 60)).astype(np.float32)
    >>> mr = MultiRocket(n_features=1344, random_state=0).fit(X)
    >>> F = mr.transform(X)
    >>> F.shape, F.dtype
    ((10, 1344), dtype('float32'))
    >>> print(mr.get_feature_names_out()[[0, 168]])
    ['multirocket_x_ppv0' 'multirocket_x_lspv0']
    """

    def __init__(self, n_features: int = 50_000, *, max_dilations_per_kernel: int = 32,
                 random_state: None | int | np.random.Generator | np.random.RandomState = None,
                 n_jobs: int | None = None):
        self.n_features = n_features
        self.max_dilations_per_kernel = max_dilations_per_kernel
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def fit(self, X: ArrayLike, y=None) -> MultiRocket:
        """Choose dilations and fit the biases on ``X`` and on its first difference."""
        n_features = check_int("n_features", self.n_features, minimum=N_BLOCKS * _mr.N_KERNELS)
        max_dil = check_int("max_dilations_per_kernel", self.max_dilations_per_kernel, minimum=1)
        rng = _mr.generator(self.random_state)
        check_n_jobs(self.n_jobs)
        series = validate_series(self, X, reset=True)
        per_block = n_features // N_BLOCKS
        self.base_ = fit_rocket(series, per_block, max_dil, rng)
        self.diff_ = fit_rocket(first_difference(series), per_block, max_dil, rng)
        self.n_features_out_ = len(STATS) * (self.base_.n_biases + self.diff_.n_biases)
        return self

    @dask_transform
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "diff_")
        series = validate_series(self, X, reset=False)
        workers = check_n_jobs(self.n_jobs)
        out = np.empty((series.shape[0], self.n_features_out_), dtype=series.dtype)
        args = []
        for fitted in (self.base_, self.diff_):
            args += [fitted.dilations, fitted.per_dilation, fitted.channel_starts, fitted.channel_indices,
                     fitted.biases.astype(series.dtype, copy=False)]
        args.append(_rocket.INDICES)
        run_rocket_kernel(_multi.transform_serial, _multi.transform_parallel, series, tuple(args), out,
                          workers)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``multirocket_{x|dx}_{ppv|lspv|mpv|mipv}{i}`` in the order of the features."""
        check_fitted(self, "n_features_out_")
        names = [f"multirocket_{rep}_{stat}{i}" for rep, fitted in (("x", self.base_), ("dx", self.diff_))
                 for stat in STATS for i in range(fitted.n_biases)]
        return feature_names(self, names, input_features)
