"""Business-cycle filters: Baxter-King, Christiano-Fitzgerald, Hodrick-Prescott (API.md §2b).

* :func:`bk_filter` is a symmetric FIR of ``2K + 1`` taps: one 'valid' convolution.
* :func:`cf_filter` gives every output its own truncated ideal band-pass kernel plus two end
  terms; the truncated kernels are one symmetric kernel of ``2n - 3`` taps convolved with the
  interior samples (an FFT convolution on the engine), and the end weights are partial sums of
  the same kernel (cumulative sums): O(n log n) where statsmodels loops in O(n²).
* :func:`hp_filter` solves the pentadiagonal normal equations by LDLᵀ in
  :mod:`sigconv._kernels.banded` (missing samples get zero weight), and its one-sided form runs
  the equivalent information-form recursion: the last point of each expanding-window fit, O(n).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._kernels import banded as bk
from sigconv._validate import check_float, check_int
from sigconv.convolve import convolve
from sigconv.filters._rows import _run_rows

__all__ = ["bk_filter", "cf_filter", "hp_filter"]


def _band(low, high) -> tuple[float, float]:
    """Angular frequencies ``(2 pi / high, 2 pi / low)`` of a band of periods ``low < high``."""
    low = check_float("low", low, minimum=2.0)
    high = check_float("high", high, finite=False)
    if not high > low:
        raise ValueError(f"`high` must be a period longer than `low`={low} (periods in samples, "
                         f"low >= 2); got high={high}")
    return 2.0 * math.pi / high, 2.0 * math.pi / low


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{name}` must be a bool; got {value!r}")
    return bool(value)


def _ideal_band(a: float, b: float, k: int) -> np.ndarray:
    """Weights ``B_j``, j = 0..k, of the ideal band-pass filter for frequencies ``[a, b]``."""
    j = np.arange(1, k + 1, dtype=np.float64)
    return np.r_[(b - a) / math.pi, (np.sin(b * j) - np.sin(a * j)) / (math.pi * j)]


def bk_filter(x: ArrayLike, low: float = 6, high: float = 32, K: int = 12, *, axis: int = -1) -> np.ndarray:
    """Baxter-King band-pass filter: a symmetric FIR of ``2K + 1`` taps (n - 2K outputs).

    Parameters
    ----------
    x : array_like
        Real series; other axes are a batch.
    low, high : float, default 6 and 32
        Shortest and longest period passed, in samples (``2 <= low < high``; 6 and 32 are
        quarterly business cycles).
    K : int, default 12
        Lead-lag length; ``x`` needs more than ``2K`` samples along ``axis``.
    axis : int, default -1

    Returns
    -------
    ndarray
        ``n - 2K`` central outputs along ``axis`` (the pandas accessor pads them back to
        ``n`` with NaN); float32 for float32 input, else float64.

    Notes
    -----
    Equals ``statsmodels.tsa.filters.bk_filter.bkfilter(x, low, high, K)``: the ideal band-pass
    weights truncated at ``K`` and shifted to sum to zero.  NaN stays local to the ``2K + 1``
    outputs whose window covers it (statsmodels returns NaN everywhere).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import bk_filter
    >>> t = np.arange(200.0)
    >>> cycle = bk_filter(np.sin(2 * np.pi * t / 16) + 0.05 * t, 6, 32, 12)
    >>> cycle.shape, round(float(np.abs(cycle).max()), 2)
    ((176,), 1.05)
    """
    a, b = _band(low, high)
    K = check_int("K", K, minimum=1)
    rows, restore = fc.signal_rows("x", x, axis)
    n = rows.shape[1]
    if n <= 2 * K:
        raise ValueError(f"`x` has {n} samples along `axis`; bk_filter needs more than 2K = {2 * K} (lower `K`)")
    half = _ideal_band(a, b, K)
    taps = np.r_[half[:0:-1], half]
    taps -= taps.mean()
    return restore(convolve(rows, taps.astype(rows.dtype), mode="valid", axis=-1))


def cf_filter(x: ArrayLike, low: float = 6, high: float = 32, *, drift: bool = True, axis: int = -1):
    """Christiano-Fitzgerald asymmetric band-pass filter; returns ``(cycle, trend)``.

    Parameters
    ----------
    x : array_like
        Real series (at least 2 samples along ``axis``); other axes are a batch.
    low, high : float, default 6 and 32
        Shortest and longest period passed, in samples (``2 <= low < high``, ``high`` may be
        ``inf``).
    drift : bool, default True
        Remove the line through the first and last samples first (a random walk with drift).
    axis : int, default -1

    Returns
    -------
    cycle, trend : ndarray
        Shape of ``x``; ``trend`` is the (drift-adjusted) series minus the cycle.

    Notes
    -----
    Equals ``statsmodels.tsa.filters.cf_filter.cffilter(x, low, high, drift)``.  Output ``t``
    is ``B_0 x_t + sum_j B_|j| x_{t+j}`` over the interior samples plus end terms ``A_t x_0 +
    B_t x_{n-1}``: the sum is one convolution (FFT) and the end weights are cumulative sums
    of the ``B_j`` — O(n log n) instead of statsmodels' O(n²) loop.  Every output depends on the
    first and last samples, so a NaN anywhere gives NaN everywhere (as statsmodels).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import cf_filter
    >>> t = np.arange(120.0)
    >>> cycle, trend = cf_filter(np.sin(2 * np.pi * t / 12) + 0.1 * t, 6, 32)
    >>> round(float(np.abs(cycle[30:90]).max()), 1)
    1.0
    """
    a, b = _band(low, high)
    drift = _check_bool("drift", drift)
    rows, restore = fc.signal_rows("x", x, axis)
    n = rows.shape[1]
    if n < 2:
        raise ValueError(f"`x` needs at least 2 samples along `axis` for cf_filter; got {n}")
    if drift:
        slope = (rows[:, -1:] - rows[:, :1]) / rows.dtype.type(n - 1)
        rows = rows - np.arange(n, dtype=rows.dtype) * slope
    weights = _ideal_band(a, b, n - 2)                      # B_0 .. B_{n-2}
    inner = rows.copy()
    inner[:, [0, -1]] = 0
    kernel = np.r_[weights[:0:-1], weights].astype(rows.dtype)
    cycle = convolve(inner, kernel, mode="same", axis=-1)
    partial = np.r_[0.0, np.cumsum(weights[1:])]             # partial[k] = B_1 + ... + B_k
    i = np.arange(n)
    b_end = -0.5 * weights[0] - partial[np.maximum(n - 2 - i, 0)]
    a_end = -weights[0] - partial[np.maximum(n - 2 - i, 0)] - partial[np.maximum(i - 1, 0)] - b_end
    dt = rows.dtype
    cycle += b_end.astype(dt) * rows[:, -1:] + a_end.astype(dt) * rows[:, :1]
    cycle[:, [0, -1]] += dt.type(weights[0]) * rows[:, [0, -1]]
    return restore(cycle), restore(rows - cycle)


def _second_difference_bands(n: int) -> np.ndarray:
    """Bands of ``D'D`` (D: the (n-2, n) second-difference matrix): rows diagonal, first and
    second superdiagonal, left-aligned, ``(3, n)``."""
    c = (1.0, -2.0, 1.0)
    dd = np.zeros((3, n))
    m = n - 2
    for p in range(3):
        dd[0, p:p + m] += c[p] * c[p]
        if p < 2:
            dd[1, p:p + m] += c[p] * c[p + 1]
    dd[2, :m] += c[0] * c[2]
    return dd


def _level(rows: np.ndarray, finite: np.ndarray, count: np.ndarray, causal: bool) -> np.ndarray:
    """A level per row ``(B, 1)`` float64: the mean of the finite samples, or (``causal``) the
    first finite sample, so that a real-time filter never looks ahead; 0 for an empty row."""
    if causal:
        first = np.argmax(finite, axis=1)
        level = rows[np.arange(rows.shape[0]), first].astype(np.float64)
    else:
        level = np.where(finite, rows, 0).sum(axis=1, dtype=np.float64) / np.maximum(count, 1)
    return np.where(count > 0, level, 0.0)[:, None]


def hp_filter(x: ArrayLike, lamb: float = 1600, *, one_sided: bool = False, axis: int = -1):
    """Hodrick-Prescott filter; returns ``(cycle, trend)``.

    The trend minimises ``sum (x_t - tau_t)**2 + lamb sum (tau_{t+1} - 2 tau_t + tau_{t-1})**2``.

    Parameters
    ----------
    x : array_like
        Real series; other axes are a batch.  NaN marks a missing observation.
    lamb : float, default 1600
        Smoothing parameter, > 0 (1600 for quarterly data, 129600 monthly, 6.25 yearly).
    one_sided : bool, default False
        The real-time filter: the trend at t is the last point of the two-sided trend of
        ``x[:t+1]`` — what a forecaster could compute at time t.
    axis : int, default -1

    Returns
    -------
    cycle, trend : ndarray
        Shape of ``x``; float32 for float32 input, else float64.

    Notes
    -----
    Two-sided: equals ``statsmodels.tsa.filters.hp_filter.hpfilter(x, lamb)``, solving the
    pentadiagonal system ``(I + lamb D'D) tau = x`` by LDLᵀ in O(n) (statsmodels builds a
    general sparse matrix).  NaN samples are missing observations: zero weight in the fit, so
    the trend runs smoothly through gaps and stays finite; the cycle is NaN where ``x`` is (a
    series with fewer than two observations gets a NaN trend).  One-sided: an O(n)
    information-form (Kalman-type) recursion, exactly the expanding-window endpoints (with an
    exact diffuse start: ``trend[0] = x[0]``, ``trend[1] = x[1]``), not a refit per point.
    Series shorter than 3 samples have ``trend = x``.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import hp_filter
    >>> x = np.array([1.0, 3.0, 2.0, 5.0, 4.0, 6.0])
    >>> cycle, trend = hp_filter(x, 1.0)
    >>> np.round(trend, 3)
    array([1.25, 2.25, 3.  , 4.  , 4.75, 5.75])
    >>> np.round(hp_filter(x, 1.0, one_sided=True)[1], 2)   # the last points of expanding fits
    array([1.  , 3.  , 2.43, 4.52, 4.44, 5.75])
    """
    lamb = check_float("lamb", lamb, minimum=0.0, open_min=True)
    one_sided = _check_bool("one_sided", one_sided)
    rows, restore = fc.signal_rows("x", x, axis)
    nrows, n = rows.shape
    if n < 3:
        return restore(rows - rows), restore(rows.copy())
    finite = np.isfinite(rows)
    count = finite.sum(axis=1)
    # a constant shifts the trend by itself (lines are free of penalty): fitting the deviations
    # from one keeps the rounding relative to the series' swings, not to its level
    offset = _level(rows, finite, count, one_sided)
    centred = rows - offset.astype(rows.dtype)
    trend64 = np.empty((nrows, n))
    if one_sided:
        _run_rows(bk.hp_one_sided_serial, bk.hp_one_sided_parallel, nrows, centred, lamb, trend64)
    else:
        unfit = count < 2                      # the line through the data is not determined
        if unfit.any():
            centred[unfit] = 0
        work = np.empty((nrows, 3, n))
        _run_rows(bk.hp_banded_serial, bk.hp_banded_parallel, nrows, centred, lamb,
                  _second_difference_bands(n), work, trend64)
        trend64[unfit] = np.nan
    trend = (trend64 + offset).astype(rows.dtype)
    return restore(rows - trend), restore(trend)
