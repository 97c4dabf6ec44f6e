"""Classical seasonal decomposition: a centred moving average and per-phase means (API.md §2b).

The trend is the 2×m moving average, computed from running sums in the pass that also sums the
detrended series by phase (NaN reaches only the trend values whose window covers it, and the
phase means skip NaN); a second pass writes the seasonal component and the residual.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._kernels import seasonal as sk
from sigconv._validate import check_int, check_option

__all__ = ["Decomposition", "seasonal_decompose"]

DECOMPOSE_MODELS = ("additive", "multiplicative", "add", "mul")


@dataclasses.dataclass(frozen=True, eq=False)
class Decomposition:
    """Result of :func:`seasonal_decompose`: ``observed = trend + seasonal + resid`` (additive)
    or ``trend * seasonal * resid`` (multiplicative).

    Attributes
    ----------
    observed, trend, seasonal, resid : ndarray, Series or DataFrame
        Components of the shape (and, from the pandas accessor, the index) of the input.
    period : int
    model : str
        "additive" or "multiplicative".

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import seasonal_decompose
    >>> d = seasonal_decompose(np.tile([1.0, 3.0], 6) + np.arange(12.0), 2)
    >>> d.model, d.period, d.trend.shape
    ('additive', 2, (12,))
    >>> np.round(d.seasonal[:2], 3)
    array([-1.,  1.])
    """

    observed: Any
    trend: Any
    seasonal: Any
    resid: Any
    period: int
    model: str

    def plot(self, *, fig=None):
        """Plot the four components in four stacked panels; returns the matplotlib Figure.

        Arrays are plotted along their last axis (each other row as a line), pandas objects
        along their index.
        """
        import matplotlib.pyplot as plt

        if fig is None:
            fig = plt.figure(figsize=(9, 7))
        axes = fig.subplots(4, 1, sharex=True)
        names = ("observed", "trend", "seasonal", "resid")
        for ax, name in zip(axes, names):
            value = getattr(self, name)
            if hasattr(value, "index"):
                ax.plot(value.index, np.asarray(value, dtype=np.float64))
            else:
                arr = np.asarray(value)
                ax.plot(arr.reshape(-1, arr.shape[-1]).T if arr.ndim > 1 else arr)
            ax.set_ylabel(name)
        axes[0].set_title(f"{self.model} decomposition, period {self.period}")
        fig.tight_layout()
        return fig


def _line_fill(row: np.ndarray, npoints: int) -> None:
    """statsmodels' ``_extrapolate_trend`` for one row, in place: the NaN before the first and
    after the last finite value become the least-squares lines through the ``npoints`` finite
    values closest to each end (the back fit stops before the last value, as statsmodels')."""
    finite = np.flatnonzero(np.isfinite(row))
    if finite.size == 0:
        return
    front, back = finite[0], finite[-1]
    front_last = min(front + npoints, back)
    back_first = max(front, back - npoints)
    for lo, hi, targets in ((front, front_last, np.arange(0, front)),
                            (back_first, back, np.arange(back + 1, row.size))):
        t = np.arange(lo, hi)
        t = t[np.isfinite(row[lo:hi])]
        if targets.size == 0 or t.size == 0:
            continue
        (k, c), *_ = np.linalg.lstsq(np.c_[t, np.ones(t.size)], row[t], rcond=-1)
        row[targets] = targets * k + c


def seasonal_decompose(x: ArrayLike, period: int, *,
                       model: Literal["additive", "multiplicative"] = "additive",
                       two_sided: bool = True, extrapolate_trend: int | str = 0,
                       axis: int = -1) -> Decomposition:
    """Classical decomposition into trend, seasonal and residual components.

    Parameters
    ----------
    x : array_like
        Real series (at least two full periods along ``axis``); other axes are a batch.  NaN
        is accepted (statsmodels refuses it).
    period : int
        Samples per seasonal cycle, >= 1.
    model : {"additive", "multiplicative"}
        ("add"/"mul" accepted).  Multiplicative needs positive values.
    two_sided : bool, default True
        Centred moving average for the trend; False: trailing (only past values).
    extrapolate_trend : int or {"freq", "period"}, default 0
        If > 0, the trend's NaN ends are extended by least-squares lines through that many
        (+1) closest trend values; "freq"/"period" means ``period - 1``.
    axis : int, default -1

    Returns
    -------
    Decomposition
        ``.observed``, ``.trend``, ``.seasonal``, ``.resid`` (arrays shaped like ``x``) and
        ``.plot()``.

    Notes
    -----
    Equals ``statsmodels.tsa.seasonal.seasonal_decompose(x, period=period, model=model,
    two_sided=two_sided, extrapolate_trend=extrapolate_trend)`` for finite input.  With NaN:
    the trend is NaN only where its window covers a NaN, the phase means skip NaN, and the
    residual is NaN where ``x`` or the trend is.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import seasonal_decompose
    >>> t = np.arange(48.0)
    >>> x = 0.5 * t + np.tile([1.0, -1.0, 2.0, -2.0], 12)
    >>> x[10] = np.nan
    >>> d = seasonal_decompose(x, 4)
    >>> np.round(d.seasonal[:4], 3)
    array([ 1., -1.,  2., -2.])
    >>> int(np.isnan(d.trend).sum())          # 2 at each end, 5 around the gap
    9
    """
    period = check_int("period", period, minimum=1)
    model = check_option("model", model, DECOMPOSE_MODELS)
    model = "additive" if model in ("additive", "add") else "multiplicative"
    if not isinstance(two_sided, (bool, np.bool_)):
        raise TypeError(f"`two_sided` must be a bool; got {two_sided!r}")
    if isinstance(extrapolate_trend, str):
        check_option("extrapolate_trend", extrapolate_trend, ("freq", "period"))
        extrapolate_trend = period - 1
    else:
        extrapolate_trend = check_int("extrapolate_trend", extrapolate_trend, minimum=0)
    rows, restore = fc.signal_rows("x", x, axis)
    n = rows.shape[1]
    if n < 2 * period:
        raise ValueError(f"`x` must hold two complete cycles: 2 * period = {2 * period} samples along "
                         f"`axis`; got {n}")
    multiplicative = model == "multiplicative"
    if multiplicative and (rows <= 0).any():
        raise ValueError("`x` must be positive for model='multiplicative' (zero or negative values found)")
    # statsmodels' convolution_filter with the 2×m moving average, from running sums: O(n)
    # whatever the period, NaN only where the window covers one; the phase means in the same
    # pass unless the trend's ends are extrapolated first
    trend = np.empty_like(rows)
    means = np.empty((rows.shape[0], period), dtype=rows.dtype)
    sk.trend_and_phase_sums(rows, period, bool(two_sided), extrapolate_trend == 0, multiplicative, trend, means)
    if extrapolate_trend > 0:
        for row in trend:
            _line_fill(row, extrapolate_trend + 1)
        sk.phase_means(rows, trend, period, multiplicative, means)
    if multiplicative:
        means /= means.mean(axis=1, keepdims=True)
    else:
        means -= means.mean(axis=1, keepdims=True)
    seasonal, resid = np.empty_like(rows), np.empty_like(rows)
    sk.seasonal_resid(rows, trend, means, multiplicative, seasonal, resid)
    return Decomposition(observed=restore(rows.copy()), trend=restore(trend), seasonal=restore(seasonal),
                         resid=restore(resid), period=period, model=model)
