"""Streaming twins of the time-series filters: moving averages, EWMA, ARMA and SOS.

Each class carries the state its batch function needs to continue (the last ``window - 1``
samples; the EWMA's mean, old weight and count; the ARMA's last ``q`` inputs and ``p``
outputs as ``ar_filter``'s ``zi``; the SOS sections' ``zi`` in scipy's layout) and runs the
batch function's kernel on each chunk, so chunked equals whole.
"""

from __future__ import annotations

import numpy as np

from sigconv import _filter_checks as fc
from sigconv._kernels import recursive as rk
from sigconv._kernels import sos as sos_kernels
from sigconv._validate import as_array, check_int, check_option
from sigconv.filters import moving_average
from sigconv.filters.iir import _check_sos
from sigconv.filters.recursions import _ewma_com
from sigconv.filters.windows import NAN_POLICIES, _resolve_weights
from sigconv.stream._base import Stream
from sigconv.stream._valid import ValidConvolution

#: MA orders up to this run as shifted multiply-adds (longer ones through the engine)
_FEW_MA = 8


class MovingAverage(Stream):
    """Trailing weighted moving average on chunks: the twin of ``moving_average(x, ...)``.

    Parameters
    ----------
    window, weights, min_periods, nan_policy, **params
        As :func:`sigconv.filters.moving_average` (``align="trailing"``); ``nan_policy="raise"``
        refuses a chunk holding NaN (the stream is left unchanged).

    Notes
    -----
    State: the last ``window - 1`` samples of each channel.  Each push returns one output
    per sample: the windows of the first ``window - 1`` samples of the signal are partial (NaN
    unless ``min_periods`` admits them), exactly as in the batch function.  A uniform window
    runs the batch function's O(1)-per-sample running-sum kernel; other weights its
    convolution (bit for bit for windows of up to 64 taps, once the window lies inside the
    signal; the running sum of a uniform window equals the batch's to rounding, since the
    batch re-anchors it at other places).  ``flush`` returns no samples.

    Examples
    --------
    >>> from sigconv import stream
    >>> ma = stream.MovingAverage(3)
    >>> ma.push([1.0, 2.0]), ma.push([3.0, 4.0, 5.0])
    (array([nan, nan]), array([2., 3., 4.]))
    """

    def __init__(self, window, weights="uniform", *, min_periods: int | None = None,
                 nan_policy: str = "propagate", **params) -> None:
        self._nan_policy = check_option("nan_policy", nan_policy, NAN_POLICIES)
        w = _resolve_weights(window, weights, dict(params))
        m = w.size
        self._m = m
        self._minp = m if min_periods is None else check_int("min_periods", min_periods, minimum=0, maximum=m)
        self._uniform = m > 1 and bool(np.all(w == w[0]))
        self._args = (window, weights, dict(params))
        super().__init__()

    @property
    def state(self) -> np.ndarray | None:
        """The last ``window - 1`` samples per channel (fewer at the start), a copy."""
        return None if self._batch is None else self._hist.reshape(self._batch + (-1,)).copy()

    def _describe(self) -> str:
        return f"window={self._m}, nan_policy={self._nan_policy!r}"

    def _start(self, rows: np.ndarray) -> None:
        self._hist = np.empty((rows.shape[0], 0), dtype=rows.dtype)

    def _clear(self) -> None:
        super()._clear()
        self.__dict__.pop("_hist", None)

    def push(self, chunk) -> np.ndarray:
        if self._nan_policy == "raise":
            arr = np.asarray(chunk) if not isinstance(chunk, (str, bytes)) else chunk
            if isinstance(arr, np.ndarray) and arr.dtype.kind == "f" and np.isnan(arr).any():
                raise ValueError("`chunk` holds NaN and nan_policy='raise'; use 'propagate' or 'omit'")
        return super().push(chunk)

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        length, keep = rows.shape[1], self._hist.shape[1]
        buf = np.concatenate((self._hist, rows), axis=1)
        if self._uniform:
            out = np.empty_like(buf)
            rk.uniform_window_serial(buf, self._m, 0, self._nan_policy == "omit", self._minp, out)
        else:
            window, weights, params = self._args
            policy = "omit" if self._nan_policy == "omit" else "propagate"
            out = moving_average(buf, window, weights, min_periods=self._minp, nan_policy=policy,
                                 axis=-1, **params)
        self._hist = np.ascontiguousarray(buf[:, buf.shape[1] - min(self._m - 1, buf.shape[1]):])
        return out[:, keep:keep + length]

    def _flush_rows(self) -> np.ndarray:
        return np.empty((self._hist.shape[0], 0), dtype=self._dtype)


class EWMA(Stream):
    """Exponentially weighted moving average on chunks: the twin of ``ewma(x, ...)``.

    Parameters
    ----------
    alpha, span, halflife, com : float
        Exactly one, as :func:`sigconv.filters.ewma` (and pandas ``ewm``).
    adjust : bool, default True
    min_periods : int, default 0
        Observations needed before an output is given.

    Notes
    -----
    State per channel (:attr:`state`, shape ``(..., 3)``): the running mean (NaN before the
    first observation), the old weight and the count of observations — the values the batch
    kernel carries from one sample to the next, so chunked equals whole bit for bit.
    ``flush`` returns no samples.

    Examples
    --------
    >>> from sigconv import stream
    >>> ew = stream.EWMA(alpha=0.5, adjust=False)
    >>> ew.push([1.0, 2.0]), ew.push([3.0])
    (array([1. , 1.5]), array([2.25]))
    """

    def __init__(self, *, alpha=None, span=None, halflife=None, com=None, adjust: bool = True,
                 min_periods: int = 0) -> None:
        com_ = _ewma_com(alpha, span, halflife, com)
        if not isinstance(adjust, (bool, np.bool_)):
            raise TypeError(f"`adjust` must be a bool; got {adjust!r}")
        self._alpha = 1.0 / (1.0 + com_)
        self._adjust = bool(adjust)
        self._minp = max(check_int("min_periods", min_periods, minimum=0), 1)
        super().__init__()

    @property
    def state(self) -> np.ndarray | None:
        """``(..., 3)`` float64: mean, old weight, observations so far (a copy)."""
        return None if self._batch is None else self._state.reshape(self._batch + (3,)).copy()

    def _describe(self) -> str:
        return f"alpha={self._alpha:.6g}, adjust={self._adjust}"

    def _start(self, rows: np.ndarray) -> None:
        self._state = np.empty((rows.shape[0], 3), dtype=np.float64)
        self._state[:] = (np.nan, 1.0, 0.0)

    def _clear(self) -> None:
        super()._clear()
        self.__dict__.pop("_state", None)

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty_like(rows)
        state = self._state.copy()   # the stream's state changes only once the kernel is done
        rk.ewma_carry_serial(rows, rows.dtype.type(self._alpha), self._adjust, self._minp, state, out)
        self._state = state
        return out

    def _flush_rows(self) -> np.ndarray:
        return np.empty((self._state.shape[0], 0), dtype=self._dtype)


class ARMA(Stream):
    """ARMA filter on chunks: the twin of ``arma_filter(e, ar, ma)`` / ``ar_filter(e, ar, zi=zi)``.

    ``y_t = sum_i ar_i y_{t-i} + e_t + sum_j ma_j e_{t-j}``.

    Parameters
    ----------
    ar, ma : array_like
        Finite coefficients (no leading 1), as :func:`sigconv.filters.arma_filter`.
    zi : array_like, optional
        The ``p`` outputs before the first, most recent first, as ``ar_filter``'s ``zi``:
        shape ``(p,)`` for every channel or ``(..., p)`` with the chunks' batch shape.

    Notes
    -----
    State (:attr:`state`): the last ``q`` inputs (the MA part's window) and the AR part's
    ``zi`` — the last ``p`` outputs, most recent first, in exactly the layout ``ar_filter``
    takes, so a stream can be continued by the batch function and vice versa.
    ``flush`` returns no samples.

    Examples
    --------
    >>> from sigconv import stream
    >>> f = stream.ARMA([0.5], [1.0])
    >>> f.push([1.0, 0.0]), f.push([0.0])
    (array([1. , 1.5]), array([0.75]))
    """

    def __init__(self, ar, ma=(), *, zi=None) -> None:
        self._phi = fc.coefficients("ar", ar)
        self._theta = fc.coefficients("ma", ma)
        p = self._phi.size
        if zi is not None:
            z = as_array("zi", zi, allow_complex=False, allow_empty=p == 0).astype(np.float64)
            if z.ndim == 0 or z.shape[-1] != p:
                raise ValueError(f"`zi` must hold p={p} values (y_-1 .. y_-p) along its last axis; got shape {z.shape}")
            if not np.isfinite(z).all():
                raise ValueError("`zi` must be finite")
            zi = z
        self._zi0 = zi
        super().__init__()

    @property
    def state(self) -> dict | None:
        """``{"inputs": (..., q) last inputs, "zi": (..., p) last outputs, newest first}``."""
        if self._batch is None:
            return None
        p = self._phi.size
        return {"inputs": self._hist.reshape(self._batch + (-1,)).copy(),
                "zi": self._zi[:, :p].reshape(self._batch + (p,)).copy()}

    def _describe(self) -> str:
        return f"p={self._phi.size}, q={self._theta.size}"

    def _start(self, rows: np.ndarray) -> None:
        nrows, p, dtype = rows.shape[0], self._phi.size, rows.dtype
        zi = np.zeros((nrows, max(p, 1)), dtype=dtype)
        if self._zi0 is not None and p:
            z = self._zi0
            if z.ndim > 1 and z.shape[:-1] != self._incoming:
                raise ValueError(f"`zi` has shape {z.shape}; it must be ({p},) or the chunks' batch shape "
                                 f"{self._incoming} followed by {p}")
            zi[:, :p] = z.reshape(-1, p) if z.ndim > 1 else z
        self._zi = zi
        self._hist = np.zeros((nrows, self._theta.size), dtype=dtype)
        self._coef = self._phi.astype(dtype)
        self._rcoef = self._coef[::-1].copy()
        self._ma = np.r_[1.0, self._theta].astype(dtype)
        self._ma_conv = ValidConvolution(self._ma)

    def _clear(self) -> None:
        super()._clear()
        for name in ("_zi", "_hist", "_coef", "_rcoef", "_ma", "_ma_conv"):
            self.__dict__.pop(name, None)

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        q, p, length = self._theta.size, self._phi.size, rows.shape[1]
        if q:
            buf = np.concatenate((self._hist, rows), axis=1)
            if q <= _FEW_MA:   # a few shifted multiply-adds cost less than a call of the engine
                u = rows.copy()
                with np.errstate(invalid="ignore", over="ignore"):   # inf - inf is NaN, as in the batch
                    for j in range(1, q + 1):
                        u += self._ma[j] * buf[:, q - j:q - j + length]
            else:
                u = np.ascontiguousarray(self._ma_conv(buf))
            hist = np.ascontiguousarray(buf[:, buf.shape[1] - q:])
        else:
            u, hist = rows, self._hist
        out = np.empty_like(u)
        rk.ar_filter_serial(u, self._coef, self._rcoef, self._zi, out)
        if p:
            zi = np.empty_like(self._zi)
            take = min(p, length)
            zi[:, :take] = out[:, length - take:][:, ::-1]
            zi[:, take:p] = self._zi[:, :p - take]
            self._zi = zi
        self._hist = hist
        return out

    def _flush_rows(self) -> np.ndarray:
        return np.empty((self._zi.shape[0], 0), dtype=self._dtype)


class SOS(Stream):
    """IIR filter in second-order sections on chunks: the twin of ``sos_filter(sos, x, zi=...)``.

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
        As :func:`sigconv.filters.sos_filter` (``scipy.signal.butter(..., output="sos")``).
    zi : array_like, optional
        Initial state, scipy's layout: ``(n_sections, 2)`` for every channel or
        ``(n_sections, ..., 2)`` with the chunks' batch shape.  Default zeros (rest).

    Notes
    -----
    State (:attr:`state`): the sections' ``zi``, ``(n_sections, ..., 2)`` float64 — exactly
    what ``sos_filter`` (and ``scipy.signal.sosfilt``) take and return; the outputs equal the
    batch call to rounding (the kernel may fuse a multiply-add differently at the start of a
    chunk).  ``flush`` returns no samples.

    Examples
    --------
    >>> import numpy as np, scipy.signal
    >>> from sigconv import stream
    >>> f = stream.SOS(scipy.signal.butter(2, 0.2, output="sos"))
    >>> y = np.concatenate([f.push(np.ones(3)), f.push(np.ones(2))])
    >>> np.round(y, 3)
    array([0.067, 0.279, 0.561, 0.796, 0.948])
    """

    def __init__(self, sos, *, zi=None) -> None:
        self._sos = _check_sos(sos)   # the batch function's checks of `sos`
        sections = self._sos.shape[0]
        if zi is not None:
            z = as_array("zi", zi, allow_complex=False).astype(np.float64)
            if z.ndim < 2 or z.shape[0] != sections or z.shape[-1] != 2:
                raise ValueError(f"`zi` must have shape ({sections}, 2) or ({sections}, ..., 2) (scipy's "
                                 f"layout with the chunks' batch shape); got {z.shape}")
            if not np.isfinite(z).all():
                raise ValueError("`zi` must be finite")
            zi = z
        self._zi0 = zi
        super().__init__()

    @property
    def state(self) -> np.ndarray | None:
        """``zi`` ``(n_sections, ..., 2)`` float64, scipy's layout (a copy)."""
        if self._batch is None:
            return None
        z = np.moveaxis(self._zi, 0, 1)
        return np.ascontiguousarray(z.reshape((z.shape[0],) + self._batch + (2,)))

    def _describe(self) -> str:
        return f"sections={self._sos.shape[0]}"

    def _start(self, rows: np.ndarray) -> None:
        sections, nrows = self._sos.shape[0], rows.shape[0]
        zi = np.zeros((nrows, sections, 2))   # the kernel's layout: (B, S, 2)
        if self._zi0 is not None:
            z = self._zi0
            if z.ndim > 2 and z.shape[1:-1] != self._incoming:
                raise ValueError(f"`zi` has shape {z.shape}; it must be ({sections}, 2) or "
                                 f"({sections}, *{self._incoming}, 2) for chunks of batch shape {self._incoming}")
            zi[:] = np.moveaxis(z.reshape(sections, -1, 2), 1, 0)
        self._zi = zi

    def _clear(self) -> None:
        super()._clear()
        self.__dict__.pop("_zi", None)

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        out = np.empty_like(rows)
        zi = self._zi.copy()   # the kernel updates the state in place
        sos_kernels.sos_serial(rows, self._sos, zi, False, False, out)
        self._zi = zi
        return out

    def _flush_rows(self) -> np.ndarray:
        return np.empty((self._zi.shape[0], 0), dtype=self._dtype)
