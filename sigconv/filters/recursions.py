"""Recursions (infinite kernels) over batches of series: EWMA, AR and ARMA filters (API.md §2).

They run as Numba recursions in :mod:`sigconv._kernels.recursive`.  An ARMA filter *is* a
convolution with its ψ weights (the impulse response): for a stationary model,
``arma_filter(e, ar, ma)[t] == sum_{j<n} psi[j] e[t-j]`` up to the tail mass
``sum_{j>=n} |psi_j|`` times ``max |e|``, where ``psi = arma_impulse_response(ar, ma, n)``.
The recursion gets there in O(p + q) per sample instead of O(n).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._dispatch import dask_aware
from sigconv._kernels import recursive as rk
from sigconv._validate import as_array, check_float, check_int, check_random_state
from sigconv.convolve import convolve
from sigconv.filters._rows import _run_rows

__all__ = ["ar_filter", "arma_filter", "arma_generate", "arma_impulse_response", "ewma"]


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
            eta = check_random_state("random_state", random_state).standard_normal(n + burnin)
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
