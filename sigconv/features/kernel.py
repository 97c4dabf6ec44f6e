"""Fixed kernel banks summarised by simple statistics: :class:`KernelFeatures`."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sigconv._config import max_threads
from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._jit import run_parts
from sigconv._kernels import kernel_features as _kf
from sigconv._validate import as_float_array, check_int, writable_view
from sigconv.features._common import feature_names

__all__ = ["KernelFeatures", "default_kernels"]

#: statistics KernelFeatures can compute per kernel output (codes of sigconv._kernels.kernel_features)
STAT_OPTIONS = ("mean", "max", "min", "ppv", "std")
#: multiply-adds below which the transform runs on the calling thread only
PARALLEL_MIN_WORK = 1 << 22


# ================================================================================ kernel bank
def default_kernels() -> dict[str, np.ndarray]:
    """The default bank of :class:`KernelFeatures` (14 kernels, name -> weights).

    ``ma3``, ``ma7``, ``ma15`` (moving averages), ``diff1`` (``[-1, 1]``), ``diff2``
    (``[1, -2, 1]``), and for ``s`` in 1, 2, 4: ``gauss{s}`` (a Gaussian of standard deviation
    ``s`` samples, summing to 1), ``dgauss{s}`` (its first derivative) and ``ddgauss{s}`` (its
    second derivative, made to sum to 0), each cut at ``3 s`` samples either side.
    """
    bank: dict[str, np.ndarray] = {f"ma{w}": np.full(w, 1.0 / w) for w in (3, 7, 15)}
    bank["diff1"] = np.array([-1.0, 1.0])
    bank["diff2"] = np.array([1.0, -2.0, 1.0])
    for s in (1, 2, 4):
        t = np.arange(-3 * s, 3 * s + 1, dtype=np.float64)
        g = np.exp(-0.5 * (t / s) ** 2)
        g /= g.sum()
        bank[f"gauss{s}"] = g
        bank[f"dgauss{s}"] = -t / s**2 * g
        dd = (t**2 / s**4 - 1.0 / s**2) * g
        bank[f"ddgauss{s}"] = dd - dd.mean()
    return bank


def _kernel_bank(kernels) -> tuple[list[str], list[np.ndarray]]:
    """Names and float64 weights of the ``kernels`` parameter."""
    if isinstance(kernels, str):
        if kernels != "default":
            raise ValueError(f"`kernels` must be 'default', a 2D array (n_kernels, length), a sequence "
                             f"of 1D arrays or a dict name -> 1D array; got {kernels!r}")
        bank = default_kernels()
        return list(bank), list(bank.values())
    if isinstance(kernels, Mapping):
        names = [str(k) for k in kernels]
        items = list(kernels.values())
    elif isinstance(kernels, np.ndarray) and kernels.ndim == 2:
        names = [f"k{i}" for i in range(kernels.shape[0])]
        items = list(kernels)
    elif isinstance(kernels, (Sequence, np.ndarray)):
        names = [f"k{i}" for i in range(len(kernels))]
        items = list(kernels)
    else:
        raise TypeError(f"`kernels` must be 'default', a 2D array, a sequence of 1D arrays or a dict; "
                        f"got {type(kernels).__name__}")
    if not items:
        raise ValueError("`kernels` must hold at least one kernel; got an empty collection")
    weights = []
    for name, item in zip(names, items, strict=True):
        w = as_float_array(f"kernels[{name!r}]", item, dtype=np.float64)
        if w.ndim != 1:
            raise ValueError(f"`kernels[{name!r}]` must be 1D; got shape {w.shape}")
        if not np.isfinite(w).all():
            raise ValueError(f"`kernels[{name!r}]` must hold finite weights")
        weights.append(w)
    return names, weights


def _stats_option(stats) -> tuple[str, ...]:
    if isinstance(stats, str):
        stats = (stats,)
    try:
        stats = tuple(stats)
    except TypeError as e:
        raise TypeError(f"`stats` must be a sequence of names from {STAT_OPTIONS}; got {stats!r}") from e
    bad = [s for s in stats if s not in STAT_OPTIONS]
    if bad or not stats or len(set(stats)) != len(stats):
        raise ValueError(f"`stats` must be distinct names from {STAT_OPTIONS}; got {stats!r}")
    return stats


def _dilations_option(dilations) -> tuple[int, ...]:
    if isinstance(dilations, (numbers.Integral, np.integer)):
        dilations = (dilations,)
    try:
        items = tuple(dilations)
    except TypeError as e:
        raise TypeError(f"`dilations` must be a sequence of positive integers; got {dilations!r}") from e
    if not items:
        raise ValueError("`dilations` must hold at least one dilation; got an empty sequence")
    return tuple(check_int("dilations", d, minimum=1) for d in items)


class KernelFeatures(*BASES):
    """Summary statistics of a bank of fixed convolution kernels.

    Each series (each channel of each sample) is correlated with every kernel at every
    dilation, 'same' size with the edges extended by repetition, and each output is
    summarised by ``stats``.  Features are ordered channel, kernel, dilation, statistic.

    Parameters
    ----------
    kernels : "default", array_like (n_kernels, length), sequence of 1D arrays or dict
        The bank.  ``"default"`` is :func:`default_kernels` (moving averages, differences and
        Gaussian derivatives at widths 1, 2, 4).  A dict maps feature-name prefixes to weights.
        Weights ``w[0]`` apply to the earliest sample of the window (correlation, as in CNNs).
    stats : sequence of {"mean", "max", "min", "ppv", "std"}, default ("mean", "max", "min", "ppv")
        Statistics per kernel output; "ppv" is the proportion of positive values.
    dilations : sequence of int, default (1,)
        Dilations each kernel is applied with (``d - 1`` zeros between taps).

    Attributes
    ----------
    kernel_names_ : list of str
    weights_ : list of ndarray
        The float64 weights of each kernel (undilated).
    n_channels_, n_timepoints_ : int
        Shape of the series seen in ``fit``.
    n_features_in_ : int
        Number of columns as scikit-learn counts them (time points for 2D input).
    n_features_out_ : int
        ``n_channels * n_kernels * len(dilations) * len(stats)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.features import KernelFeatures
    >>> X = np.random.default_rng(0).normal(size=(4, 50))
    >>> kf = KernelFeatures(stats=("mean", "ppv"), dilations=(1, 2)).fit(X)
    >>> kf.transform(X).shape
    (4, 56)
    >>> str(kf.get_feature_names_out()[0])
    'ma3_d1_mean'
    """

    def __init__(self, kernels: Any = "default", *, stats: Sequence[str] = ("mean", "max", "min", "ppv"),
                 dilations: Sequence[int] = (1,)):
        self.kernels = kernels
        self.stats = stats
        self.dilations = dilations

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def fit(self, X: ArrayLike, y=None) -> KernelFeatures:
        """Check the options and record the input shape (the bank has nothing to learn)."""
        names, weights = _kernel_bank(self.kernels)
        stats = _stats_option(self.stats)
        dilations = _dilations_option(self.dilations)
        series = validate_series(self, X, reset=True)
        self.kernel_names_ = names
        self.weights_ = weights
        self.n_features_out_ = series.shape[1] * len(names) * len(dilations) * len(stats)
        return self

    @dask_transform
    def transform(self, X: ArrayLike) -> np.ndarray:
        """Features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "n_features_out_")
        series = validate_series(self, X, reset=False)
        stats = _stats_option(self.stats)
        dilations = _dilations_option(self.dilations)
        n, n_channels, length = series.shape
        rows = writable_view(series.reshape(n * n_channels, length))   # pandas 3: no second compile
        lengths = [w.shape[0] for w in self.weights_]
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        out = np.empty((rows.shape[0], len(lengths), len(dilations), len(stats)), dtype=series.dtype)
        work = rows.size * int(starts[-1]) * len(dilations)
        parts = min(rows.shape[0], max_threads()) if work >= PARALLEL_MIN_WORK else 1
        run_parts(_kf.kernel_stats, (rows, np.concatenate(self.weights_).astype(series.dtype), starts,
                                     np.array(dilations, dtype=np.int64),
                                     np.array([STAT_OPTIONS.index(s) for s in stats], dtype=np.int64), out), parts)
        return out.reshape(n, -1)   # ordered channel, kernel, dilation, statistic

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``[c{channel}_]{kernel}_d{dilation}_{stat}`` in the order of the features."""
        check_fitted(self, "n_features_out_")
        stats = _stats_option(self.stats)
        dilations = _dilations_option(self.dilations)
        prefix = [f"c{c}_" for c in range(self.n_channels_)] if self._fitted_3d else [""]
        names = [f"{p}{k}_d{d}_{s}" for p in prefix for k in self.kernel_names_ for d in dilations
                 for s in stats]
        return feature_names(self, names, input_features)


