"""Recursive filters on chunked Dask arrays: the state is carried chunk by chunk, in order.

The carriers are the stream objects of :mod:`sigconv.stream` (``EWMA``, ``ARMA``, ``SOS``):
each task receives the previous chunk's stream object, pushes its chunk into a copy and passes
the copy on, so the Dask twin, the stream and the batch function share one kernel and one state
layout, and the result equals the one-pass result bit for bit.  The chains of different batch
blocks are independent and run in parallel; the time axis is never rechunked.
"""

from __future__ import annotations

import copy

import dask.array as da
import numpy as np
from dask import delayed

from sigconv._validate import check_axis
from sigconv.dask._array import probe, refuse_dask
from sigconv.dask._blocks import block_grid, check_chunks


def _step(block: np.ndarray, carrier, axis: int):
    """Task body: push ``block`` (time along ``axis``) into a copy of ``carrier``."""
    stream = copy.deepcopy(carrier)
    out = stream.push(np.moveaxis(block, axis, -1))
    return np.moveaxis(out, -1, axis), stream


def _batch_slice(x, bi, axis: int) -> tuple[slice, ...]:
    """The rows of block row ``bi`` over the batch axes of ``x`` (time axis removed)."""
    out = []
    for d, (chunks, i) in enumerate(zip(x.chunks, bi)):
        if d != axis:
            start = sum(chunks[:i])
            out.append(slice(start, start + chunks[i]))
    return tuple(out)


def carry(x, axis: int, make_carrier, dtype, *, final=None):
    """Run ``make_carrier(batch_slice)``'s stream along ``axis`` of ``x`` chunk by chunk.

    Returns the lazy output and, with ``final(stream) -> ndarray``, a list of
    ``(block row, delayed final value)`` pairs.
    """
    check_chunks("x", x)
    blocks = x.to_delayed()
    pieces, finals = {}, []
    for bi in block_grid(x.numblocks, (axis,)):
        state = delayed(make_carrier(_batch_slice(x, bi, axis)), pure=True)
        for i in range(x.numblocks[axis]):
            idx = list(bi)
            idx[axis] = i
            idx = tuple(idx)
            y, state = delayed(_step, pure=True, nout=2)(blocks[idx], state, axis)
            shape = tuple(c[j] for c, j in zip(x.chunks, idx))
            pieces[idx] = da.from_delayed(y, shape, dtype=dtype)
        if final is not None:
            finals.append((bi, delayed(final, pure=True)(state)))

    def nest(level, prefix):
        if level == x.ndim:
            return pieces[prefix]
        return [nest(level + 1, prefix + (i,)) for i in range(x.numblocks[level])]

    return da.block(nest(0, ())), finals


def _rows_of(value, batch_slice, batch_ndim: int):
    """A per-channel parameter cut to a block row: ``value[..., rows, :]`` when it carries the
    batch dimensions (then after a leading axis of ``lead`` entries), else ``value``."""
    if value is None or value.ndim - 1 < batch_ndim or batch_ndim == 0:
        return value
    lead = value.ndim - 1 - batch_ndim
    return value[(slice(None),) * lead + tuple(batch_slice)]


def ewma(x, *, alpha=None, span=None, halflife=None, com=None, adjust=True, min_periods=0, axis=-1):
    """Dask twin of :func:`sigconv.ewma`: the state of :class:`sigconv.stream.EWMA` (mean, old
    weight, observations) carried chunk by chunk."""
    import sigconv
    from sigconv import stream

    kwargs = dict(alpha=alpha, span=span, halflife=halflife, com=com, adjust=adjust, min_periods=min_periods)
    dtype = sigconv.ewma(probe(x), axis=axis, **kwargs).dtype
    axis = check_axis("axis", axis, x.ndim)
    out, _ = carry(x, axis, lambda rows: stream.EWMA(**kwargs), dtype)
    return out


def ar_filter(e, ar, *, zi=None, axis=-1):
    """Dask twin of :func:`sigconv.ar_filter`: ``zi`` (the last ``p`` outputs) carried."""
    import sigconv
    from sigconv import stream

    refuse_dask("zi", zi)
    refuse_dask("ar", ar)
    dtype = sigconv.ar_filter(probe(e), ar, axis=axis).dtype
    axis = check_axis("axis", axis, e.ndim)
    z = None
    if zi is not None:
        # the in-memory function checks zi against the signal's shape (on a stand-in, no data)
        from sigconv.dask._array import stand_in

        p = np.size(ar)
        z = np.asarray(zi, dtype=np.float64)
        sigconv.ar_filter(stand_in(e)[tuple(slice(0, 1) if d == axis else slice(None)
                                            for d in range(e.ndim))], ar, zi=z, axis=axis)
        if z.ndim > 1:
            z = np.moveaxis(np.broadcast_to(z, e.shape[:axis] + (p,) + e.shape[axis + 1:]), axis, -1)

    def make(rows):
        zr = None if z is None else (z if z.ndim == 1 else np.ascontiguousarray(z[tuple(rows)]))
        return stream.ARMA(ar, (), zi=zr)

    out, _ = carry(e, axis, make, dtype)
    return out


def arma_filter(e, ar, ma=(), *, axis=-1):
    """Dask twin of :func:`sigconv.arma_filter`: the last ``q`` inputs and ``p`` outputs
    (:class:`sigconv.stream.ARMA`'s state) carried."""
    import sigconv
    from sigconv import stream

    refuse_dask("ar", ar)
    refuse_dask("ma", ma)
    dtype = sigconv.arma_filter(probe(e), ar, ma, axis=axis).dtype
    axis = check_axis("axis", axis, e.ndim)
    out, _ = carry(e, axis, lambda rows: stream.ARMA(ar, ma), dtype)
    return out


def sos_filter(sos, x, *, zi=None, zero_phase=False, nan_policy="propagate", axis=-1):
    """Dask twin of :func:`sigconv.sos_filter`: the sections' state (scipy's ``zi``/``zf``,
    :class:`sigconv.stream.SOS`) carried chunk by chunk.  ``zero_phase`` and
    ``nan_policy="segments"`` need the whole series: they run on a time axis of one chunk."""
    import sigconv
    from sigconv import stream
    from sigconv.dask._array import stand_in

    refuse_dask("sos", sos)
    refuse_dask("zi", zi)
    dtype = sigconv.sos_filter(sos, probe(x), nan_policy=nan_policy, axis=axis).dtype
    axis = check_axis("axis", axis, x.ndim)
    if zero_phase or nan_policy != "propagate":
        if x.numblocks[axis] != 1:
            param = "zero_phase" if zero_phase else "nan_policy"
            raise ValueError(f"`{param}`={zero_phase if zero_phase else nan_policy!r} needs each series whole: "
                             f"`x` has {x.numblocks[axis]} chunks along axis {axis}; rechunk it with "
                             f"`x.rechunk({{{axis}: -1}})` (its other axes may stay chunked)")
        if zi is not None:
            raise ValueError("`zi` cannot be given with zero_phase=True or nan_policy='segments'")
        one_row = stand_in(x)[tuple(slice(None) if d == axis else slice(0, 1) for d in range(x.ndim))]
        sigconv.sos_filter(sos, one_row, zero_phase=zero_phase, nan_policy=nan_policy, axis=axis)
        return x.map_blocks(lambda b: sigconv.sos_filter(sos, b, zero_phase=zero_phase, nan_policy=nan_policy,
                                                         axis=axis), dtype=dtype)
    z = None
    if zi is not None:
        z = np.asarray(zi, dtype=np.float64)
        one = stand_in(x)[tuple(slice(0, 1) if d == axis else slice(None) for d in range(x.ndim))]
        sigconv.sos_filter(sos, one, zi=z, axis=axis)       # checks zi's layout against the signal's
        z = np.moveaxis(np.broadcast_to(z, (z.shape[0],) + x.shape[:axis] + (2,) + x.shape[axis + 1:]), axis + 1, -1) \
            if z.ndim > 2 else z

    def make(rows):
        zr = None if z is None else (z if z.ndim == 2 else np.ascontiguousarray(z[(slice(None),) + tuple(rows)]))
        return stream.SOS(sos, zi=zr)

    def final(s):
        # scipy's layout with the block row's shape: (sections, ..., 2 along axis, ...)
        return np.moveaxis(s.state, -1, axis + 1) if x.ndim > 1 else s.state

    out, finals = carry(x, axis, make, dtype, final=final if zi is not None else None)
    if zi is None:
        return out
    sections = np.asarray(sos).shape[0]
    parts = {}
    for bi, value in finals:
        shape = (sections,) + tuple(2 if d == axis else c[i] for d, (c, i) in enumerate(zip(x.chunks, bi)))
        parts[(0,) + tuple(bi)] = da.from_delayed(value, shape, dtype=np.float64)

    def nest(level, prefix):
        if level == x.ndim + 1:
            return parts[prefix]
        count = 1 if level == 0 or level - 1 == axis else x.numblocks[level - 1]
        return [nest(level + 1, prefix + (i,)) for i in range(count)]

    return out, da.block(nest(0, ()))
