"""Direct correlation of one kernel row with the outputs held in vector registers.

``o[j] = sum_{c < K} w[c] * x[j + c]`` is computed a tile of ``ROWS`` output vectors (``V``
outputs each: one register of the CPU's widest vectors) at a time.  For each input sample
``x[i]`` of the tile's span, every output vector takes one multiply-add of that sample
broadcast to all lanes with a column of the *weight table*::

    wt[d, t] = w[d - t]     (0 <= d - t < K; d < K + V - 1, t < V)

so output vector ``v`` of a tile starting at ``j0`` is ``sum_d wt[d] * x[j0 + V*v + d]``.
Every load is a broadcast of one sample or an aligned load of one table row (the blocked loop
of :mod:`sigconv._kernels.conv` loads ``x[j + c]`` unaligned for every tap, and with 512-bit
vectors most of those loads straddle two cache lines), the ``ROWS`` accumulators never leave
their registers, and each table row serves ``ROWS`` multiply-adds.  The first and last
``V - 1`` table rows hold taps for some lanes only: there the other lanes are left unchanged
(masked multiply-adds), so a non-finite sample reaches exactly the outputs whose window
covers it.  The price is ``V - 1`` extra steps per tile over the kernel's ``K``.

The tile is written directly in LLVM IR (:func:`tile_kernel`): Numba's loop vectoriser does not
keep a register tile across a runtime-length loop.  ``V`` follows the CPU (64 bytes of values
with AVX-512, else 32, else 16) and the dtype; the caching of the calling kernel is keyed by
the CPU, so a cache is never shared across vector widths.
"""

from __future__ import annotations

import llvmlite.binding as _llb
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic, overload

from sigconv._jit import jit

_FEATURES = _llb.get_host_cpu_features()
#: bytes of one vector register: the CPU's widest
VECTOR_BYTES = 64 if _FEATURES.get("avx512f", False) else 32 if _FEATURES.get("avx", False) else 16
#: output vectors per tile (accumulators in registers: 32 vector registers with AVX-512 or on
#: ARM, 16 with AVX).  N = 1e6, K = 64 / 256, one thread, GFLOP/s by rows: float64 58 / 59
#: (4), 82 / 95 (8), 79 / 92 (12); float32 94 / 112 (4), 130 / 168 (8), 143 / 180 (12)
ROWS = 12


def lane_width(a) -> int:
    """Outputs per vector register for ``a``'s dtype (a compile-time constant in kernels)."""
    return VECTOR_BYTES // a.dtype.itemsize


@overload(lane_width)
def _lane_width_typed(a):
    width = VECTOR_BYTES // (a.dtype.bitwidth // 8)
    return lambda a: width


def _pointer(context, builder, array_type, array, index):
    """Pointer to element ``index`` of a (contiguous) array argument."""
    data = context.make_array(array_type)(context, builder, array).data
    return builder.gep(data, [index])


def _splat(builder, value, vty):
    """``value`` in every lane of a vector of type ``vty``."""
    undef = ir.Constant(vty, ir.Undefined)
    vec = builder.insert_element(undef, value, ir.Constant(ir.IntType(32), 0))
    return builder.shuffle_vector(vec, undef, ir.Constant(ir.VectorType(ir.IntType(32), vty.count), [0] * vty.count))


def tile_kernel(rows: int):
    """The intrinsic ``tile(o, oj, x, xj, wt, masks, k)``: ``o[oj + V*v + t] = sum_{c < k}
    w[c] * x[xj + V*v + t + c]`` for ``v < rows``, ``t < V`` from the weight table ``wt``
    (64-byte aligned, ``(k + V - 1) * V`` values; see the module docstring) and its lane
    masks (:func:`mask_table`, read in the first and last ``V - 1`` steps)."""

    @intrinsic
    def tile(typingctx, o, oj, x, xj, wt, masks, k):
        return types.void(o, oj, x, xj, wt, masks, k), lambda context, builder, sig, args: _tile_ir(
            context, builder, sig, args, rows)

    return tile


def _vectors(context, builder, dtype):
    """``(element type, V, vector type, llvm.fmuladd of that type)`` for ``dtype``; marks the
    function being built for the CPU's widest registers (512-bit where it has them)."""
    elt = context.get_value_type(dtype)
    width = VECTOR_BYTES // context.get_abi_sizeof(elt)
    vty = ir.VectorType(elt, width)
    name = f"llvm.fmuladd.v{width}{'f64' if isinstance(elt, ir.DoubleType) else 'f32'}"
    fmuladd = cgutils.get_or_insert_function(builder.module, ir.FunctionType(vty, [vty] * 3), name)
    attributes = builder.function.attributes
    try:
        set.add(attributes, f'"min-legal-vector-width"="{VECTOR_BYTES * 8}"')
        set.add(attributes, f'"prefer-vector-width"="{VECTOR_BYTES * 8}"')
    except Exception:   # pragma: no cover - a future llvmlite with a stricter set
        pass
    return elt, width, vty, fmuladd


def _weight_row(builder, wbase, d, vty):
    """Row ``d`` of the weight table (``V`` values at ``wbase + d * V``, 64-byte aligned)."""
    offset = builder.mul(d, ir.Constant(ir.IntType(64), vty.count))
    return builder.load(builder.bitcast(builder.gep(wbase, [offset]), vty.as_pointer()), align=VECTOR_BYTES)


def _all_steps(builder, k_v, width, one_step):
    """``one_step(d, masked)`` for the ``k + V - 1`` steps of a tile: the first and last
    ``V - 1`` (of fewer than ``V`` taps per lane) masked, the ones between for every lane."""
    i64 = ir.IntType(64)
    steps = builder.add(k_v, ir.Constant(i64, width - 1))
    head = builder.select(builder.icmp_signed("<", k_v, ir.Constant(i64, width - 1)), k_v,
                          ir.Constant(i64, width - 1))
    tail = builder.select(builder.icmp_signed(">", k_v, head), k_v, head)   # [head, tail): every lane
    for lo, hi, masked in ((ir.Constant(i64, 0), head, True), (head, tail, False), (tail, steps, True)):
        with cgutils.for_range_slice(builder, lo, hi, ir.Constant(i64, 1), inc=True) as (d, _):
            one_step(d, masked)


def _tile_ir(context, builder, signature, args, rows):
    """The IR of :func:`tile_kernel`'s tile of ``rows`` output vectors."""
    o_t, _, x_t, _, wt_t, masks_t, _ = signature.args
    o_a, oj_v, x_a, xj_v, wt_a, masks_a, k_v = args
    i64 = ir.IntType(64)
    elt, width, vty, fmuladd = _vectors(context, builder, o_t.dtype)
    oj_v, xj_v, k_v = (builder.sext(v, i64) if v.type.width < 64 else v for v in (oj_v, xj_v, k_v))
    accs = [cgutils.alloca_once_value(builder, ir.Constant(vty, None)) for _ in range(rows)]
    xbase = _pointer(context, builder, x_t, x_a, xj_v)
    wbase = _pointer(context, builder, wt_t, wt_a, ir.Constant(i64, 0))

    def step(d, masked):
        w = _weight_row(builder, wbase, d, vty)
        if masked:   # lanes t with 0 <= d - t < k: bit t of masks[d]
            bits = builder.load(_pointer(context, builder, masks_t, masks_a, d))
            bits = builder.trunc(bits, ir.IntType(width)) if width < 16 else bits
            keep = builder.bitcast(bits, ir.VectorType(ir.IntType(1), width))
        for v, acc in enumerate(accs):
            sample = builder.load(builder.gep(xbase, [builder.add(d, ir.Constant(i64, width * v))]))
            old = builder.load(acc)
            new = builder.call(fmuladd, [w, _splat(builder, sample, vty), old])
            builder.store(builder.select(keep, new, old) if masked else new, acc)

    _all_steps(builder, k_v, width, step)
    obase = _pointer(context, builder, o_t, o_a, oj_v)
    for v, acc in enumerate(accs):
        ptr = builder.bitcast(builder.gep(obase, [ir.Constant(i64, width * v)]), vty.as_pointer())
        builder.store(builder.load(acc), ptr, align=context.get_abi_sizeof(elt))
    return context.get_dummy_value()


#: tiles of :data:`ROWS` output vectors, and of four, two and one for the rest of a block: one
#: vector alone is one chain of dependent multiply-adds (latency-bound, a quarter of the rate),
#: which cost a 160-output row of 6400 taps (the stream Matcher's segment) 75 us of its 117
tile, tile4, tile2, tile1 = tile_kernel(ROWS), tile_kernel(4), tile_kernel(2), tile_kernel(1)


@jit
def aligned(n, like):
    """A scratch vector of ``n`` elements of ``like``'s dtype starting on a 64-byte boundary."""
    buf = np.empty(n + 64 // like.itemsize, like.dtype)
    off = ((64 - buf.ctypes.data % 64) % 64) // like.itemsize
    return buf[off:off + n]


@jit
def weight_table(wrow):
    """The table ``wt[d * V + t] = wrow[d - t]`` (zero where ``d - t`` is outside the row): row
    ``d`` is a window of the reversed row padded with ``V - 1`` zeros each side, so building it
    is ``K + V - 1`` vector copies (it is built per task)."""
    k = wrow.shape[0]
    width = lane_width(wrow)
    wt = aligned((k + width - 1) * width + k + 2 * width - 2, wrow)
    padded = wt[(k + width - 1) * width:]   # scratch after the table
    for i in range(width - 1):
        padded[i] = 0
        padded[k + width - 1 + i] = 0
    for i in range(k):
        padded[width - 1 + i] = wrow[k - 1 - i]
    for d in range(k + width - 1):
        base = k + width - 2 - d
        for t in range(width):
            wt[d * width + t] = padded[base + t]
    return wt[:(k + width - 1) * width]


@jit
def mask_table(k, like):
    """``masks[d]``: the lanes ``t`` (bit ``t``) that row ``d`` of the weight table of a row of
    ``k`` taps holds a tap for, ``0 <= d - t < k`` (lane count of ``like``'s dtype)."""
    width = lane_width(like)
    masks = np.empty(k + width - 1, np.uint16)
    for d in range(k + width - 1):
        lo, hi = max(0, d - k + 1), min(width - 1, d)
        masks[d] = ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1)
    return masks


@jit
def tiled_row(o, cnt, xx, wrow, wt):
    """``o[j] = sum_c wrow[c] * xx[j + c]`` for ``j < cnt`` (``xx`` holds ``cnt + K - 1``
    samples): whole tiles in registers, then tiles of four, two and one vectors, then the
    last outputs from a tile of one vector over a zero-padded copy of their samples.  Every
    output is thus the same sequence of multiply-adds wherever it falls in a block (a scalar loop would be
    reassociated by the fast-math flags), so a signal cut into chunks (streams, Dask) gives
    the bits of the whole."""
    k = wrow.shape[0]
    masks = mask_table(k, wrow)
    span = ROWS * lane_width(o)
    full = cnt - cnt % span
    for j in range(0, full, span):
        tile(o, j, xx, j, wt, masks, k)
    width = lane_width(o)
    last = cnt - cnt % width
    j = full
    while j + 4 * width <= last:
        tile4(o, j, xx, j, wt, masks, k)
        j += 4 * width
    if j + 2 * width <= last:
        tile2(o, j, xx, j, wt, masks, k)
        j += 2 * width
    if j < last:
        tile1(o, j, xx, j, wt, masks, k)
    if last < cnt:   # plain loops: slice assignments cost seconds of compile time here
        padded = np.empty(width + k - 1, xx.dtype)
        for i in range(cnt - last + k - 1):
            padded[i] = xx[last + i]
        for i in range(cnt - last + k - 1, width + k - 1):
            padded[i] = 0.0   # the zeros meet only discarded lanes
        rest = np.empty(width, o.dtype)
        tile1(rest, 0, padded, 0, wt, masks, k)
        for i in range(cnt - last):
            o[last + i] = rest[i]
