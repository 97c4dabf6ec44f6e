"""Window weights and moving averages: finite kernels through the convolution engine (API.md §2)."""

from __future__ import annotations

import functools
import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._dispatch import dask_aware
from sigconv._kernels import recursive as rk
from sigconv._validate import as_array, check_float, check_int, check_option
from sigconv.convolve import convolve
from sigconv.filters._rows import _PARALLEL_ROWS, _run_rows

__all__ = ["moving_average", "window_convolve", "window_weights"]

WINDOW_KINDS = ("uniform", "linear", "triangular", "gaussian", "ewma")
ALIGN_OPTIONS = ("trailing", "centered")
NAN_POLICIES = ("propagate", "omit", "raise")


def _ewma_alpha_param(params: dict) -> float:
    alpha, halflife = params.pop("alpha", None), params.pop("halflife", None)
    if (alpha is None) == (halflife is None):
        raise ValueError("window kind 'ewma' needs exactly one of `alpha=` or `halflife=`; "
                         f"got alpha={alpha!r}, halflife={halflife!r}")
    if alpha is not None:
        return check_float("alpha", alpha, minimum=0.0, maximum=1.0, open_min=True)
    halflife = check_float("halflife", halflife, minimum=0.0, open_min=True)
    return 1.0 - math.exp(-math.log(2.0) / halflife)


def _scipy_window(kind: str, window: int, params: dict) -> np.ndarray:
    """A symmetric scipy window by name, as pandas ``rolling(win_type=kind)`` builds it."""
    import scipy.signal  # lazily: scipy.signal takes most of a second to import

    func = getattr(scipy.signal.windows, kind, None) if kind != "get_window" else None
    try:
        if callable(func) and kind in scipy.signal.windows.__all__:
            return np.asarray(func(window, **params), dtype=np.float64)
        spec = (kind, *params.values()) if params else kind
        return np.asarray(scipy.signal.get_window(spec, window, fftbins=False), dtype=np.float64)
    except TypeError as e:
        raise TypeError(f"window kind {kind!r} does not take the parameters "
                        + ", ".join(f"`{name}`" for name in sorted(params)) + f": {e}") from e
    except ValueError as e:
        if func is None and ("Unknown window type" in str(e) or "Invalid window name" in str(e)):
            raise ValueError(
                f"`kind` (moving_average's `weights`) must be one of {WINDOW_KINDS} or a window name "
                f"scipy.signal.get_window knows (e.g. 'hann', 'blackman', 'kaiser'); got {kind!r}"
            ) from e
        raise ValueError(f"window kind {kind!r} with window={window} and {params}: {e}") from e


def _raw_window(kind: str, window: int, params: dict) -> np.ndarray:
    import scipy.signal  # lazily, as in _scipy_window

    params = dict(params)
    if kind == "uniform":
        w = np.ones(window)
    elif kind == "linear":
        w = np.arange(window, 0, -1, dtype=np.float64)
    elif kind == "triangular":
        w = scipy.signal.windows.triang(window)
    elif kind == "gaussian":
        if "std" not in params:
            raise ValueError("window kind 'gaussian' needs `std` (the standard deviation in samples)")
        std = check_float("std", params.pop("std"), minimum=0.0, open_min=True)
        w = scipy.signal.windows.gaussian(window, std)
    elif kind == "ewma":
        alpha = _ewma_alpha_param(params)
        w = (1.0 - alpha) ** np.arange(window, dtype=np.float64)
    else:
        return _scipy_window(kind, window, params)
    if params:
        raise TypeError(f"window kind {kind!r} takes no parameters; got "
                        + ", ".join(f"`{name}`" for name in sorted(params)))
    return w


def window_weights(kind: str, window: int, **params) -> np.ndarray:
    """Weights of a named moving-average window, normalised to sum 1.

    Parameters
    ----------
    kind : str
        ``"uniform"``; ``"linear"`` (the newest sample weighs ``window``, the oldest 1);
        ``"triangular"`` (``scipy.signal.windows.triang``); ``"gaussian"`` (needs ``std=``);
        ``"ewma"`` (one-sided exponential ``(1 - alpha)**i`` truncated to the window, needs
        ``alpha=`` or ``halflife=``); or any other name :func:`scipy.signal.get_window` knows,
        taken symmetric as pandas ``rolling(win_type=...)`` does, with its parameters as keywords
        (``"kaiser", beta=8``).  ``"exponential"`` is scipy's two-sided window.
    window : int
        Number of taps, >= 1.
    **params
        Parameters of the window kind.

    Returns
    -------
    ndarray, shape (window,), float64
        ``w[0]`` is applied to the newest sample; ``w.sum() == 1``.

    Raises
    ------
    ValueError
        Unknown kind, ``window < 1``, bad parameter values, or a window whose weights sum to 0.
    TypeError
        Parameters the kind does not take.

    Examples
    --------
    >>> from sigconv.filters import window_weights
    >>> window_weights("linear", 3)
    array([0.5       , 0.33333333, 0.16666667])
    >>> window_weights("uniform", 4).sum()
    np.float64(1.0)
    """
    if not isinstance(kind, str):
        raise TypeError(f"`kind` must be a window name (str); got {kind!r} ({type(kind).__name__})")
    window = check_int("window", window, minimum=1)
    key = tuple(sorted(params.items()))
    try:
        hash(key)
    except TypeError:   # unhashable parameter values: computed, not cached
        return _normalised_window(kind, window, key)
    return _cached_window(kind, window, key).copy()


def _normalised_window(kind: str, window: int, params: tuple) -> np.ndarray:
    """The window's weights divided by their sum (``params``: sorted ``(name, value)`` pairs)."""
    w = _raw_window(kind, window, dict(params))
    total = w.sum()
    if not np.isfinite(w).all() or total == 0 or not np.isfinite(total):
        raise ValueError(f"window {kind!r} of {window} taps has weights summing to {total}; "
                         "they cannot be normalised (choose a longer window or another kind)")
    return w / total


@functools.lru_cache(maxsize=256)
def _cached_window(kind: str, window: int, params: tuple) -> np.ndarray:
    """:func:`_normalised_window`, kept read-only for repeated calls (scipy's window functions
    take tens of µs, felt by moving averages of short series)."""
    w = _normalised_window(kind, window, params)
    w.flags.writeable = False
    return w


def _resolve_weights(window, weights, params) -> np.ndarray:
    """Normalised float64 weights from moving_average's ``window``/``weights``/``params``."""
    window_is_array = not isinstance(window, (int, np.integer)) and np.ndim(window) > 0
    if window_is_array:
        if not (isinstance(weights, str) and weights == "uniform"):
            raise ValueError("give the weights either as `window` (an array) or as `weights`, not both")
        weights, window = window, len(window)
    if isinstance(weights, str):
        return window_weights(weights, window, **params)
    window = check_int("window", window, minimum=1)
    if params:
        raise TypeError(f"window parameters {sorted(params)} only apply to named `weights`")
    w = as_array("weights", weights, allow_complex=False).astype(np.float64)
    if w.ndim != 1 or w.size != window:
        raise ValueError(f"`weights` must be a 1D array of `window`={window} weights; got shape {w.shape}")
    total = w.sum()
    if not np.isfinite(w).all() or total == 0:
        raise ValueError(f"`weights` must be finite and not sum to 0 (they are normalised); got sum {total}")
    return w / total


# ----------------------------------------------------------------------------------------------
# moving averages (windows through the convolution engine)
# ----------------------------------------------------------------------------------------------


def _moving_count(mask: np.ndarray, m: int, offset: int) -> np.ndarray:
    """Per output ``t``: how many flagged samples lie in ``[t+offset-m+1, t+offset]``."""
    nrows, n = mask.shape
    cs = np.zeros((nrows, n + 1), dtype=np.int64)
    np.cumsum(mask, axis=1, out=cs[:, 1:])
    t = np.arange(n)
    hi = np.clip(t + offset, -1, n - 1) + 1
    lo = np.clip(t + offset - m + 1, 0, n)
    return cs[:, hi] - cs[:, lo]


def _edge_terms(n: int, w: np.ndarray, offset: int, idx: np.ndarray):
    """In-row sample counts and weight sums of the windows of outputs ``idx``."""
    m = w.size
    lo = np.maximum(0, idx + offset - n + 1)
    hi = np.minimum(m - 1, idx + offset)
    csum = np.concatenate(([0.0], np.cumsum(w, dtype=np.float64)))
    return hi - lo + 1, csum[hi + 1] - csum[lo]


def _direct_edges(y, xz, wd, offset):
    """Overwrite the partial-window outputs of ``y = convolve(xz, wd, 'full')[:, offset:offset + n]``
    with direct sums.  Renormalising a partial window divides by its (small) weight sum, which
    would magnify an FFT's absolute rounding error; the edges are only ``O(m**2)`` work."""
    n, m = xz.shape[1], wd.size
    k = min(n, m - 1)
    if k == 0:
        return y
    lead = min(n, max(0, m - 1 - offset))
    if lead:
        y[:, :lead] = convolve(xz[:, :k], wd, mode="full", method="direct")[:, offset:offset + lead]
    first = max(lead, n - offset)
    if first < n:
        start = n - k
        full = convolve(xz[:, start:], wd, mode="full", method="direct")
        y[:, first:] = full[:, np.arange(first, n) + offset - start]
    return y


#: windows up to this length are always summed directly (a transform never pays there)
_DIRECT_WINDOW = 64


def _full_rows(rows, w, method):
    """'full' convolution of each row of ``rows`` ``(B, n)`` with ``w``; one row goes through
    the 1D call, whose plan is cached (70 µs less Python per call)."""
    if rows.shape[0] == 1:
        return convolve(rows[0], w, mode="full", method=method)[None]
    return convolve(rows, w, mode="full", axis=-1, method=method)


def _window_filter(rows, w, offset, *, min_periods, omit, normalize):
    """Weighted window over rows ``(B, n)``: ``y_t = sum_i w_i x_{t+offset-i}`` (see kernel)."""
    nrows, n = rows.shape
    m = w.size
    wd = w.astype(rows.dtype)
    if omit:
        finite = np.isfinite(rows)
        all_finite = bool(finite.all())
        xz = rows if all_finite else np.where(finite, rows, rows.dtype.type(0))
    else:
        # NaN and inf reach exactly the windows that hold them whatever method the engine
        # picks, which is what "propagate" asks: no masking pass needed
        all_finite, xz = True, rows
    # short windows: direct is the engine's choice anyway and its partial-window sums are exact
    method = "direct" if m <= _DIRECT_WINDOW else "auto"
    out = _own(_full_rows(xz, wd, method)[:, offset:offset + n])
    if normalize and method != "direct":
        out = _direct_edges(out, xz, wd, offset)
    if all_finite:
        # only the edge windows are partial: renormalise or blank them
        lead = np.arange(min(n, max(0, m - 1 - offset)))
        trail = np.arange(max(lead.size, n - offset), n)
        idx = np.concatenate((lead, trail))
        if idx.size:
            cnt, wsum = _edge_terms(n, w, offset, idx)
            vals = out[:, idx]
            if normalize:
                with np.errstate(divide="ignore", invalid="ignore"):
                    vals = vals / wsum.astype(rows.dtype)
                vals[:, wsum == 0] = np.nan
            vals[:, cnt < min_periods] = np.nan
            out[:, idx] = vals
        return out
    nan_mask = np.isnan(rows)
    t = np.arange(n)
    cnt, wsum = _edge_terms(n, w, offset, t)
    wsum = np.broadcast_to(wsum, (nrows, n))
    nan_cnt = _moving_count(nan_mask, m, offset)
    if omit:
        cnt = cnt - nan_cnt
        if normalize:
            present = (~nan_mask).astype(rows.dtype)
            den = np.ascontiguousarray(_full_rows(present, wd, method)[:, offset:offset + n])
            if method != "direct":
                den = _direct_edges(den, present, wd, offset)
            tiny = 4 * m * np.finfo(rows.dtype).eps * np.abs(w).sum()
            den[np.abs(den) <= tiny] = 0
            wsum = np.where(nan_cnt > 0, den, wsum)
        bad = cnt < min_periods
    else:
        bad = (nan_cnt > 0) | (cnt < min_periods)
    if normalize:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = out / wsum.astype(rows.dtype)
        bad = bad | (wsum == 0)
    out[bad] = np.nan
    inf_cnt = _moving_count(np.isinf(rows), m, offset)
    need = (inf_cnt > 0) & ~bad
    if need.any():
        kernel = rk.window_direct_parallel if nrows >= _PARALLEL_ROWS else rk.window_direct_serial
        kernel(rows, wd, offset, omit, normalize, min_periods, need, out)
    return out


def _own(a: np.ndarray) -> np.ndarray:
    """``a`` itself if it is a C-contiguous writeable array we may fill in place, else a copy."""
    if a.flags.c_contiguous and a.flags.writeable:
        return a
    return np.array(a, order="C")


def _offset(align: str, m: int) -> int:
    """Samples after ``t`` that the window of output ``t`` reaches (pandas' centring)."""
    return (m - 1) // 2 if align == "centered" else 0


@dask_aware("moving_average")
def moving_average(
    x: ArrayLike,
    window,
    weights="uniform",
    *,
    align: Literal["trailing", "centered"] = "trailing",
    min_periods: int | None = None,
    nan_policy: Literal["propagate", "omit", "raise"] = "propagate",
    axis: int = -1,
    **params,
) -> np.ndarray:
    """Weighted moving average along ``axis``, computed as a convolution.

    ``align="trailing"``: ``y_t = sum_i w_i x_{t-i}`` with ``w_0`` on the newest sample;
    ``align="centered"``: ``y_t = sum_i w_i x_{t+h-i}`` with ``h = (window - 1) // 2``, the
    centring of pandas ``rolling(center=True)`` for every window length.

    Parameters
    ----------
    x : array_like
        Real signal(s); other axes are a batch.
    window : int or array_like
        Window length (>= 1), or the weights themselves (then leave ``weights`` alone).
        A window longer than the series is not an error: every output is then partial.
    weights : str or array_like, default "uniform"
        A kind of :func:`window_weights` (its parameters as ``**params``) or ``window``
        weights, ``w[0]`` on the newest sample; normalised to sum 1 (use
        :func:`sigconv.convolve` for raw weights).
    align : {"trailing", "centered"}
    min_periods : int, optional
        Samples a window needs (default ``window``; 0..window).  Partial windows are
        re-normalised over the weights of the samples present.
    nan_policy : {"propagate", "omit", "raise"}
        "propagate": a window holding a NaN gives NaN (``min_periods`` then only admits the
        partial windows at the edges).  "omit": NaN samples are skipped and the weights
        re-normalised over the rest; fewer than ``min_periods`` samples gives NaN.  "raise":
        ``ValueError`` if ``x`` holds a NaN.  ±inf follow IEEE arithmetic in the windows that
        hold them and affect no other output.
    axis : int, default -1
    **params
        Parameters of a named window kind (``std=``, ``alpha=``, ``beta=`` ...).

    Returns
    -------
    ndarray
        Shape of ``x``; float32 for float32 input, else float64.

    Notes
    -----
    Equivalences: trailing equals ``statsmodels.tsa.filters.filtertools.convolution_filter(x,
    w, nsides=1)`` and pandas ``Series.rolling(window, win_type=kind).mean()`` (uniform:
    ``rolling(window).mean()``), including the leading NaNs; for symmetric windows the weight
    order is immaterial.  ``min_periods`` with ``nan_policy="omit"`` equals pandas
    ``rolling(window, min_periods=...)``.  Centered equals pandas ``center=True`` for every
    window length and statsmodels ``nsides=2`` for odd windows only: for an even window
    statsmodels puts the extra sample on the other side (its window for ``t`` is ours for
    ``t + 1``).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.filters import moving_average
    >>> moving_average(np.arange(6.0), 3)
    array([nan, nan,  1.,  2.,  3.,  4.])
    >>> moving_average(np.arange(6.0), 3, align="centered", min_periods=1)
    array([0.5, 1. , 2. , 3. , 4. , 4.5])
    >>> moving_average([1.0, np.nan, 3.0, 4.0], 2, nan_policy="omit", min_periods=1)
    array([1. , 1. , 3. , 3.5])
    """
    check_option("align", align, ALIGN_OPTIONS)
    check_option("nan_policy", nan_policy, NAN_POLICIES)
    w = _resolve_weights(window, weights, params)
    m = w.size
    min_periods = m if min_periods is None else check_int("min_periods", min_periods, minimum=0, maximum=m)
    rows, restore = fc.signal_rows("x", x, axis)
    if nan_policy == "raise" and np.isnan(rows).any():
        raise ValueError("`x` holds NaN and nan_policy='raise'; use 'propagate' or 'omit'")
    omit = nan_policy == "omit"
    if m > 1 and np.all(w == w[0]):
        # a boxcar: a running sum is O(n) whatever the window length
        out = np.empty_like(rows)
        _run_rows(rk.uniform_window_serial, rk.uniform_window_parallel, rows.shape[0],
                  rows, m, _offset(align, m), omit, min_periods, out)
        return restore(out)
    out = _window_filter(rows, w, _offset(align, m), min_periods=min_periods, omit=omit, normalize=True)
    return restore(out)


def window_convolve(x: ArrayLike, kernel: ArrayLike, *, align: str = "trailing",
                    axis: int = -1) -> np.ndarray:
    """Raw (unnormalised) windowed convolution with NaN where the window is incomplete.

    ``y_t = sum_i k_i x_{t+h-i}`` with ``h = 0`` (trailing, the first ``M - 1`` outputs NaN) or
    ``h = (M - 1) // 2`` (centered, NaN at both edges).  NaN and ±inf reach only the outputs
    whose window holds them.  This is what the pandas accessor's ``convolve`` computes.

    Examples
    --------
    >>> from sigconv.filters import window_convolve
    >>> window_convolve([1.0, 2.0, 3.0, 4.0], [1.0, -1.0])
    array([nan,  1.,  1.,  1.])
    """
    check_option("align", align, ALIGN_OPTIONS)
    k = fc.coefficients("kernel", kernel, allow_empty=False)
    rows, restore = fc.signal_rows("x", x, axis)
    m = k.size
    out = _window_filter(rows, k, _offset(align, m), min_periods=m, omit=False, normalize=False)
    return restore(out)
