"""Validation and layout helpers of :mod:`sigconv.filters` (all user-facing error text).

Kept apart from the wrappers so that :mod:`sigconv.filters` reads as the algorithms.
"""

from __future__ import annotations

import numpy as np

from sigconv._validate import as_array, check_axis, float_dtype


def signal_rows(name: str, x, axis: int):
    """Real float array of ``x`` as C-contiguous rows ``(B, n)`` along ``axis``.

    Returns ``(rows, restore)`` where ``restore(out_rows)`` gives back an array of the layout of
    ``x`` (with the filtered axis of the length ``out_rows`` has), C-contiguous.
    """
    arr = as_array(name, x, allow_complex=False)
    dtype = float_dtype(arr)
    if arr.ndim == 0:
        raise ValueError(f"`{name}` must have at least one dimension; got a scalar {arr!r}")
    ax = check_axis("axis", axis, arr.ndim)
    moved = np.moveaxis(arr, ax, -1)
    lead = moved.shape[:-1]
    rows = np.ascontiguousarray(moved.reshape(-1, moved.shape[-1]), dtype=dtype)
    if not rows.flags.writeable:
        # a read-only array (pandas' to_numpy under copy-on-write, a frozen input) is another
        # Numba type: copying it costs one pass, compiling every kernel twice costs seconds
        rows = rows.copy()
    if rows.shape[0] == 0:
        raise ValueError(f"`{name}` must not be empty; got shape {arr.shape}")

    def restore(out_rows: np.ndarray) -> np.ndarray:
        out = out_rows.reshape(*lead, out_rows.shape[-1])
        return np.ascontiguousarray(np.moveaxis(out, -1, ax))

    return rows, restore


def coefficients(name: str, value, *, allow_empty: bool = True) -> np.ndarray:
    """1D float64 array of finite filter coefficients (a scalar counts as one coefficient)."""
    if value is None:
        value = ()
    arr = as_array(name, value, allow_complex=False, allow_empty=True)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1D sequence of coefficients; got shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"`{name}` must hold at least one coefficient; got an empty sequence")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` coefficients must be finite; got {arr.tolist()!r}")
    return arr


def is_stationary(ar: np.ndarray) -> bool:
    """Whether every root of ``1 - sum_i ar_i z^i`` lies strictly outside the unit circle."""
    if ar.size == 0 or not ar.any():
        return True
    roots = np.roots(np.r_[1.0, -ar])  # inverse roots of the AR polynomial
    return bool(np.all(np.abs(roots) < 1.0))


def default_max_lag(name: str, max_lag, n: int) -> int:
    """statsmodels' ``acf`` default ``min(int(10 log10 n), n - 1)``, or ``max_lag`` checked < n."""
    from sigconv._validate import check_int

    if max_lag is None:
        return int(min(int(10 * np.log10(n)), n - 1))
    lag = check_int(name, max_lag, minimum=0)
    if lag >= n:
        raise ValueError(f"`{name}` must be < the number of samples ({n}); got {lag}")
    return lag


def real_array(name: str, value) -> np.ndarray:
    """A non-empty real numeric array (``TypeError`` for complex or non-numeric data)."""
    return as_array(name, value, allow_complex=False)


def coefficients_2d(name: str, value) -> np.ndarray:
    """A finite float64 2D array of coefficients (1D is taken as one row), e.g. ``sos``."""
    arr = as_array(name, value, allow_complex=False)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"`{name}` must be a 2D array; got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"`{name}` must be finite; got non-finite values in an array of shape {arr.shape}")
    return arr
