"""Pooling layers: windowed max, min and mean, and their global (whole-length) versions."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv._jit import run_parts
from sigconv._kernels import nn as _nn
from sigconv.nn._checks import as_input, check_bool, check_positive_int
from sigconv.nn.base import Layer, _threads_for

#: a placeholder index array for average pooling (the kernel leaves it untouched)
_NO_INDEX = np.zeros((1, 1, 1), dtype=np.int64)


class _Pool1D(Layer):
    _mode = _nn.POOL_MAX

    def __init__(self, kernel_size: int, stride: int | None = None) -> None:
        super().__init__()
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        self.stride = self.kernel_size if stride is None else check_positive_int("stride", stride)
        self._index = None
        self._in_shape = None

    def get_config(self) -> dict:
        return {"kernel_size": self.kernel_size, "stride": self.stride}

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x)
        n, c, length = x.shape
        if length < self.kernel_size:
            raise ValueError(f"`x` has length {length}, shorter than kernel_size={self.kernel_size} "
                             f"of {type(self).__name__}")
        l_out = (length - self.kernel_size) // self.stride + 1
        out = np.empty((n, c, l_out), dtype=x.dtype)
        index = _NO_INDEX if self._mode == _nn.POOL_AVG else np.empty(out.shape, dtype=np.int64)
        run_parts(_nn.pool_forward, (x, self.kernel_size, self.stride, self._mode, x.dtype.type(self.kernel_size),
                                     out, index), _threads_for(out.size * self.kernel_size, n))
        self._index = index
        self._in_shape = x.shape
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        grad_x = np.empty(self._in_shape, dtype=g.dtype)
        run_parts(_nn.pool_backward, (g, self._index, self.kernel_size, self.stride, self._mode,
                                      g.dtype.type(self.kernel_size), grad_x),
                  _threads_for(g.size * self.kernel_size, g.shape[0]))
        return grad_x


class MaxPool1D(_Pool1D):
    """Max over windows of ``kernel_size`` every ``stride`` (default ``kernel_size``) samples.

    Output length ``floor((L - kernel_size) / stride) + 1`` (``torch.nn.functional.max_pool1d``);
    backward routes each gradient to the first maximum of its window (a NaN wins, as in torch).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import MaxPool1D
    >>> MaxPool1D(2).forward(np.array([[[1.0, 3.0, 2.0, 0.0, 5.0]]]))
    array([[[3., 2.]]])
    """

    _mode = _nn.POOL_MAX


class MinPool1D(_Pool1D):
    """Min over windows (the mirror of :class:`MaxPool1D`; the first minimum gets the gradient).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import MinPool1D
    >>> MinPool1D(2).forward(np.array([[[1.0, 3.0, 2.0, 0.0, 5.0]]]))
    array([[[1., 0.]]])
    """

    _mode = _nn.POOL_MIN


class AvgPool1D(_Pool1D):
    """Mean over windows (``torch.nn.functional.avg_pool1d`` without padding).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import AvgPool1D
    >>> AvgPool1D(2).forward(np.array([[[1.0, 3.0, 2.0, 0.0, 5.0]]]))
    array([[[2., 1.]]])
    """

    _mode = _nn.POOL_AVG


class GlobalAvgPool1D(Layer):
    """Mean over the length axis: ``(batch, channels, length) -> (batch, channels)``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import GlobalAvgPool1D
    >>> GlobalAvgPool1D().forward(np.arange(6.0).reshape(1, 2, 3))
    array([[1., 4.]])
    """

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x)
        self._length = x.shape[2]
        if self._length == 0:
            return self._remember(x.mean(axis=2))  # NaN and numpy's warning, as torch gives NaN
        out = np.empty(x.shape[:2], dtype=x.dtype)
        _nn.global_avg_forward(x, x.dtype.type(self._length), out)
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        grad_x = np.empty((*g.shape, self._length), dtype=g.dtype)
        _nn.global_avg_backward(g, g.dtype.type(max(self._length, 1)), grad_x)
        return grad_x


class GlobalMaxPool1D(Layer):
    """Max over the length axis: ``(batch, channels, length) -> (batch, channels)``; the
    gradient goes to the first maximum.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import GlobalMaxPool1D
    >>> GlobalMaxPool1D().forward(np.arange(6.0).reshape(1, 2, 3))
    array([[2., 5.]])
    """

    def __init__(self) -> None:
        super().__init__()
        self._pool = None

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        check_bool("training", training)
        x = as_input("x", x)
        self._pool = MaxPool1D(x.shape[2])
        out = self._pool.forward(x)
        return self._remember(out.reshape(out.shape[:2]))

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        return self._pool.backward(g[:, :, None])
