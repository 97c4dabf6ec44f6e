"""The pandas ``.sigconv`` accessor (API.md §6): thin wrappers over :mod:`sigconv.filters`.

Importing this module registers ``Series.sigconv`` and ``DataFrame.sigconv``.  Every method
converts the data once to a C-contiguous float array of rows ``(columns, samples)`` — a
DataFrame is one batch, filtered in one kernel call — runs the array function and puts the
index, the name or the columns back.

* Numeric columns only (bool, int, float, and the nullable ``Int64``/``Float64``/``boolean``
  dtypes, whose ``pd.NA`` becomes NaN); anything else raises ``TypeError`` naming the column.
* Results are float64, or float32 when every column is float32 (``Float32`` included), as
  pandas' own ``rolling(...).mean()`` returns numpy dtypes for nullable input.
* NaN positions are kept: a window or recursion that reaches a NaN gives NaN (``ewma`` carries
  the last mean over a NaN, as pandas does).

Examples
--------
>>> import pandas as pd
>>> import sigconv.accessor  # noqa: F401  (``import sigconv`` does this)
>>> s = pd.Series([1.0, 2.0, 3.0, 4.0], index=list("abcd"), name="v")
>>> s.sigconv.moving_average(2)
a    NaN
b    1.5
c    2.5
d    3.5
Name: v, dtype: float64
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sigconv import filters as _f

__all__ = ["DataFrameSigconvAccessor", "SeriesSigconvAccessor"]


# ----------------------------------------------------------------------------- conversion


def _column_dtype(name, dtype) -> np.dtype:
    """The float dtype a column of ``dtype`` computes in; ``TypeError`` for non-numeric data."""
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        raise TypeError(f"column {name!r} has dtype {dtype}; the .sigconv accessor needs real numeric "
                        "data (bool, int, float or their nullable versions)")
    if dtype == np.float32 or str(dtype) == "Float32":
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _column_values(series: pd.Series, dtype: np.dtype) -> np.ndarray:
    if isinstance(series.dtype, np.dtype):
        return series.to_numpy(dtype=dtype, copy=False)
    return series.to_numpy(dtype=dtype, na_value=np.nan)  # nullable: pd.NA -> NaN


def _series_rows(s: pd.Series) -> np.ndarray:
    """``(1, n)`` float rows of a Series."""
    dtype = _column_dtype(s.name, s.dtype)
    return np.ascontiguousarray(_column_values(s, dtype)).reshape(1, -1)


def _frame_rows(df: pd.DataFrame) -> np.ndarray:
    """``(k, n)`` float rows of a DataFrame, one row per column, in one array."""
    dtypes = [_column_dtype(c, d) for c, d in zip(df.columns, df.dtypes, strict=True)]
    if not dtypes:
        raise ValueError("the DataFrame has no columns")
    dtype = np.dtype(np.float32) if all(d == np.float32 for d in dtypes) else np.dtype(np.float64)
    blocks = df.dtypes.map(lambda d: isinstance(d, np.dtype)).all()
    if blocks:
        # one conversion of the whole frame; transposing makes the columns the rows
        return np.ascontiguousarray(df.to_numpy(dtype=dtype, copy=False).T)
    rows = np.empty((df.shape[1], df.shape[0]), dtype=dtype)
    for j in range(df.shape[1]):
        rows[j] = _column_values(df.iloc[:, j], dtype)
    return rows


class _Accessor:
    """Methods shared by the Series and DataFrame accessors."""

    def __init__(self, obj):
        self._obj = obj

    # subclasses: _rows() -> (k, n) array; _wrap(rows_out) -> Series / DataFrame with the index;
    # _wrap_lags(rows_out, lags) -> Series / DataFrame indexed by lag

    def _apply(self, func, *args, **kwargs):
        out = func(self._rows(), *args, axis=-1, **kwargs)
        return self._wrap(out)

    # -- windows -------------------------------------------------------------------------------

    def convolve(self, kernel: ArrayLike, align: str = "trailing"):
        """Raw windowed convolution ``y_t = sum_i k_i x_{t+h-i}`` (``k[0]`` on the newest sample).

        ``align="trailing"`` (h = 0) gives NaN for the first ``M - 1`` samples; ``"centered"``
        (``h = (M - 1) // 2``, pandas' centring) NaN at both edges.  A window holding NaN
        gives NaN.  See :func:`sigconv.filters.window_convolve`.
        """
        return self._apply(_f.window_convolve, kernel, align=align)

    def moving_average(self, window, weights="uniform", **kwargs):
        """:func:`sigconv.filters.moving_average` of each column (``align``, ``min_periods``,
        ``nan_policy`` and window parameters as keywords)."""
        return self._apply(_f.moving_average, window, weights, **kwargs)

    # -- recursions ----------------------------------------------------------------------------

    def ewma(self, **kwargs):
        """:func:`sigconv.filters.ewma` of each column; equals ``.ewm(...).mean()``."""
        return self._apply(_f.ewma, **kwargs)

    def ar_filter(self, ar: ArrayLike, *, zi: ArrayLike | None = None):
        """:func:`sigconv.filters.ar_filter` of each column (a NaN reaches every later output)."""
        if zi is not None and np.ndim(zi) == 2:
            zi = np.asarray(zi).T  # (p, k) as the frame is laid out -> (k, p) rows
        return self._apply(_f.ar_filter, ar, zi=zi)

    def arma_filter(self, ar: ArrayLike, ma: ArrayLike = ()):
        """:func:`sigconv.filters.arma_filter` of each column."""
        return self._apply(_f.arma_filter, ar, ma)

    def ar_predict(self, ar: ArrayLike, const: float = 0.0):
        """:func:`sigconv.filters.ar_predict` of each column; the first ``p`` values are NaN."""
        return self._apply(_f.ar_predict, ar, const=const)

    # -- the filters pack (API.md §2b) ---------------------------------------------------------

    def savgol(self, window: int, polyorder: int, **kwargs):
        """:func:`sigconv.filters.savgol` of each column (``deriv``, ``delta``, ``mode``, ``cval``)."""
        return self._apply(_f.savgol, window, polyorder, **kwargs)

    def gaussian(self, sigma: float, **kwargs):
        """:func:`sigconv.filters.gaussian` of each column (``order``, ``mode``, ``truncate``...)."""
        return self._apply(_f.gaussian, sigma, **kwargs)

    def sos_filter(self, sos: ArrayLike, *, zero_phase: bool = False, nan_policy: str = "propagate"):
        """:func:`sigconv.filters.sos_filter` of each column (``nan_policy="segments"`` filters
        each run between NaNs on its own)."""
        return self._apply(lambda rows, **kw: _f.sos_filter(sos, rows, **kw), zero_phase=zero_phase,
                           nan_policy=nan_policy)

    def bk_filter(self, low: float = 6, high: float = 32, K: int = 12):
        """Baxter-King cycle (:func:`sigconv.filters.bk_filter`) on the input's index: the
        first and last ``K`` values are NaN."""
        core = _f.bk_filter(self._rows(), low, high, K, axis=-1)
        edge = np.full(core.shape[:-1] + (K,), np.nan, dtype=core.dtype)
        return self._wrap(np.concatenate((edge, core, edge), axis=-1))

    def cf_filter(self, low: float = 6, high: float = 32, *, drift: bool = True):
        """Christiano-Fitzgerald ``(cycle, trend)`` (:func:`sigconv.filters.cf_filter`)."""
        cycle, trend = _f.cf_filter(self._rows(), low, high, drift=drift, axis=-1)
        return self._wrap(cycle), self._wrap(trend)

    def hp_filter(self, lamb: float = 1600, *, one_sided: bool = False):
        """Hodrick-Prescott ``(cycle, trend)`` (:func:`sigconv.filters.hp_filter`; NaN are
        missing observations, ``one_sided=True`` the real-time filter)."""
        cycle, trend = _f.hp_filter(self._rows(), lamb, one_sided=one_sided, axis=-1)
        return self._wrap(cycle), self._wrap(trend)

    def seasonal_decompose(self, period: int, **kwargs) -> _f.Decomposition:
        """:func:`sigconv.filters.seasonal_decompose` with its components on the input's index
        (Series, or DataFrames for a DataFrame); NaN accepted."""
        d = _f.seasonal_decompose(self._rows(), period, axis=-1, **kwargs)
        parts = {k: self._wrap(getattr(d, k)) for k in ("observed", "trend", "seasonal", "resid")}
        return _f.Decomposition(**parts, period=d.period, model=d.model)

    def cwt(self, widths: ArrayLike, wavelet: str = "ricker", *, w: float = 5.0):
        """Continuous wavelet transform (:func:`sigconv.filters.cwt`) on the input's index: one
        column per width (a DataFrame gives columns ``(column, width)``)."""
        out = _f.cwt(self._rows(), widths, wavelet, w=w, axis=-1)         # (k, F, n)
        widths = np.asarray(widths).tolist()
        if isinstance(self._obj, pd.Series):
            cols = pd.Index(widths, name="width")
        else:
            cols = pd.MultiIndex.from_product([self._obj.columns, widths], names=[None, "width"])
        data = out.reshape(-1, out.shape[-1]).T
        return pd.DataFrame(data, index=self._obj.index, columns=cols, copy=False)

    # -- statistics ----------------------------------------------------------------------------

    def autocorr(self, max_lag: int | None = None, *, adjusted: bool = False):
        """Autocorrelation for lags ``0..max_lag`` (:func:`sigconv.filters.autocorr`), indexed
        by lag; a column holding NaN gives NaN (drop or fill first)."""
        out = _f.autocorr(self._rows(), max_lag, adjusted=adjusted, axis=-1)
        return self._wrap_lags(out, np.arange(out.shape[-1]))

    def xcorr(self, other, max_lag: int | None = None, *, normalize: bool = True):
        """Cross-correlation of each column ``x_{t+k}`` with ``other_t`` for ``k = -max_lag..
        max_lag`` (:func:`sigconv.filters.xcorr`), indexed by lag.

        ``other`` is a Series or 1D array of the same length, matched by position.
        """
        if isinstance(other, pd.DataFrame):
            raise TypeError("`other` must be a Series or a 1D array; got a DataFrame")
        if isinstance(other, pd.Series):
            try:
                other_rows = _series_rows(other)[0]
            except TypeError as e:
                raise TypeError(f"`other`: {e}") from e
        else:
            other_rows = np.asarray(other)
        n = self._obj.shape[0]
        if np.ndim(other_rows) != 1 or other_rows.shape[0] != n:
            raise ValueError(f"`other` must be 1D with {n} samples (matched by position); "
                             f"got shape {np.shape(other_rows)}")
        out = _f.xcorr(self._rows(), other_rows, max_lag, normalize=normalize, axis=-1)
        lag = (out.shape[-1] - 1) // 2
        return self._wrap_lags(out, np.arange(-lag, lag + 1))


@pd.api.extensions.register_series_accessor("sigconv")
class SeriesSigconvAccessor(_Accessor):
    """``Series.sigconv``: sigconv's filters on one series, keeping its index and name.

    Examples
    --------
    >>> import pandas as pd
    >>> import sigconv.accessor  # noqa: F401
    >>> pd.Series([1.0, 0.0, 0.0]).sigconv.ar_filter([0.5]).tolist()
    [1.0, 0.5, 0.25]
    """

    def _rows(self) -> np.ndarray:
        return _series_rows(self._obj)

    def _wrap(self, out: np.ndarray) -> pd.Series:
        return pd.Series(out[0], index=self._obj.index, name=self._obj.name, copy=False)

    def _wrap_lags(self, out: np.ndarray, lags: np.ndarray) -> pd.Series:
        return pd.Series(out[0], index=pd.Index(lags, name="lag"), name=self._obj.name, copy=False)

    def fit_ar(self, order: int, *, method: str = "yule_walker", demean: bool = True) -> _f.ARFit:
        """:func:`sigconv.filters.fit_ar` of the series (which must be finite: ``dropna()``)."""
        return _f.fit_ar(self._rows()[0].astype(np.float64), order, method=method, demean=demean)

    def match(self, template: ArrayLike, threshold: float | None = 0.8, min_distance: int | None = None,
              **kwargs) -> pd.DataFrame:
        """Occurrences of ``template`` (:func:`sigconv.match.locate`, zncc by default).

        Returns a DataFrame with ``start`` and ``end`` (index labels of the first and last
        sample of each match) and ``score``, best first.  Windows holding NaN never match.
        """
        from sigconv.match import locate

        t = np.asarray(template.to_numpy(dtype=np.float64, na_value=np.nan)
                       if isinstance(template, pd.Series) else template)
        peaks = locate(self._rows()[0], t, threshold=threshold, min_distance=min_distance, **kwargs)
        return _match_frame(self._obj.index, peaks.positions[:, 0], peaks.scores, t.shape[-1])


@pd.api.extensions.register_dataframe_accessor("sigconv")
class DataFrameSigconvAccessor(_Accessor):
    """``DataFrame.sigconv``: sigconv's filters on every column at once (one batch).

    Examples
    --------
    >>> import pandas as pd
    >>> import sigconv.accessor  # noqa: F401
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [0.0, 3.0, 6.0]})
    >>> df.sigconv.moving_average(2)
         a    b
    0  NaN  NaN
    1  1.5  1.5
    2  2.5  4.5
    """

    def _rows(self) -> np.ndarray:
        return _frame_rows(self._obj)

    def _wrap(self, out: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(out.T, index=self._obj.index, columns=self._obj.columns, copy=False)

    def _wrap_lags(self, out: np.ndarray, lags: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(out.T, index=pd.Index(lags, name="lag"), columns=self._obj.columns, copy=False)

    def fit_ar(self, order: int, *, method: str = "yule_walker", demean: bool = True) -> pd.Series:
        """:func:`sigconv.filters.fit_ar` of each column: a Series of ``ARFit`` by column."""
        rows = self._rows()
        fits = [_f.fit_ar(r.astype(np.float64), order, method=method, demean=demean) for r in rows]
        return pd.Series(fits, index=self._obj.columns, dtype=object, name="fit_ar")

    def match(self, template: ArrayLike, threshold: float | None = 0.8, min_distance: int | None = None,
              **kwargs) -> pd.DataFrame:
        """Occurrences of ``template`` in every column: ``column``, ``start``, ``end``, ``score``,
        best first within each column (see the Series method)."""
        from sigconv.match import locate

        t = np.asarray(template)
        frames = []
        for name, row in zip(self._obj.columns, self._rows(), strict=True):
            peaks = locate(row, t, threshold=threshold, min_distance=min_distance, **kwargs)
            f = _match_frame(self._obj.index, peaks.positions[:, 0], peaks.scores, t.shape[-1])
            f.insert(0, "column", pd.Series([name] * len(f), dtype=object))
            frames.append(f)
        return pd.concat(frames, ignore_index=True)


def _match_frame(index: pd.Index, starts: np.ndarray, scores: np.ndarray, m: int) -> pd.DataFrame:
    starts = np.asarray(starts, dtype=np.int64)
    return pd.DataFrame({
        "start": index[starts] if starts.size else index[:0],
        "end": index[starts + m - 1] if starts.size else index[:0],
        "score": np.asarray(scores),
    })
