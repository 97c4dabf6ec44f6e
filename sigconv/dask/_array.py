"""Convolution and correlation of chunked Dask arrays (1D and 2D), and moving averages.

The call is validated by the in-memory engine's own planner on a zero-strided stand-in of the
Dask array (same shape and dtype, no data), so every error and every geometry — modes, the
'same' centring of each function, stride, dilation, kernel banks — is the in-memory one.
Each output block is then computed by the in-memory function with ``workers=1``:

* ``blocks="halo"``: the block's samples plus ``span - 1`` per operated axis (trailing for
  'full'/'valid', split for 'same'), gathered from as many neighbours as needed, the outer
  blocks extended by sigconv's own ``boundary``; the block is convolved 'valid'.
* ``blocks="overlap-add"``: chunk-level overlap-add (:func:`~sigconv.dask._engine.overlap_add_map`).
* ``"auto"``: the halo where it is at most one chunk long along every axis, else overlap-add.
"""

from __future__ import annotations

import functools

import numpy as np

from sigconv._plan import METHOD_OPTIONS, make_plan
from sigconv._validate import check_axis, check_option
from sigconv.dask._blocks import Axis, check_chunks
from sigconv.dask._engine import halo_map, overlap_add_map

BLOCKS_OPTIONS = ("auto", "halo", "overlap-add")


def stand_in(x) -> np.ndarray:
    """A zero-strided array of ``x``'s shape and dtype: lets the in-memory validators check a
    call without touching (computing) the Dask array."""
    check_chunks("x", x)
    return np.broadcast_to(np.zeros((), x.dtype), x.shape)


def refuse_dask(name: str, value) -> None:
    from sigconv._dispatch import is_dask

    if is_dask(value):
        raise TypeError(f"`{name}` must be an in-memory array (the kernel of every task); got a Dask "
                        f"{type(value).__name__}: call `.compute()` on it first")


def _block_conv(block, w, nd, axes, flip, mode, method, stride, dilation, conj):
    import sigconv

    func = (sigconv.convolve2d if flip else sigconv.correlate2d) if nd == 2 else \
        (sigconv.convolve if flip else sigconv.correlate)
    if nd == 2:
        out = func(block, w, mode, method=method, axes=axes, stride=stride, dilation=dilation, workers=1)
    else:
        out = func(block, w, mode, method=method, axis=axes[0], stride=stride[0], dilation=dilation[0], workers=1)
    return np.conj(out) if conj else out


def _rim_conv(pieces, own, w, axis, flip, method, dilation, span):
    """Task body of the 1D halo path without joining the chunk to its halo: the chunk's 'full'
    convolution (every window ending inside the chunk), viewed at the block's outputs, with the
    outputs whose windows cross the chunk's edges recomputed from the halo pieces and the
    chunk's ``span - 1`` edge samples.  Equal to the 'valid' convolution of the joined pieces.
    """
    def cut(a, lo, hi):
        sl = [slice(None)] * a.ndim
        sl[axis] = slice(lo, hi)
        return a[tuple(sl)]

    def cat(parts):
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=axis)

    mid = pieces[own]
    left, right = pieces[:own], pieces[own + 1:]
    n_left = sum(p.shape[axis] for p in left)
    n_right = sum(p.shape[axis] for p in right)
    c = mid.shape[axis]
    full = _block_conv(mid, w, 1, (axis,), flip, "full", method, (1,), (dilation,), False)
    ax = axis - mid.ndim                       # the output's axis, counted from the end
    n_out = n_left + c + n_right - span + 1
    sl = [slice(None)] * full.ndim
    sl[ax] = slice(span - 1 - n_left, span - 1 - n_left + n_out)
    out = full[tuple(sl)]
    if n_left:
        sl[ax] = slice(0, n_left)
        out[tuple(sl)] = _block_conv(cat(left + [cut(mid, 0, span - 1)]), w, 1, (axis,), flip, "valid", method,
                                     (1,), (dilation,), False)
    if n_right:
        sl[ax] = slice(n_out - n_right, n_out)
        out[tuple(sl)] = _block_conv(cat([cut(mid, c - span + 1, c)] + right), w, 1, (axis,), flip, "valid", method,
                                     (1,), (dilation,), False)
    return out


class _Bank:
    """The kernel (bank) each output block needs: the batch dimensions of a kernel bank that
    run along a chunked batch axis of ``x`` are cut to the block's rows."""

    def __init__(self, x, kernel, plan):
        from dask import delayed

        self.x, self.kernel, self.plan = x, kernel, plan
        self.x_batch_dims = [d for d in range(x.ndim) if d not in plan.axes]
        self.extra = max(0, len(plan.out_batch) - len(self.x_batch_dims))
        self._delayed = delayed
        self._cache = {}

    def out_batch_shape(self, bi):
        shape = list(self.plan.out_batch[: self.extra])
        for p, d in enumerate(self.x_batch_dims):
            size = self.plan.out_batch[self.extra + p]
            shape.append(self.x.chunks[d][bi[d]] if self.x.shape[d] == size else size)
        return shape

    def args(self, bi):
        k, plan, nd = self.kernel, self.plan, self.plan.nd
        sl = [slice(None)] * k.ndim
        offset = len(plan.out_batch) - (k.ndim - nd)
        for p, d in enumerate(self.x_batch_dims):
            q = self.extra + p - offset       # the kernel's batch dim on this output dim
            if q >= 0 and k.shape[q] > 1 and self.x.shape[d] == k.shape[q]:
                start = sum(self.x.chunks[d][: bi[d]])
                sl[q] = slice(start, start + self.x.chunks[d][bi[d]])
        key = tuple((s.start, s.stop) for s in sl)
        if key not in self._cache:
            self._cache[key] = self._delayed(np.ascontiguousarray(k[tuple(sl)]), pure=True)
        return (self._cache[key],)


def conv(x, kernel, mode, *, nd, axes, flip, method, boundary, fill_value, stride, dilation, blocks):
    """The Dask twin of the four convolution functions (module docstring)."""
    refuse_dask("kernel", kernel)
    check_option("method", method, METHOD_OPTIONS)
    check_option("blocks", blocks, BLOCKS_OPTIONS)
    plan, _, k = make_plan(stand_in(x), kernel, nd=nd, axes=axes, mode=mode, boundary=boundary,
                           fill_value=fill_value, stride=stride, dilation=dilation, flip=flip)
    check_chunks("x", x)
    x = x.astype(plan.dtype)
    k = k.astype(plan.dtype)
    if not plan.extend:
        boundary, fill_value = "fill", 0
    geoms = []
    for i, a in enumerate(plan.axes):
        read_lo = plan.read_range(i)[0]
        span = plan.m_eff[i]
        shift = 0 if mode == "same" else span - 1 + read_lo
        geoms.append(Axis(plan.n[i], x.chunks[a], read_lo, span, plan.stride[i], plan.n_out[i], shift))
    if blocks == "auto":
        long = any(g.span - 1 > min(g.chunks) for g in geoms)
        blocks = "overlap-add" if long else "halo"
    bank = _Bank(x, k, plan)
    common = dict(boundary=boundary, fill_value=fill_value, dtype=plan.dtype, block_args=bank.args,
                  out_batch_shape=bank.out_batch_shape, extra=bank.extra)
    if blocks == "halo":
        def fn(block, w):
            return _block_conv(block, w, nd, plan.axes, flip, "valid", method, plan.stride, plan.dilation,
                               plan.conj_output)
        rims = None
        if nd == 1 and plan.stride == (1,) and min(geoms[0].chunks) > 2 * geoms[0].span:
            # long chunks: convolve each chunk alone and mend its edges (no copy of the chunk)
            rims = functools.partial(_rim_conv, axis=plan.axes[0], flip=flip, method=method,
                                     dilation=plan.dilation[0], span=geoms[0].span)
        return halo_map(x, plan.axes, geoms, fn, rims=rims, **common)

    def full_fn(block, w):
        return _block_conv(block, w, nd, plan.axes, flip, "full", method, (1,) * nd, plan.dilation, False)

    out = overlap_add_map(x, plan.axes, geoms, full_fn, **common)
    return out.conj() if plan.conj_output else out


def probe(x) -> np.ndarray:
    """A one-sample in-memory array of ``x``'s dtype and number of dimensions: the in-memory
    function called on it validates the parameters and tells the output dtype."""
    check_chunks("x", x)
    return np.zeros((1,) * max(x.ndim, 1), x.dtype)


def moving_average(x, window, weights="uniform", *, align="trailing", min_periods=None, nan_policy="propagate",
                   axis=-1, **params):
    """Dask twin of :func:`sigconv.moving_average`: a clipped halo of ``window - 1`` samples
    (trailing, or split as pandas centres) around each chunk, the in-memory function on it."""
    import sigconv
    from sigconv.filters import _offset, _resolve_weights

    kwargs = dict(weights=weights, align=align, min_periods=min_periods, nan_policy=nan_policy, axis=axis, **params)
    dtype = sigconv.moving_average(probe(x), window, **kwargs).dtype
    m = _resolve_weights(window, weights, params).size
    if nan_policy == "raise":
        x = x.map_blocks(_raise_on_nan, dtype=x.dtype)
    axis = check_axis("axis", axis, x.ndim)
    return local_map(x, (axis,), (m,), (_offset(align, m),),
                     lambda block: sigconv.moving_average(block, window, **kwargs), dtype=dtype)


def _raise_on_nan(block):
    if np.isnan(block).any():
        raise ValueError("`x` holds NaN and nan_policy='raise'; use 'propagate' or 'omit'")
    return block


def local_map(x, axes, spans, aheads, fn, *, dtype):
    """Outputs of the signal's shape, output ``t`` reading the samples ``t + ahead - span + 1 ..
    t + ahead`` along each of ``axes``, by ``fn`` on clipped haloed blocks (the signal's ends
    are ``fn``'s to treat, as in memory)."""
    check_chunks("x", x)
    geoms = [Axis(x.shape[a], x.chunks[a], ahead - span + 1, span, 1, x.shape[a], 0)
             for a, span, ahead in zip(axes, spans, aheads)]
    return halo_map(x, tuple(axes), geoms, fn, dtype=dtype, clip=True)
