"""Smoothers that are centred FIR filters: Savitzky-Golay and Gaussian (API.md §2b).

Both build their taps once (float64), extend the signal as ``scipy.ndimage`` does for the
chosen ``mode`` and run one 'valid' convolution on the engine, so the method choice, the threads
and NaN locality (a NaN reaches only the outputs whose window covers it) come with it.
``savgol(mode="interp")`` replaces the edge outputs with the polynomial fitted to the first and
last window, itself a small linear map of those samples (a NaN there blanks only the edge).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._validate import check_float, check_int, check_option
from sigconv.convolve import convolve

__all__ = ["gaussian", "savgol"]

#: savgol's modes (scipy.signal.savgol_filter)
SAVGOL_MODES = ("interp", "mirror", "constant", "nearest", "wrap")
#: gaussian's modes (scipy.ndimage.gaussian_filter1d)
GAUSSIAN_MODES = ("reflect", "constant", "nearest", "mirror", "wrap", "grid-constant", "grid-mirror",
                  "grid-wrap")

#: scipy.ndimage's extension modes as numpy.pad modes
_PAD_MODES = {"reflect": "symmetric", "grid-mirror": "symmetric", "mirror": "reflect", "nearest": "edge",
              "wrap": "wrap", "grid-wrap": "wrap", "constant": "constant", "grid-constant": "constant"}


def _centred_fir(rows: np.ndarray, taps: np.ndarray, mode: str, cval: float, workers: int | None) -> np.ndarray:
    """``scipy.ndimage.convolve1d(rows, taps, mode=mode, cval=cval)`` along the last axis: the
    rows extended by ``(m - 1) // 2`` samples before and ``m // 2`` after, then a 'valid'
    convolution on the engine.  ``rows``: ``(B, n)`` float; ``taps``: float64 ``(m,)``."""
    m = taps.size
    left, right = (m - 1) // 2, m // 2
    pad = _PAD_MODES[mode]
    if left or right:
        kwargs = {"constant_values": cval} if pad == "constant" else {}
        rows = np.pad(rows, ((0, 0), (left, right)), mode=pad, **kwargs)
    return convolve(rows, taps.astype(rows.dtype), mode="valid", axis=-1, workers=workers)


# ----------------------------------------------------------------------------------------------
# Savitzky-Golay
# ----------------------------------------------------------------------------------------------


def _savgol_taps(window: int, polyorder: int, deriv: int, delta: float) -> np.ndarray:
    """Convolution taps of the least-squares polynomial fit (``scipy.signal.savgol_coeffs``)."""
    import scipy.signal  # lazily: scipy.signal takes most of a second to import

    return scipy.signal.savgol_coeffs(window, polyorder, deriv=deriv, delta=delta)


@functools.lru_cache(maxsize=64)
def _edge_maps(window: int, polyorder: int, deriv: int, delta: float):
    """Linear maps ``(half, window)`` from the first (last) window of samples to the ``half =
    window // 2`` edge outputs of mode 'interp': the ``deriv``-th derivative of the polynomial
    fitted to the window, at the edge positions.  Positions are scaled to [-1, 1] for a well
    conditioned fit."""
    half = window // 2
    centre, scale = (window - 1) / 2.0, max((window - 1) / 2.0, 1.0)
    u = (np.arange(window) - centre) / scale
    fit = np.linalg.pinv(np.polynomial.polynomial.polyvander(u, polyorder))   # (order+1, window)
    powers = np.arange(polyorder + 1)
    falling = np.ones(polyorder + 1)   # k (k-1) ... (k-deriv+1): the derivative's factor
    for j in range(deriv):
        falling *= powers - j
    shift = np.maximum(powers - deriv, 0)

    def at(positions):
        uq = (positions - centre) / scale
        return (falling * uq[:, None] ** shift) @ fit / (scale * delta) ** deriv

    maps = (at(np.arange(half, dtype=np.float64)), at(np.arange(window - half, window, dtype=np.float64)))
    for m in maps:
        m.flags.writeable = False
    return maps


def savgol(x: ArrayLike, window: int, polyorder: int, *, deriv: int = 0, delta: float = 1.0,
           mode: str = "interp", cval: float = 0.0, axis: int = -1, workers: int | None = None) -> np.ndarray:
    """Savitzky-Golay filter: a local polynomial fit, computed as a convolution.

    Parameters
    ----------
    x : array_like
        Real signal(s); other axes are a batch.
    window : int
        Window length (>= 1; even lengths are allowed as in scipy).  ``mode="interp"`` needs
        ``window <= n``.
    polyorder : int
        Order of the fitted polynomial, ``0 <= polyorder < window``.
    deriv : int, default 0
        Derivative order returned (above ``polyorder`` it is 0).
    delta : float, default 1.0
        Sample spacing (> 0), used for derivatives.
    mode : {"interp", "mirror", "constant", "nearest", "wrap"}
        "interp": the last ``window // 2`` samples at each edge are the polynomial fitted to the
        first/last ``window`` samples; the others extend the signal as ``scipy.ndimage`` does.
    cval : float, default 0.0
        Fill value of ``mode="constant"``.
    axis : int, default -1
    workers : int, optional
        Threads of the convolution (None: every core; 1: single-threaded).

    Returns
    -------
    ndarray
        Shape of ``x``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``scipy.signal.savgol_filter(x, window, polyorder, deriv, delta, axis, mode,
    cval)``.  NaN stays local: an output is NaN only if its window (for an 'interp' edge
    output: the edge window) holds a NaN, where scipy 1.17 raises for NaN near the edges.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import savgol
    >>> x = np.array([2.0, 2, 5, 2, 1, 0, 1, 4, 9])
    >>> np.round(savgol(x, 5, 2), 3)
    array([1.657, 3.171, 3.543, 2.857, 0.657, 0.171, 1.   , 4.   , 9.   ])
    >>> np.round(savgol(x, 5, 2, mode="nearest"), 3)
    array([1.743, 3.029, 3.543, 2.857, 0.657, 0.171, 1.   , 4.6  , 7.971])
    """
    window = check_int("window", window, minimum=1)
    polyorder = check_int("polyorder", polyorder, minimum=0)
    if polyorder >= window:
        raise ValueError(f"`polyorder` must be less than `window`; got polyorder={polyorder}, window={window}")
    deriv = check_int("deriv", deriv, minimum=0)
    delta = check_float("delta", delta, minimum=0.0, open_min=True)
    mode = check_option("mode", mode, SAVGOL_MODES)
    cval = check_float("cval", cval, finite=False)
    rows, restore = fc.signal_rows("x", x, axis)
    n = rows.shape[1]
    if mode == "interp" and window > n:
        raise ValueError(f"`window`={window} is longer than `x` ({n} samples along `axis`); mode='interp' "
                         "needs window <= n (or choose another `mode`)")
    taps = _savgol_taps(window, polyorder, deriv, delta)
    y = _centred_fir(rows, taps, "constant" if mode == "interp" else mode, cval, workers)
    if mode == "interp" and window > 1:
        head, tail = _edge_maps(window, polyorder, deriv, delta)
        half = head.shape[0]
        y[:, :half] = rows[:, :window] @ head.T.astype(rows.dtype)
        y[:, n - half:] = rows[:, n - window:] @ tail.T.astype(rows.dtype)
    return restore(y)


# ----------------------------------------------------------------------------------------------
# Gaussian
# ----------------------------------------------------------------------------------------------


def _gaussian_taps(sigma: float, order: int, radius: int) -> np.ndarray:
    """Taps ``k[j]``, ``j = -radius..radius``, of the ``order``-th derivative of the normalised
    sampled Gaussian: ``p(j) g(j) / sum g`` where the polynomial follows ``p_{k+1} = p_k' - j
    p_k / sigma**2`` from ``p_0 = 1`` (d/dj of ``p g`` with ``g' = -j g / sigma**2``)."""
    j = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (j / sigma) ** 2)
    g /= g.sum()
    if order == 0:
        return g
    P = np.polynomial.Polynomial
    p = P([1.0])
    slope = P([0.0, -1.0 / (sigma * sigma)])
    for _ in range(order):
        p = p.deriv() + slope * p
    return p(j) * g


def gaussian(x: ArrayLike, sigma: float, *, order: int = 0, mode: str = "reflect", cval: float = 0.0,
             truncate: float = 4.0, radius: int | None = None, axis: int = -1,
             workers: int | None = None) -> np.ndarray:
    """Gaussian smoothing (or its derivatives) along ``axis``, as a convolution.

    Parameters
    ----------
    x : array_like
        Real signal(s); other axes are a batch.
    sigma : float
        Standard deviation in samples, > 0.
    order : int, default 0
        0 smooths; 1, 2, 3 convolve with that derivative of the Gaussian.
    mode : {"reflect", "constant", "nearest", "mirror", "wrap", "grid-constant", "grid-mirror", "grid-wrap"}
        How the signal is extended past its ends, as in ``scipy.ndimage``.
    cval : float, default 0.0
        Fill value of the constant modes.
    truncate : float, default 4.0
        The kernel reaches ``int(truncate * sigma + 0.5)`` samples each side.
    radius : int, optional
        Reach of the kernel (overrides ``truncate``), >= 0.
    axis : int, default -1
    workers : int, optional
        Threads of the convolution (None: every core; 1: single-threaded).

    Returns
    -------
    ndarray
        Shape of ``x``; float32 for float32 input, else float64.

    Notes
    -----
    Equals ``scipy.ndimage.gaussian_filter1d(x, sigma, axis, order, mode=mode, cval=cval,
    truncate=truncate, radius=radius)``; NaN stays local to the windows that cover it.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import gaussian
    >>> np.round(gaussian(np.array([1.0, 2, 3, 4, 5]), 1.0), 3)
    array([1.427, 2.068, 3.   , 3.932, 4.573])
    >>> np.round(gaussian(np.arange(5.0) ** 2, 1.0, order=1, mode="nearest"), 3)
    array([0.802, 2.161, 3.885, 4.745, 3.198])
    """
    sigma = check_float("sigma", sigma, minimum=0.0, open_min=True)
    order = check_int("order", order, minimum=0)
    mode = check_option("mode", mode, GAUSSIAN_MODES)
    cval = check_float("cval", cval, finite=False)
    truncate = check_float("truncate", truncate, minimum=0.0)
    if radius is None:
        reach = int(truncate * sigma + 0.5)
    else:
        reach = check_int("radius", radius, minimum=0)
    if not math.isfinite(sigma) or reach > 10**8:
        raise ValueError(f"`sigma`={sigma} with `truncate`={truncate} gives a kernel of {2 * reach + 1} taps")
    rows, restore = fc.signal_rows("x", x, axis)
    return restore(_centred_fir(rows, _gaussian_taps(sigma, order, reach), mode, cval, workers))
