"""Window statistics of a prepared (centred, finite) signal: the DC-offset-proof sums.

``_prepare`` centres the signal by the mean of its finite samples per batch item and zeroes its
non-finite samples; ``_pad_prepared`` pads it for ``mode='same'``; ``_window_sums`` slides
anchored float64 sums of a signal (and of its square) over every window of a template's shape.
"""

from __future__ import annotations

import numpy as np

from sigconv import _workspace
from sigconv._jit import threads
from sigconv._kernels import centring as _centring
from sigconv._kernels import sliding as _k
from sigconv.match._common import _kernel


class _Prepared:
    """A signal ready for matching: ``(B, *S)`` in the computation dtype, its centre per batch
    item, and where it was not finite.

    ``xc`` (the centred copy, non-finite samples set to 0) is made on first use for a finite
    signal: the masked strips transform ``raw - centre`` strip by strip instead
    (:mod:`sigconv.match.strips`), so a one-call masked match never writes the whole copy.
    """

    def __init__(self, raw: np.ndarray | None, centre: np.ndarray, bad: np.ndarray | None,
                 xc: np.ndarray | None = None, *, sums: np.ndarray | None = None, workers: int = 1,
                 empty=np.empty) -> None:
        if raw is None and xc is None:
            raise ValueError("a prepared signal needs its samples or its centred copy")
        self.raw = raw           # (B, *S) the finite signal, or None when ``xc`` is given
        self.centre = centre     # (B,) in the computation dtype
        self.bad = bad           # (B, *S) float64 1.0 where x was not finite, or None
        self._xc = xc
        self._sums = sums        # (B,) float64 sums of raw, or None
        self._workers = workers
        self._empty = empty
        self._absmax: float | None = None

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.raw if self._xc is None else self._xc).shape

    @property
    def dtype(self) -> np.dtype:
        return (self.raw if self._xc is None else self._xc).dtype

    @property
    def like(self) -> np.ndarray:
        """A read-only array of the signal's shape and dtype holding no data (for cost models)."""
        return np.broadcast_to(np.zeros((), self.dtype), self.shape)

    @property
    def has_xc(self) -> bool:
        """Whether the centred copy exists (else :attr:`xc` makes it)."""
        return self._xc is not None

    @property
    def xc(self) -> np.ndarray:
        """``(B, *S)`` centred, finite, in the computation dtype."""
        if self._xc is None:
            flat = self.raw.reshape(self.raw.shape[0], -1)
            out = self._empty(flat.shape, flat.dtype)
            with threads(self._workers):
                _kernel((_centring.centre_serial, _centring.centre_parallel), self._workers)(flat, self.centre, out)
            self._xc = out.reshape(self.raw.shape)
        return self._xc

    @property
    def mean_square(self) -> float:
        """Mean of ``xc**2`` over every sample (a scale for tolerances)."""
        if self._sums is not None:   # from the signal's own sums: no centred copy
            flat = self.raw.reshape(self.raw.shape[0], -1)
            n = max(flat.shape[1], 1)
            c = self.centre.astype(np.float64)
            s1, s2 = self._sums, np.einsum("ij,ij->i", flat, flat).astype(np.float64)
            ms = float(np.sum(s2 - 2.0 * c * s1 + n * c * c)) / (n * flat.shape[0])
            if ms > 1e-3 * float(np.sum(s2)) / (n * flat.shape[0]):   # no cancellation to fear
                return ms
        flat = self.xc.reshape(-1)   # BLAS, no xc**2 array
        return float(np.dot(flat, flat)) / max(flat.size, 1)

    @property
    def absmax(self) -> float:
        """Largest ``|xc|`` (computed on first use: only 'ncc' needs it)."""
        if self._absmax is None:
            self._absmax = float(np.max(np.abs(self.xc))) if self.xc.size else 0.0
        return self._absmax


def _block(m: int) -> int:
    """Outputs per anchored run of the window sums (see ``sigconv._kernels.sliding``)."""
    return max(4 * m, 1024)


def _finite_means(flat: np.ndarray, workers: int) -> np.ndarray:
    """Mean of the finite samples of each row of ``flat`` (B, S), float64."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: handled below
        centre = flat.mean(axis=1, dtype=np.float64)  # numpy's pairwise sum: fast, accurate
    rows = np.flatnonzero(~np.isfinite(centre))
    if rows.size:  # rows holding NaN or inf: average their finite samples only
        fixed = np.zeros(rows.size)
        with threads(workers):
            _kernel((_centring.finite_mean_serial, _centring.finite_mean_parallel), workers)(
                np.ascontiguousarray(flat[rows]), fixed)
        centre[rows] = fixed
    return centre


def _prepare(xm: np.ndarray, centred: bool, workers: int, empty=np.empty) -> _Prepared:
    """Centre ``xm`` (batch first, matched axes last) and zero its non-finite samples.

    A finite signal is centred by its mean, its centred copy made on first use (into an
    array from ``empty(shape, dtype)``); otherwise by the mean of its finite samples, the copy
    made now.
    """
    b = xm.shape[0]
    flat = np.ascontiguousarray(xm.reshape(b, -1))
    with np.errstate(over="ignore", invalid="ignore"):   # inf - inf: the non-finite path below
        sums = flat.sum(axis=1).astype(np.float64)   # numpy's pairwise sum: non-finite iff a sample is
    if np.all(np.isfinite(sums)):
        mean = sums / max(flat.shape[1], 1)   # any centre near the mean removes a DC offset
        centre = (mean if centred else np.zeros(b)).astype(xm.dtype)
        return _Prepared(flat.reshape(xm.shape), centre, None, sums=sums, workers=workers, empty=empty)
    centre = _finite_means(flat, workers) if centred else np.zeros(b)
    centre = centre.astype(xm.dtype)
    out = empty(flat.shape, flat.dtype)
    with threads(workers):
        n_bad = _kernel((_centring.centre_serial, _centring.centre_parallel), workers)(flat, centre, out)
    bad = None
    if n_bad:
        bad = (~np.isfinite(xm)).astype(np.float64)
    return _Prepared(flat.reshape(xm.shape), centre, bad, out.reshape(xm.shape), workers=workers, empty=empty)


def _pad_prepared(prep: _Prepared, pads, empty=np.empty) -> _Prepared:
    """Zero-pad (in the signal's own coordinates) a prepared signal for mode='same'.

    Padding after centring keeps the centre the mean of the data itself, so a DC offset still
    cancels in every window that lies in the data; the padding holds ``-centre``.
    """
    xc = prep.xc
    shape = (xc.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(xc.shape[1:], pads, strict=True))
    out = empty(shape, xc.dtype)
    out[...] = (-prep.centre).reshape((-1,) + (1,) * (xc.ndim - 1))
    inner = (slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(xc.shape[1:], pads, strict=True))
    out[inner] = xc
    bad = None if prep.bad is None else np.pad(prep.bad, ((0, 0),) + tuple(pads))
    return _Prepared(None, prep.centre, bad, out)


def _window_sums(a: np.ndarray, tshape: tuple[int, ...], workers: int, squares: bool = True, empty=np.empty):
    """Sums of ``a`` (and ``a**2``) over every window of shape ``tshape`` on the last axes.

    ``a`` is ``(B, *S)``; returns float64 ``(B, *S_out)`` arrays (``s2`` is None when
    ``squares`` is False), views of one array from ``empty(shape, dtype)``.  The last axis is
    summed first (reading ``a`` in its own dtype), then each earlier matched axis, each pass
    an O(N) anchored running sum; both sums travel together through the later passes (one
    kernel call per axis, the passes before the last into scratch buffers).
    """
    nd = len(tshape)
    shape = list(a.shape)
    rows = int(np.prod(shape[:-1]))
    m = tshape[-1]
    n_out = shape[-1] - m + 1
    first = _kernel((_k.first_pass_serial, _k.first_pass_parallel), workers)
    middle = _kernel((_k.middle_pass_serial, _k.middle_pass_parallel), workers)
    with threads(workers), _workspace.scratch() as ws:
        both = (empty if nd == 1 else ws.empty)((2, rows, n_out), np.float64)
        first(np.ascontiguousarray(a).reshape(rows, shape[-1]), m, _block(m), both[0], both[1])
        shape[-1] = n_out
        sums = both if squares else both[:1]
        k = sums.shape[0]
        for axis in range(a.ndim - 2, a.ndim - 1 - nd, -1):
            mk = tshape[axis - (a.ndim - nd)]
            outer = k * int(np.prod(shape[:axis]))
            inner = int(np.prod(shape[axis + 1:]))
            new_len = shape[axis] - mk + 1
            out = (empty if axis == a.ndim - nd else ws.empty)((outer, new_len, inner), np.float64)
            middle(sums.reshape(outer, shape[axis], inner), mk, _block(mk), 256, out)
            sums = out
            shape[axis] = new_len
    sums = sums.reshape((k,) + tuple(shape))
    return sums[0], (sums[1] if squares else None)


def _tolerance(tshape: tuple[int, ...]) -> float:
    """Relative size of the rounding error of a window's centred sum of squares.

    Each pass of the window sums contributes about ``(m + block) * eps64``; windows whose
    variance times ``m`` falls below ``tol * sum of squares`` are treated as constant.
    """
    return 16.0 * np.finfo(np.float64).eps * sum(m + _block(m) for m in tshape)
