"""The 1D convolution layer :class:`Conv1D` (im2col and one matrix product per sample)."""

from __future__ import annotations

import contextlib
import math

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from sigconv._jit import run_parts
from sigconv._kernels import nn as _nn
from sigconv._validate import check_int
from sigconv.nn._checks import (
    as_input,
    check_bool,
    check_channels,
    check_dtype,
    check_positive_int,
    make_rng,
)
from sigconv.nn.base import Layer, _init_uniform, _threads_for

PADDING_OPTIONS = ("valid", "same")


_BLAS = None


def _blas_single_thread():
    """Limit BLAS to one thread while a Conv1D kernel runs: the kernel calls BLAS once per
    sample from the batch-parallel threads, and two spinning thread pools on the same
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
        with _blas_single_thread():
            run_parts(_nn.conv_forward, (x, weight2d, bias, k, self.stride, self.dilation, self.pads()[0],
                                         cols, out), parts)
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
        with _blas_single_thread():
            run_parts(_nn.conv_backward, (self._x, weight2d, g, k, self.stride, self.dilation, self.pads()[0],
                                          grad_wt, grad_b, cols, dcols, grad_x), parts)
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
