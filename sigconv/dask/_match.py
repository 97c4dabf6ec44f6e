"""Template matching and peak finding on chunked Dask arrays.

:func:`match_template` runs the in-memory :func:`sigconv.match_template` on each haloed block
(its window statistics are the in-memory, DC-offset-proof ones, computed inside the block:
never a cumulative sum across chunks).  :func:`locate` finds, in each score block with a halo
of ``min_distance`` samples, the candidates it owns (samples equal to the maximum of their
neighbourhood — a local test, so exactly the in-memory candidates), then suppresses them
greedily, best first with ties in C order of their global position, with the in-memory
suppression kernel: the same peaks as :func:`sigconv.locate`.
"""

from __future__ import annotations

import itertools

import dask
import numpy as np
from dask import delayed

from sigconv._validate import check_int
from sigconv.dask._array import refuse_dask, stand_in
from sigconv.dask._blocks import Axis, block_grid, check_chunks, gathered, join, runs
from sigconv.dask._engine import halo_map


def _validate(x, template, axes, kwargs):
    """The in-memory checks, on a stand-in cut to the smallest input they accept (no data)."""
    import sigconv
    from sigconv.match._common import _real_array, _template_axes

    refuse_dask("template", template)
    refuse_dask("mask", kwargs.get("mask"))
    t = _real_array("template", template)
    axes_ = _template_axes(stand_in(x), t, axes)
    cut = tuple(slice(0, min(x.shape[d], t.shape[axes_.index(d)])) if d in axes_ else slice(0, 1)
                for d in range(x.ndim))
    out = sigconv.match_template(stand_in(x)[cut], t, axes=axes, **kwargs)
    return t, axes_, out.dtype


def match_template(x, template, *, mode="valid", score="zncc", method="auto", axes=None, workers=None,
                   mask=None, nan_policy="propagate"):
    """Dask twin of :func:`sigconv.match_template` (module docstring); ``workers`` is ignored:
    each task runs single-threaded, Dask provides the parallelism."""
    import sigconv

    kwargs = dict(mode=mode, score=score, method=method, mask=mask, nan_policy=nan_policy)
    t, axes_, dtype = _validate(x, template, axes, kwargs)
    check_chunks("x", x)
    ms = [t.shape[k] for k in range(t.ndim)]

    valid = dict(kwargs, mode="valid")

    def fn(block):
        return sigconv.match_template(block, t, axes=axes_, workers=1, **valid)

    # 'valid': output i reads x[i : i + m] (a trailing halo); 'same': x[i - m//2 : ...] with
    # zeros outside x (skimage's pad_input), i.e. 'valid' on the zero-extended signal
    geoms = [Axis(x.shape[a], x.chunks[a], -(m // 2), m, 1, x.shape[a], 0) if mode == "same" else
             Axis(x.shape[a], x.chunks[a], 0, m, 1, x.shape[a] - m + 1, m - 1) for a, m in zip(axes_, ms)]
    return halo_map(x, axes_, geoms, fn, dtype=dtype)


def _candidates(block, trims, origin, d, threshold, subpixel):
    """Task body: the candidates a score block owns, in global coordinates.

    ``block`` holds the block's scores (already negated for distances) with a halo of up to
    ``d`` samples, clipped at the map's edges; ``trims`` is the block's own part of it.
    Returns ``(coords, work values, scores, refined or None, every sample its own maximum)``.
    """
    from sigconv.match.peaks import _neighbourhood_max, refine

    work = np.where(np.isnan(block), -np.inf, block).astype(np.float64)
    own = tuple(slice(lo, hi) for lo, hi in trims)
    is_max = (work == _neighbourhood_max(work, d))
    every = bool(is_max[own].all())
    cand = np.zeros_like(is_max)
    cand[own] = is_max[own]
    cand &= work > (-np.inf if threshold is None else threshold)
    local = np.stack(np.nonzero(cand), axis=1).astype(np.int64)
    refined = refine(block, local) if subpixel else None
    shift = np.array([o - lo for o, (lo, _) in zip(origin, trims)], dtype=np.int64)
    coords = local + shift
    if refined is not None:
        refined = refined + shift
    return coords, work[tuple(local.T)], block[tuple(local.T)], refined, every


def _suppress(parts, shape, d, max_peaks, minimised, dtype):
    """Client side: the global greedy suppression over every block's candidates."""
    from sigconv._kernels import sliding as _k
    from sigconv.match.peaks import Peaks

    ndim = len(shape)
    if all(p[4] for p in parts):      # a map that is everywhere its own maximum has no peak
        parts = []
    coords = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, ndim), np.int64)
    work = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    values = np.concatenate([p[2] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype)
    refined = np.concatenate([p[3] for p in parts]) if parts and parts[0][3] is not None else None
    order = np.lexsort(tuple(coords[:, k] for k in range(ndim - 1, -1, -1)) + (-work,))
    coords = np.ascontiguousarray(coords[order])
    keep = np.empty(coords.shape[0], dtype=np.bool_)
    limit = 0 if max_peaks is None else max_peaks
    if ndim == 3:
        _k.greedy_suppress_nd(coords, d, limit, keep)
    else:
        rows = coords[:, 0] if ndim == 2 else np.zeros(coords.shape[0], dtype=np.int64)
        _k.greedy_suppress(np.ascontiguousarray(rows), np.ascontiguousarray(coords[:, -1]), d, limit,
                           shape[0] if ndim == 2 else 1, shape[-1], keep)
    positions = coords[keep] if refined is None else refined[order][keep]
    scores = values[order][keep]
    return Peaks(np.ascontiguousarray(positions), -scores if minimised else scores)


def locate(x, template, *, threshold=0.8, min_distance=None, max_matches=None, score="zncc", mode="valid",
           workers=None, mask=None, nan_policy="propagate", subpixel=False):
    """Dask twin of :func:`sigconv.locate`: computes the scores block by block and returns the
    :class:`~sigconv.Peaks` (computed) that the in-memory function returns."""
    from sigconv.match._common import MINIMISED, _real_array
    from sigconv.match.peaks import _check_subpixel, _check_threshold

    t = _real_array("template", template)
    if x.ndim != t.ndim or t.ndim not in (1, 2, 3):
        raise ValueError(f"`locate` needs a 1D, 2D or 3D `x` and a `template` of the same dimensions; "
                         f"got shapes {x.shape} and {t.shape}")
    threshold = _check_threshold(threshold)
    subpixel = _check_subpixel(subpixel)
    d = int(min(t.shape)) if min_distance is None else check_int("min_distance", min_distance, minimum=1)
    if max_matches is not None:
        check_int("max_matches", max_matches, minimum=1)
    scores = match_template(x, t, mode=mode, score=score, mask=mask, nan_policy=nan_policy)
    minimised = score in MINIMISED
    if minimised:
        scores = -scores
        threshold = None if threshold is None else -threshold
    blocks = scores.to_delayed()
    axes = tuple(range(scores.ndim))
    geoms = [Axis(n, c, -d, 2 * d + 1, 1, n, 0) for n, c in zip(scores.shape, scores.chunks)]
    ranges = [g.out_ranges() for g in geoms]
    tasks = []
    for bi in block_grid(scores.numblocks, axes):
        for ci in itertools.product(*[range(len(r)) for r in ranges]):
            outs = [ranges[k][i] for k, i in enumerate(ci)]
            reads = [(max(lo, 0), min(hi, g.n)) for g, (lo, hi) in
                     zip(geoms, (g.reads(ja, jb) for g, (ja, jb) in zip(geoms, outs)))]
            grid = gathered(blocks, bi, axes, [runs(lo, hi, g, "fill") for g, (lo, hi) in zip(geoms, reads)],
                            scores.chunks, scores.dtype, 0)
            trims = [(ja - lo, jb - lo) for (ja, jb), (lo, _) in zip(outs, reads)]
            origin = [ja for ja, _ in outs]
            tasks.append(delayed(join, pure=True)(grid, axes, _candidates, trims, origin, d, threshold, subpixel))
    parts = dask.compute(*tasks)
    return _suppress(list(parts), scores.shape, d, max_matches, minimised, scores.dtype)
