"""FFT and overlap-add convolution on :mod:`scipy.fft`, one chain of helpers for 1D and 2D.

Both paths compute requested indices of the 'full' convolution of a signal ``x`` (convolved
axes last, already extended for its boundary) with a kernel ``h`` (already flipped/conjugated
and dilated): ``y[t] = sum_k x[t - k] h[k]``, ``t = start + i * stride``.

* :func:`fft_convolve`: one transform per signal of the smallest fast length whose circular
  wrap-around misses the requested indices (``max(F - start, start + L)``, where ``F`` is the
  full length), so 'valid' and 'same' need shorter transforms than 'full'.  Such a transform
  holds the padded signal, its spectrum and the kernel's at once, about 3x the output; where
  that passes :func:`whole_transform_fits`'s bound (1.25x the output plus
  :data:`FFT_SCRATCH_BYTES`) the signal goes through the block transforms below instead,
  whose scratch is a few blocks (the same result to rounding, and no slower: the blocks are
  chosen by cost, one block where the kernel is as long as the signal).
* :func:`block_convolve` (the "overlap-add" method): block transforms of ``nfft`` points per
  axis, :func:`block_shape` picking ``nfft`` by cost.  1D signals take
  :func:`overlap_add_convolve` (the signal cut into blocks of ``B = nfft - Me + 1`` samples,
  block outputs added where they overlap); images take :func:`overlap_save_convolve` (output
  tiles cropped from the circular convolutions of overlapping input tiles), whose single
  crop costs less than overlap-add's pass per axis (2048² images, 31² kernels: half the time),
  in chunks of tiles small enough for L2, on ``workers`` threads.

Real inputs use real transforms; float32 stays float32; ``workers`` is passed to scipy.fft.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.fft as sfft


def dilate(h: np.ndarray, dilation: tuple[int, ...]) -> np.ndarray:
    """Insert ``d - 1`` zeros between the taps of the last ``len(dilation)`` axes of ``h``."""
    if all(d == 1 for d in dilation):
        return h
    nd = len(dilation)
    shape = h.shape[:-nd] + tuple((m - 1) * d + 1 for m, d in zip(h.shape[-nd:], dilation))
    out = np.zeros(shape, h.dtype)
    out[(Ellipsis,) + tuple(slice(None, None, d) for d in dilation)] = h
    return out


#: transform points (batch included) below which scipy.fft runs on one thread: starting its
#: workers costs ~0.1-0.2 ms here, more than it saves below ~2**17 points
THREADS_MIN_POINTS = 1 << 17


def _transforms(real: bool, nd: int, workers: int):
    """``(fwd, inv)``: forward / inverse transforms of shape ``nfft`` over the last ``nd``
    axes (real transforms for real data), threaded only for large batches; the inverse may
    overwrite its input."""
    forward, inverse = (sfft.rfftn, sfft.irfftn) if real else (sfft.fftn, sfft.ifftn)
    axes = tuple(range(-nd, 0))

    def threads(a, nfft):
        return workers if math.prod(a.shape[:-nd]) * math.prod(nfft) >= THREADS_MIN_POINTS else 1

    def fwd(a, nfft):
        return forward(a, nfft, axes=axes, workers=threads(a, nfft))

    def inv(a, nfft):
        if real and nd > 1:   # scipy's irfftn of float64 ran 1.4-2x slower than its two passes
            a = sfft.ifftn(a, axes=axes[:-1], workers=threads(a, nfft), overwrite_x=True)
            return sfft.irfft(a, nfft[-1], axis=-1, workers=threads(a, nfft), overwrite_x=True)
        return inverse(a, nfft, axes=axes, workers=threads(a, nfft), overwrite_x=True)

    return fwd, inv


def _times(spectrum: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``spectrum * kernel``, in place where the product has the shape of ``spectrum`` (a bank
    of kernels can broadcast it to more signals)."""
    if np.broadcast_shapes(spectrum.shape, kernel.shape) == spectrum.shape:
        spectrum *= kernel
        return spectrum
    return spectrum * kernel


def _take(y: np.ndarray, starts, lengths, strides) -> np.ndarray:
    """Requested indices ``start + i * stride`` (``i * stride < length``) of the last axes."""
    nd = len(starts)
    index = tuple(slice(s, s + n, st) for s, n, st in zip(starts, lengths, strides))
    return y[(Ellipsis,) + index] if nd else y


@functools.lru_cache(maxsize=512)
def fft_lengths(n, me, starts, lengths) -> tuple[int, ...]:
    """Smallest fast transform length per axis whose wrap-around spares the requested outputs."""
    sizes = []
    for nn, m, s, length in zip(n, me, starts, lengths):
        full = nn + m - 1
        sizes.append(sfft.next_fast_len(max(full - s, s + length, 1), real=True))
    return tuple(sizes)


#: scratch beyond 1.25x the output that one transform of the whole signal may take before
#: :func:`fft_convolve` cuts the signal into blocks (issue 14 item 9: a call's extra peak within
#: 1.25x its output plus a few MiB, for every method)
FFT_SCRATCH_BYTES = 4 << 20


def whole_transform_fits(batch: int, shape, lengths, itemsize: int) -> bool:
    """Whether one transform of ``shape`` points per signal (``batch`` signals, results of
    ``itemsize`` bytes) keeps its scratch, about three arrays of the transform's size (the
    padded signal or the product's inverse, the signal's spectrum, the kernel's), within 1.25x
    the requested outputs (``lengths`` per axis) plus :data:`FFT_SCRATCH_BYTES`."""
    scratch = 3 * batch * math.prod(shape) * itemsize
    return scratch <= 1.25 * batch * math.prod(lengths) * itemsize + FFT_SCRATCH_BYTES


def _whole_transform(x: np.ndarray, h: np.ndarray, shape, starts, lengths, strides, workers: int) -> np.ndarray:
    """Requested outputs by one transform of ``shape`` points per signal."""
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", len(starts), workers)
    y = inv(_times(fwd(x, shape), fwd(h, shape)), shape)
    return _take(y, starts, lengths, strides)


def fft_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` over their last axes,
    broadcasting their leading (batch) axes, by one transform per signal, or by the block
    transforms of :func:`block_convolve` where that one transform's scratch would pass
    :func:`whole_transform_fits`'s bound."""
    nd = len(starts)
    shape = fft_lengths(x.shape[-nd:], h.shape[-nd:], starts, lengths)
    batch = math.prod(np.broadcast_shapes(x.shape[:-nd], h.shape[:-nd]))
    if whole_transform_fits(batch, shape, lengths, np.result_type(x, h).itemsize):
        return _whole_transform(x, h, shape, starts, lengths, strides, workers)
    return block_convolve(x, h, starts, lengths, strides, workers=workers)


#: bytes of spectrum per chunk of tiles in :func:`overlap_save_convolve`: the temporaries of
#: a chunk stay in L2 (2 MiB per core here) instead of streaming through memory
CHUNK_BYTES = 1 << 20


#: 1D overlap-add: blocks of more points than this leave the caches (a chunk of blocks and
#: their spectra pass L2) and cost ``OA_LARGE_FACTOR`` more per ``S log2 S`` (N = 1e6,
#: kernels of 1,001 to 16,000 taps, float32 and float64: 2**17-point blocks 1.5-1.8x a
#: 2**16-point block's rate, 2**18 1.8x); without it a 16,000-tap kernel took 2**17 or 2**19
#: points (14-19 ms) where 2**16 take 9.5 ms
OA_CACHE_POINTS = 1 << 16
OA_LARGE_FACTOR = 1.7
#: one transform of the whole axis pays that factor past this many points (110,000-point
#: float64 transforms ran as fast per point as 2**16-point blocks; 1e6 points at 1.5-2x)
OA_WHOLE_CACHE_POINTS = 1 << 18


@functools.lru_cache(maxsize=512)
def oa_block_size(n: int, me: int) -> int:
    """Transform length for overlap-add along one axis: minimises the transform work per
    output sample, ``nfft * log2(nfft) / (nfft - me + 1)`` (blocks past ``OA_CACHE_POINTS``
    and one transform of the whole axis past ``OA_WHOLE_CACHE_POINTS`` times
    ``OA_LARGE_FACTOR``: they leave the caches), over fast lengths with ``me - 1 <= block``;
    never longer than one transform of the whole axis."""
    whole = sfft.next_fast_len(n + me - 1, real=True)
    best, best_cost = whole, math.inf
    k = max(1, int(math.log2(max(2 * me - 1, 2))))
    while True:
        nfft = sfft.next_fast_len(max(2 * me - 1, 2 ** k), real=True)
        if nfft >= whole:
            break
        large = OA_LARGE_FACTOR if nfft > OA_CACHE_POINTS else 1.0
        cost = -(-n // (nfft - me + 1)) * nfft * math.log2(nfft) * large
        if cost < best_cost:
            best, best_cost = nfft, cost
        k += 1
    whole_large = OA_LARGE_FACTOR if whole > OA_WHOLE_CACHE_POINTS else 1.0
    return whole if whole * math.log2(max(whole, 2)) * whole_large <= best_cost else best


#: overlap-save tiles: transforms of more points than this leave the caches and cost
#: ``LARGE_TILE_FACTOR`` more per point (2048² images, 63² kernels: 1125² tiles ran 1.4x
#: slower than 768²); the per-point work of the spectrum product, the crop and the copies,
#: in units of a transform's per-point ``log2`` work (small tiles ran slower than their
#: transform work alone says)
LARGE_TILE_POINTS = 1 << 20
LARGE_TILE_FACTOR = 1.4
TILE_LINEAR_WORK = 16
#: tiles of at most this many points, or 64 times the kernel's (large kernels want wide
#: tiles): a chunk's scratch stays a few MiB on each thread (issue 14: 1024² images with 31²
#: kernels took 384×1080 tiles, 3.4x the output in peak memory; 256×384 tiles 1.6x, as
#: fast within the noise of a loaded machine; 63² kernels ran 10-20% slower so capped)
TILE_MAX_POINTS = 1 << 17


@functools.lru_cache(maxsize=512)
def tile_shape(lengths: tuple[int, ...], me: tuple[int, ...]) -> tuple[int, ...]:
    """Transform shape of the tiles of 2D overlap-save: per axis a fast length of at least
    ``2 * Me - 1`` near a power of two or 1.5 times one (or one tile over the whole axis),
    the pair of least work over the requested outputs, ``prod(count_i * nfft_i) *
    (log2(prod nfft_i) + TILE_LINEAR_WORK)``, times ``LARGE_TILE_FACTOR`` for large tiles,
    among the tiles of at most :data:`TILE_MAX_POINTS` (or 64 kernel sizes of) points (the
    smallest tile if none)."""
    options = []
    for length, m in zip(lengths, me):
        least = sfft.next_fast_len(2 * m - 1, real=True)
        whole = sfft.next_fast_len(length + m - 1, real=True)
        sizes = {min(least, whole), whole}
        base = 2 ** max(1, int(math.log2(2 * m - 1)))
        while base < whole:
            sizes.update(n for n in (sfft.next_fast_len(max(least, s), real=True) for s in (base, 3 * base // 2))
                         if n < whole)
            base *= 2
        options.append(sorted(sizes))

    def work(shape):
        points = math.prod(shape)
        tiles = math.prod(-(-length // (f - m + 1)) * f for length, f, m in zip(lengths, shape, me))
        large = LARGE_TILE_FACTOR if points > LARGE_TILE_POINTS else 1.0
        return tiles * (math.log2(points) + TILE_LINEAR_WORK) * large

    shapes = list(itertools.product(*options))
    cap = max(TILE_MAX_POINTS, 64 * math.prod(me))
    small = [shape for shape in shapes if math.prod(shape) <= cap]
    return min(small, key=work) if small else min(shapes, key=math.prod)


def block_shape(n: tuple[int, ...], me: tuple[int, ...], lengths: tuple[int, ...]) -> tuple[int, ...]:
    """Block transform shape of the "overlap-add" method: :func:`oa_block_size` for 1D
    overlap-add over the ``n`` samples of the signal, :func:`tile_shape` for 2D
    overlap-save over the ``lengths`` of requested outputs."""
    if len(n) == 1:
        return (oa_block_size(n[0], me[0]),)
    return tile_shape(tuple(lengths), tuple(me))


def one_block(nfft, n, me, lengths) -> bool:
    """Whether blocks of ``nfft`` points per axis are one block of the whole problem, so the
    fft path runs instead: in 1D the whole 'full' convolution of ``n`` samples with a kernel
    ``me`` wide, in 2D one overlap-save tile over the ``lengths`` of requested outputs."""
    if len(nfft) == 1:
        return nfft[0] >= n[0] + me[0] - 1
    return all(f - m + 1 >= length for f, m, length in zip(nfft, me, lengths))


def _window(x: np.ndarray, lo, size) -> np.ndarray:
    """``x[..., lo_i : lo_i + size_i]`` over the last axes, zero outside ``x``: a view where
    the window lies inside ``x``, else a zero-padded copy."""
    nd = len(lo)
    n = x.shape[-nd:]
    inside = tuple(slice(max(0, a), max(max(0, a), min(nn, a + sz))) for a, sz, nn in zip(lo, size, n))
    if all(a >= 0 and a + sz <= nn for a, sz, nn in zip(lo, size, n)):
        return x[(Ellipsis,) + inside]
    u = np.zeros(x.shape[:-nd] + tuple(size), x.dtype)
    u[(Ellipsis,) + tuple(slice(s.start - a, s.stop - a) for s, a in zip(inside, lo))] = x[(Ellipsis,) + inside]
    return u


def block_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` by block transforms:
    overlap-add along one axis, overlap-save over two; one transform of the whole signal
    where a single block covers it (:func:`block_shape` found no cheaper blocks)."""
    nd = len(starts)
    nfft = block_shape(x.shape[-nd:], h.shape[-nd:], lengths)
    if one_block(nfft, x.shape[-nd:], h.shape[-nd:], lengths):
        shape = fft_lengths(x.shape[-nd:], h.shape[-nd:], starts, lengths)
        return _whole_transform(x, h, shape, starts, lengths, strides, workers)
    run = overlap_add_convolve if nd == 1 else overlap_save_convolve
    return run(x, h, starts, lengths, strides, workers=workers, nfft=nfft)


#: points of signal blocks per chunk of 1D overlap-add: enough for scipy.fft's threads
#: (:data:`THREADS_MIN_POINTS`), a few MiB of scratch whatever the signal's length
OA_CHUNK_POINTS = 1 << 18


def _blocks_view(a: np.ndarray, count: int, block: int) -> np.ndarray:
    """``a[..., :count * block]`` seen as ``(..., count, block)`` without a copy (writable)."""
    return np.lib.stride_tricks.as_strided(a, a.shape[:-1] + (count, block),
                                           a.strides[:-1] + (block * a.strides[-1], a.strides[-1]))


def overlap_add_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int,
                         nfft: tuple[int]) -> np.ndarray:
    """Requested outputs of the 1D 'full' convolution of ``x`` with ``h`` by overlap-add over
    blocks of ``B = nfft - Me + 1`` samples.  The blocks go through the transforms a chunk
    at a time (:data:`OA_CHUNK_POINTS`) and are added straight into the output, so the
    scratch stays a few MiB whatever the signal's length."""
    f = nfft[0]
    block = f - h.shape[-1] + 1
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", 1, workers)
    kernel = fwd(h, nfft)[..., None, :]                   # batch_k + (1, freqs)
    count = -(-x.shape[-1] // block)
    batch = np.broadcast_shapes(x.shape[:-1], h.shape[:-1])
    out = np.zeros(batch + ((count - 1) * block + f,), np.result_type(x, h))
    per_chunk = max(1, OA_CHUNK_POINTS // (max(1, math.prod(batch)) * f))
    pieces = -(-f // block)
    for c0 in range(0, count, per_chunk):
        c1 = min(count, c0 + per_chunk)
        xb = _window(x, (c0 * block,), ((c1 - c0) * block,))
        xb = xb.reshape(xb.shape[:-1] + (c1 - c0, block))
        y = inv(_times(fwd(xb, nfft), kernel), nfft)      # batch + (c1 - c0, nfft)
        for p in range(pieces):   # block k adds its piece p at (c0 + k + p) * B
            part = y[..., p * block:(p + 1) * block]
            dest = _blocks_view(out[..., (c0 + p) * block:], c1 - c0, block)
            dest[..., :part.shape[-1]] += part
    return _take(out, starts, lengths, strides)


def overlap_save_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int,
                          nfft: tuple[int, int]) -> np.ndarray:
    """Requested outputs of the 2D 'full' convolution of ``x`` with ``h`` by overlap-save:
    output tiles of ``S = nfft - Me + 1`` samples per axis, each the valid part of one
    ``nfft``-point circular convolution of the input tile that reaches ``Me - 1`` samples
    further back.  Only the tiles over the requested range are transformed, and tiles are
    cropped instead of added, so the results need no overlap-add pass.

    The tiles go through the transforms in chunks of a few tiles of one tile row
    (:data:`CHUNK_BYTES` of spectrum, so a chunk's temporaries stay in L2); inner tiles are
    views of ``x``, edge tiles zero-padded copies.  Large problems run the chunks on
    ``workers`` threads (scipy.fft releases the GIL), each chunk's transforms on one."""
    me = h.shape[-2:]
    tile = tuple(f - m + 1 for f, m in zip(nfft, me))
    counts = tuple(-(-length // s) for length, s in zip(lengths, tile))
    reach = tuple(st - (m - 1) for st, m in zip(starts, me))   # x index of tile (0, 0) sample 0
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", 2, 1)
    kernel = fwd(h, nfft)                                   # batch_k + freqs
    kernel = kernel.reshape(kernel.shape[:-2] + (1,) + kernel.shape[-2:])
    batch = np.broadcast_shapes(x.shape[:-2], kernel.shape[:-3])
    # the requested outputs exactly (the stride taken at the end): no tile-rounded copy
    out = np.empty(batch + tuple(lengths), np.result_type(x, h))
    tile_bytes = math.prod(batch) * math.prod(kernel.shape[-2:]) * kernel.itemsize
    per_chunk = max(1, CHUNK_BYTES // tile_bytes)
    chunks = [(r, c, min(counts[1], c + per_chunk)) for r in range(counts[0])
              for c in range(0, counts[1], per_chunk)]

    def run(chunk):
        r, c0, c1 = chunk
        lo = (reach[0] + r * tile[0], reach[1] + c0 * tile[1])
        window = _window(x, lo, (nfft[0], (c1 - c0 - 1) * tile[1] + nfft[1]))
        tiles = np.lib.stride_tricks.sliding_window_view(window, nfft[1], axis=-1)[..., ::tile[1], :]
        tiles = np.moveaxis(tiles, -2, -3)                              # batch_x + (c1 - c0,) + nfft
        y = inv(_times(fwd(tiles, nfft), kernel), nfft)[..., me[0] - 1:, me[1] - 1:]   # (.., c, S_0, S_1)
        dest = out[..., r * tile[0]:(r + 1) * tile[0], c0 * tile[1]:c1 * tile[1]]
        y = np.moveaxis(y, -3, -2).reshape(y.shape[:-3] + (tile[0], (c1 - c0) * tile[1]))
        dest[...] = y[..., :dest.shape[-2], :dest.shape[-1]]

    points = math.prod(batch) * math.prod(counts) * math.prod(nfft)
    threads = min(workers, len(chunks)) if points >= THREADS_MIN_POINTS else 1
    if threads > 1:
        list(_pool(threads, os.getpid()).map(run, chunks))
    else:
        for chunk in chunks:
            run(chunk)
    if any(st > 1 for st in strides):
        return out[(Ellipsis,) + tuple(slice(0, length, st) for length, st in zip(lengths, strides))]
    return out


@functools.lru_cache(maxsize=8)
def _pool(threads: int, pid: int) -> ThreadPoolExecutor:
    """A pool of ``threads`` Python threads, kept for the process ``pid`` (starting one costs
    ~0.1 ms); a forked child, whose copy of the parent's pool has no threads, makes its own."""
    return ThreadPoolExecutor(threads, thread_name_prefix="sigconv-fft")
