"""Activations of a trained :mod:`sigconv.nn` model as features: :class:`CNNFeatures`."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sigconv._dispatch import dask_transform
from sigconv._estimator import BASES, check_fitted, transformer_tags, validate_series
from sigconv._validate import check_int
from sigconv.features._common import feature_names

__all__ = ["CNNFeatures"]


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

    @dask_transform
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
        return feature_names(self, [f"layer{self.layer_}_{j}" for j in range(self.n_features_out_)],
                              input_features)
