"""Validation helpers private to :mod:`sigconv.nn` (all user-facing error text of the layers).

Dtype policy (documented in :mod:`sigconv.nn`): a layer with parameters computes in the dtype
it was built with and casts every input (and output gradient) to it; a layer without
parameters keeps float32 and float64 inputs as they are and promotes anything else (bool, int,
float16) through :func:`sigconv._validate.as_float_array` (int -> float64, float16 -> float32).
"""

from __future__ import annotations

import numpy as np

from sigconv._validate import as_float_array, check_int

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(name: str, dtype) -> np.dtype:
    """``dtype`` as float32 or float64, else a ``TypeError`` naming the parameter."""
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"`{name}` must be numpy.float32 or numpy.float64; got {dtype!r}") from e
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"`{name}` must be numpy.float32 or numpy.float64; got {dt}")
    return dt


def as_input(name: str, value, dtype=None, *, ndim: int | None = 3) -> np.ndarray:
    """``value`` as a C-contiguous float array of ``ndim`` dimensions.

    ``dtype=None`` keeps float32/float64 and promotes the rest; otherwise the array is cast to
    ``dtype``.  The input is never modified (a copy is made when a cast is needed, and for
    read-only inputs).
    """
    arr = as_float_array(name, value)
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if ndim is not None and arr.ndim != ndim:
        layout = {3: "(batch, channels, length)", 2: "(batch, features)"}.get(ndim, f"{ndim}-D")
        hint = ""
        if ndim == 3 and arr.ndim == 2:
            hint = "; for single-channel signals use x[:, None, :]"
        raise ValueError(f"`{name}` must be a {ndim}-D array {layout}; got shape {arr.shape}{hint}")
    if not arr.flags.writeable:
        # kernels only read it, but a read-only array is another Numba type (another compile)
        return np.array(arr, order="C")
    return np.ascontiguousarray(arr)


def check_channels(name: str, x: np.ndarray, expected: int, what: str = "channels") -> None:
    if x.shape[1] != expected:
        raise ValueError(f"`{name}` has {x.shape[1]} {what} (axis 1) but the layer expects {expected}; "
                         f"got shape {x.shape}")


def check_grad(grad_out, expected_shape: tuple, dtype, layer: str) -> np.ndarray:
    """The output gradient as a C-contiguous array of the forward output's shape and dtype."""
    if expected_shape is None:
        raise RuntimeError(f"{layer}.backward called before forward; run forward(x) first")
    g = as_input("grad_out", grad_out, dtype, ndim=None)
    if g.shape != tuple(expected_shape):
        raise ValueError("`grad_out` must have the shape of the last forward output "
                         f"{tuple(expected_shape)}; "
                         f"got {g.shape}")
    return g


def check_positive_int(name: str, value) -> int:
    return check_int(name, value, minimum=1)


def check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be True or False; got {value!r} ({type(value).__name__})")
    return bool(value)


def make_rng(random_state) -> np.random.Generator:
    """``np.random.default_rng(random_state)`` with a clear error for unusable seeds."""
    try:
        return np.random.default_rng(random_state)
    except (TypeError, ValueError) as e:
        raise TypeError("`random_state` must be None, an int or a numpy Generator; "
                        f"got {random_state!r}") from e
