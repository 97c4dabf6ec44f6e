"""Time-series filters written as convolutions (API.md §2).

Two families live here:

* **Windows** (finite kernels), computed with the convolution engine: :func:`window_weights`,
  :func:`moving_average`, :func:`ar_predict`, the MA part of :func:`arma_filter`, and the
  correlations behind :func:`autocorr`, :func:`xcorr` and :func:`fit_ar`.
* **Recursions** (infinite kernels), computed as Numba recursions over batches of series in
  :mod:`sigconv._kernels.recursive`: :func:`ewma` (an AR(1) recursion), :func:`ar_filter`,
  :func:`arma_filter`, :func:`arma_impulse_response`, :func:`arma_generate`.

An ARMA filter *is* a convolution with its ψ weights (the impulse response): for a stationary
model, ``arma_filter(e, ar, ma)[t] == sum_{j<n} psi[j] e[t-j]`` up to the tail mass
``sum_{j>=n} |psi_j|`` times ``max |e|``, where ``psi = arma_impulse_response(ar, ma, n)``.
The recursion gets there in O(p + q) per sample instead of O(n).

Model conventions: ``ar = [phi_1..phi_p]`` and ``ma = [theta_1..theta_q]`` as they appear in
``y_t = sum_i phi_i y_{t-i} + e_t + sum_j theta_j e_{t-j}`` (no leading 1); the statsmodels
equivalent is ``ArmaProcess(np.r_[1, -ar], np.r_[1, ma])``.  Coefficients are parameters: the
computation runs in the dtype of the signal (float32 stays float32).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._dispatch import dask_aware
from sigconv._jit import resolve_workers, threads
from sigconv._kernels import recursive as rk
from sigconv._validate import as_array, check_axis, check_float, check_int, check_option, float_dtype
from sigconv.convolve import convolve, correlate

__all__ = [
    "ARFit",
    "ar_filter",
    "ar_predict",
    "arma_filter",
    "arma_generate",
    "arma_impulse_response",
    "autocorr",
    "ewma",
    "fit_ar",
    "moving_average",
    "window_convolve",
    "window_weights",
    "xcorr",
]

WINDOW_KINDS = ("uniform", "linear", "triangular", "gaussian", "ewma")
ALIGN_OPTIONS = ("trailing", "centered")
NAN_POLICIES = ("propagate", "omit", "raise")
FIT_METHODS = ("yule_walker", "ols")

#: batches at least this large run their recursions on threads
_PARALLEL_ROWS = 4


def _run_rows(serial, parallel, rows: int, *args) -> None:
    """Run a (serial, parallel) kernel pair: threads only for batches of several series."""
    if rows >= _PARALLEL_ROWS and resolve_workers(None) > 1:
        with threads(resolve_workers(None)):
            parallel(*args)
    else:
        serial(*args)


# ----------------------------------------------------------------------------------------------
# window weights
# ----------------------------------------------------------------------------------------------


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
        raise TypeError(f"window kind {kind!r} does not take the parameters {sorted(params)}: {e}") from e
    except ValueError as e:
        if func is None and "Unknown window type" in str(e):
            raise ValueError(
                f"`weights` (window kind) must be one of {WINDOW_KINDS} or a window name "
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
            raise ValueError("window kind 'gaussian' needs `std=` (the standard deviation in samples)")
        std = check_float("std", params.pop("std"), minimum=0.0, open_min=True)
        w = scipy.signal.windows.gaussian(window, std)
    elif kind == "ewma":
        alpha = _ewma_alpha_param(params)
        w = (1.0 - alpha) ** np.arange(window, dtype=np.float64)
    else:
        return _scipy_window(kind, window, params)
    if params:
        raise TypeError(f"window kind {kind!r} takes no parameters {sorted(params)}")
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


# ----------------------------------------------------------------------------------------------
# EWMA (an AR(1) recursion)
# ----------------------------------------------------------------------------------------------


def _ewma_com(alpha, span, halflife, com) -> float:
    """pandas' ``get_center_of_mass``: exactly one parameter, converted to a centre of mass."""
    given = {k: v for k, v in (("com", com), ("span", span), ("halflife", halflife), ("alpha", alpha))
             if v is not None}
    if len(given) != 1:
        raise ValueError("ewma needs exactly one of `alpha`, `span`, `halflife`, `com`; "
                         f"got {given or 'none'}")
    if com is not None:
        return check_float("com", com, minimum=0.0)
    if span is not None:
        return (check_float("span", span, minimum=1.0) - 1) / 2.0
    if halflife is not None:
        halflife = check_float("halflife", halflife, minimum=0.0, open_min=True)
        decay = 1 - np.exp(np.log(0.5) / halflife)
        return float(1 / decay - 1)
    alpha = check_float("alpha", alpha, minimum=0.0, maximum=1.0, open_min=True)
    return 1 / alpha - 1


@dask_aware("ewma")
def ewma(
    x: ArrayLike,
    *,
    alpha: float | None = None,
    span: float | None = None,
    halflife: float | None = None,
    com: float | None = None,
    adjust: bool = True,
    min_periods: int = 0,
    axis: int = -1,
) -> np.ndarray:
    """Exponentially weighted moving average, as the AR(1) recursion it is.

    With ``adjust=False``: ``y_t = (1 - alpha) y_{t-1} + alpha x_t``, ``y_0 = x_0`` — an AR(1)
    filter of ``alpha x``.  With ``adjust=True``: ``y_t = num_t / den_t`` where ``num_t = x_t +
    (1 - alpha) num_{t-1}`` and ``den_t = 1 + (1 - alpha) den_{t-1}`` — two AR(1) recursions,
    i.e. the convolution of ``x`` with the infinite kernel ``(1 - alpha)**i`` normalised by the
    weights seen so far.  Never truncated to a window.

    Parameters
    ----------
    x : array_like
        Real signal(s); other axes are a batch.
    alpha, span, halflife, com : float
        Exactly one, as in pandas: ``alpha`` in (0, 1], ``span >= 1`` (``alpha = 2 / (span +
        1)``), ``halflife > 0``, ``com >= 0`` (``alpha = 1 / (1 + com)``).
    adjust : bool, default True
    min_periods : int, default 0
        Non-NaN observations needed before an output is given (pandas' ``min_periods``).
    axis : int, default -1

    Returns
    -------
    ndarray
        Shape of ``x``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``pandas.Series.ewm(alpha=..., adjust=..., min_periods=...).mean()`` with pandas'
    default ``ignore_na=False``: NaN before the first observation stays NaN; a later NaN input
    carries the previous mean forward, while its weight keeps decaying.  An infinite input
    makes every later output infinite (or NaN), exactly as in pandas.  (pandas 3.1 departs
    from its own algorithm at exactly ``alpha=0.5`` with ``adjust=False`` after a NaN gap; we
    follow the algorithm, which pandas matches at ``0.5 ± 1e-12``.)

    Examples
    --------
    >>> from sigconv.filters import ewma
    >>> ewma([1.0, 2.0, 3.0], alpha=0.5, adjust=False)
    array([1.  , 1.5 , 2.25])
    >>> ewma([1.0, float("nan"), 3.0], alpha=0.5).round(4)
    array([1. , 1. , 2.6])
    """
    com_ = _ewma_com(alpha, span, halflife, com)
    if not isinstance(adjust, (bool, np.bool_)):
        raise TypeError(f"`adjust` must be a bool; got {adjust!r}")
    minp = max(check_int("min_periods", min_periods, minimum=0), 1)
    rows, restore = fc.signal_rows("x", x, axis)
    out = np.empty_like(rows)
    a = rows.dtype.type(1.0 / (1.0 + com_))
    _run_rows(rk.ewma_serial, rk.ewma_parallel, rows.shape[0], rows, a, bool(adjust), minp, out)
    return restore(out)


# ----------------------------------------------------------------------------------------------
# AR / ARMA recursions
# ----------------------------------------------------------------------------------------------


def _zi_rows(zi, p: int, shape: tuple, axis: int, dtype) -> np.ndarray:
    """``zi`` as ``(1, p)`` (shared) or ``(B, p)`` rows matching the signal's batch."""
    if zi is None:
        return np.zeros((1, max(p, 1)), dtype=dtype)
    z = as_array("zi", zi, allow_complex=False, allow_empty=p == 0)
    if z.ndim <= 1:
        z = z.reshape(-1)
        if z.size != p:
            raise ValueError(f"`zi` must hold p={p} values (y_-1 .. y_-p); got {z.size}")
        out = z.astype(dtype).reshape(1, p)
    else:
        ax = axis % len(shape)
        want = shape[:ax] + (p,) + shape[ax + 1:]
        try:
            z = np.broadcast_to(z, want)
        except ValueError as e:
            raise ValueError(f"`zi` must have shape {want} (the signal's with p={p} along `axis`) "
                             f"or ({p},); got {z.shape}") from e
        moved = np.moveaxis(z, ax, -1)
        out = np.ascontiguousarray(moved.reshape(-1, p), dtype=dtype)
    if p == 0:
        return np.zeros((1, 1), dtype=dtype)
    if not np.isfinite(out).all():
        raise ValueError("`zi` must be finite")
    return out


@dask_aware("ar_filter")
def ar_filter(e: ArrayLike, ar: ArrayLike, *, zi: ArrayLike | None = None, axis: int = -1) -> np.ndarray:
    """Autoregressive (all-pole) filter: ``y_t = e_t + sum_i phi_i y_{t-i}``.

    Parameters
    ----------
    e : array_like
        Input (innovations); other axes are a batch, filtered in one call.
    ar : array_like, shape (p,)
        ``[phi_1..phi_p]``; must be finite, may be non-stationary (a unit root integrates,
        an explosive root grows without bound).  Empty: ``y = e``.
    zi : array_like, optional
        The ``p`` outputs before the first, most recent first ``(y_-1, ..., y_-p)``: shape
        ``(p,)`` for every series, or the shape of ``e`` with ``p`` along ``axis``.
        Default zeros.
    axis : int, default -1

    Returns
    -------
    ndarray
        Shape of ``e``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``statsmodels.tsa.filters.filtertools.recursive_filter(e, ar)`` and
    ``scipy.signal.lfilter([1], np.r_[1, -ar], e, zi=lfiltic([1], np.r_[1, -ar], zi))``.
    A NaN in ``e`` reaches every later output (the impulse response is infinite).

    Examples
    --------
    >>> from sigconv.filters import ar_filter
    >>> ar_filter([1.0, 0.0, 0.0, 0.0], [0.5])
    array([1.   , 0.5  , 0.25 , 0.125])
    >>> ar_filter([0.0, 0.0], [1.0, 0.0], zi=[2.0, 1.0])
    array([2., 2.])
    """
    phi = fc.coefficients("ar", ar)
    rows, restore = fc.signal_rows("e", e, axis)
    shape = np.shape(e)
    z = _zi_rows(zi, phi.size, shape, axis, rows.dtype)
    if z.shape[0] not in (1, rows.shape[0]):
        raise ValueError(f"`zi` rows ({z.shape[0]}) do not match the signal's batch ({rows.shape[0]})")
    return restore(_ar_rows(rows, phi.astype(rows.dtype), z))


def _ar_rows(rows: np.ndarray, phi: np.ndarray, z: np.ndarray) -> np.ndarray:
    out = np.empty_like(rows)
    _run_rows(rk.ar_filter_serial, rk.ar_filter_parallel, rows.shape[0], rows, phi, phi[::-1].copy(), z, out)
    return out


def _ma_rows(rows: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``u_t = e_t + sum_j theta_j e_{t-j}`` (zero before the start): a trailing convolution."""
    if theta.size == 0:
        return rows
    kernel = np.r_[1.0, theta].astype(rows.dtype)
    full = convolve(rows, kernel, mode="full", axis=-1)
    return np.ascontiguousarray(full[:, : rows.shape[1]])


@dask_aware("arma_filter")
def arma_filter(e: ArrayLike, ar: ArrayLike, ma: ArrayLike = (), *, axis: int = -1) -> np.ndarray:
    """ARMA filter: ``y_t = sum_i phi_i y_{t-i} + e_t + sum_j theta_j e_{t-j}``, zero start.

    The MA part is a trailing convolution (the convolution engine), the AR part the
    recursion of :func:`ar_filter`.

    Parameters
    ----------
    e : array_like
        Input; other axes are a batch.
    ar : array_like, shape (p,)
        ``[phi_1..phi_p]``, finite (may be empty, or non-stationary).
    ma : array_like, shape (q,)
        ``[theta_1..theta_q]``, finite (may be empty or non-invertible).
    axis : int, default -1

    Returns
    -------
    ndarray
        Shape of ``e``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``scipy.signal.lfilter(np.r_[1, ma], np.r_[1, -ar], e)``.  For a stationary model
    it also equals the convolution of ``e`` with the ψ weights of
    :func:`arma_impulse_response`: ``convolve(e, psi[:n])[:len(e)]`` differs by at most
    ``max|e| * sum_{j >= n} |psi_j|``.

    Examples
    --------
    >>> from sigconv.filters import arma_filter
    >>> arma_filter([1.0, 0.0, 0.0], [0.5], [1.0])
    array([1.  , 1.5 , 0.75])
    """
    phi = fc.coefficients("ar", ar)
    theta = fc.coefficients("ma", ma)
    rows, restore = fc.signal_rows("e", e, axis)
    u = _ma_rows(rows, theta)
    z = np.zeros((1, max(phi.size, 1)), dtype=rows.dtype)
    return restore(_ar_rows(u, phi.astype(rows.dtype), z))


def arma_impulse_response(ar: ArrayLike, ma: ArrayLike = (), n: int = 100) -> np.ndarray:
    """ψ weights (MA(∞) coefficients) of an ARMA model, ``psi[0] = 1``.

    Parameters
    ----------
    ar, ma : array_like
        Finite coefficients (see module conventions); the model may be non-stationary (the
        weights then do not decay).
    n : int, default 100
        Number of weights, >= 1.

    Returns
    -------
    ndarray, shape (n,), float64

    Notes
    -----
    Equals ``ArmaProcess(np.r_[1, -ar], np.r_[1, ma]).impulse_response(n)`` and
    ``statsmodels.tsa.arima_process.arma2ma(np.r_[1, -ar], np.r_[1, ma], n)``.

    Examples
    --------
    >>> from sigconv.filters import arma_impulse_response
    >>> arma_impulse_response([0.5], [0.4], n=4)
    array([1.   , 0.9  , 0.45 , 0.225])
    """
    phi = fc.coefficients("ar", ar)
    theta = fc.coefficients("ma", ma)
    n = check_int("n", n, minimum=1)
    impulse = np.zeros((1, n))
    impulse[0, 0] = 1.0
    u = impulse.copy()
    q = min(theta.size, n - 1)
    u[0, 1:q + 1] = theta[:q]
    return _ar_rows(u, phi, np.zeros((1, max(phi.size, 1))))[0]


def arma_generate(
    n: int,
    ar: ArrayLike,
    ma: ArrayLike = (),
    *,
    sigma: float = 1.0,
    burnin: int = 0,
    noise: ArrayLike | None = None,
    random_state=None,
    check_stationary: bool = True,
) -> np.ndarray:
    """Simulate an ARMA process by filtering Gaussian (or given) noise.

    Parameters
    ----------
    n : int
        Samples returned, >= 1.
    ar, ma : array_like
        Finite coefficients.  The AR part must be stationary (roots of ``1 - sum phi_i z^i``
        outside the unit circle) unless ``check_stationary=False``.
    sigma : float, default 1.0
        Standard deviation of the generated noise (> 0); must stay 1 when ``noise`` is given.
    burnin : int, default 0
        Leading samples generated and dropped (statsmodels' ``burnin``).
    noise : array_like, optional
        ``n + burnin`` innovations along the last axis, used as given (leading axes: a batch of
        series); float32 noise gives float32 output.
    random_state : None, int, numpy Generator or RandomState
        Source of the noise when ``noise`` is None.
    check_stationary : bool, default True

    Returns
    -------
    ndarray, shape (n,) or noise.shape[:-1] + (n,)

    Notes
    -----
    ``arma_generate(n, ar, ma, noise=e, burnin=b)`` equals
    ``ArmaProcess(np.r_[1, -ar], np.r_[1, ma]).generate_sample(n, burnin=b, distrvs=...)``
    fed the same ``e``: ``lfilter(np.r_[1, ma], np.r_[1, -ar], e)[b:]``.

    Examples
    --------
    >>> from sigconv.filters import arma_generate
    >>> arma_generate(3, [0.5], noise=[1.0, 0.0, 0.0, 0.0], burnin=1)
    array([0.5  , 0.25 , 0.125])
    >>> arma_generate(1000, [0.5], random_state=0).shape
    (1000,)
    """
    n = check_int("n", n, minimum=1)
    burnin = check_int("burnin", burnin, minimum=0)
    phi = fc.coefficients("ar", ar)
    theta = fc.coefficients("ma", ma)
    if check_stationary and not fc.is_stationary(phi):
        raise ValueError(f"`ar`={phi.tolist()} is not stationary (a root of 1 - sum phi_i z^i lies on "
                         "or inside the unit circle); pass check_stationary=False to simulate it anyway")
    if noise is None:
        sigma = check_float("sigma", sigma, minimum=0.0, open_min=True)
        if isinstance(random_state, np.random.RandomState):
            eta = random_state.standard_normal(n + burnin)
        else:
            eta = np.random.default_rng(random_state).standard_normal(n + burnin)
        eta *= sigma
    else:
        if sigma != 1.0:
            raise ValueError("`sigma` must stay 1.0 when `noise` is given (noise is used as given); "
                             f"got {sigma!r}")
        eta = as_array("noise", noise, allow_complex=False)
        if eta.ndim == 0 or eta.shape[-1] != n + burnin:
            raise ValueError(f"`noise` must hold n + burnin = {n + burnin} values along its last axis; "
                             f"got shape {eta.shape}")
    y = arma_filter(eta, phi, theta, axis=-1)
    return np.ascontiguousarray(y[..., burnin:])


def ar_predict(y: ArrayLike, ar: ArrayLike, *, const: float = 0.0, axis: int = -1) -> np.ndarray:
    """One-step-ahead AR prediction ``ŷ_t = const + sum_i phi_i y_{t-i}``; the first p are NaN.

    A trailing convolution of ``y`` with ``ar`` (the convolution engine).

    Parameters
    ----------
    y : array_like
        Observed series; other axes are a batch.
    ar : array_like, shape (p,)
        Finite coefficients (non-stationary allowed).
    const : float, default 0.0
    axis : int, default -1

    Returns
    -------
    ndarray
        Shape of ``y``; float32 for float32 input, else float64.

    Notes
    -----
    With the parameters of ``AutoReg(y, p, trend="c").fit()`` (see :func:`fit_ar`) this equals
    its in-sample prediction ``res.predict()`` (whose first p values are NaN too).

    Examples
    --------
    >>> from sigconv.filters import ar_predict
    >>> ar_predict([1.0, 2.0, 3.0, 4.0], [0.5], const=1.0)
    array([nan, 1.5, 2. , 2.5])
    """
    phi = fc.coefficients("ar", ar)
    const = check_float("const", const)
    rows, restore = fc.signal_rows("y", y, axis)
    nrows, n = rows.shape
    p = phi.size
    out = np.full_like(rows, np.nan)
    if p == 0:
        out[:] = const
    elif n > p:
        valid = convolve(rows, phi.astype(rows.dtype), mode="valid", axis=-1)
        out[:, p:] = valid[:, : n - p] + rows.dtype.type(const)
    return restore(out)


# ----------------------------------------------------------------------------------------------
# correlations and AR fitting
# ----------------------------------------------------------------------------------------------


def _autocov_full(rows: np.ndarray) -> np.ndarray:
    """``sum_t xo_{t+k} xo_t`` for k = 0..n-1 of the demeaned rows (a correlation)."""
    xo = rows - rows.mean(axis=-1, keepdims=True)
    full = correlate(xo, xo, mode="full", axis=-1)
    return full[:, rows.shape[1] - 1:]


def autocorr(x: ArrayLike, max_lag: int | None = None, *, adjusted: bool = False,
             axis: int = -1) -> np.ndarray:
    """Sample autocorrelation for lags ``0..max_lag``, computed as a correlation.

    Parameters
    ----------
    x : array_like
        Series; other axes are a batch.  A series holding NaN/inf gives NaN; a constant one too.
    max_lag : int, optional
        Default ``min(int(10 log10 n), n - 1)``; must be < n.
    adjusted : bool, default False
        Divide the lag-k autocovariance by ``n - k`` instead of ``n``.
    axis : int, default -1

    Returns
    -------
    ndarray
        ``max_lag + 1`` values along ``axis``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``statsmodels.tsa.stattools.acf(x, nlags=max_lag, adjusted=adjusted)``.

    Examples
    --------
    >>> from sigconv.filters import autocorr
    >>> autocorr([1.0, 2.0, 3.0, 4.0], 2)
    array([ 1.  ,  0.25, -0.3 ])
    """
    if not isinstance(adjusted, (bool, np.bool_)):
        raise TypeError(f"`adjusted` must be a bool; got {adjusted!r}")
    rows, restore = fc.signal_rows("x", x, axis)
    n = rows.shape[1]
    lag = fc.default_max_lag("max_lag", max_lag, n)
    bad = ~np.isfinite(rows).all(axis=1)
    clean = np.where(bad[:, None], 0, rows) if bad.any() else rows
    acov = _autocov_full(clean)[:, : lag + 1]
    if adjusted:
        acov = acov / (n - np.arange(lag + 1)).astype(rows.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = acov / acov[:, :1]
    out[bad | (acov[:, 0] <= 0)] = np.nan
    return restore(np.ascontiguousarray(out, dtype=rows.dtype))


def xcorr(x: ArrayLike, y: ArrayLike, max_lag: int | None = None, *, normalize: bool = True,
          axis: int = -1) -> np.ndarray:
    """Cross-correlation of ``x_{t+k}`` with ``y_t`` for lags ``k = -max_lag..max_lag``.

    Parameters
    ----------
    x, y : array_like
        Series of equal length along ``axis``; other axes broadcast as a batch.
    max_lag : int, optional
        Default ``min(int(10 log10 n), n - 1)``; must be < n.
    normalize : bool, default True
        Divide by ``std(x) std(y)`` (ddof 0), giving correlations; False gives the biased
        cross-covariance ``sum_t (x_{t+k} - mean x)(y_t - mean y) / n``.
    axis : int, default -1

    Returns
    -------
    ndarray
        ``2 max_lag + 1`` values along ``axis``, lag ``k`` at index ``max_lag + k``.

    Notes
    -----
    For ``k >= 0`` the value equals ``statsmodels.tsa.stattools.ccf(x, y, adjusted=False)[k]``,
    for ``k < 0`` ``ccf(y, x, adjusted=False)[-k]``.  Series holding NaN/inf give NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.filters import xcorr
    >>> x = np.array([0.0, 1.0, 0.0, 0.0, 0.0])
    >>> int(np.argmax(xcorr(x, np.roll(x, 1), 2))) - 2   # x leads y by one sample
    -1
    """
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"`normalize` must be a bool; got {normalize!r}")
    xa = as_array("x", x, allow_complex=False)
    ya = as_array("y", y, allow_complex=False)
    dtype = float_dtype(xa, ya)
    if xa.ndim == 0 or ya.ndim == 0:
        raise ValueError("`x` and `y` must have at least one dimension")
    xr = np.moveaxis(xa.astype(dtype), check_axis("axis", axis, xa.ndim), -1)
    yr = np.moveaxis(ya.astype(dtype), check_axis("axis", axis, ya.ndim), -1)
    if xr.shape[-1] != yr.shape[-1]:
        raise ValueError(f"`x` and `y` must have the same length along `axis`; got {xa.shape} and {ya.shape}")
    try:
        batch = np.broadcast_shapes(xr.shape[:-1], yr.shape[:-1])
    except ValueError as e:
        raise ValueError(f"the batch dimensions of `x` {xa.shape} and `y` {ya.shape} do not broadcast") from e
    n = xr.shape[-1]
    xr = np.ascontiguousarray(np.broadcast_to(xr, batch + (n,)).reshape(-1, n))
    yr = np.ascontiguousarray(np.broadcast_to(yr, batch + (n,)).reshape(-1, n))
    lag = fc.default_max_lag("max_lag", max_lag, n)
    bad = ~(np.isfinite(xr).all(axis=1) & np.isfinite(yr).all(axis=1))
    if bad.any():
        xr = np.where(bad[:, None], 0, xr)
        yr = np.where(bad[:, None], 0, yr)
    xo = xr - xr.mean(axis=1, keepdims=True)
    yo = yr - yr.mean(axis=1, keepdims=True)
    full = correlate(xo, yo, mode="full", axis=-1)
    out = full[:, n - 1 - lag: n + lag] / dtype.type(n)
    if normalize:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = out / (xo.std(axis=1) * yo.std(axis=1))[:, None]
    out[bad] = np.nan
    out = out.astype(dtype, copy=False).reshape(batch + (2 * lag + 1,))
    return np.ascontiguousarray(np.moveaxis(out, -1, axis))


@dataclasses.dataclass(frozen=True, eq=False)
class ARFit:
    """Result of :func:`fit_ar`.

    Attributes
    ----------
    ar : ndarray, shape (p,)
        ``[phi_1..phi_p]``.
    const : float
        Intercept of ``y_t = const + sum phi_i y_{t-i} + e_t``.
    sigma2 : float
        Innovation variance.
    method : str
        "yule_walker" or "ols".
    """

    ar: np.ndarray
    const: float
    sigma2: float
    method: str

    @property
    def order(self) -> int:
        """The AR order p."""
        return int(self.ar.size)

    def predict(self, y: ArrayLike, *, axis: int = -1) -> np.ndarray:
        """In-sample one-step prediction, :func:`ar_predict` with these parameters."""
        return ar_predict(y, self.ar, const=self.const, axis=axis)


def fit_ar(y: ArrayLike, order: int, *, method: Literal["yule_walker", "ols"] = "yule_walker",
           demean: bool = True) -> ARFit:
    """Fit an AR(p) model by Yule-Walker (Levinson-Durbin) or least squares.

    Parameters
    ----------
    y : array_like, shape (n,)
        Finite series (drop or fill NaN first).
    order : int
        p >= 1; Yule-Walker needs ``n > p``, OLS ``n >= 2p + 1``.
    method : {"yule_walker", "ols"}
    demean : bool, default True
        Yule-Walker: subtract the mean first (``const = mean(y) (1 - sum phi)``, else 0).
        OLS: fit an intercept (``trend="c"``), else none (``trend="n"``, ``const = 0``).

    Returns
    -------
    ARFit

    Notes
    -----
    Yule-Walker: the autocovariance is a correlation (the convolution engine), the Toeplitz
    system is solved by Levinson-Durbin; equals ``statsmodels.regression.linear_model.
    yule_walker(y, order, method="mle")`` (``.ar`` = rho, ``.sigma2`` = sigma**2).  OLS equals
    ``AutoReg(y, order, trend="c").fit()`` (``.const``, ``.ar`` = its params, ``.sigma2`` =
    its ``sigma2``).

    Examples
    --------
    >>> from sigconv.filters import arma_generate, fit_ar
    >>> y = arma_generate(5000, [0.6, -0.2], random_state=0)
    >>> fit_ar(y, 2).ar.round(1)
    array([ 0.6, -0.2])
    """
    method = check_option("method", method, FIT_METHODS)
    if not isinstance(demean, (bool, np.bool_)):
        raise TypeError(f"`demean` must be a bool; got {demean!r}")
    arr = as_array("y", y, allow_complex=False)
    if arr.ndim != 1:
        raise ValueError(f"`y` must be 1D; got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError("`y` must be finite (drop or fill NaN first, e.g. Series.dropna())")
    x = arr.astype(np.float64)
    n = x.size
    p = check_int("order", order, minimum=1)
    if method == "yule_walker":
        if n <= p:
            raise ValueError(f"`order`={p} needs more than {p} samples; `y` has {n}")
        return _fit_yule_walker(x, p, demean)
    if n < 2 * p + 1:
        raise ValueError(f"`order`={p} with method='ols' needs at least {2 * p + 1} samples; `y` has {n}")
    return _fit_ols(x, p, demean)


def _fit_yule_walker(x: np.ndarray, p: int, demean: bool) -> ARFit:
    mean = x.mean() if demean else 0.0
    xo = x - mean
    n = x.size
    r = correlate(xo, xo, mode="full")[n - 1: n + p] / n
    phi = np.zeros(p)
    if r[0] <= 0:
        raise ValueError("`y` is constant (zero variance): the AR model is not identified")
    rk.levinson_durbin(np.ascontiguousarray(r), phi)
    sigma2 = r[0] - np.dot(r[1:], phi)
    const = mean * (1 - phi.sum()) if demean else 0.0
    return ARFit(ar=phi, const=float(const), sigma2=float(sigma2), method="yule_walker")


def _fit_ols(x: np.ndarray, p: int, intercept: bool) -> ARFit:
    n = x.size
    lags = np.lib.stride_tricks.sliding_window_view(x, p)[: n - p, ::-1]  # row t-p: y_{t-1}..y_{t-p}
    design = np.column_stack((np.ones(n - p), lags)) if intercept else lags
    target = x[p:]
    params, *_ = np.linalg.lstsq(design, target, rcond=None)
    resid = target - design @ params
    sigma2 = float(resid @ resid / (n - p))
    const = float(params[0]) if intercept else 0.0
    ar = np.ascontiguousarray(params[1:] if intercept else params)
    return ARFit(ar=ar, const=const, sigma2=sigma2, method="ols")
