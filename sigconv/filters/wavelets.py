"""The continuous wavelet transform as one kernel bank on shared signal spectra (API.md §2b).

``cwt(x, widths)`` convolves ``x`` ('same') with one sampled wavelet per width, exactly as the
``scipy.signal.cwt`` that scipy 1.15 removed (the same definition still ships privately as
``scipy.signal._wavelets._cwt``).  Instead of one convolution per width, the signal is cut into
overlap-save blocks and transformed once per octave of kernel length; each width then costs one
product with its kernel's spectrum and one inverse transform of the blocks.  The kernels of an
octave sit in one common frame, centred so that the 'same' alignment is shared.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import math

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._fft import THREADS_MIN_POINTS
from sigconv._jit import resolve_workers
from sigconv._validate import as_array, check_float, check_option

__all__ = ["cwt"]

WAVELETS = ("ricker", "morlet2")

#: outputs (widths x samples) from which the widths run on threads
_THREADS_MIN_OUTPUTS = 1 << 22

def _ricker(points, a: float) -> np.ndarray:
    """The Ricker ("Mexican hat") wavelet sampled at ``points`` centred samples (the removed
    ``scipy.signal.ricker``): ``2 / (sqrt(3a) pi**(1/4)) (1 - t²/a²) exp(-t² / 2a²)``."""
    t = np.arange(0, points) - (points - 1.0) / 2
    tsq = t * t
    return 2.0 / (math.sqrt(3.0 * a) * math.pi ** 0.25) * (1.0 - tsq / a**2) * np.exp(-tsq / (2.0 * a**2))


def _morlet2(points, s: float, w: float) -> np.ndarray:
    """The complex Morlet wavelet of the removed ``scipy.signal.morlet2``:
    ``sqrt(1/s) pi**(-1/4) exp(i w t/s) exp(-(t/s)² / 2)``."""
    t = (np.arange(0, points) - (points - 1.0) / 2) / s
    return math.sqrt(1.0 / s) * math.pi ** -0.25 * np.exp(1j * w * t) * np.exp(-0.5 * t * t)


def _kernels(widths: np.ndarray, n: int, wavelet: str, w: float) -> list[np.ndarray]:
    """Each width's convolution kernel: ``conj(wavelet(min(10 width, n), width)[::-1])``."""
    out = []
    for width in widths:
        points = min(10 * width, n)
        wav = _ricker(points, width) if wavelet == "ricker" else _morlet2(points, width, w)
        out.append(np.conj(wav[::-1]))
    return out


def _geometry(frame: int, n: int) -> tuple[int, int, int]:
    """Overlap-save block size, step and block count for a kernel frame of ``frame`` taps."""
    import scipy.fft

    block = 1 << max(8, int(math.ceil(math.log2(4 * frame))))
    block = min(block, scipy.fft.next_fast_len(n + frame - 1, real=True))
    step = block - frame + 1
    return block, step, -(-n // step)


def _bank_same(rows: np.ndarray, kernels: list[np.ndarray], slots, out: np.ndarray, pool, threads: int) -> None:
    """'same' convolution of each row ``(R, n)`` with each kernel into ``out[:, slots[j]]``
    (``out``: ``(R, F, n)``, complex for complex kernels).

    The kernels sit in one frame of ``F`` taps, each shifted so that its 'same' centre
    ``(N - 1) // 2`` lands on the frame's ``(F - 1) // 2``; the padded signal is cut into
    overlap-save blocks and transformed once; per kernel, a product and an inverse transform."""
    import scipy.fft

    nrows, n = rows.shape
    frame = max(k.size for k in kernels) + 1
    centre = (frame - 1) // 2
    block, step, nblocks = _geometry(frame, n)
    real = out.dtype.kind != "c"
    fft, ifft = (scipy.fft.rfft, scipy.fft.irfft) if real else (scipy.fft.fft, scipy.fft.ifft)
    # full[j] of the frame convolution = sum_k g[k] xp[j + F - 1 - k]; the 'same' outputs are
    # full[centre + i]; a block starting at xp[s] gives full[s .. s + step - 1]
    xp = np.zeros((nrows, centre + nblocks * step + frame - 1), dtype=rows.dtype)
    xp[:, frame - 1:frame - 1 + n] = rows
    starts = centre + step * np.arange(nblocks)
    blocks = np.lib.stride_tricks.sliding_window_view(xp, block, axis=-1)[:, starts]   # (R, nb, B)
    spectra = fft(blocks, axis=-1, workers=threads if blocks.size >= THREADS_MIN_POINTS else 1)
    whole = n // step
    # kernel spectra a few at a time: memory stays bounded (about 32 MB) for any widths
    per_chunk = max(1, (1 << 21) // (block // 2 + 1))

    def widths_from(first: int, stride: int) -> None:
        prod = np.empty_like(spectra)
        mine = list(range(first, len(kernels), stride))
        for c0 in range(0, len(mine), per_chunk):
            chunk = mine[c0:c0 + per_chunk]
            frames = np.zeros((len(chunk), block), dtype=out.dtype)
            for i, j in enumerate(chunk):
                k = kernels[j]
                shift = centre - (k.size - 1) // 2
                frames[i, shift:shift + k.size] = k
            kspec = fft(frames, axis=-1)                                   # (chunk, B')
            for i, j in enumerate(chunk):
                np.multiply(spectra, kspec[i], out=prod)
                y = ifft(prod, n=block, axis=-1, overwrite_x=True) if real else ifft(prod, axis=-1, overwrite_x=True)
                kept = y[..., frame - 1:frame - 1 + step]                  # (R, nb, step)
                dest = out[:, slots[j]]
                dest[:, :whole * step].reshape(nrows, whole, step)[...] = kept[:, :whole]
                if whole < nblocks:
                    dest[:, whole * step:] = kept[:, whole, :n - whole * step]

    if pool is None:
        widths_from(0, 1)
        return
    for done in [pool.submit(widths_from, t, threads) for t in range(threads)]:
        done.result()


def _grouped_bank(rows: np.ndarray, kernels: list[np.ndarray], complex_out: bool, workers: int) -> np.ndarray:
    """:func:`_bank_same` per octave of kernel length: short kernels get short blocks (fewer
    operations per output and transforms that stay in cache), at one signal transform per
    octave."""
    dtype = np.result_type(rows.dtype, np.complex64) if complex_out else rows.dtype
    out = np.empty((rows.shape[0], len(kernels), rows.shape[1]), dtype=dtype)
    octave = np.array([int(k.size).bit_length() for k in kernels])
    # the widths on threads (scipy.fft and numpy release the GIL) only for work that repays
    # starting them; one pool per call, so that a process forked later never inherits one
    threads = min(workers, len(kernels)) if out.size >= _THREADS_MIN_OUTPUTS else 1
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(concurrent.futures.ThreadPoolExecutor(threads)) if threads > 1 else None
        for level in np.unique(octave):
            members = np.flatnonzero(octave == level)
            _bank_same(rows, [kernels[j] for j in members], members, out, pool, threads)
    return out


def _blank_windows(out: np.ndarray, bad: np.ndarray, kernels: list[np.ndarray]) -> None:
    """NaN where an output's window (kernel ``N`` taps, 'same') covers a non-finite sample."""
    nrows, n = bad.shape
    counts = np.zeros((nrows, n + 1), dtype=np.int64)
    np.cumsum(bad, axis=1, out=counts[:, 1:])
    i = np.arange(n)
    for j, k in enumerate(kernels):
        size = k.size
        hi = np.clip(i + (size - 1) // 2 + 1, 0, n)
        lo = np.clip(i + (size - 1) // 2 - size + 1, 0, n)
        out[:, j][(counts[:, hi] - counts[:, lo]) > 0] = np.nan


def cwt(x: ArrayLike, widths: ArrayLike, wavelet: str = "ricker", *, w: float = 5.0,
        axis: int = -1, workers: int | None = None) -> np.ndarray:
    """Continuous wavelet transform with the Ricker or complex Morlet wavelet.

    Parameters
    ----------
    x : array_like
        Real signal(s); other axes are a batch.
    widths : array_like, shape (F,)
        Positive wavelet widths (scales) in samples; each kernel has ``min(10 width, n)`` taps.
    wavelet : {"ricker", "morlet2"}
        "ricker" (Mexican hat, real output) or "morlet2" (complex output; ``w`` sets its
        frequency, the width is its scale ``s``).
    w : float, default 5.0
        Morlet's omega0, > 0 (ignored for "ricker").
    axis : int, default -1
    workers : int, optional
        Threads of the transforms (None: every core; they run threaded only for large
        batches of blocks).

    Returns
    -------
    ndarray
        ``(..., F, n)``: the widths axis sits right before the time axis, which keeps its place
        counted from the end.  float64 (complex128 for morlet2); float32 (complex64) for float32
        input.

    Notes
    -----
    ``cwt(x, widths, "ricker")`` equals the removed ``scipy.signal.cwt(x, scipy.signal.ricker,
    widths)`` (``scipy.signal._wavelets._cwt(x, _ricker, widths)`` in scipy 1.15+) and
    ``"morlet2"`` the removed ``cwt(x, morlet2, widths, w=w)``: the sampled, truncated wavelets
    of those definitions, to rounding.  The signal is transformed once (overlap-save blocks);
    each width costs one product and one inverse transform.  An output whose window covers a
    NaN or ±inf is NaN; the others are unaffected.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv import cwt
    >>> t = np.arange(512)
    >>> x = np.sin(2 * np.pi * t / 32)
    >>> coef = cwt(x, np.arange(1, 31))
    >>> coef.shape
    (30, 512)
    >>> int(np.argmax(np.abs(coef[:, 256]))) + 1     # the width that matches the period best
    8
    """
    wavelet = check_option("wavelet", wavelet, WAVELETS)
    w = check_float("w", w, minimum=0.0, open_min=True)
    wid = as_array("widths", widths, allow_complex=False)
    if wid.ndim != 1:
        raise ValueError(f"`widths` must be a 1D sequence of positive widths; got shape {wid.shape}")
    wid = wid.astype(np.float64) if wid.dtype.kind in "fb" else wid
    if not (np.isfinite(wid).all() and (wid > 0).all()):
        raise ValueError(f"`widths` must be positive and finite; got {wid.tolist()[:10]}")
    arr = as_array("x", x, allow_complex=False)
    rows, _ = fc.signal_rows("x", arr, axis)
    nrows, n = rows.shape
    kernels = _kernels(wid.tolist(), n, wavelet, w)
    finite = np.isfinite(rows)
    clean = rows if finite.all() else np.where(finite, rows, 0).astype(rows.dtype)
    out = _grouped_bank(clean, kernels, wavelet == "morlet2", resolve_workers(workers))
    if not finite.all():
        _blank_windows(out, ~finite, kernels)
    ax_end = axis % arr.ndim - arr.ndim                    # the time axis counted from the end
    lead = arr.shape[:axis % arr.ndim] + arr.shape[axis % arr.ndim + 1:]
    out = out.reshape(lead + (len(kernels), n))
    return np.ascontiguousarray(np.moveaxis(out, (-2, -1), (ax_end - 1, ax_end)))
