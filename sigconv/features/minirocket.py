"""The MiniRocket transform: :class:`MiniRocket`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _minirocket as _mr
from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._kernels import rocket as _rocket
from sigconv._validate import check_int
from sigconv.features._common import check_n_jobs, feature_names
from sigconv.features._rocket_common import fit_rocket, run_rocket_kernel

__all__ = ["MiniRocket"]


class MiniRocket(*BASES):
    """The MiniRocket transform (Dempster, Schmidt & Webb, KDD 2021).

    84 fixed kernels of length 9 (weights -1 and 2, three 2s: every choice of 3 of the 9
    positions), each at dilations spaced exponentially up to the series length; biases are
    quantiles of each kernel's output on a randomly chosen training example, and each feature
    is the proportion of positive values (PPV) of ``output - bias``.  Half of the
    kernel/dilation combinations take the PPV over the zero-padded output, half over the
    unpadded part, alternating as in the reference implementation.  Multivariate input: each
    combination sums its kernel's output over a random subset of 1 to 9 channels.  The
    transform is computed with additions only (see :mod:`sigconv._kernels.rocket`).

    Parameters
    ----------
    n_features : int, default 10_000
        Requested number of features; the transform makes ``84 * (n_features // 84)``
        (9,996 for the default).  At least 84.
    max_dilations_per_kernel : int, default 32
    random_state : None, int, numpy Generator or RandomState
        Seeds the choice of training examples (and channels) for the biases.  The result
        depends on it alone, never on ``n_jobs``.
    n_jobs : int or None, default None
        Threads for ``transform`` (parallel over samples).  ``None`` or -1: every core
        (sigconv's ``workers`` convention, unlike scikit-learn's ``None`` = 1).

    Attributes
    ----------
    dilations_ : ndarray of int64
    n_features_per_dilation_ : ndarray of int64
        Biases per kernel at each dilation.
    biases_ : ndarray
        One per feature, in the input's float dtype.
    bias_examples_ : ndarray of int64
        The training example whose output gave the biases of each combination.
    channel_starts_, channel_indices_ : ndarray of int64
        Combination ``c = dilation_index * 84 + kernel_index`` uses channels
        ``channel_indices_[channel_starts_[c]:channel_starts_[c + 1]]``.
    n_channels_, n_timepoints_, n_features_in_, n_features_out_ : int

    Notes
    -----
    Series shorter than 9 samples are handled by reducing the dilations to the single
    dilation 1 (the paper's exponent ``log2((n - 1) / 8)`` would be negative): the kernels then
    reach past both ends of the series, which is zero-padded, and since no output is free of
    padding every PPV is taken over the padded output.

    Input is converted to float64 unless it is float32; float32 input is transformed in
    float32 and gives float32 features, like the reference implementation.

    References
    ----------
    A. Dempster, D. F. Schmidt, G. I. Webb, "MiniRocket: A very fast (almost) deterministic
    transform for time series classification", KDD 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.features import MiniRocket
    >>> X = np.random.default_rng(0).normal(size=(10, 60)).astype(np.float32)
    >>> mr = MiniRocket(n_features=840, random_state=0).fit(X)
    >>> F = mr.transform(X)
    >>> F.shape, F.dtype
    ((10, 840), dtype('float32'))
    >>> bool(((F >= 0) & (F <= 1)).all())
    True
    """

    def __init__(self, n_features: int = 10_000, *, max_dilations_per_kernel: int = 32,
                 random_state: None | int | np.random.Generator | np.random.RandomState = None,
                 n_jobs: int | None = None):
        self.n_features = n_features
        self.max_dilations_per_kernel = max_dilations_per_kernel
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def fit(self, X: ArrayLike, y=None) -> MiniRocket:
        """Choose dilations and fit the biases on ``X`` (``y`` is ignored)."""
        n_features = check_int("n_features", self.n_features, minimum=_mr.N_KERNELS)
        max_dil = check_int("max_dilations_per_kernel", self.max_dilations_per_kernel, minimum=1)
        rng = _mr.generator(self.random_state)
        check_n_jobs(self.n_jobs)
        series = validate_series(self, X, reset=True)
        fitted = fit_rocket(series, n_features, max_dil, rng)
        self.dilations_ = fitted.dilations
        self.n_features_per_dilation_ = fitted.per_dilation
        self.channel_starts_ = fitted.channel_starts
        self.channel_indices_ = fitted.channel_indices
        self.biases_ = fitted.biases
        self.bias_examples_ = fitted.examples
        self.n_features_out_ = fitted.n_biases
        return self

    @dask_transform
    def transform(self, X: ArrayLike) -> np.ndarray:
        """PPV features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "biases_")
        series = validate_series(self, X, reset=False)
        workers = check_n_jobs(self.n_jobs)
        out = np.empty((series.shape[0], self.n_features_out_), dtype=series.dtype)
        biases = self.biases_.astype(series.dtype, copy=False)
        args = (series, self.dilations_, self.n_features_per_dilation_, self.channel_starts_,
                self.channel_indices_, biases, _rocket.INDICES, out)
        run_rocket_kernel(_rocket.transform_serial, None, series, args[1:-1], out,
                          workers)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``minirocket0 ... minirocket{n_features_out_ - 1}`` (scikit-learn's prefix style)."""
        check_fitted(self, "n_features_out_")
        return feature_names(self, [f"minirocket{i}" for i in range(self.n_features_out_)], input_features)


