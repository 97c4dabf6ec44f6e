"""Convolution feature generators for machine-learning pipelines (scikit-learn transformers).

* :class:`KernelFeatures`: a bank of fixed kernels (moving averages, differences, Gaussian
  derivatives), optionally dilated, summarised per kernel by mean, max, min and PPV.
* :class:`MiniRocket`: the MiniRocket transform (Dempster, Schmidt & Webb, 2021).
* :class:`CNNFeatures`: the activations of one layer of a trained :mod:`sigconv.nn` model.

All three take ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels, n_timepoints)``
arrays or an ``(n_samples, n_timepoints)`` DataFrame and follow scikit-learn's estimator
contract.  scikit-learn is optional: when installed the transformers are genuine
scikit-learn estimators (``BaseEstimator`` + ``TransformerMixin``); without it they keep the
same interface (see :mod:`sigconv._estimator`).  ``import sigconv`` does not import this module's
scikit-learn dependency; ``import sigconv.features`` does when scikit-learn is installed.

Non-finite input (NaN, inf) raises ``ValueError``, as scikit-learn transformers do; complex
input raises ``ValueError("Complex data not supported ...")``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _minirocket as _mr
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._jit import resolve_workers, threads
from sigconv._kernels import rocket as _rocket
from sigconv._validate import as_float_array, check_int

__all__ = ["CNNFeatures", "KernelFeatures", "MiniRocket", "default_kernels"]

#: statistics KernelFeatures can compute per kernel output
STAT_OPTIONS = ("mean", "max", "min", "ppv", "std")


def _feature_names(est, names: list[str], input_features) -> np.ndarray:
    """Shared ``get_feature_names_out``: checks ``input_features`` like scikit-learn does."""
    check_fitted(est, "n_features_out_")
    if input_features is not None:
        given = np.asarray(input_features, dtype=object)
        fitted = getattr(est, "feature_names_in_", None)
        if fitted is not None and not np.array_equal(given, fitted):
            raise ValueError("input_features is not equal to feature_names_in_")
        if fitted is None and len(given) != est.n_features_in_:
            raise ValueError(f"input_features should have length equal to number of features "
                             f"({est.n_features_in_}), got {len(given)}")
    return np.asarray(names, dtype=object)


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


def _edge_correlate(X: np.ndarray, w: np.ndarray, dilation: int) -> np.ndarray:
    """'same'-size correlation of ``X`` (..., L) with ``w`` dilated by ``dilation``, the series
    extended by repeating its edge samples: ``y[t] = sum_j w[j] x[clip(t - left + j d)]`` with
    ``left = ((len(w) - 1) d) // 2``."""
    from sigconv.convolve import correlate

    span = (w.shape[0] - 1) * dilation
    left = span // 2
    pads = [(0, 0)] * (X.ndim - 1) + [(left, span - left)]
    Xp = np.pad(X, pads, mode="edge")
    return correlate(Xp, w, mode="valid", dilation=dilation)


def _summarise(Y: np.ndarray, stats: tuple[str, ...]) -> np.ndarray:
    """The statistics of ``Y`` (..., L) over its last axis, stacked on a new last axis."""
    out = []
    for s in stats:
        if s == "mean":
            out.append(Y.mean(axis=-1))
        elif s == "max":
            out.append(Y.max(axis=-1))
        elif s == "min":
            out.append(Y.min(axis=-1))
        elif s == "std":
            out.append(Y.std(axis=-1))
        else:  # ppv
            out.append(np.count_nonzero(Y > 0, axis=-1) / Y.shape[-1])
    return np.stack(out, axis=-1).astype(Y.dtype, copy=False)


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

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "n_features_out_")
        series = validate_series(self, X, reset=False)
        stats = _stats_option(self.stats)
        dilations = _dilations_option(self.dilations)
        blocks = []
        for w in self.weights_:
            wd = w.astype(series.dtype)
            per_d = [_summarise(_edge_correlate(series, wd, d), stats) for d in dilations]
            blocks.append(np.stack(per_d, axis=2))          # (n, C, D, S)
        feats = np.stack(blocks, axis=2)                     # (n, C, F, D, S)
        return np.ascontiguousarray(feats.reshape(series.shape[0], -1))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``[c{channel}_]{kernel}_d{dilation}_{stat}`` in the order of the features."""
        check_fitted(self, "n_features_out_")
        stats = _stats_option(self.stats)
        dilations = _dilations_option(self.dilations)
        prefix = [f"c{c}_" for c in range(self.n_channels_)] if self._fitted_3d else [""]
        names = [f"{p}{k}_d{d}_{s}" for p in prefix for k in self.kernel_names_ for d in dilations
                 for s in stats]
        return _feature_names(self, names, input_features)


# ================================================================================== MiniRocket
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
        tags = transformer_tags(super().__sklearn_tags__())
        tags.non_deterministic = False
        return tags

    def fit(self, X: ArrayLike, y=None) -> MiniRocket:
        """Choose dilations and fit the biases on ``X`` (``y`` is ignored)."""
        n_features = check_int("n_features", self.n_features, minimum=_mr.N_KERNELS)
        max_dil = check_int("max_dilations_per_kernel", self.max_dilations_per_kernel, minimum=1)
        rng = _mr.generator(self.random_state)
        self._check_n_jobs()
        series = validate_series(self, X, reset=True)
        n, n_channels, length = series.shape
        dilations, per_dilation = _mr.fit_dilations(length, n_features, max_dil)
        n_out = _mr.N_KERNELS * int(per_dilation.sum())
        n_comb = _mr.N_KERNELS * len(dilations)
        examples = rng.integers(0, n, size=n_comb).astype(np.int64)
        starts, channel_indices = _mr.draw_channels(rng, n_channels, n_comb)
        quantiles = _mr.quantiles(n_out)
        biases = np.empty(n_out, dtype=series.dtype)
        outputs = np.empty((_mr.N_KERNELS, length), dtype=series.dtype)
        first = 0
        for di, (dilation, nf) in enumerate(zip(dilations, per_dilation, strict=True)):
            _rocket.fit_outputs(series, examples, dilation, di * _mr.N_KERNELS, starts, channel_indices,
                                _rocket.INDICES, outputs)
            block = slice(first, first + _mr.N_KERNELS * nf)
            biases[block] = _mr.biases_from_outputs(outputs, quantiles[block].reshape(_mr.N_KERNELS, nf),
                                                    series.dtype).ravel()
            first = block.stop
        self.dilations_ = dilations
        self.n_features_per_dilation_ = per_dilation
        self.channel_starts_ = starts
        self.channel_indices_ = channel_indices
        self.biases_ = biases
        self.bias_examples_ = examples
        self.n_features_out_ = n_out
        return self

    def _check_n_jobs(self) -> int:
        if self.n_jobs is None:
            return resolve_workers(None)
        n_jobs = check_int("n_jobs", self.n_jobs)
        if n_jobs == 0 or n_jobs < -1:
            raise ValueError(f"`n_jobs` must be None, -1 or a positive integer; got {n_jobs}")
        return resolve_workers(n_jobs)

    def transform(self, X: ArrayLike) -> np.ndarray:
        """PPV features ``(n_samples, n_features_out_)`` in the input's float dtype."""
        check_fitted(self, "biases_")
        series = validate_series(self, X, reset=False)
        workers = self._check_n_jobs()
        out = np.empty((series.shape[0], self.n_features_out_), dtype=series.dtype)
        biases = self.biases_.astype(series.dtype, copy=False)
        args = (series, self.dilations_, self.n_features_per_dilation_, self.channel_starts_,
                self.channel_indices_, biases, _rocket.INDICES, out)
        if workers > 1 and series.shape[0] > 1:
            # One sample through the serial kernel first: a cold start then compiles the
            # shared callees in serial mode (about 3 s) instead of inside the parallel kernel
            # (about 12 s); warm, it costs one sample.
            _rocket.transform_serial(series[:1], *args[1:-1], out[:1])
            with threads(workers):
                _rocket.transform_parallel(*args)
        else:
            _rocket.transform_serial(*args)
        return out

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``minirocket0 ... minirocket{n_features_out_ - 1}`` (scikit-learn's prefix style)."""
        check_fitted(self, "n_features_out_")
        return _feature_names(self, [f"minirocket{i}" for i in range(self.n_features_out_)], input_features)


# ================================================================================= CNNFeatures
class CNNFeatures(*BASES):
    """The activations of one layer of a trained :mod:`sigconv.nn` model, as features.

    ``fit`` takes a snapshot (a deep copy, ``model_``) of ``model`` and records the input
    shape; it does not train.  ``transform`` runs the snapshot in inference mode
    (``training=False``: dropout off) up to and including ``layer`` and flattens that layer's
    output to ``(n_samples, n_features)``.  Train the model first (``model.fit``), then fit
    this transformer; refit it if the model is trained further.

    Parameters
    ----------
    model : sigconv.nn.Sequential
        The trained network.  Its first layer sees ``(n_samples, n_channels, n_timepoints)``;
        2D input ``(n_samples, n_timepoints)`` is given one channel.
    layer : int, default -2
        Index into ``model.layers`` (negative counts from the end) of the layer whose output
        is returned; the default is the input of the last layer, e.g. the pooled
        convolutional features in front of a final ``Linear`` classifier.
    batch_size : int, default 256
        Samples per forward pass (bounds the memory of the convolution buffers).

    Attributes
    ----------
    model_ : sigconv.nn.Sequential
        The snapshot used by ``transform``.
    layer_ : int
        ``layer`` as a non-negative index.
    n_channels_, n_timepoints_, n_features_in_, n_features_out_ : int

    Notes
    -----
    Features come in the input's float dtype (float32 input gives float32 features); the
    network itself computes in the dtype its layers were built with.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Conv1D, GlobalMaxPool1D, Linear, ReLU, Sequential
    >>> from sigconv.features import CNNFeatures
    >>> model = Sequential(Conv1D(1, 4, 5, padding="same", random_state=0), ReLU(),
    ...                    GlobalMaxPool1D(), Linear(4, 2, random_state=0))
    >>> X = np.random.default_rng(0).normal(size=(6, 40)).astype(np.float32)
    >>> CNNFeatures(model).fit_transform(X).shape          # GlobalMaxPool1D output
    (6, 4)
    >>> CNNFeatures(model, layer=1).fit_transform(X).shape  # ReLU output, flattened
    (6, 160)
    """

    def __init__(self, model: Any, *, layer: int = -2, batch_size: int = 256):
        self.model = model
        self.layer = layer
        self.batch_size = batch_size

    def __sklearn_tags__(self):
        return transformer_tags(super().__sklearn_tags__())

    def _check_model(self) -> tuple[int, int]:
        from sigconv.nn import Sequential

        if not isinstance(self.model, Sequential):
            raise TypeError(f"`model` must be a sigconv.nn.Sequential; got {type(self.model).__name__}")
        n_layers = len(self.model.layers)
        if n_layers == 0:
            raise ValueError("`model` has no layers")
        layer = check_int("layer", self.layer)
        if not -n_layers <= layer < n_layers:
            raise ValueError(f"`layer` must be an index into the model's {n_layers} layers "
                             f"(-{n_layers} to {n_layers - 1}); got {layer}")
        batch_size = check_int("batch_size", self.batch_size, minimum=1)
        return layer % n_layers, batch_size

    def _activations(self, series: np.ndarray, batch_size: int) -> np.ndarray:
        layers = self.model_.layers[:self.layer_ + 1]
        parts = []
        for start in range(0, series.shape[0], batch_size):
            a = series[start:start + batch_size]
            for lay in layers:
                a = lay.forward(a, training=False)
            parts.append(np.asarray(a).reshape(a.shape[0], -1))
        return np.concatenate(parts, axis=0)

    def fit(self, X: ArrayLike, y=None) -> CNNFeatures:
        """Snapshot the model, check that it accepts ``X`` and count the features."""
        import copy

        layer, batch_size = self._check_model()
        series = validate_series(self, X, reset=True)
        self.model_ = copy.deepcopy(self.model)
        self.layer_ = layer
        try:
            probe = self._activations(series[:1], batch_size)
        except ValueError as e:
            raise ValueError(f"`model` cannot take `X` of shape {series.shape[1:]} (channels, time "
                             f"points) per sample (n_features = {series.shape[2]}): {e}") from e
        self.n_features_out_ = probe.shape[1]
        return self

    def transform(self, X: ArrayLike) -> np.ndarray:
        """Activations ``(n_samples, n_features_out_)`` of layer ``layer_``, in ``X``'s float dtype."""
        check_fitted(self, "model_")
        series = validate_series(self, X, reset=False)
        _, batch_size = self._check_model()
        out = self._activations(series, batch_size)
        return np.ascontiguousarray(out, dtype=series.dtype)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``layer{layer_}_{j}`` (``j``: flattened channel-major position)."""
        check_fitted(self, "n_features_out_")
        return _feature_names(self, [f"layer{self.layer_}_{j}" for j in range(self.n_features_out_)],
                              input_features)
