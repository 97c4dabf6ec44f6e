"""FFT and overlap-add convolution on :mod:`scipy.fft`, one chain of helpers for 1D and 2D.

Both paths compute requested indices of the 'full' convolution of a signal ``x`` (convolved
axes last, already extended for its boundary) with a kernel ``h`` (already flipped/conjugated
and dilated): ``y[t] = sum_k x[t - k] h[k]``, ``t = start + i * stride``.

* :func:`fft_convolve`: one transform per signal of the smallest fast length whose circular
  wrap-around misses the requested indices (``max(F - start, start + L)``, where ``F`` is the
  full length), so 'valid' and 'same' need shorter transforms than 'full'.
* :func:`block_convolve` (the "overlap-add" method): block transforms of ``nfft`` points per
  axis, :func:`oa_block_size` picking ``nfft`` by cost.  1D signals take
  :func:`overlap_add_convolve` (the signal cut into blocks of ``B = nfft - Me + 1`` samples,
  block outputs added where they overlap); images take :func:`overlap_save_convolve` (output
  tiles cropped from the circular convolutions of overlapping input tiles), whose single
  crop costs less than overlap-add's pass per axis (2048² images, 31² kernels: half the time).

Real inputs use real transforms; float32 stays float32; ``workers`` is passed to scipy.fft.
"""

from __future__ import annotations

import functools
import math

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


def fft_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` over their last axes,
    broadcasting their leading (batch) axes, by one transform per signal."""
    nd = len(starts)
    shape = fft_lengths(x.shape[-nd:], h.shape[-nd:], starts, lengths)
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", nd, workers)
    y = inv(_times(fwd(x, shape), fwd(h, shape)), shape)
    return _take(y, starts, lengths, strides)


#: bytes of spectrum per chunk of tiles in :func:`overlap_save_convolve` (a few MiB: the
#: temporaries of a chunk stay in L2/L3 instead of streaming the whole image's through memory)
CHUNK_BYTES = 4 << 20


@functools.lru_cache(maxsize=512)
def oa_block_size(n: int, me: int) -> int:
    """Transform length for overlap-add along one axis: minimises the transform work per
    output sample, ``nfft * log2(nfft) / (nfft - me + 1)``, over fast lengths with
    ``me - 1 <= block``; never longer than one transform of the whole axis."""
    whole = sfft.next_fast_len(n + me - 1, real=True)
    best, best_cost = whole, math.inf
    k = max(1, int(math.log2(max(2 * me - 1, 2))))
    while True:
        nfft = sfft.next_fast_len(max(2 * me - 1, 2 ** k), real=True)
        if nfft >= whole:
            break
        block = nfft - me + 1
        blocks = -(-n // block)
        cost = blocks * nfft * math.log2(nfft)
        if cost < best_cost:
            best, best_cost = nfft, cost
        k += 1
    whole_cost = whole * math.log2(max(whole, 2))
    return whole if whole_cost <= best_cost else best


def one_block(nfft, n, me) -> bool:
    """Whether blocks of ``nfft`` points per axis hold the whole 'full' convolution of a signal
    of ``n`` samples with a kernel ``me`` wide (one block: a plain transform)."""
    return all(f >= nn + m - 1 for f, nn, m in zip(nfft, n, me))


def _split_blocks(x: np.ndarray, blocks: tuple[int, ...]) -> np.ndarray:
    """Cut each of the last ``nd`` axes into ``ceil(n / B)`` blocks of ``B`` samples (zero
    padded at the end); returns shape ``batch + (nb_1, ..., nb_nd, B_1, ..., B_nd)``."""
    nd = len(blocks)
    n = x.shape[-nd:]
    counts = tuple(-(-nn // b) for nn, b in zip(n, blocks))
    x = _window(x, (0,) * nd, tuple(c * b for c, b in zip(counts, blocks)))
    lead = x.ndim - nd
    x = x.reshape(x.shape[:lead] + tuple(v for c, b in zip(counts, blocks) for v in (c, b)))
    order = list(range(lead)) + [lead + 2 * i for i in range(nd)] + [lead + 2 * i + 1 for i in range(nd)]
    return x.transpose(order)


def _fold_axis(y: np.ndarray, block_axis: int, sample_axis: int, block: int) -> np.ndarray:
    """Overlap-add the blocks of ``y`` along one axis: block ``b`` starts at ``b * block``.
    The block axis is removed and the sample axis becomes ``(nb - 1) * block + nfft`` long
    (rounded up to a whole number of blocks); each block is added in ``ceil(nfft / block)``
    block-sized pieces, two when ``block >= me - 1`` as :func:`oa_block_size` arranges."""
    y = np.moveaxis(y, (block_axis, sample_axis), (-2, -1))
    nb, nfft = y.shape[-2:]
    pieces = -(-nfft // block)
    out = np.zeros(y.shape[:-2] + ((nb + pieces - 1) * block,), y.dtype)
    for p in range(pieces):
        part = y[..., p * block:(p + 1) * block]
        width = part.shape[-1]
        dest = out[..., p * block:(p + nb) * block].reshape(y.shape[:-2] + (nb, block))
        dest[..., :width] += part
    return out


def _block_geometry(x: np.ndarray, h: np.ndarray, nd: int, nfft) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(nfft, B)`` per convolved axis: the transform length (by cost unless given) and the
    samples each block contributes, ``nfft - Me + 1``."""
    me = h.shape[-nd:]
    if nfft is None:
        nfft = tuple(oa_block_size(nn, m) for nn, m in zip(x.shape[-nd:], me))
    return nfft, tuple(f - m + 1 for f, m in zip(nfft, me))


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
    where a single block covers it (:func:`oa_block_size` found no cheaper blocks)."""
    nd = len(starts)
    nfft, _ = _block_geometry(x, h, nd, None)
    if one_block(nfft, x.shape[-nd:], h.shape[-nd:]):
        return fft_convolve(x, h, starts, lengths, strides, workers=workers)
    run = overlap_add_convolve if nd == 1 else overlap_save_convolve
    return run(x, h, starts, lengths, strides, workers=workers, nfft=nfft)


def overlap_add_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int,
                         nfft: tuple[int, ...] | None = None) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` by overlap-add."""
    nd = len(starts)
    nfft, blocks = _block_geometry(x, h, nd, nfft)
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", nd, workers)
    xb = _split_blocks(x, blocks)                         # batch_x + counts + blocks
    kernel = fwd(h, nfft)                                 # batch_k + freqs
    kernel = kernel.reshape(kernel.shape[:-nd] + (1,) * nd + kernel.shape[-nd:])
    y = inv(_times(fwd(xb, nfft), kernel), nfft)          # batch + counts + nfft
    lead = y.ndim - 2 * nd
    for i in range(nd):
        # after folding i axes, the next block axis sits at lead, its sample axis at lead + nd - i
        y = _fold_axis(y, lead, lead + nd - i, blocks[i])
    return _take(y, starts, lengths, strides)


def overlap_save_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int,
                          nfft: tuple[int, ...] | None = None) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` by overlap-save: output
    tiles of ``S = nfft - Me + 1`` samples per axis, each the valid part of one ``nfft``-point
    circular convolution of the input tile that reaches ``Me - 1`` samples further back.
    Only the tiles over the requested range are transformed, and tiles are cropped instead of
    added, so the results need no overlap-add pass.  The tiles go through the transforms a few
    rows at a time (:data:`CHUNK_BYTES` of spectrum), so the temporaries stay in cache."""
    nd = len(starts)
    me = h.shape[-nd:]
    nfft, tile = _block_geometry(x, h, nd, nfft)
    counts = tuple(-(-length // s) for length, s in zip(lengths, tile))
    reach = tuple(st - (m - 1) for st, m in zip(starts, me))   # x index of tile (0, ..) sample 0
    fwd, inv = _transforms(x.dtype.kind != "c" and h.dtype.kind != "c", nd, workers)
    axes = tuple(range(-nd, 0))
    kernel = fwd(h, nfft)                                 # batch_k + freqs
    kernel = kernel.reshape(kernel.shape[:-nd] + (1,) * nd + kernel.shape[-nd:])
    batch = np.broadcast_shapes(x.shape[:-nd], kernel.shape[:-2 * nd])
    lead = len(batch)
    # out[batch, c_1, S_1, c_2, S_2, ...]: tile-major per axis, so the final reshape is free
    out = np.empty(batch + tuple(v for c, s in zip(counts, tile) for v in (c, s)), np.result_type(x, h))
    order = list(range(lead)) + [lead + i + d for i in range(nd) for d in (0, nd)]
    row_bytes = math.prod(batch) * math.prod(counts[1:]) * math.prod(kernel.shape[-nd:]) * kernel.itemsize
    rows = max(1, CHUNK_BYTES // max(1, row_bytes))
    for r0 in range(0, counts[0], rows):
        r1 = min(counts[0], r0 + rows)
        # the input tiles of output tile rows [r0, r1): a window of x (zero outside it)
        lo = (reach[0] + r0 * tile[0],) + reach[1:]
        size = tuple(c * s + m - 1 for c, s, m in zip((r1 - r0,) + counts[1:], tile, me))
        tiles = np.lib.stride_tricks.sliding_window_view(_window(x, lo, size), nfft, axis=axes)
        tiles = tiles[(Ellipsis,) + tuple(slice(None, None, s) for s in tile) + (slice(None),) * nd]
        y = inv(_times(fwd(tiles, nfft), kernel), nfft)                     # batch + counts + nfft
        y = y[(Ellipsis,) + tuple(slice(m - 1, None) for m in me)]           # batch + counts + tile
        out[(Ellipsis, slice(r0, r1)) + (slice(None),) * (2 * nd - 1)] = y.transpose(order)
    out = out.reshape(batch + tuple(c * s for c, s in zip(counts, tile)))
    return out[(Ellipsis,) + tuple(slice(0, length, st) for length, st in zip(lengths, strides))]
