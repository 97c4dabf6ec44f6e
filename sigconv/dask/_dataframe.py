"""The ``.sigconv`` accessor on Dask Series and DataFrames (registered by ``import sigconv.dask``).

Partitions may have any length, shorter than the window included, and their lengths need not
be known: each partition receives what it needs from its neighbours through small carried
values, in partition order —

* windows (``convolve``, ``moving_average``): the last ``window - 1`` rows before the partition
  (a *tail* passed forward from partition to partition, gathered over as many partitions as
  it takes) and, for centred windows, the first rows after it (a *head* passed backward); the
  in-memory pandas accessor runs on the partition with its tail and head and keeps its rows;
* recursions (``ewma``, ``ar_filter``): the stream object (:mod:`sigconv.stream`) carrying the
  recursion's exact state, as for Dask arrays.

The index, the name or columns and the divisions are kept; results equal the pandas accessor's
on the computed frame.
"""

from __future__ import annotations

import copy
import warnings

import dask.dataframe as dd
import numpy as np
import pandas as pd
from dask import delayed


def _tail(prev_tail, part, n: int):
    """Task body: the last ``n`` rows of ``prev_tail`` followed by ``part``."""
    both = pd.concat([prev_tail, part]) if len(prev_tail) else part
    return both.iloc[max(0, len(both) - n):] if n else both.iloc[:0]


def _head(part, next_head, n: int):
    """Task body: the first ``n`` rows of ``part`` followed by ``next_head``."""
    both = pd.concat([part, next_head]) if len(next_head) else part
    return both.iloc[:n]


def _windowed(part, tail, head, meta, method: str, args, kwargs):
    """Task body: the accessor's ``method`` on the partition with its neighbours' rows."""
    if len(part) == 0:
        return meta
    pieces = [p for p in (tail, part, head) if len(p)]
    whole = pd.concat(pieces) if len(pieces) > 1 else pieces[0]
    out = getattr(whole.sigconv, method)(*args, **kwargs)
    return out.iloc[len(tail): len(tail) + len(part)]


def _step(part, carrier, meta):
    """Task body: push a partition's rows into a copy of the stream ``carrier``."""
    from sigconv.accessor import _frame_rows, _series_rows

    if len(part) == 0:
        return meta, carrier
    stream = copy.deepcopy(carrier)
    rows = _series_rows(part) if isinstance(part, pd.Series) else _frame_rows(part)
    out = stream.push(rows)
    if isinstance(part, pd.Series):
        return pd.Series(out[0], index=part.index, name=part.name), stream
    return pd.DataFrame(out.T, index=part.index, columns=part.columns), stream


class _DaskAccessor:
    """``.sigconv`` on a Dask Series or DataFrame: ``convolve``, ``moving_average``, ``ewma``,
    ``ar_filter``, lazily, equal to the pandas accessor on the computed frame.

    Examples
    --------
    >>> import pandas as pd, dask.dataframe as dd
    >>> import sigconv.dask  # noqa: F401  (registers the accessor)
    >>> s = dd.from_pandas(pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]), npartitions=3)
    >>> s.sigconv.moving_average(2).compute().tolist()
    [nan, 1.5, 2.5, 3.5, 4.5]
    >>> s.sigconv.ewma(alpha=0.5, adjust=False).compute().round(3).tolist()
    [1.0, 1.5, 2.25, 3.125, 4.062]
    """

    def __init__(self, obj):
        self._obj = obj

    def _meta(self, method, *args, **kwargs):
        """The result's empty frame: the pandas accessor on Dask's stand-in rows (this also
        checks the arguments, before anything is computed)."""
        fake = self._obj._meta_nonempty
        return getattr(fake.sigconv, method)(*args, **kwargs).iloc[:0]

    def _window(self, method, before: int, after: int, *args, **kwargs):
        meta = self._meta(method, *args, **kwargs)
        parts = self._obj.to_delayed()
        empty = delayed(self._obj._meta, pure=True)
        tails, tail = [], empty
        for part in parts:
            tails.append(tail)
            tail = delayed(_tail, pure=True)(tail, part, before)
        heads, head = [], empty
        for part in reversed(parts):
            heads.append(head)
            head = delayed(_head, pure=True)(part, head, after)
        heads.reverse()
        out = [delayed(_windowed, pure=True)(p, t, h, meta, method, args, kwargs)
               for p, t, h in zip(parts, tails, heads)]
        return dd.from_delayed(out, meta=meta, divisions=self._obj.divisions, verify_meta=False)

    def _recursion(self, method, carrier, *args, **kwargs):
        meta = self._meta(method, *args, **kwargs)
        state = delayed(carrier, pure=True)
        out = []
        for part in self._obj.to_delayed():
            y, state = delayed(_step, pure=True, nout=2)(part, state, meta)
            out.append(y)
        return dd.from_delayed(out, meta=meta, divisions=self._obj.divisions, verify_meta=False)

    def convolve(self, kernel, align="trailing"):
        """Raw windowed convolution of each column (see the pandas accessor's ``convolve``)."""
        m = np.size(kernel)
        h = (m - 1) // 2 if align == "centered" else 0
        return self._window("convolve", m - 1 - h, h, kernel, align=align)

    def moving_average(self, window, weights="uniform", **kwargs):
        """:func:`sigconv.moving_average` of each column (see the pandas accessor)."""
        from sigconv.filters import _offset, _resolve_weights

        params = {k: v for k, v in kwargs.items() if k not in ("align", "min_periods", "nan_policy")}
        m = _resolve_weights(window, weights, params).size
        h = _offset(kwargs.get("align", "trailing"), m)
        return self._window("moving_average", m - 1 - h, h, window, weights, **kwargs)

    def ewma(self, **kwargs):
        """:func:`sigconv.ewma` of each column (pandas ``ewm(...).mean()``), state carried."""
        from sigconv import stream

        self._meta("ewma", **kwargs)
        return self._recursion("ewma", stream.EWMA(**kwargs), **kwargs)

    def ar_filter(self, ar, *, zi=None):
        """:func:`sigconv.ar_filter` of each column, ``zi`` (the last p outputs) carried."""
        from sigconv import stream

        self._meta("ar_filter", ar, zi=zi)
        z = None if zi is None else (np.asarray(zi, dtype=np.float64).T if np.ndim(zi) == 2 else zi)
        return self._recursion("ar_filter", stream.ARMA(ar, (), zi=z), ar, zi=zi)


def register() -> None:
    """Register ``.sigconv`` on Dask Series and DataFrames (idempotent)."""
    from dask.dataframe.extensions import register_dataframe_accessor, register_series_accessor

    for reg, cls in ((register_series_accessor, "DaskSeriesSigconvAccessor"),
                     (register_dataframe_accessor, "DaskDataFrameSigconvAccessor")):
        with warnings.catch_warnings():
            # Dask collections forward unknown attributes to their pandas meta, which has the
            # pandas accessor: Dask sees that as a "preexisting attribute" and warns
            warnings.filterwarnings("ignore", message="registration of accessor", category=UserWarning)
            reg("sigconv")(type(cls, (_DaskAccessor,), {"__doc__": _DaskAccessor.__doc__}))
