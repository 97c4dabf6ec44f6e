"""Overlap-save strips of whole rows: 2D correlations of a short template with a tall image.

A template of ``mh`` rows correlated with a strip of ``L`` image rows (zero-padded to the
fast width ``W'``) gives ``L - mh + 1`` rows of 'valid' output; strips start every ``step =
L - mh + 1`` output rows.  Compared with one transform of the whole image, each strip's
spectra, products and scores stay near the cache, buffers are reused strip after strip, and
the strips are independent tasks: with several threads, each thread takes whole strips and
runs its transforms on one thread (scipy.fft releases the GIL, the scoring kernels are
``nogil``), which scales better than splitting each transform between threads.

The transforms are split by axis so that no work or allocation is wasted:

* forward: the real transform of each row the strip holds (the zero rows past the image's
  end are not transformed), then the complex transform of each column, in place;
* inverse: the product with the kernel's spectrum, the complex inverse of each column in
  place, then the real inverse of only the rows that hold valid outputs, straight into the
  caller's buffer.

scipy's private pocketfft bindings (``c2c``/``r2c``/``c2r``, the functions behind
``scipy.fft``, with an ``out=`` argument and strided views) are used after a one-time check
that they still equal the public transforms; otherwise the public ones, with copies.
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.fft as sfft

from sigconv import _workspace

try:   # the transforms scipy.fft runs, with an output array and in place
    from scipy.fft._pocketfft.pypocketfft import c2c as _private_c2c
    from scipy.fft._pocketfft.pypocketfft import c2r as _private_c2r
    from scipy.fft._pocketfft.pypocketfft import r2c as _private_r2c
except ImportError:   # pragma: no cover - another scipy layout: the public transforms
    _private_c2c = _private_c2r = _private_r2c = None

#: strips of at least this many rows, and of at most _STRIP_POINTS points
_TILE_MIN = 256
_STRIP_POINTS = 2 ** 20


@functools.cache
def _private_transforms():
    """scipy's private pocketfft bindings ``(c2c, r2c, c2r)``, or None unless they compute
    what the public transforms do with the arguments used here (checked once, on first use,
    on a small array and strided views: a private signature may change between scipy
    releases without an error)."""
    if _private_c2c is None or _private_c2r is None or _private_r2c is None:
        return None
    a = np.random.default_rng(0).standard_normal((2, 6, 10))
    spec = np.zeros((2, 8, 6), np.complex128)
    back = np.zeros((2, 5, 10))
    try:
        _private_r2c(a, (2,), True, 0, spec[:, :6], 1)
        _private_c2c(spec, (1,), True, 0, spec, 1)
        ok = np.allclose(spec, sfft.rfftn(a, (8, 10), axes=(1, 2)))
        _private_c2c(spec, (1,), False, 2, spec, 1)
        _private_c2r(spec[:, 1:6], (2,), 10, False, 2, back, 1)
    except (TypeError, ValueError):
        return None
    if ok and np.allclose(back, a[:, 1:6]):
        return _private_c2c, _private_r2c, _private_c2r
    return None   # pragma: no cover - depends on the scipy release


@functools.lru_cache(maxsize=256)
def tile_shape(shape: tuple[int, int], tshape: tuple[int, ...], fshape: tuple[int, ...],
               workers: int, per_strip: float = 5.0, kernels: int = 2) -> tuple[int, int] | None:
    """Strips ``(L, W')`` of whole rows for the 2D correlations of a template much shorter
    than the signal, or None (one transform of the signal's size).

    ``L`` is a fast length of at least ``max(4 mh, 256)`` rows and at most ``_STRIP_POINTS``
    points; among those, the one with the least time per thread, counted in transformed rows
    times ``log2(L W')``: ``per_strip`` transforms of every strip, the strips taken
    ``workers`` at a time, and ``kernels`` kernel spectra of ``L`` rows (ties: the shortest
    strip).  The default counts masked zncc (2 forward and 3 inverse transforms per strip,
    the spectra of the mask and the masked template); ``match_many`` without a mask passes
    about one inverse per strip and one kernel.  Strips are used when they transform at most
    1.3 times the rows of the whole-signal transform (measured on a 1024² float32 image, 64²
    disc mask, masked zncc, one thread: 37 ms whole-image, 28 ms in 3 strips of 384 rows).
    """
    n, m, f, width = shape[0], tshape[0], fshape[0], fshape[1]
    out = n - m + 1
    best = None
    size = sfft.next_fast_len(max(4 * m, _TILE_MIN), real=True)
    while size < f and size * width <= _STRIP_POINTS:
        strips = -(-out // (size - m + 1))
        rows = per_strip * -(-strips // workers) * size + kernels * size / workers
        cost = (rows * math.log2(size * width), size)
        if strips * size <= 1.3 * f and (best is None or cost < best[0]):
            best = (cost, size)
        size = sfft.next_fast_len(size + 1, real=True)
    return None if best is None else (best[1], width)


@functools.cache
def _pool(n: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(n, thread_name_prefix="sigconv-strips")


if hasattr(os, "register_at_fork"):   # a forked child has none of the parent's threads: new pools
    os.register_at_fork(after_in_child=_pool.cache_clear)


def slots_for(n_tasks: int, workers: int) -> int:
    """Threads that :func:`for_each` uses for ``n_tasks`` tasks."""
    return max(1, min(workers, n_tasks))


def for_each(n_tasks: int, workers: int, body: Callable[[int, int, int], None]) -> None:
    """``body(task, slot, fft_workers)`` for every task, on :func:`slots_for` threads (the
    calling thread is slot 0): each thread takes the next task not yet taken, in order, so
    tasks of unequal cost keep every thread busy; ``slot`` names the thread (per-slot buffers
    are never shared) and ``fft_workers`` is the threads each task's transforms may use (the
    ones left over).  Returns once every task is done; the first error raised by a task is
    raised again."""
    slots = slots_for(n_tasks, workers)
    fft_workers = max(1, workers // slots)
    tasks = iter(range(n_tasks))
    lock = threading.Lock()

    def run(slot):
        while True:
            with lock:
                task = next(tasks, None)
            if task is None:
                return
            body(task, slot, fft_workers)

    if slots == 1:
        run(0)
        return
    futures = [_pool(slots - 1).submit(run, slot) for slot in range(1, slots)]
    try:
        run(0)
    finally:   # the other slots are done (their buffers free) before anything is returned or raised
        for fut in futures:
            fut.exception()
    for fut in futures:
        fut.result()


def spectrum_dtype(dtype) -> np.dtype:
    return np.result_type(dtype, np.complex64)


def forward(rows: np.ndarray, tile: tuple[int, int], out: np.ndarray, pad: np.ndarray | None,
            workers: int) -> None:
    """``out[...] = rfftn(rows, tile, axes=(-2, -1))`` for ``rows`` ``(B, r, w)`` with
    ``r <= L``, ``w <= W'``; ``pad`` is a ``(B, L, W')`` buffer of the real dtype, used
    (overwritten) when ``w < W'``."""
    r, w = rows.shape[-2:]
    if w < tile[1]:
        pad[:, :r, :w] = rows
        pad[:, :r, w:] = 0
        rows = pad[:, :r]
    fns = _private_transforms()
    if fns is None:
        out[:, :r] = sfft.rfft(rows, tile[1], axis=-1, workers=workers)
    else:
        fns[1](rows, (rows.ndim - 1,), True, 0, out[:, :r], workers)
    out[:, r:] = 0
    if fns is None:
        out[...] = sfft.fft(out, axis=-2, workers=workers)
    else:
        fns[0](out, (out.ndim - 2,), True, 0, out, workers)


def kernel_spectrum(t: np.ndarray, tile: tuple[int, int], ws: _workspace.Scratch, workers: int) -> np.ndarray:
    """Spectrum ``(B, L, W'//2+1)`` at the strips' size of the flipped kernel ``t`` ``(B, mh,
    mw)`` (correlating a strip with ``t`` = convolving it with this), in a buffer of ``ws``."""
    b, mh, _ = t.shape
    out = ws.empty((b, tile[0], tile[1] // 2 + 1), spectrum_dtype(t.dtype))
    forward(t[:, ::-1, ::-1], tile, out, ws.empty((b, mh, tile[1]), t.dtype), workers)
    return out


def forward_strip(array: np.ndarray, shift: np.ndarray | None, squared: bool, start: int, tile: tuple[int, int],
                  out: np.ndarray, own: np.ndarray | None, pad: np.ndarray | None, workers: int,
                  shifted: bool = False) -> None:
    """:func:`forward` of the strip of rows ``start, ..., start + L - 1`` of ``array - shift``
    (squared if ``squared``; see :func:`strip_spectra`): ``own`` is a ``(B, L, W)`` buffer of
    the real dtype for the shifted or squared rows (None if neither); ``shifted`` says it
    already holds this strip's ``array - shift`` (the strip of the same array, unsquared, was
    transformed last); ``pad`` as in :func:`forward`."""
    rows = array[:, start:start + tile[0]]
    if squared or shift is not None:
        own = own[:, :rows.shape[1]]
        if shifted:
            rows = own
        elif shift is not None:
            rows = np.subtract(rows, shift[:, None, None], out=own)
        if squared:
            rows = np.multiply(rows, rows, out=own)
    forward(rows, tile, out, pad, workers)


def inverse_rows(spec: np.ndarray, kspec: np.ndarray, tile: tuple[int, int], skip: int, nr: int,
                 prod: np.ndarray, out: np.ndarray, workers: int) -> np.ndarray:
    """Rows ``skip, ..., skip + nr - 1`` of the circular convolution of a strip (spectrum
    ``spec``) with a kernel (spectrum ``kspec``), written to ``out[:, :nr]`` and returned.

    ``prod`` is a buffer of the product's shape (overwritten); ``out`` is ``(B', >= nr, W')``.
    """
    np.multiply(spec, kspec, out=prod)
    fns = _private_transforms()
    if fns is None:
        y = sfft.irfftn(prod, tile, axes=(-2, -1), workers=workers)
        out[:, :nr] = y[:, skip:skip + nr]
        return out[:, :nr]
    fns[0](prod, (prod.ndim - 2,), False, 2, prod, workers)
    fns[2](prod[:, skip:skip + nr], (prod.ndim - 1,), tile[1], False, 2, out[:, :nr], workers)
    return out[:, :nr]


def strip_spectra(cache: dict, requests, tile: tuple[int, int], step: int, n_out: int, workers: int,
                  empty=np.empty, extra: Sequence[Callable[[int], None]] = ()) -> list[np.ndarray]:
    """Spectra ``(strips, B, L, W'//2+1)`` of the overlapping strips of ``tile[0]`` rows, one
    per ``step`` output rows (the last zero-padded), of each request ``(key, array, shift,
    squared)``: of ``a = array - shift[:, None, None]`` (``array`` ``(B, H, W)``, ``shift``
    ``(B,)`` or None: ``a = array``), or of ``a**2`` if ``squared``.  A shifted strip is
    computed in a buffer of the task's, so ``a`` is never written whole.

    Each array of spectra comes from ``empty(shape, dtype)`` and is cached in ``cache`` under
    ``key`` (and the strips' layout).  The strips of every request, and the ``extra`` tasks
    (callables of the FFT threads they may use: the kernels' spectra), are tasks of one
    :func:`for_each`, so the threads wait once for all of them.
    """
    starts = range(0, n_out, step)
    out, todo, fresh = [], [], {}
    for key, array, shift, squared in requests:
        ckey = key + ("strips", tile, step, n_out, squared)   # the strips' starts depend on the template
        if ckey not in cache and ckey not in fresh:
            b = array.shape[0]
            fresh[ckey] = empty((len(starts), b, tile[0], tile[1] // 2 + 1), spectrum_dtype(array.dtype))
            todo.append((array, shift, squared, fresh[ckey]))
        out.append(cache[ckey] if ckey in cache else fresh[ckey])
    tasks = [(None, task) for task in extra] + [(job, i) for job in todo for i in range(len(starts))]
    slots = slots_for(len(tasks), workers)
    with _workspace.scratch() as ws:
        pads = [{} for _ in range(slots)]   # per slot, per array shape and dtype
        squares = [{} for _ in range(slots)]

        def buffer(kind, slot, shape, dtype):
            key = (shape, np.dtype(dtype).str)
            if key not in kind[slot]:
                kind[slot][key] = ws.empty(shape, dtype)
            return kind[slot][key]

        def body(t, slot, fw):
            job, i = tasks[t]
            if job is None:
                i(fw)
                return
            array, shift, squared, spectra = job
            b, width = array.shape[0], array.shape[2]
            own = buffer(squares, slot, (b, tile[0], width), array.dtype) if squared or shift is not None else None
            pad = buffer(pads, slot, (b,) + tuple(tile), array.dtype) if width < tile[1] else None
            forward_strip(array, shift, squared, starts[i], tile, spectra[i], own, pad, fw)

        for_each(len(tasks), workers, body)
    cache.update(fresh)   # only once every strip is transformed (a failed task caches nothing)
    return out
