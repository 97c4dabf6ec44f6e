"""The two block schemes every windowed Dask twin runs on.

* :func:`halo_map`: one task per output block gathers its window range (its chunk plus a halo
  of ``span - 1`` samples per operated axis, from as many neighbours as it takes, and the
  boundary extension at the ends) and runs an in-memory function on it.
* :func:`overlap_add_map`: each chunk of the (extended) signal is convolved 'full' with the
  whole kernel by the in-memory engine, and each output block adds, in block order, the parts
  of those ``C + K - 1``-sample results that fall on it.  Memory per task is O(chunk + kernel)
  and the graph is linear in the number of chunks, whatever the kernel's length.
"""

from __future__ import annotations

import itertools

import dask.array as da
import numpy as np
from dask import delayed
from dask._task_spec import Task
from dask.base import tokenize
from dask.delayed import unpack_collections
from dask.highlevelgraph import HighLevelGraph

from sigconv.dask._blocks import Axis, block_grid, gathered, join, resolve, runs


def _out_index(batch_index, axes, conv_index, extra):
    idx = list(batch_index)
    for a, i in zip(axes, conv_index):
        idx[a] = i
    return (0,) * extra + tuple(idx)


def _apply_rims(f, grid, axes, *args):
    """Task body: ``f(pieces, *args)`` (``f`` a graph literal shared by every task)."""
    return f(resolve(grid, axes), *args)


class _Blocks:
    """The output blocks of one map as one graph layer: each block's task under its final key
    ``(name, *index)``, so there is no ``from_delayed`` alias nor ``block`` concatenation task
    per block, and no task is tokenized (the layer's name is, once)."""

    def __init__(self):
        self.specs, self.deps = {}, {}

    def add(self, index, shape, func, *args):
        packed = []
        for a in args:
            task, colls = unpack_collections(a)
            packed.append(task)
            for c in colls:
                self.deps[c.key] = c
        self.specs[index] = (tuple(shape), func, packed)

    def array(self, numblocks, extra, dtype):
        """The Dask array of the blocks; blocks of no samples are left out (as ``da.block``'s
        concatenation leaves them), an array of no samples is one empty chunk."""
        grid = (1,) * extra + tuple(numblocks)
        sizes = [[self.specs[tuple(j if e == d else 0 for e in range(len(grid)))][0][d] for j in range(grid[d])]
                 for d in range(len(grid))]
        if any(sum(s) == 0 for s in sizes):
            shape = tuple(sum(s) for s in sizes)
            return da.zeros(shape, dtype=dtype, chunks=shape)
        keep = [[j for j, n in enumerate(s) if n] for s in sizes]
        name = "sigconv-" + tokenize(sorted((i, s, f.__name__, str(a)) for i, (s, f, a) in self.specs.items()))
        layer = {}
        for new in itertools.product(*[range(len(k)) for k in keep]):
            shape, f, a = self.specs[tuple(k[j] for k, j in zip(keep, new))]
            layer[(name,) + new] = Task((name,) + new, f, *a)
        chunks = tuple(tuple(s[j] for j in k) for s, k in zip(sizes, keep))
        graph = HighLevelGraph.from_collections(name, layer, dependencies=list(self.deps.values()))
        return da.Array(graph, name, chunks, dtype=dtype)


def _trimmed(grid, axes, fn, trims, *args):
    """Task body of a clipped halo: ``fn`` on the joined block, cut to the block's own outputs."""
    out = join(grid, axes, fn, *args)
    sl = [slice(None)] * out.ndim
    for a, (lo, hi) in zip(axes, trims):
        sl[a] = slice(lo, hi)
    return out[tuple(sl)]


def halo_map(x, axes: tuple[int, ...], geoms: list[Axis], fn, *, boundary="fill", fill_value=0.0,
             dtype, block_args=lambda bi: (), out_batch_shape=None, extra: int = 0, clip: bool = False,
             rims=None):
    """Apply ``fn(haloed_block, *block_args(batch_index))`` to every output block.

    ``clip=True`` is the scheme for functions that treat the signal's ends themselves
    (moving averages, 'same' matching): the window range is clipped to the signal, ``fn``
    returns one output per sample of the clipped block, and the block's own outputs are cut
    from it (the geometry must then have ``stride == 1`` and ``n_out == n``).

    ``geoms[k]`` describes ``axes[k]``; ``fn`` must return the block's outputs (``n_out`` of the
    geometry along each operated axis).  ``out_batch_shape(batch_index)`` gives the output
    block's shape over the non-operated axes of the output (default: the input block's);
    ``extra`` leading output axes come from a broadcast kernel bank (one chunk each).
    """
    blocks = x.to_delayed()
    fill = np.asarray(fill_value).astype(x.dtype)   # the caller casts x to the computation dtype
    fn = delayed(fn, pure=True)                     # one graph literal, tokenized once
    rims = delayed(rims, pure=True) if rims is not None else None
    ranges = [g.out_ranges() for g in geoms]
    out = _Blocks()
    for bi in block_grid(x.numblocks, axes):
        batch = out_batch_shape(bi) if out_batch_shape else [c[i] for d, (c, i) in enumerate(zip(x.chunks, bi))
                                                             if d not in axes]
        args = block_args(bi)
        for ci in itertools.product(*[range(len(r)) for r in ranges]):
            outs = [ranges[k][i] for k, i in enumerate(ci)]
            shape = list(batch)
            for a, (ja, jb) in sorted(zip([a + extra for a in axes], outs)):
                shape.insert(a, jb - ja)
            key = _out_index(bi, axes, ci, extra)
            if any(jb == ja for ja, jb in outs):
                out.add(key, shape, np.zeros, tuple(shape), dtype)
                continue
            reads = [g.reads(ja, jb) for g, (ja, jb) in zip(geoms, outs)]
            if clip:
                reads = [(max(lo, 0), min(hi, g.n)) for g, (lo, hi) in zip(geoms, reads)]
            run_lists = [runs(lo, hi, g, boundary) for g, (lo, hi) in zip(geoms, reads)]
            grid = gathered(blocks, bi, axes, run_lists, x.chunks, x.dtype, fill, own=_out_index(bi, axes, ci, 0))
            own = [k for k, r in enumerate(run_lists[0]) if r.block == ci[0] and r.index is None
                   and r.start == 0 and r.stop == x.chunks[axes[0]][ci[0]]] if rims is not None else []
            if own:
                out.add(key, shape, _apply_rims, rims, grid, axes, own[0], *args)
            elif clip:
                trims = [(ja - lo, jb - lo) for (ja, jb), (lo, _) in zip(outs, reads)]
                out.add(key, shape, _trimmed, grid, axes, fn, trims, *args)
            else:
                out.add(key, shape, join, grid, axes, fn, *args)
    return out.array(x.numblocks, extra, dtype)


def _segments(g: Axis) -> list[tuple[int, int]]:
    """The extended signal's range ``[lo, hi)`` split at the input's chunk boundaries."""
    lo, hi = g.reads(0, g.n_out)
    cuts = sorted({lo, hi, *(int(b) for b in g.bounds if lo < b < hi)})
    return list(zip(cuts[:-1], cuts[1:]))


def _add_pieces(shape, dtype, parts):
    """Task body: the output block, its contributions added in block order."""
    out = np.zeros(shape, dtype)
    for dst, piece in parts:
        out[dst] += piece
    return out


def overlap_add_map(x, axes: tuple[int, ...], geoms: list[Axis], full_fn, *, boundary="fill", fill_value=0.0,
                    dtype, block_args=lambda bi: (), out_batch_shape=None, extra: int = 0):
    """Chunk-level overlap-add (module docstring): ``full_fn(segment, *block_args(bi))`` returns
    the 'full' convolution of a segment of the extended signal along the operated axes, of
    ``len + span - 1`` samples; the outputs of the geometry are the 'valid' part, strided."""
    blocks = x.to_delayed()
    fill = np.asarray(fill_value).astype(x.dtype)
    full_fn = delayed(full_fn, pure=True)           # one graph literal, tokenized once
    segs = [_segments(g) for g in geoms]
    ranges = [g.out_ranges() for g in geoms]
    out = _Blocks()
    for bi in block_grid(x.numblocks, axes):
        batch = out_batch_shape(bi) if out_batch_shape else [c[i] for d, (c, i) in enumerate(zip(x.chunks, bi))
                                                             if d not in axes]
        args = block_args(bi)
        full = {}
        for si in itertools.product(*[range(len(s)) for s in segs]):
            run_lists = [runs(*segs[k][i], g, boundary) for k, (g, i) in enumerate(zip(geoms, si))]
            grid = gathered(blocks, bi, axes, run_lists, x.chunks, x.dtype, fill)
            full[si] = delayed(join, pure=True)(grid, axes, full_fn, *args)
        out_axes = [a + extra for a in axes]
        for ci in itertools.product(*[range(len(r)) for r in ranges]):
            outs = [ranges[k][i] for k, i in enumerate(ci)]
            shape = list(batch)
            for a, (ja, jb) in sorted(zip(out_axes, outs)):
                shape.insert(a, jb - ja)
            key = _out_index(bi, axes, ci, extra)
            if any(jb == ja for ja, jb in outs):
                out.add(key, shape, np.zeros, tuple(shape), dtype)
                continue
            parts = []
            for si in itertools.product(*[range(len(s)) for s in segs]):
                src, dst = [], []
                for g, (ja, jb), (slo, shi) in zip(geoms, outs, (segs[k][i] for k, i in enumerate(si))):
                    o = slo - g.read_lo                   # segment offset in the extended signal
                    j0 = max(ja, -(-(o - g.span + 1) // g.stride))
                    j1 = min(jb, -(-(o + shi - slo) // g.stride))
                    if j0 >= j1:
                        break
                    first = j0 * g.stride + g.span - 1 - o
                    src.append(slice(first, first + (j1 - j0 - 1) * g.stride + 1, g.stride))
                    dst.append(slice(j0 - ja, j1 - ja))
                else:
                    sl = [slice(None)] * (len(shape))
                    ssl = [slice(None)] * (len(shape))
                    for a, s_, d_ in zip(out_axes, src, dst):
                        ssl[a], sl[a] = s_, d_
                    parts.append((tuple(sl), full[si][tuple(ssl)]))
            out.add(key, shape, _add_pieces, tuple(shape), dtype, parts)
    return out.array(x.numblocks, extra, dtype)
