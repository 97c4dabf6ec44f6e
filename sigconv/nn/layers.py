"""Trainable 1D CNN layers: forward and analytic backward passes over ``(batch, channels, length)``.

Every layer has ``forward(x, training=True)``, ``backward(grad_out) -> grad_in`` and the dicts
``.params`` / ``.grads`` holding the live arrays (``"weight"``, ``"bias"``) that optimisers update
in place.  As in PyTorch, ``backward`` *adds* into ``.grads`` (call the optimiser's ``zero_grad``
between steps); it uses what the last ``forward`` stored, so call them in pairs.

Dtypes: :class:`Conv1D` and :class:`Linear` compute in the dtype they were built with (float32 by
default, or float64) and cast inputs of any other dtype to it; layers without parameters keep
float32 and float64 inputs as they are and promote other numbers (int -> float64).  Outputs and
input gradients have the dtype the layer computed in.
"""

from __future__ import annotations

import contextlib
import math

import numba
import numpy as np
from numpy.typing import ArrayLike, DTypeLike
from scipy.special import expit

from sigconv._jit import threads
from sigconv._kernels import nn as _nn
from sigconv._validate import check_float, check_int
from sigconv.nn._checks import (
    as_input,
    check_bool,
    check_channels,
    check_dtype,
    check_grad,
    check_positive_int,
    make_rng,
)

PADDING_OPTIONS = ("valid", "same")

#: a placeholder index array for average pooling (the kernel leaves it untouched)
_NO_INDEX = np.zeros((1, 1, 1), dtype=np.int64)


_BLAS = None


def _blas_single_thread():
    """Limit BLAS to one thread while a Conv1D kernel runs: the kernel calls BLAS once per
    sample from Numba's batch-parallel threads, and two spinning thread pools on the same
    cores would slow both down (threadpoolctl, a scikit-learn dependency; a no-op without it)."""
    global _BLAS
    if _BLAS is None:
        try:
            from threadpoolctl import ThreadpoolController
            _BLAS = ThreadpoolController()
        except ImportError:  # pragma: no cover
            _BLAS = False
    if _BLAS is False:  # pragma: no cover
        return contextlib.nullcontext()
    return _BLAS.limit(limits=1, user_api="blas")


#: multiply-adds (about 0.1-0.2 ms on one core) below which a kernel runs on the calling thread
#: only.  Tuned on the benchmark training step (2 threads, idle and moderately busy machine):
#: its second convolution (20 M multiply-adds) gains 1.5-1.9x from 2 threads, thresholds from 2 M
#: to 8 M give the same step time, 0 (everything threaded, pooling included) is 5% slower
#: and the former 32 M (every layer serial) 15% slower.
PARALLEL_MIN_WORK = 1 << 22


def _threads_for(work: int, n_batch: int) -> int:
    """Threads for a batch-parallel kernel doing ``work`` multiply-adds (1 when small)."""
    if work < PARALLEL_MIN_WORK:
        return 1
    return max(1, min(n_batch, numba.get_num_threads()))


class Layer:
    """Base class: parameter dicts, the config used by ``save``/``load`` and ``__call__``."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._out_shape: tuple | None = None
        self._out_dtype: np.dtype | None = None

    def __call__(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        return self.forward(x, training=training)

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def backward(self, grad_out: ArrayLike) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments (JSON-serialisable) that rebuild this layer."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # helpers shared by the subclasses
    def _remember(self, out: np.ndarray) -> np.ndarray:
        self._out_shape = out.shape
        self._out_dtype = out.dtype
        return out

    def _grad(self, grad_out) -> np.ndarray:
        return check_grad(grad_out, self._out_shape, self._out_dtype, type(self).__name__)


def _init_uniform(rng: np.random.Generator, bound: float, shape, dtype) -> np.ndarray:
    return np.ascontiguousarray(rng.uniform(-bound, bound, size=shape).astype(dtype))


class Conv1D(Layer):
    """1D convolution layer (cross-correlation, exactly ``torch.nn.functional.conv1d``).

    ``out[n, o, t] = bias[o] + sum_{c, j} weight[o, c, j] * xpad[n, c, t*stride + j*dilation]``.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input ``(batch, in_channels, length)`` and of the output.
    kernel_size : int
        Taps ``k``; ``weight`` has shape ``(out_channels, in_channels, k)``.
    stride, dilation : int, optional
        Step between outputs and spacing between taps (both >= 1).
    padding : int or {"valid", "same"}, optional
        Zeros added on both sides; ``"valid"`` is 0; ``"same"`` (stride 1 only) keeps the length,
        padding ``dilation*(k-1)`` in total with the odd extra zero on the right, as PyTorch.
    bias : bool, optional
        Whether to learn a per-channel offset.
    dtype : numpy.float32 or numpy.float64, optional
        Dtype of the parameters and of the computation (inputs are cast to it).
    random_state : None, int or numpy.random.Generator, optional
        Seed of the initialisation, PyTorch's default:
        ``U(-1/sqrt(in_channels*k), 1/sqrt(in_channels*k))`` for weight and bias.

    Notes
    -----
    The output length is ``floor((L + pad_left + pad_right - dilation*(k-1) - 1) / stride) + 1``.
    Forward unfolds each sample (im2col) into a cache-sized buffer and runs one matrix product
    per sample, in parallel over the batch.  ``forward(x, training=True)`` keeps a reference to
    ``x`` (not a copy, like :class:`Linear`) for ``backward``, which unfolds it again; modifying
    ``x`` in place between the two calls changes the gradients.  Backward computes the weight
    gradient as the correlation of input and output gradient and the input gradient as the full
    convolution of the output gradient with the flipped kernel (both as matrix products, see
    :mod:`sigconv._kernels.nn`).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.nn import Conv1D
    >>> conv = Conv1D(1, 4, 5, padding="same", random_state=0)
    >>> x = np.ones((2, 1, 32), dtype=np.float32)
    >>> conv.forward(x).shape
    (2, 4, 32)
    >>> conv.backward(np.ones((2, 4, 32), dtype=np.float32)).shape
    (2, 1, 32)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, *, stride: int = 1,
                 padding: int | str = 0, dilation: int = 1, bias: bool = True,
                 dtype: DTypeLike = np.float32, random_state=None) -> None:
        super().__init__()
        self.in_channels = check_positive_int("in_channels", in_channels)
        self.out_channels = check_positive_int("out_channels", out_channels)
        self.kernel_size = check_positive_int("kernel_size", kernel_size)
        self.stride = check_positive_int("stride", stride)
        self.dilation = check_positive_int("dilation", dilation)
        self.padding = _check_padding(padding, self.stride)
        self.use_bias = check_bool("bias", bias)
        self.dtype = check_dtype("dtype", dtype)
        rng = make_rng(random_state)
        bound = 1.0 / math.sqrt(self.in_channels * self.kernel_size)
        shape = (self.out_channels, self.in_channels, self.kernel_size)
        self.params["weight"] = _init_uniform(rng, bound, shape, self.dtype)
        if self.use_bias:
            self.params["bias"] = _init_uniform(rng, bound, (self.out_channels,), self.dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._x = None

    def get_config(self) -> dict:
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": self.kernel_size, "stride": self.stride, "padding": self.padding,
                "dilation": self.dilation, "bias": self.use_bias, "dtype": self.dtype.name}

    def pads(self) -> tuple[int, int]:
        """Zeros added on the left and on the right of the input."""
        if self.padding == "valid":
            return 0, 0
        if self.padding == "same":
            total = self.dilation * (self.kernel_size - 1)
            return total // 2, total - total // 2
        return self.padding, self.padding

    def output_length(self, length: int) -> int:
        """Output length for an input of ``length`` samples (< 1 means too short)."""
        left, right = self.pads()
        span = self.dilation * (self.kernel_size - 1) + 1
        return (length + left + right - span) // self.stride + 1

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        training = check_bool("training", training)
        x = as_input("x", x, self.dtype)
        check_channels("x", x, self.in_channels)
        n, c, length = x.shape
        l_out = self.output_length(length)
        if l_out < 1:
            left, right = self.pads()
            raise ValueError(
                f"`x` has length {length} but Conv1D needs at least "
                f"{self.dilation * (self.kernel_size - 1) + 1 - left - right} samples "
                f"(kernel_size={self.kernel_size}, dilation={self.dilation}, padding={self.padding!r})")
        k = self.kernel_size
        parts = _threads_for(n * self.out_channels * c * k * l_out, n)
        cols = np.empty((parts, c * k, l_out), dtype=self.dtype)
        weight2d = self.params["weight"].reshape(self.out_channels, c * k)
        bias = self.params["bias"] if self.use_bias else np.zeros(self.out_channels, self.dtype)
        out = np.empty((n, self.out_channels, l_out), dtype=self.dtype)
        with _blas_single_thread(), threads(parts):
            _nn.conv_forward(x, weight2d, bias, k, self.stride, self.dilation, self.pads()[0], cols, out)
        self._x = x if training else None
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        if self._x is None:
            raise RuntimeError("Conv1D.backward needs the input of a forward(x, training=True); "
                               "forward(x, training=False) keeps nothing for backward")
        n, o, l_out = g.shape
        c, k = self.in_channels, self.kernel_size
        parts = _threads_for(n * o * c * k * l_out, n)
        grad_wt = np.zeros((parts, c * k, o), dtype=self.dtype)
        grad_b = np.zeros((parts, o), dtype=self.dtype)
        cols = np.empty((parts, c * k, l_out), dtype=self.dtype)
        dcols = np.empty((parts, c * k, l_out), dtype=self.dtype)
        grad_x = np.empty(self._x.shape, dtype=self.dtype)
        weight2d = self.params["weight"].reshape(o, c * k)
        with _blas_single_thread(), threads(parts):
            _nn.conv_backward(self._x, weight2d, g, k, self.stride, self.dilation, self.pads()[0],
                              grad_wt, grad_b, cols, dcols, grad_x)
        self.grads["weight"] += grad_wt.sum(axis=0).T.reshape(self.params["weight"].shape)
        if self.use_bias:
            self.grads["bias"] += grad_b.sum(axis=0)
        return grad_x


def _check_padding(padding, stride: int):
    if isinstance(padding, str):
        if padding not in PADDING_OPTIONS:
            raise ValueError(f"`padding` must be a non-negative int or one of {PADDING_OPTIONS}; "
                             f"got {padding!r}")
        if padding == "same" and stride != 1:
            raise ValueError(f"`padding`='same' needs stride=1 (as in PyTorch); got stride={stride}; "
                             "use an integer padding instead")
        return padding
    try:
        return check_int("padding", padding, minimum=0)
    except TypeError as e:
        raise TypeError(f"`padding` must be a non-negative int or one of {PADDING_OPTIONS}; "
                        f"got {padding!r}") from e


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
        with threads(_threads_for(out.size * self.kernel_size, n)):
            _nn.pool_forward(x, self.kernel_size, self.stride, self._mode, x.dtype.type(self.kernel_size),
                             out, index)
        self._index = index
        self._in_shape = x.shape
        return self._remember(out)

    def backward(self, grad_out: ArrayLike) -> np.ndarray:
        g = self._grad(grad_out)
        grad_x = np.empty(self._in_shape, dtype=g.dtype)
        with threads(_threads_for(g.size * self.kernel_size, g.shape[0])):
            _nn.pool_backward(g, self._index, self.kernel_size, self.stride, self._mode,
                              g.dtype.type(self.kernel_size), grad_x)
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


#: layer classes that ``Sequential.load`` may rebuild (by name; nothing else is ever created)
LAYER_TYPES = {cls.__name__: cls for cls in (
    Conv1D, Linear, MaxPool1D, MinPool1D, AvgPool1D, GlobalAvgPool1D, GlobalMaxPool1D, Flatten,
    ReLU, LeakyReLU, Tanh, Sigmoid, Dropout)}
