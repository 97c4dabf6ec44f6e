"""The fully connected layer :class:`Linear` and :class:`Flatten`, which feeds it."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from sigconv.nn._checks import (
    as_input,
    check_bool,
    check_channels,
    check_dtype,
    check_positive_int,
    make_rng,
)
from sigconv.nn.base import Layer, _init_uniform


class Linear(Layer):
    """Fully connected layer ``y = x @ weight.T + bias`` on ``(batch, in_features)``.

    ``weight`` is ``(out_features, in_features)``; initialisation as PyTorch's
    ``U(-1/sqrt(in_features), 1/sqrt(in_features))``.  Inputs are cast to ``dtype``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Linear
    >>> Linear(3, 2, random_state=0).forward(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, *, bias: bool = True,
                 dtype: DTypeLike = np.float32, random_state=None) -> None:
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        self.use_bias = check_bool("bias", bias)
        self.dtype = check_dtype("dtype", dtype)
        rng = make_rng(random_state)
        bound = 1.0 / math.sqrt(self.in_features)
        self.params["weight"] = _init_uniform(rng, bound, (self.out_features, self.in_features), self.dtype)
        if self.use_bias:
            self.params["bias"] = _init_uniform(rng, bound, (self.out_features,), self.dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x = None

    def get_config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "bias": self.use_bias, "dtype": self.dtype.name}

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x, self.dtype, ndim=2)
        check_channels("x", x, self.in_features, what="features")
        out = np.dot(x, self.params["weight"].T)
        if self.use_bias:
            out += self.params["bias"]
        self._x = x
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        self.grads["weight"] += np.dot(g.T, self._x)
        if self.use_bias:
            self.grads["bias"] += g.sum(axis=0)
        return np.dot(g, self.params["weight"])


class Flatten(Layer):
    """``(batch, d1, d2, ...) -> (batch, d1*d2*...)`` (C order, as ``torch.nn.Flatten``).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Flatten
    >>> Flatten().forward(np.zeros((2, 3, 4))).shape
    (2, 12)
    """

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x, ndim=None)
        if x.ndim < 2:
            raise ValueError(f"`x` must have a batch axis and at least one more; got shape {x.shape}")
        self._in_shape = x.shape
        return self._remember(x.reshape(x.shape[0], -1).copy())  # outputs never alias inputs

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        return self._grad(grad_out).reshape(self._in_shape).copy()
