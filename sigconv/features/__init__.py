"""Convolution feature generators for machine-learning pipelines (scikit-learn transformers).

* :class:`KernelFeatures`: a bank of fixed kernels (moving averages, differences, Gaussian
  derivatives), optionally dilated, summarised per kernel by mean, max, min and PPV.
* :class:`MiniRocket`: the MiniRocket transform (Dempster, Schmidt & Webb, 2021).
* :class:`MultiRocket`: MiniRocket's kernels on the series and its first difference, pooled
  by four statistics (Tan, Dempster, Bergmeir & Webb, 2022).
* :class:`Hydra`: competing groups of random kernels, counted (Dempster, Schmidt & Webb, 2023).
* :class:`MultiRocketHydra`: both, concatenated and scaled as published.
* :class:`CNNFeatures`: the activations of one layer of a trained :mod:`sigconv.nn` model.

All take ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels, n_timepoints)`` arrays or
an ``(n_samples, n_timepoints)`` DataFrame and follow scikit-learn's estimator contract.
scikit-learn is optional: when installed the transformers are genuine scikit-learn estimators
(``BaseEstimator`` + ``TransformerMixin``); without it they keep the same interface (see
:mod:`sigconv._estimator`).  ``import sigconv`` does not import this package's scikit-learn
dependency; ``import sigconv.features`` does when scikit-learn is installed.

Non-finite input (NaN, inf) raises ``ValueError``, as scikit-learn transformers do; complex
input raises ``ValueError("Complex data not supported ...")``.

One module per transform family: :mod:`~sigconv.features.kernel`,
:mod:`~sigconv.features.minirocket`, :mod:`~sigconv.features.multirocket`,
:mod:`~sigconv.features.hydra`, :mod:`~sigconv.features.cnn`.
"""

from __future__ import annotations

from sigconv.features.cnn import CNNFeatures
from sigconv.features.hydra import Hydra
from sigconv.features.kernel import STAT_OPTIONS, KernelFeatures, default_kernels
from sigconv.features.minirocket import MiniRocket
from sigconv.features.multirocket import MultiRocket
from sigconv.features.multirockethydra import MultiRocketHydra

__all__ = ["CNNFeatures", "Hydra", "KernelFeatures", "MiniRocket", "MultiRocket", "MultiRocketHydra",
           "STAT_OPTIONS", "default_kernels"]
