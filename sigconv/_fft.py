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


def _transforms(real: bool):
    return (sfft.rfftn, sfft.irfftn) if real else (sfft.fftn, sfft.ifftn)


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
    axes = tuple(range(-nd, 0))
    n = x.shape[-nd:]
    me = h.shape[-nd:]
    shape = fft_lengths(n, me, starts, lengths)
    real = x.dtype.kind != "c" and h.dtype.kind != "c"
    fwd, inv = _transforms(real)
    spectrum = fwd(x, shape, axes=axes, workers=workers)
    spectrum = spectrum * fwd(h, shape, axes=axes, workers=workers)
    y = inv(spectrum, shape, axes=axes, workers=workers, overwrite_x=True)
    return _take(y, starts, lengths, strides)


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


def _split_blocks(x: np.ndarray, blocks: tuple[int, ...]) -> np.ndarray:
    """Cut each of the last ``nd`` axes into ``ceil(n / B)`` blocks of ``B`` samples (zero
    padded at the end); returns shape ``batch + (nb_1, ..., nb_nd, B_1, ..., B_nd)``."""
    nd = len(blocks)
    n = x.shape[-nd:]
    counts = tuple(-(-nn // b) for nn, b in zip(n, blocks))
    padded = [(0, 0)] * (x.ndim - nd) + [(0, c * b - nn) for c, b, nn in zip(counts, blocks, n)]
    if any(p[1] for p in padded):
        x = np.pad(x, padded)
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


def block_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` by block transforms:
    overlap-add along one axis, overlap-save over two."""
    run = overlap_add_convolve if len(starts) == 1 else overlap_save_convolve
    return run(x, h, starts, lengths, strides, workers=workers)


def overlap_add_convolve(x: np.ndarray, h: np.ndarray, starts, lengths, strides, *, workers: int,
                         nfft: tuple[int, ...] | None = None) -> np.ndarray:
    """Requested outputs of the 'full' convolution of ``x`` with ``h`` by overlap-add."""
    nd = len(starts)
    nfft, blocks = _block_geometry(x, h, nd, nfft)
    real = x.dtype.kind != "c" and h.dtype.kind != "c"
    fwd, inv = _transforms(real)
    axes = tuple(range(-nd, 0))
    xb = _split_blocks(x, blocks)                         # batch_x + counts + blocks
    kernel = fwd(h, nfft, axes=axes, workers=workers)     # batch_k + freqs
    kernel = kernel.reshape(kernel.shape[:-nd] + (1,) * nd + kernel.shape[-nd:])
    y = inv(fwd(xb, nfft, axes=axes, workers=workers) * kernel, nfft, axes=axes, workers=workers,
            overwrite_x=True)                               # batch + counts + nfft
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
    added, so the results need no overlap-add pass."""
    nd = len(starts)
    n, me = x.shape[-nd:], h.shape[-nd:]
    nfft, tile = _block_geometry(x, h, nd, nfft)
    counts = tuple(-(-length // s) for length, s in zip(lengths, tile))
    # u[q] = x[q + start - (Me - 1)], zero outside x, for q < counts * S + Me - 1
    size = tuple(c * s + m - 1 for c, s, m in zip(counts, tile, me))
    u = np.zeros(x.shape[:-nd] + size, x.dtype)
    src, dst = [], []
    for nn, m, st, sz in zip(n, me, starts, size):
        lo = st - (m - 1)                               # x index of u[0]
        a, b = max(0, lo), min(nn, lo + sz)
        src.append(slice(a, max(a, b)))
        dst.append(slice(a - lo, a - lo + max(0, b - a)))
    u[(Ellipsis,) + tuple(dst)] = x[(Ellipsis,) + tuple(src)]
    tiles = np.lib.stride_tricks.sliding_window_view(u, nfft, axis=tuple(range(-nd, 0)))
    tiles = tiles[(Ellipsis,) + tuple(slice(None, None, s) for s in tile) + (slice(None),) * nd]
    real = x.dtype.kind != "c" and h.dtype.kind != "c"
    fwd, inv = _transforms(real)
    axes = tuple(range(-nd, 0))
    kernel = fwd(h, nfft, axes=axes, workers=workers)     # batch_k + freqs
    kernel = kernel.reshape(kernel.shape[:-nd] + (1,) * nd + kernel.shape[-nd:])
    y = inv(fwd(tiles, nfft, axes=axes, workers=workers) * kernel, nfft, axes=axes, workers=workers,
            overwrite_x=True)                               # batch + counts + nfft
    y = y[(Ellipsis,) + tuple(slice(m - 1, None) for m in me)]   # batch + counts + tile
    lead = y.ndim - 2 * nd
    order = list(range(lead)) + [lead + i + d for i in range(nd) for d in (0, nd)]
    y = y.transpose(order).reshape(y.shape[:lead] + tuple(c * s for c, s in zip(counts, tile)))
    return y[(Ellipsis,) + tuple(slice(0, length, st) for length, st in zip(lengths, strides))]
