"""Strided and dilated direct correlation in register tiles, reading the signal in place.

The register tiles of :mod:`sigconv._kernels.tiles` broadcast one input sample at a time to a
tile of output vectors; here the samples a tile broadcasts are ``step`` apart in the signal
(:func:`step_tile_kernel`), so the phases of a strided or dilated correlation are computed
without a copy of the signal's phases (the polyphase form of :mod:`sigconv._kernels.polyphase`
first writes that copy: one pass over the input, as much time as all the multiply-adds of a
stride of 8):

* **stride** ``sw`` (unit tap spacing): output ``j`` is ``sum_p sum_q x[(j + q)*sw + p + ow] *
  w[p + sw*q]``: for each tap phase ``p`` a unit-stride correlation of the samples ``sw`` apart
  with the taps ``w[p::sw]``.  The lanes are consecutive outputs; the tile adds each phase to
  its accumulators (``sw * (Kc + V - 1)`` steps for ``K`` taps, ``Kc = K / sw``, against
  ``K + V - 1`` at stride 1).
* **dilation** ``dw`` (unit stride): the outputs ``j = r + dw*m`` of one output phase ``r``
  read the samples ``x[r + dw*(m + c) + ow]``: a unit-stride correlation of the samples ``dw``
  apart with the whole kernel row (``K + V - 1`` steps, as at stride 1).  The lanes are outputs
  ``dw`` apart.  For a dilation of 2 or 4 one tile holds every output phase (each step's row of
  the weight table serves them all) and shuffles its vectors into consecutive outputs on the
  way out; otherwise (and for kernels of several rows) each phase's tiles go to a scratch row,
  interleaved into the output a sub-block at a time.

Each step count is compiled as a constant in its own copy of the kernels (:func:`step_kernel`),
so the samples sit at constant offsets.  The masked first and last steps of each phase leave
the lanes they do not concern unchanged, so a non-finite sample reaches only the outputs whose
window covers it.  Same contract as :func:`~sigconv._kernels.conv.conv_direct` for real dtypes;
outputs whose window leaves ``[0, W)`` take the bounds-checked scalar loop.  Measured (N = 1e6,
K = 64, float64, one thread, against the stride-1 tiles' time ``t1``): stride 2 0.6 ``t1``,
stride 8 0.45-0.5 ``t1`` (bound by its reads), dilation 2 1.0 ``t1``.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from sigconv._jit import _renamed, jit, prange, serial_and_parallel
from sigconv._kernels.conv import _interior, _point, _tap_rows, source_index
from sigconv._kernels.tiles import _all_steps, _pointer, _splat, _vectors, _weight_row, aligned, lane_width

#: outputs per task (one weight table per kernel row and phase per task; N = 1e6, K = 64,
#: dilation 2: 8192 -> 16384 measured 2.05-2.12 -> 1.97-2.04 ms)
BLOCK = 16384
#: output vectors per tile.  With a step fixed at compile time the samples sit at constant
#: offsets from one pointer, and 12 vectors stay in registers as at stride 1; with a step read
#: at run time each vector needs its own pointer register, and 8 is the most that fit the
#: general registers of x86-64 (past that LLVM chains an integer addition per load, on the
#: ports the multiply-adds need: 1.4x slower)
ROWS_FIXED, ROWS_RUNTIME = 12, 8
ROWS = ROWS_RUNTIME


def step_tile_kernel(rows: int, accumulate: bool, phases: int = 1):
    """The intrinsic ``tile(o, oj, x, xj, step, wt, k)``: ``o[oj + V*v + t] (+)= sum_{c < k}
    w[c] * x[xj + (V*v + t + c) * step]`` for ``v < rows``, ``t < V`` (``+=`` where
    ``accumulate``), from the weight table ``wt`` of :func:`~sigconv._kernels.tiles.weight_table`.

    With ``phases = step`` (a dilation of 2 or 4; assigning only) the tile computes every output
    phase at once and writes the outputs interleaved: ``o[oj + step*(V*v + t) + r] = sum_{c < k}
    w[c] * x[xj + r + (V*v + t + c) * step]`` for ``r < step`` (``step`` must equal ``phases``)."""

    @intrinsic
    def tile(typingctx, o, oj, x, xj, step, wt, k):
        return types.void(o, oj, x, xj, step, wt, k), lambda context, builder, sig, args: _step_tile_ir(
            context, builder, sig, args, rows, accumulate, phases)

    return tile


def _step_tile_ir(context, builder, signature, args, rows, accumulate, phases):
    """The IR of :func:`step_tile_kernel` (the tile of :mod:`sigconv._kernels.tiles` with
    samples ``step`` apart and, where ``accumulate``, accumulators loaded from ``o``; with
    several ``phases``, one set of accumulators per phase, interleaved by shuffles on the way
    out)."""
    o_t, _, x_t, _, _, wt_t, _ = signature.args
    o_a, oj_v, x_a, xj_v, step_v, wt_a, k_v = args
    i64, i32 = ir.IntType(64), ir.IntType(32)
    elt, width, vty, fmuladd = _vectors(context, builder, o_t.dtype)
    oj_v, xj_v, step_v, k_v = (builder.sext(v, i64) if v.type.width < 64 else v for v in (oj_v, xj_v, step_v, k_v))
    obase = _pointer(context, builder, o_t, o_a, oj_v)
    optrs = [builder.bitcast(builder.gep(obase, [ir.Constant(i64, width * v)]), vty.as_pointer()) for v in range(rows)]
    align = context.get_abi_sizeof(elt)
    if phases == 1:
        accs = [cgutils.alloca_once_value(builder, builder.load(p, align=align) if accumulate
                                          else ir.Constant(vty, None)) for p in optrs]
    else:
        accs = [cgutils.alloca_once_value(builder, ir.Constant(vty, None)) for _ in range(rows * phases)]
    xbase = _pointer(context, builder, x_t, x_a, xj_v)
    vstep = builder.mul(step_v, ir.Constant(i64, width))   # samples between the tile's vectors
    xptrs = [builder.gep(xbase, [builder.add(builder.mul(vstep, ir.Constant(i64, v)), ir.Constant(i64, r))])
             for v in range(rows) for r in range(phases)]
    wbase = _pointer(context, builder, wt_t, wt_a, ir.Constant(i64, 0))
    lanes = ir.Constant(ir.VectorType(i32, width), list(range(width)))

    def one_step(d, masked):
        w = _weight_row(builder, wbase, d, vty)
        if masked:   # lanes t with 0 <= d - t < k
            d32 = builder.trunc(d, i32)
            lo = builder.trunc(builder.sub(d, builder.sub(k_v, ir.Constant(i64, 1))), i32)
            keep = builder.and_(builder.icmp_signed("<=", lanes, _splat(builder, d32, ir.VectorType(i32, width))),
                                builder.icmp_signed(">=", lanes, _splat(builder, lo, ir.VectorType(i32, width))))
        offset = builder.mul(d, step_v)
        for v, acc in enumerate(accs):
            sample = builder.load(builder.gep(xptrs[v], [offset]))
            old = builder.load(acc)
            new = builder.call(fmuladd, [w, _splat(builder, sample, vty), old])
            builder.store(builder.select(keep, new, old) if masked else new, acc)

    _all_steps(builder, k_v, width, one_step)
    if phases == 1:
        for ptr, acc in zip(optrs, accs):
            builder.store(builder.load(acc), ptr, align=align)
        return context.get_dummy_value()
    for v in range(rows):   # the phases' vectors side by side, then each output vector's lanes
        parts = [builder.load(accs[v * phases + r]) for r in range(phases)]
        while len(parts) > 1:
            n = parts[0].type.count
            mask = ir.Constant(ir.VectorType(i32, 2 * n), list(range(2 * n)))
            parts = [builder.shuffle_vector(parts[i], parts[i + 1], mask) for i in range(0, len(parts), 2)]
        for q in range(phases):
            lanes_q = [(g % phases) * width + g // phases for g in range(q * width, (q + 1) * width)]
            out = builder.shuffle_vector(parts[0], parts[0], ir.Constant(ir.VectorType(i32, width), lanes_q))
            ptr = builder.bitcast(builder.gep(obase, [ir.Constant(i64, (v * phases + q) * width)]), vty.as_pointer())
            builder.store(out, ptr, align=align)
    return context.get_dummy_value()


#: tiles of :data:`ROWS` output vectors and of one, assigning or adding
tile_set, tile1_set = step_tile_kernel(ROWS, False), step_tile_kernel(1, False)
tile_add, tile1_add = step_tile_kernel(ROWS, True), step_tile_kernel(1, True)
_FIXED_TILES = {"ROWS": ROWS_FIXED, "tile_set": step_tile_kernel(ROWS_FIXED, False),
                "tile_add": step_tile_kernel(ROWS_FIXED, True)}
#: dilations whose output phases share one tile (24 accumulators: 12 vectors per phase for a
#: dilation of 2, 6 for 4), written straight to the output through shuffles (one kernel row)
MULTI_PHASES = (2, 4)
MULTI, MULTI_ROWS = 0, 1   # in the copies: the dilation and the vectors per phase, or none
multi_tile = step_tile_kernel(1, False, 2)   # stands in where MULTI is 0 (never run)


#: bytes of input a sub-block of outputs reads per phase (they stay in L1 across the phases):
#: strides from 4 (a block of outputs then reads 256 KiB or more, and each tap phase would
#: stream it from L2 again: N = 1e6, K = 64, stride 8 measured 1.2-1.4 ms in sub-blocks
#: against 1.6-1.7 ms without; stride 2 ~10% slower in them), with weight tables up to
#: ``TABLE_BYTES`` (past it the tables, cycled once per sub-block, would leave L1 instead:
#: K = 1001, stride 8, 0.39 ms in sub-blocks, 0.38 ms without)
SPAN_BYTES = 32 * 1024
TABLE_BYTES = 16 * 1024
SUB_MIN_STEP = 4
#: bytes of one table row (a vector)
ALIGN_BYTES = 64


@jit
def _tables(wb, r_lo, r_hi, C):
    """The weight tables (:func:`~sigconv._kernels.tiles.weight_table`) of the tap phases
    ``wb[r, p::C]`` of kernel rows ``[r_lo, r_hi)``, row ``(r - r_lo) * C + p`` of a 64-byte
    aligned array, and their tap counts."""
    Kw = wb.shape[1]
    width = lane_width(wb)
    kc = (Kw + C - 1) // C
    T = (kc + width - 1) * width
    n = (r_hi - r_lo) * C
    tab = aligned(n * T, wb).reshape(n, T)
    ks = np.empty(n, np.int64)
    for r in range(r_lo, r_hi):
        for p in range(C):
            row = (r - r_lo) * C + p
            k = (Kw - p + C - 1) // C
            ks[row] = k
            for d in range(k + width - 1):
                for t in range(width):
                    c = d - t
                    tab[row, d * width + t] = wb[r, p + c * C] if 0 <= c < k else 0
    return tab, ks


@jit
def _exact(xrow, wrow, base, step, k, zero):
    """``sum_{c < k} wrow[c] * xrow[base + c * step]`` (an interior window)."""
    acc = zero
    for c in range(k):
        acc += wrow[c] * xrow[base + c * step]
    return acc


#: the samples' step, fixed at compile time in each copy of the kernels (0: read at run time)
STEP = 0


def _phase_tiles(o, cnt, xrow, x0, step, wrow, wt, first, zero):
    """``o[m] (+)= sum_c wrow[c] * xrow[x0 + (m + c) * step]`` for ``m < cnt`` (``first``:
    assign; ``wt`` the table of ``wrow``; ``zero`` of the accumulator type): whole tiles, then
    single vectors, then one output at a time.  A copy with a fixed :data:`STEP` reads the
    samples at constant offsets (a step read at run time costs an integer addition per load,
    on the ports the multiply-adds need)."""
    if STEP > 0:
        step = STEP
    k = wrow.shape[0]
    width = lane_width(o)
    span = ROWS * width
    full = cnt - cnt % span
    vec = cnt - cnt % width
    for m in range(0, full, span):
        if first:
            tile_set(o, m, xrow, x0 + m * step, step, wt, k)
        else:
            tile_add(o, m, xrow, x0 + m * step, step, wt, k)
    for m in range(full, vec, width):
        if first:
            tile1_set(o, m, xrow, x0 + m * step, step, wt, k)
        else:
            tile1_add(o, m, xrow, x0 + m * step, step, wt, k)
    for m in range(vec, cnt):
        s = _exact(xrow, wrow, x0 + m * step, step, k, zero)
        o[m] = s if first else o[m] + s


@jit
def _edges(orow, xb, wb, j0, a, e, j1, r_lo, r_hi, row0, dh, sw, dw, ow, W, Kw, H, bmode, zero):
    """Outputs ``[j0, a)`` and ``[e, j1)`` of a block (windows leaving the signal): the
    bounds-checked scalar loop, kernel row by row."""
    for j in range(j0, a):
        orow[j] = zero
    for j in range(e, j1):
        orow[j] = zero
    for r in range(r_lo, r_hi if j0 < a or e < j1 else r_lo):
        xrow, wrow = xb[source_index(row0 + r * dh, H, bmode)], wb[r]
        for j in range(j0, a):
            orow[j] += _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero, bmode)
        for j in range(e, j1):
            orow[j] += _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero, bmode)


@jit
def _task(task, Ho, nblk, Wo, ilo, ihi, sh, dh, oh, H, Kh, bmode):
    """``(b, i, j0, j1, a, e, r_lo, r_hi)`` of a task of the tile loops: batch row ``b``, output
    row ``i``, its block of columns ``[j0, j1)``, the block's interior ``[a, e)`` (empty,
    ``a == e == j0``, where every output is an edge) and the kernel rows it reads."""
    b = task // (Ho * nblk)
    i = (task // nblk) % Ho
    j0 = (task % nblk) * BLOCK
    j1 = min(Wo, j0 + BLOCK)
    r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
    a, e = max(j0, ilo), min(j1, ihi)
    if a >= e or r_lo == r_hi:
        a = e = j0
    return b, i, j0, j1, a, e, r_lo, r_hi


def _conv_stride_tiles(x, w, xi, wi, out, sh, sw, dh, oh, ow, bmode):
    """Column stride ``sw`` with unit tap spacing (module docstring): each tap phase of each
    kernel row adds its tiles to a sub-block of outputs whose input stays in L1.  Tasks are
    (batch row, output row, block of columns), spread over threads by the parallel variant."""
    nb, Ho, Wo = out.shape
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    C = min(sw, Kw)
    nblk = (Wo + BLOCK - 1) // BLOCK
    ilo, ihi = _interior(Wo, W, Kw, sw, 1, ow)
    span = ROWS * lane_width(out)
    sw_ = STEP if STEP > 0 else sw
    kc = (Kw + C - 1) // C
    if sw_ >= SUB_MIN_STEP and Kh * C * (kc + lane_width(out) - 1) * ALIGN_BYTES <= TABLE_BYTES:
        sub = max(span, SPAN_BYTES // (out.itemsize * sw_) // span * span)
    else:
        sub = BLOCK
    for task in prange(nb * Ho * nblk):
        b, i, j0, j1, a, e, r_lo, r_hi = _task(task, Ho, nblk, Wo, ilo, ihi, sh, dh, oh, H, Kh, bmode)
        orow = out[b, i]
        orow[j0] = 0
        zero = orow[j0]
        xb, wb = x[xi[b]], w[wi[b]]
        row0 = i * sh + oh
        if a < e:
            tab, ks = _tables(wb, r_lo, r_hi, C)
            for s0 in range(a, e, sub):
                s1 = min(e, s0 + sub)
                for r in range(r_lo, r_hi):
                    xrow = xb[source_index(row0 + r * dh, H, bmode)]
                    for p in range(C):
                        row = (r - r_lo) * C + p
                        _phase_tiles(orow[s0:s1], s1 - s0, xrow, s0 * sw + ow + p, sw, wb[r, p::sw], tab[row],
                                     row == 0, zero)
        _edges(orow, xb, wb, j0, a, e, j1, r_lo, r_hi, row0, dh, sw, 1, ow, W, Kw, H, bmode, zero)




def _conv_dilation_tiles(x, w, xi, wi, out, sh, dh, dw, oh, ow, bmode):
    """Tap spacing ``dw`` with unit column stride (module docstring): the outputs of each
    output phase, ``dw`` apart, are computed in a scratch row of tiles and written back, a
    sub-block at a time (its input stays in L1 across the phases).  Tasks are (batch row,
    output row, block of columns)."""
    nb, Ho, Wo = out.shape
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    nblk = (Wo + BLOCK - 1) // BLOCK
    ilo, ihi = _interior(Wo, W, Kw, 1, dw, ow)
    span = ROWS * lane_width(out)
    sub = max(span * dw, SPAN_BYTES // out.itemsize // (span * dw) * (span * dw))
    for task in prange(nb * Ho * nblk):
        b, i, j0, j1, a, e, r_lo, r_hi = _task(task, Ho, nblk, Wo, ilo, ihi, sh, dh, oh, H, Kh, bmode)
        orow = out[b, i]
        orow[j0] = 0
        zero = orow[j0]
        xb, wb = x[xi[b]], w[wi[b]]
        row0 = i * sh + oh
        if a < e:
            tab, _ = _tables(wb, r_lo, r_hi, 1)
            scratch = aligned(sub, orow).reshape(dw, sub // dw)
            whole = MULTI * MULTI_ROWS * lane_width(out)
            for s0 in range(a, e, sub):
                s1 = min(e, s0 + sub)
                if MULTI > 0 and r_hi - r_lo == 1:   # every phase in one tile, straight to the output
                    xrow = xb[source_index(row0 + r_lo * dh, H, bmode)]
                    while s0 + whole <= s1:
                        multi_tile(orow, s0, xrow, s0 + ow, MULTI, tab[0], Kw)
                        s0 += whole
                for r0 in range(min(dw, s1 - s0)):   # outputs s0 + r0 + dw * m
                    cnt = (s1 - s0 - r0 + dw - 1) // dw
                    for r in range(r_lo, r_hi):
                        xrow = xb[source_index(row0 + r * dh, H, bmode)]
                        _phase_tiles(scratch[r0], cnt, xrow, s0 + r0 + ow, dw, wb[r], tab[r - r_lo], r == r_lo, zero)
                _interleave(orow[s0:s1], scratch, s1 - s0, dw)
        _edges(orow, xb, wb, j0, a, e, j1, r_lo, r_hi, row0, dh, 1, dw, ow, W, Kw, H, bmode, zero)


def _interleave(o, phases, cnt, step):
    """``o[m * step + r] = phases[r, m]`` for ``m * step + r < cnt`` (a fixed :data:`STEP`
    makes it the vectorised shuffle of ``step`` rows)."""
    if STEP > 0:
        step = STEP
    full = cnt // step
    if step == 2:   # two rows: LLVM's interleaved stores (a loop over the rows does not vectorise)
        a, b = phases[0], phases[1]
        for m in range(full):
            o[2 * m] = a[m]
            o[2 * m + 1] = b[m]
    else:
        for r in range(step):
            row = phases[r]
            for m in range(full):
                o[m * step + r] = row[m]
    for r in range(cnt - full * step):
        o[full * step + r] = phases[r, full]


#: steps with their own compiled copies (larger ones read the step at run time)
FIXED_STEPS = range(2, 9)
_COPIES: dict = {}


def step_kernel(step: int, dilated: bool, parallel: bool):
    """The compiled :func:`_conv_stride_tiles` (``dilated``: :func:`_conv_dilation_tiles`)
    for a stride (dilation) of ``step``, serial or parallel; a copy per step of
    :data:`FIXED_STEPS`, made on first use (only the steps a program uses are compiled)."""
    fixed = step if step in FIXED_STEPS else 0
    key = (fixed, dilated)
    if key not in _COPIES:
        suffix = f"_step{fixed}"
        rows = dict(_FIXED_TILES) if fixed else {}
        if dilated and fixed in MULTI_PHASES:
            rows.update(MULTI=fixed, MULTI_ROWS=24 // fixed, multi_tile=step_tile_kernel(24 // fixed, False, fixed))
        tiles = jit(_renamed(_phase_tiles, suffix, {"STEP": fixed, **rows}))
        interleave = jit(_renamed(_interleave, suffix, {"STEP": fixed}))
        kernel = _conv_dilation_tiles if dilated else _conv_stride_tiles
        _COPIES[key] = serial_and_parallel(_renamed(kernel, suffix, {"_phase_tiles": tiles, "STEP": fixed,
                                                                     "_interleave": interleave, **rows}))
    return _COPIES[key][1 if parallel else 0]
