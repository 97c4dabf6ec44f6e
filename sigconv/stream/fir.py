"""Streaming FIR filter: causal convolution of a signal that arrives in chunks.

Each push returns exactly as many outputs as it brought samples (no added latency).  The
kernel is split in two parts (uniformly partitioned overlap-save, the zero-latency scheme of
Gardner 1995 with uniform partitions):

* the **head**, taps ``[0, B)``, is convolved with each chunk and the ``B - 1`` samples before
  it (:class:`~sigconv.stream._valid.ValidConvolution`: the engine's direct kernel where its
  cost model picks it, for short kernels and small chunks, otherwise one transform per chunk
  against the head's cached spectrum);
* the **tail**, taps ``[B, K)`` in partitions of ``B`` taps, only reaches samples at least
  ``B`` older than the output, so its contribution to a block of ``B`` outputs is known as
  soon as the previous block is complete: each completed block is transformed once
  (``2B`` points), kept in a frequency-domain delay line, and multiplied by the partitions'
  spectra (one product per partition and block, however small the chunks).

``B = K`` (no tail) is plain overlap-save with one block per chunk; the cost model of this
module (:func:`plan_partitions`, built on :mod:`sigconv._cost`) picks ``B`` from the first
chunk's length.  Non-finite samples are zeroed for the tail's transforms and the outputs whose
tail window holds one are summed directly, so NaN and inf stay local.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.fft as sfft
from numpy.lib.stride_tricks import sliding_window_view

from sigconv import _cost
from sigconv._validate import as_array, check_int, check_option, float_dtype
from sigconv.stream._base import Stream
from sigconv.stream._valid import ValidConvolution, segment_costs

FIR_METHODS = ("auto", "direct", "partitioned")
#: smallest partition the cost model considers (smaller blocks pay more Python per sample)
MIN_BLOCK = 64
#: seconds of Python per push of the partitioned tail, and per partition product
TAIL_OVERHEAD = 25e-6
PRODUCT_OVERHEAD = 2e-6


def _engine_seconds(n: int, m: int, dtype: np.dtype) -> float:
    """The engine's estimate (one thread) for the 'valid' convolution of ``n`` samples with
    ``m`` taps, by the method it would choose."""
    return min(segment_costs(n, m, dtype).values())


def partitioned_seconds(length: int, taps: int, block: int, dtype: np.dtype) -> float:
    """Estimated seconds of one push of ``length`` samples through ``taps`` taps split at
    ``block`` (``block >= taps``: plain overlap-save, the head only)."""
    dtype = np.dtype(dtype)
    if block >= taps:
        return _engine_seconds(length + taps - 1, taps, dtype)
    head = _engine_seconds(length + block - 1, block, dtype)
    parts = -(-taps // block) - 1
    blocks = max(1.0, length / block)
    transforms = 2 * _cost._transform_cost(2 * block, math.ceil(blocks), dtype, 1)
    products = parts * blocks * (block + 1) * 4 * _cost.C_ELEM
    return head + transforms + products + TAIL_OVERHEAD + parts * PRODUCT_OVERHEAD


def plan_partitions(length: int, taps: int, dtype, *, partitioned_only: bool = False) -> int:
    """The partition size ``B`` of least :func:`partitioned_seconds` for chunks of
    ``length`` samples (``taps``: no partition), over powers of two ``MIN_BLOCK <= B <=
    taps / 2``."""
    candidates = [] if partitioned_only else [taps]
    b = MIN_BLOCK
    while 2 * b <= taps:
        candidates.append(b)
        b *= 2
    if not candidates:
        return max(1, taps // 2)
    return min(candidates, key=lambda c: partitioned_seconds(length, taps, c, dtype))


class FIR(Stream):
    """Causal FIR filter on chunks: the streaming twin of ``convolve(x, kernel, "full")``.

    Parameters
    ----------
    kernel : array_like, shape (K,)
        Real, finite filter taps, ``kernel[0]`` on the newest sample.
    method : {"auto", "direct", "partitioned"}
        "direct": the whole kernel through the engine's direct kernel (the outputs equal the
        batch direct convolution bit for bit, the first K−1 aside).  "partitioned": the
        partitioned overlap-save above.  "auto": the cost model picks the partition size
        from the first chunk's length (the whole kernel when that is cheapest).
    block : int, optional
        Partition size for ``method="partitioned"`` (``1 <= block < K``); default: the cost
        model's choice.  The plan is made once, for the first chunk's length: a stream whose
        chunks will be much shorter than its first one (a long kernel fed a large first block,
        then single samples) does better with ``method="partitioned"`` and a small ``block``.

    Notes
    -----
    Concatenating the pushes and then :meth:`flush` equals ``convolve(x, kernel, "full")``:
    each push returns exactly ``L`` outputs for its ``L`` samples (the leading axes of the
    chunks are a batch of channels), ``flush`` the last ``K - 1``.  The state carried from
    one chunk to the next is the last ``max(K - 1, 2B)`` samples (:attr:`state` gives the
    last ``K - 1``), plus, when partitioned, the spectra of the last ``P - 1`` blocks and the
    tail of the block in progress (both functions of those samples).  The output dtype is
    the engine's for the kernel and the first chunk (float32 with a float32 kernel stays
    float32).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import stream
    >>> fir = stream.FIR([0.5, 0.5])
    >>> fir.push([1.0, 2.0, 3.0]), fir.push([4.0]), fir.flush()
    (array([0.5, 1.5, 2.5]), array([3.5]), array([2.]))
    """

    def __init__(self, kernel, *, method: str = "auto", block: int | None = None) -> None:
        k = as_array("kernel", kernel, allow_complex=False)
        if k.ndim != 1:
            raise ValueError(f"`kernel` must be 1D (taps); got shape {k.shape}")
        if not np.isfinite(k).all():
            raise ValueError("`kernel` must be finite")
        self._method = check_option("method", method, FIR_METHODS)
        if block is not None:
            if self._method != "partitioned":
                raise ValueError(f"`block` only applies to method='partitioned'; got method={method!r}")
            block = check_int("block", block, minimum=1, maximum=max(1, k.size - 1))
            if k.size < 2:
                raise ValueError("`block` needs a kernel of at least 2 taps")
        elif self._method == "partitioned" and k.size < 2:
            raise ValueError("method='partitioned' needs a kernel of at least 2 taps")
        self._kernel = k.astype(float_dtype(k))
        self._block_arg = block
        super().__init__()

    @property
    def taps(self) -> int:
        """The kernel's length ``K``."""
        return self._kernel.size

    @property
    def block(self) -> int | None:
        """The partition size in use (``K``: no partition; None before the first chunk)."""
        return getattr(self, "_b", None) if self._batch is not None else None

    @property
    def state(self) -> np.ndarray | None:
        """The last ``K - 1`` samples per channel (zeros before the start), a copy."""
        if self._batch is None:
            return None
        k1 = self.taps - 1
        return self._hist[:, self._hist.shape[1] - k1:].reshape(self._batch + (k1,)).copy()

    def _compute_dtype(self, arr):
        return float_dtype(arr, self._kernel)

    def _describe(self) -> str:
        return f"taps={self.taps}, method={self._method!r}"

    def _start(self, rows: np.ndarray) -> None:
        dtype, nrows, taps = rows.dtype, rows.shape[0], self.taps
        if self._method == "direct":
            b = taps
        elif self._block_arg is not None:
            b = self._block_arg
        else:
            b = plan_partitions(rows.shape[1], taps, dtype, partitioned_only=self._method == "partitioned")
        h = self._kernel.astype(dtype)
        self._b = b
        self._head = ValidConvolution(h[:b], "direct" if self._method == "direct" else "auto")
        tail = b < taps
        self._hist = np.zeros((nrows, max(taps - 1, 2 * b if tail else 0)), dtype=dtype)
        if tail:
            parts = -(-taps // b)
            padded = np.zeros(parts * b, dtype=dtype)
            padded[:taps] = h
            self._tail_taps = h[b:]
            self._spectra = sfft.rfft(padded.reshape(parts, b)[1:], 2 * b, axis=-1)
            self._delay = np.zeros((nrows, parts - 1, b + 1), dtype=self._spectra.dtype)
            self._tail_now = np.zeros((nrows, b), dtype=dtype)

    def _clear(self) -> None:
        super()._clear()
        for name in ("_hist", "_head", "_spectra", "_delay", "_tail_now", "_tail_taps", "_b"):
            self.__dict__.pop(name, None)

    def _push_rows(self, rows: np.ndarray) -> np.ndarray:
        hlen, b = self._hist.shape[1], self._b
        ext = np.concatenate((self._hist, rows), axis=1)
        seg = ext[:, hlen - (b - 1):]
        y = self._head(seg)
        if b < self.taps:
            y = np.array(y, order="C", copy=True) if not y.flags.writeable else y
            self._add_tail(ext, y)
        self._hist = np.ascontiguousarray(ext[:, ext.shape[1] - hlen:])
        return y

    def _add_tail(self, ext: np.ndarray, y: np.ndarray) -> None:
        """Add the tail partitions' contribution to the outputs ``y`` of this push (see the
        module docstring); ``ext``: the history followed by the chunk."""
        pos, hlen, length, b = self._position, self._hist.shape[1], y.shape[1], self._b
        first = pos // b                       # the block of this push's first sample
        done = (pos + length) // b - first     # blocks this push completes
        finite = bool(np.isfinite(ext).all())
        tails = self._tail_now[:, None, :]
        if done:
            clean = ext if finite else np.where(np.isfinite(ext), ext, 0)
            start = (first - 1) * b - (pos - hlen)     # ext index of the first window
            windows = sliding_window_view(clean[:, start:start + (done + 1) * b], 2 * b, axis=1)[:, ::b]
            fresh = sfft.rfft(windows, axis=-1)
            seq = np.concatenate((self._delay, fresh), axis=1)
            parts = self._spectra.shape[0] + 1
            acc = seq[:, parts - 1:parts - 1 + done] * self._spectra[0]
            for j in range(2, parts):
                acc += seq[:, parts - j:parts - j + done] * self._spectra[j - 1]
            new = sfft.irfft(acc, 2 * b, axis=-1, overwrite_x=True)[..., b:].astype(y.dtype, copy=False)
            tails = np.concatenate((tails, new), axis=1)
            self._delay = np.ascontiguousarray(seq[:, seq.shape[1] - (parts - 1):])
        flat = tails.reshape(y.shape[0], -1)
        off = pos - first * b
        part = flat[:, off:off + length]
        self._tail_now = np.ascontiguousarray(tails[:, -1])
        if not finite:
            part = part.copy()
            self._direct_tail(ext, part)
        with np.errstate(invalid="ignore", over="ignore"):   # inf + -inf is NaN, as in the batch sum
            y += part

    def _direct_tail(self, ext: np.ndarray, y: np.ndarray) -> None:
        """Tail contributions ``y`` whose window holds a non-finite sample, summed directly
        (the transforms saw those samples as 0)."""
        hlen, length, b, taps = self._hist.shape[1], y.shape[1], self._b, self.taps
        bad = ~np.isfinite(ext)
        counts = np.concatenate((np.zeros((ext.shape[0], 1), np.int64), np.cumsum(bad, axis=1)), axis=1)
        t = hlen + np.arange(length)                    # ext index of each output's newest sample
        hits = counts[:, t - b + 1] - counts[:, t - taps + 1]   # non-finite in [t-K+1, t-B]
        rows_, cols = np.nonzero(hits)
        if rows_.size == 0:
            return
        reach = taps - b
        win = sliding_window_view(ext, reach, axis=1)   # win[r, s] = ext[r, s:s+reach]
        starts = t[cols] - taps + 1
        # tail taps h[B..K-1] meet samples t-B..t-K+1: reversed against the window
        with np.errstate(invalid="ignore", over="ignore"):
            y[rows_, cols] = (win[rows_, starts] * self._tail_taps[::-1]).sum(axis=1)

    def _flush_rows(self) -> np.ndarray:
        if self.taps == 1:
            return np.empty((self._hist.shape[0], 0), dtype=self._dtype)
        return self._push_rows(np.zeros((self._hist.shape[0], self.taps - 1), dtype=self._dtype))
