"""Correlations and AR fitting: autocorrelation, cross-correlation, AR prediction (API.md §2).

Each is a correlation or a trailing convolution on the engine.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._kernels import recursive as rk
from sigconv._validate import as_array, check_axis, check_float, check_int, check_option, float_dtype
from sigconv.convolve import convolve, correlate

__all__ = ["ARFit", "ar_predict", "autocorr", "fit_ar", "xcorr"]

FIT_METHODS = ("yule_walker", "ols")


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
