"""Element-wise activations (ReLU, LeakyReLU, Tanh, Sigmoid) and :class:`Dropout`.

Layers without parameters keep float32 and float64 inputs as they are and promote other numbers
(int -> float64).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit

from sigconv._kernels import nn as _nn
from sigconv._validate import check_float
from sigconv.nn._checks import as_input, check_bool, make_rng
from sigconv.nn.base import Layer


class _Elementwise(Layer):
    """Activation applied element by element to an array of any shape."""

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x, ndim=None)
        out = self._f(x)
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        return self._df(self._grad(grad_out)).astype(self._out_dtype, copy=False)


class ReLU(_Elementwise):
    """``max(x, 0)``; the gradient is 0 where ``x <= 0`` (as torch).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import ReLU
    >>> ReLU().forward(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 2.])
    """

    def _f(self, x):
        return _leaky_forward(self, x, 0.0, relu=True)

    def _df(self, g):
        return _leaky_backward(self, g, 0.0, relu=True)


class LeakyReLU(_Elementwise):
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import LeakyReLU
    >>> LeakyReLU(0.1).forward(np.array([-1.0, 2.0]))
    array([-0.1,  2. ])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_float("negative_slope", negative_slope)

    def get_config(self) -> dict:
        return {"negative_slope": self.negative_slope}

    def _f(self, x):
        return _leaky_forward(self, x, self.negative_slope, relu=False)

    def _df(self, g):
        return _leaky_backward(self, g, self.negative_slope, relu=False)


def _leaky_forward(layer, x, slope, relu):
    """(Leaky) ReLU of ``x`` in one pass, keeping on ``layer`` the mask of the units whose
    gradient passes unscaled (see :func:`sigconv._kernels.nn.leaky_relu_forward`)."""
    out = np.empty_like(x)
    layer._mask = np.empty(x.shape, dtype=np.bool_)
    _nn.leaky_relu_forward(x.reshape(-1), x.dtype.type(slope), relu, out.reshape(-1), layer._mask.reshape(-1))
    return out


def _leaky_backward(layer, g, slope, relu):
    grad_x = np.empty_like(g)
    _nn.leaky_relu_backward(g.reshape(-1), layer._mask.reshape(-1), g.dtype.type(slope), relu, grad_x.reshape(-1))
    return grad_x


class Tanh(_Elementwise):
    """Hyperbolic tangent; gradient ``1 - tanh(x)**2``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Tanh
    >>> Tanh().forward(np.array([0.0]))
    array([0.])
    """

    def _f(self, x):
        self._y = np.tanh(x)
        return self._y

    def _df(self, g):
        y = self._y
        return g * (g.dtype.type(1) - y * y)


class Sigmoid(_Elementwise):
    """Logistic function ``1 / (1 + exp(-x))`` (overflow-free); gradient ``y * (1 - y)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Sigmoid
    >>> Sigmoid().forward(np.array([0.0]))
    array([0.5])
    """

    def _f(self, x):
        self._y = expit(x)
        return self._y

    def _df(self, g):
        y = self._y
        return g * (g.dtype.type(1) - y) * y


class Dropout(Layer):
    """Inverted dropout: in training, zero each element with probability ``p`` and scale the
    rest by ``1 / (1 - p)``; the identity when ``training=False``.

    Parameters
    ----------
    p : float
        Drop probability in ``[0, 1]``.
    random_state : None, int or numpy.random.Generator, optional
        Seed of the masks (an addition to PyTorch's signature, for reproducibility).  An int
        is saved with the model (``Sequential.save``), so a loaded model draws its masks
        from the same seed; a Generator is not saved.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Dropout
    >>> Dropout(0.5, random_state=0).forward(np.ones(4), training=False)
    array([1., 1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, *, random_state=None) -> None:
        super().__init__()
        self.p = check_float("p", p, minimum=0.0, maximum=1.0)
        self._rng = make_rng(random_state)
        self._seed = int(random_state) if isinstance(random_state, (int, np.integer)) else None
        self._scale = None

    def get_config(self) -> dict:
        return {"p": self.p, "random_state": self._seed}

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        training = check_bool("training", training)
        x = as_input("x", x, ndim=None)
        if not training or self.p == 0.0:
            self._scale = None
            return self._remember(x.copy())
        keep = self._rng.random(x.shape) >= self.p
        factor = 0.0 if self.p == 1.0 else 1.0 / (1.0 - self.p)
        self._scale = keep.astype(x.dtype) * x.dtype.type(factor)
        return self._remember(x * self._scale)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        return g.copy() if self._scale is None else g * self._scale
