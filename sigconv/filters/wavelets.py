"""The continuous wavelet transform as one kernel bank on shared signal spectra (API.md §2b).

``cwt(x, widths)`` convolves ``x`` ('same') with one sampled wavelet per width, exactly as the
``scipy.signal.cwt`` that scipy 1.15 removed (the same definition still ships privately as
``scipy.signal._wavelets._cwt``).  Kernels of at most :data:`DIRECT_MAX_TAPS` taps are
convolved directly (:func:`sigconv._kernels.wavelets.direct_same`).  For the others, the signal
is cut into overlap-save blocks and transformed once per octave of kernel length (real
transform, half spectra); the kernels of an octave sit in one common frame, centred so that the
'same' alignment is shared.  Real (Ricker) kernels then go two to one complex inverse transform:
the frame ``g1 + i g2`` has the spectrum ``G1 + i G2``, and ``X (G1 + i G2)`` transforms back
to ``x * g1 + i x * g2``; a complex (Morlet) kernel takes one.  The products and inverse
transforms run a few blocks at a time (they stay in L2), and each kernel, or pair, is one task
for the threads.

Not the analytic spectra of the wavelets: the definition truncates each wavelet at
``min(10 width, n)`` samples, and that truncation is not band-limited (the Ricker wavelet is
still about 1e-4 of its peak where it is cut), so only the sampled, truncated kernels are equal
to it to rounding.
"""

from __future__ import annotations

import concurrent.futures
import math
import threading

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._fft import THREADS_MIN_POINTS
from sigconv._jit import resolve_workers
from sigconv._validate import as_array, check_float, check_option

__all__ = ["cwt"]

WAVELETS = ("ricker", "morlet2")

#: outputs (widths x samples) from which the widths run on threads (measured on 2 cores, 64
#: widths: break-even at 2e4 samples, 1.5x faster at 1e5; below, the threads cost more)
_THREADS_MIN_OUTPUTS = 1 << 21


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


#: kernels of at most this many taps are convolved directly (no transform)
DIRECT_MAX_TAPS = 40
#: bytes of complex blocks multiplied and inverse-transformed at a time (stays in L2)
CHUNK_BYTES = 1 << 19
#: the largest block that stays cheap per point (pocketfft's complex transforms of 16384
#: points cost twice as much per point as those of 8192 on a 2 MiB L2)
_CACHED_BLOCK = 1 << 13


def _geometry(frame: int, n: int) -> tuple[int, int, int]:
    """Overlap-save block size, step and block count for a kernel frame of ``frame`` taps.

    The block minimises the transform work of one kernel (or pair): ``(blocks + 1) B log2(B)``,
    the blocks' inverse transforms and the kernel's own (a power of two from 2 ``frame``, about
    8 ``frame`` for long signals, or one block of ``next_fast_len(n + frame - 1)``); blocks
    under 256 points cost as much per point as 256, those over :data:`_CACHED_BLOCK` half as
    much again."""
    import scipy.fft

    def work(b: int) -> float:
        per_point = max(math.log2(b), 8.0) * (1.5 if b > _CACHED_BLOCK else 1.0)
        return (-(-n // (b - frame + 1)) + 1) * b * per_point

    first = 1 << max(7, int(math.ceil(math.log2(2 * frame))))
    whole = scipy.fft.next_fast_len(n + frame - 1)
    block = min([first << i for i in range(4) if first << i < whole] + [whole], key=work)
    step = block - frame + 1
    return block, step, -(-n // step)


def _direct(rows: np.ndarray, kernel: np.ndarray, dest: np.ndarray) -> None:
    """'same' convolution of each row ``(R, n)`` with one short kernel into ``dest`` ``(R, n)``,
    directly."""
    from sigconv._kernels.wavelets import direct_same

    pad = kernel.size
    xp = np.zeros((rows.shape[0], rows.shape[1] + 2 * pad), dtype=rows.dtype)
    xp[:, pad:pad + rows.shape[1]] = rows
    direct_same(xp, pad, kernel.astype(np.result_type(dest.dtype, rows.dtype), copy=False), dest)


class _Blocks:
    """The overlap-save blocks of the rows for one group of kernels (all at most ``frame - 1``
    taps) and their half spectra.

    The kernels sit in one frame of ``F`` taps, each shifted so that its 'same' centre
    ``(N - 1) // 2`` lands on the frame's ``(F - 1) // 2``: the full convolution with the
    frame is ``full[j] = sum_k g[k] xp[j + F - 1 - k]``, the 'same' outputs are
    ``full[centre + i]``, and a block starting at ``xp[s]`` gives ``full[s .. s + step - 1]``
    (its samples ``F - 1 ..``)."""

    def __init__(self, rows: np.ndarray, frame: int, threads: int):
        import scipy.fft

        nrows, n = rows.shape
        self.n, self.frame = n, frame
        self.centre = (frame - 1) // 2
        self.block, self.step, self.nblocks = _geometry(frame, n)
        self.cdtype = np.result_type(rows.dtype, np.complex64)
        xp = np.zeros((nrows, self.centre + self.nblocks * self.step + frame - 1), dtype=rows.dtype)
        xp[:, frame - 1:frame - 1 + n] = rows
        windows = np.lib.stride_tricks.sliding_window_view(xp, self.block, axis=-1)
        blocks = windows[:, self.centre::self.step][:, :self.nblocks]       # (R, nb, B): a view
        workers = threads if blocks.size >= THREADS_MIN_POINTS else 1
        self.spectra = scipy.fft.rfft(blocks, axis=-1, workers=workers)                  # (R, nb, B/2 + 1)
        self.chunk = max(1, min(nrows * self.nblocks, CHUNK_BYTES // (self.block * self.cdtype.itemsize)))

    def convolve(self, kernels: list[np.ndarray], first: np.ndarray, second: np.ndarray | None, local) -> None:
        """Real kernels (one or two): ``x * kernels[0]`` into ``first`` and ``x * kernels[1]``
        into ``second``, both ``(R, n)``, from one complex inverse transform per block (the frame
        ``g1 + i g2`` has the spectrum ``G1 + i G2``: ``X (G1 + i G2)`` transforms back to
        ``x * g1 + i x * g2``).  A complex kernel: ``first``/``second`` are the ``.real`` and
        ``.imag`` views of its complex output."""
        import scipy.fft

        from sigconv._kernels.wavelets import hermitian_product, keep_pair

        g = np.zeros(self.block, dtype=np.complex128)
        for part, k in zip((g.real, g.imag), kernels):
            shift = self.centre - (k.size - 1) // 2
            if k.dtype.kind == "c":
                g[shift:shift + k.size] = k
            else:
                part[shift:shift + k.size] = k
        spec = scipy.fft.fft(g, overwrite_x=True).astype(self.cdtype, copy=False)
        # one scratch per thread, reused by its tasks
        need = self.chunk * self.block
        if getattr(local, "scratch", None) is None or local.scratch.size < need:
            local.scratch = np.empty(need, dtype=self.cdtype)
        scratch = local.scratch[:need].reshape(self.chunk, self.block)
        both = second is not None
        spectra = self.spectra.reshape(-1, self.spectra.shape[-1])   # every row's blocks in turn
        for b0 in range(0, spectra.shape[0], self.chunk):
            z = scratch[:min(self.chunk, spectra.shape[0] - b0)]
            hermitian_product(spectra, spec, z, b0)
            y = scipy.fft.ifft(z, axis=-1, overwrite_x=True)
            keep_pair(y, self.frame - 1, self.step, b0, self.nblocks, first, second if both else first, both)


def _grouped_bank(rows: np.ndarray, kernels: list[np.ndarray], complex_out: bool, workers: int) -> np.ndarray:
    """Every kernel's 'same' convolution of the rows: short kernels directly (:func:`_direct`),
    the others on overlap-save blocks (:class:`_Blocks`) transformed once per octave of kernel
    length, so that short kernels get short blocks (fewer operations per output and transforms
    that stay in cache); real kernels go two to an inverse transform.

    Each kernel (or pair) is one task.  With threads, the tasks go to one queue (scipy.fft,
    numpy and the kernels release the GIL): the longest octave's as soon as its blocks are
    transformed, while this thread transforms the next octave's, and the direct kernels, the
    shortest tasks, last, so that the threads stay busy to the end.  A task computes the same
    numbers on any thread."""
    dtype = np.result_type(rows.dtype, np.complex64) if complex_out else rows.dtype
    out = np.empty((rows.shape[0], len(kernels), rows.shape[1]), dtype=dtype)
    sizes = np.array([k.size for k in kernels])
    octave = np.array([int(size).bit_length() for size in sizes])
    octave[sizes <= DIRECT_MAX_TAPS] = 0
    threads = min(workers, len(kernels)) if out.size >= _THREADS_MIN_OUTPUTS else 1
    local = threading.local()                                 # a scratch per thread

    def tasks():
        """``(function, arguments)`` of every task, the longest octave first."""
        for level in np.unique(octave[octave > 0])[::-1]:
            members = np.flatnonzero(octave == level)
            group = _Blocks(rows, int(sizes[members].max()) + 1, threads)
            if complex_out:
                for j in members:
                    yield group.convolve, ([kernels[j]], out[:, j].real, out[:, j].imag, local)
                continue
            for i in range(0, members.size, 2):
                pair = members[i:i + 2]
                second = out[:, pair[1]] if pair.size == 2 else None
                yield group.convolve, ([kernels[j] for j in pair], out[:, pair[0]], second, local)
        for j in np.flatnonzero(octave == 0)[::-1]:
            yield _direct, (rows, kernels[j], out[:, j])

    if threads == 1:
        for function, args in tasks():
            function(*args)
        return out
    # one pool per call, so that a process forked later never inherits one
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for done in [pool.submit(function, *args) for function, args in tasks()]:
            done.result()
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
        Threads (None: every core); the widths run on threads only from about 2e6 outputs
        (widths x samples).

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
    of those definitions, to rounding.  Short kernels (up to 40 taps) are convolved directly;
    for the others the signal is transformed once per octave of kernel length (overlap-save
    blocks), and each width costs one product and half a complex inverse transform (Ricker: two
    widths per transform) or one (Morlet).  An output whose window covers a
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
