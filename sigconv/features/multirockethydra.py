"""Hydra and MultiRocket together: :class:`MultiRocketHydra`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _minirocket as _mr
from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv.features._common import check_n_jobs, feature_names
from sigconv.features.hydra import Hydra
from sigconv.features.multirocket import MultiRocket

__all__ = ["MultiRocketHydra"]


class MultiRocketHydra(*BASES):
    """Hydra and MultiRocket features, concatenated and scaled as published ("MR-Hydra").

    The combination of Dempster, Schmidt & Webb (2023), as the reference classifiers build
    it: :class:`Hydra` with its defaults (8 kernels, 64 groups) and sparse scaling, followed
    by :class:`MultiRocket` with its defaults (49,728 features for long enough series)
    standardised with the mean and standard deviation learned in ``fit`` (scikit-learn's
    ``StandardScaler``: population standard deviation, 1 where it is 0).  The output is
    ready for ``RidgeClassifierCV(np.logspace(-3, 3, 10))``.

    Parameters
    ----------
    random_state : None, int, numpy Generator or RandomState
        Seeds both transforms (each gets its own stream).
    n_jobs : int or None, default None
        Threads for ``transform``.  ``None`` or -1: every core.

    Attributes
    ----------
    hydra_ : Hydra
    multirocket_ : MultiRocket
    multirocket_mean_, multirocket_scale_ : ndarray of float64
    n_channels_, n_timepoints_, n_features_in_, n_features_out_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.features import MultiRocketHydra
    >>> X = np.random.default_rng(0).normal(size=(6, 40))
    >>> mrh = MultiRocketHydra(random_state=0).fit(X)
    >>> mrh.transform(X).shape, mrh.hydra_.n_features_out_, mrh.multirocket_.n_features_out_
    ((6, 52800), 3072, 49728)
    """

    def __init__(self, *, random_state: None | int | np.random.Generator | np.random.RandomState = None,
                 n_jobs: int | None = None):
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def fit(self, X: ArrayLike, y=None) -> MultiRocketHydra:
        """Fit Hydra (kernels, scaling) and MultiRocket (biases, standardisation) on ``X``."""
        rng = _mr.generator(self.random_state)
        check_n_jobs(self.n_jobs)
        series = validate_series(self, X, reset=True)
        seeds = rng.integers(0, 2**63 - 1, size=2)
        X3 = series if self._fitted_3d else series[:, 0]
        self.hydra_ = Hydra(random_state=int(seeds[0]), n_jobs=self.n_jobs).fit(X3)
        self.multirocket_ = MultiRocket(random_state=int(seeds[1]), n_jobs=self.n_jobs).fit(X3)
        F = self.multirocket_.transform(X3).astype(np.float64)
        self.multirocket_mean_ = F.mean(axis=0)
        scale = F.std(axis=0)
        scale[scale == 0] = 1.0
        self.multirocket_scale_ = scale
        self.n_features_out_ = self.hydra_.n_features_out_ + self.multirocket_.n_features_out_
        return self

    @dask_transform
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Scaled features ``(n_samples, n_features_out_)``: Hydra's, then MultiRocket's."""
        check_fitted(self, "multirocket_scale_")
        series = validate_series(self, X, reset=False)
        X3 = series if self._fitted_3d else series[:, 0]
        out = np.empty((series.shape[0], self.n_features_out_), dtype=series.dtype)
        n_hydra = self.hydra_.n_features_out_
        out[:, :n_hydra] = self.hydra_.transform(X3)
        mr = out[:, n_hydra:]
        mr[...] = self.multirocket_.transform(X3)
        mr -= self.multirocket_mean_.astype(series.dtype)
        mr /= self.multirocket_scale_.astype(series.dtype)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Hydra's names, then MultiRocket's."""
        check_fitted(self, "n_features_out_")
        names = list(self.hydra_.get_feature_names_out()) + list(self.multirocket_.get_feature_names_out())
        return feature_names(self, names, input_features)
