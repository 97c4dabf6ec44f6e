"""Block geometry shared by every Dask twin: which input samples an output block reads, where
they live, and one task per output block that gathers them.

Along each operated axis the outputs ``j = 0 .. n_out - 1`` of a windowed operation read the
samples ``read_lo + j * stride + [0, span)`` of the signal (indices outside ``[0, n)`` come from
the boundary extension).  Output ``j`` belongs to the input block holding its *anchor*
``j * stride + shift`` (the window's last sample for causal / 'valid' / 'full' geometry, the
centre sample for 'same'), so output chunks follow input chunks and only the edge chunks grow
or shrink.

An output block's window range may cover several input blocks (a chunk shorter than the halo)
and the extension at the ends; :func:`runs` splits it into *runs*, each a slice of one input
block (or an index array into it, for a mirrored or wrapped extension) or a stretch of fill.
Every run becomes a small ``getitem`` task on the block that holds it, so a task receives its
halo and never a whole neighbour, and the graph stays linear in the number of chunks.  Nothing
here rechunks the user's array; batch axes keep their chunks.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
from dask import delayed

from sigconv._padding import _NUMPY_MODE


@dataclasses.dataclass(frozen=True)
class Axis:
    """Geometry of one operated axis (see the module docstring)."""

    n: int
    chunks: tuple[int, ...]
    read_lo: int
    span: int
    stride: int
    n_out: int
    shift: int

    @property
    def bounds(self) -> np.ndarray:
        return np.cumsum((0,) + self.chunks)

    def out_ranges(self) -> list[tuple[int, int]]:
        """Per input block, the outputs ``[ja, jb)`` whose anchor lies in it (the first block
        also takes anchors before 0, the last those from ``n`` on)."""
        b = self.bounds
        cut = [0] + [min(self.n_out, max(0, -(-(int(v) - self.shift) // self.stride))) for v in b[1:-1]] + [self.n_out]
        cut = np.maximum.accumulate(cut)
        return [(int(a), int(c)) for a, c in zip(cut[:-1], cut[1:])]

    def reads(self, ja: int, jb: int) -> tuple[int, int]:
        """Signal indices ``[lo, hi)`` read by outputs ``[ja, jb)`` (``ja < jb``)."""
        return self.read_lo + ja * self.stride, self.read_lo + (jb - 1) * self.stride + self.span


@dataclasses.dataclass(frozen=True)
class Run:
    """Samples of input block ``block`` (``None``: fill) ``[start, stop)``, then ``index`` into
    that slice (``None``: the slice as is); ``length`` samples in all."""

    block: int | None
    start: int
    stop: int
    index: np.ndarray | None = None

    @property
    def length(self) -> int:
        return self.stop - self.start if self.index is None else int(self.index.size)


def _source(idx: np.ndarray, n: int, boundary: str) -> np.ndarray:
    """Signal index each extension index reads (-1: fill), as ``numpy.pad`` extends."""
    mode = _NUMPY_MODE[boundary]
    if mode == "constant":
        return np.full(idx.shape, -1, np.int64)
    # closed forms (periodic extensions), never a table of the whole signal: a graph over a
    # long signal used to build ``numpy.pad(arange(n))`` (O(n)) for each extended end
    period = {"wrap": n, "symmetric": 2 * n, "reflect": max(2 * n - 2, 1), "edge": None}[mode]
    if period is None:
        return np.clip(idx, 0, n - 1)
    k = np.mod(idx, period)
    if mode == "wrap":
        return k
    if mode == "symmetric":
        return np.where(k < n, k, 2 * n - 1 - k)
    return np.where(k < n, k, 2 * n - 2 - k) if n > 1 else np.zeros_like(idx)


def runs(lo: int, hi: int, ax: Axis, boundary: str) -> list[Run]:
    """Split the signal range ``[lo, hi)`` of axis ``ax`` into runs (module docstring)."""
    b = ax.bounds
    out: list[Run] = []

    def extension(a: int, z: int):
        src = _source(np.arange(a, z, dtype=np.int64), ax.n, boundary)
        blk = np.where(src < 0, -1, np.searchsorted(b, src, side="right") - 1)
        edges = np.flatnonzero(np.diff(blk)) + 1
        for seg_src, seg_blk in zip(np.split(src, edges), np.split(blk, edges)):
            if seg_blk[0] < 0:
                out.append(Run(None, 0, seg_src.size))
            else:
                local = seg_src - b[seg_blk[0]]
                s0 = int(local.min())
                out.append(Run(int(seg_blk[0]), s0, int(local.max()) + 1, local - s0))

    if lo < 0:
        extension(lo, min(0, hi))
    a, z = max(lo, 0), min(hi, ax.n)
    if a < z:
        first = int(np.searchsorted(b, a, side="right")) - 1
        last = int(np.searchsorted(b, z, side="left")) - 1
        for i in range(first, last + 1):
            s, e = max(a, int(b[i])), min(z, int(b[i + 1]))
            if s < e:
                out.append(Run(i, s - int(b[i]), e - int(b[i])))
    if hi > ax.n:
        extension(max(lo, ax.n), hi)
    return out


def _cut(block: np.ndarray, axes: tuple[int, ...], keys) -> np.ndarray:
    """``block`` sliced along ``axes`` by ``(start, stop, index)`` keys."""
    sl = [slice(None)] * block.ndim
    for a, (start, stop, _) in zip(axes, keys):
        sl[a] = slice(start, stop)
    piece = block[tuple(sl)]
    for a, (_, _, index) in zip(axes, keys):
        if index is not None:
            piece = np.take(piece, index, axis=a)
    return piece


def _concat(grid, axes: tuple[int, ...]) -> np.ndarray:
    """Nested lists of pieces joined along ``axes`` (outermost list: ``axes[0]``)."""
    if len(axes) == 1:
        return grid[0] if len(grid) == 1 else np.concatenate(grid, axis=axes[0])
    rows = [_concat(g, axes[1:]) for g in grid]
    return rows[0] if len(rows) == 1 else np.concatenate(rows, axis=axes[0])


def gathered(blocks: np.ndarray, batch_index: tuple, axes: tuple[int, ...], run_lists, chunks, dtype, fill,
             own: tuple | None = None):
    """Delayed pieces (nested lists over ``axes``) that join into the samples ``run_lists`` name,
    for the input block row ``batch_index`` (block index per axis of ``x``, operated axes
    ignored), plus the function that joins them.  ``chunks``: the input's chunks.  Pieces of
    the block ``own`` (the consuming task's own input block, local to it) are cut inside the
    consuming task (``("cut", block, keys)``, see :func:`resolve`), not by a task of their own."""
    ndim = blocks.ndim

    def piece(combo):
        if any(r.block is None for r in combo):
            shape = [chunks[d][batch_index[d]] for d in range(ndim)]
            for a, r in zip(axes, combo):
                shape[a] = r.length
            return delayed(np.full)(tuple(shape), fill, dtype)
        idx = list(batch_index)
        for a, r in zip(axes, combo):
            idx[a] = r.block
        block = blocks[tuple(idx)]
        whole = all(r.index is None and r.start == 0 and r.stop == chunks[a][r.block] for a, r in zip(axes, combo))
        if whole:
            return block
        keys = [(r.start, r.stop, r.index) for r in combo]
        if own is not None and tuple(idx) == own:
            return ("cut", block, keys)
        return delayed(_cut, pure=True)(block, axes, keys)

    def nest(level, prefix):
        if level == len(axes):
            return piece(prefix)
        return [nest(level + 1, prefix + (r,)) for r in run_lists[level]]

    return nest(0, ())


def resolve(grid, axes, level: int = 0):
    """The gathered pieces with the cuts of the task's own block (:func:`gathered`) done."""
    if level == len(axes):
        return _cut(grid[1], axes, grid[2]) if isinstance(grid, tuple) else grid
    return [resolve(g, axes, level + 1) for g in grid]


def join(grid, axes, fn, *args):
    """Task body: join the gathered pieces and apply ``fn`` to the haloed block."""
    return fn(_concat(resolve(grid, axes), axes), *args)


def block_grid(numblocks: tuple[int, ...], axes: tuple[int, ...]):
    """Every input block row: index tuples over the batch axes (operated axes set to 0)."""
    ranges = [range(1) if d in axes else range(n) for d, n in enumerate(numblocks)]
    return itertools.product(*ranges)


def assemble(pieces: dict, numblocks: tuple[int, ...]):
    """Nested lists of Dask arrays (``pieces[index]``) for :func:`dask.array.block`."""
    def nest(level, prefix):
        if level == len(numblocks):
            return pieces[prefix]
        return [nest(level + 1, prefix + (i,)) for i in range(numblocks[level])]
    return nest(0, ())


def check_chunks(name: str, x) -> None:
    """Refuse unknown chunk sizes with a clear message."""
    if any(math.isnan(c) for cs in x.chunks for c in cs):
        raise ValueError(f"`{name}` has unknown chunk sizes {x.chunks}; call `{name}.compute_chunk_sizes()` first")
