"""Direct (sliding-window) convolution kernels, one code path for 1D and 2D.

Every convolution sigconv computes directly is reduced by the wrapper to one strided, dilated
correlation over the last two axes (a 1D problem has a first axis of length 1)::

    out[b, i, j] = sum_{r, c} x[xi[b], i*sh + r*dh + oh, j*sw + c*dw + ow] * w[wi[b], r, c]

where samples of ``x`` outside its bounds read the boundary ``bmode`` (:data:`ZERO`: zero;
:data:`WRAP`, :data:`SYMMETRIC`, :data:`REFLECT`, :data:`EDGE`: ``numpy.pad``'s extension, see
:func:`source_index`); the wrapper pre-extends ``x`` for a nonzero fill value.  Contract shared
by the kernels of this module:

* ``x`` ``(nx, H, W)``, ``w`` ``(nw, Kh, Kw)`` and ``out`` ``(nb, Ho, Wo)`` are C-contiguous
  arrays of one dtype (float32, float64, complex64 or complex128); ``xi``/``wi`` are int64
  arrays of length ``nb`` mapping each output batch row to its signal and kernel.
* ``w`` is already the correlation weight (flipped for a convolution, conjugated for a
  correlation).  Inputs may hold NaN/inf: they only reach the outputs whose window covers them.
* Only ``out`` is written; every element of it is written.

The interior of each output row (windows fully inside ``x``) runs a blocked loop: a block of
outputs is the accumulator (it stays in L1) and each pass over it adds several taps at once
(the taps of all kernel rows form one list, taken 8 at a time, then the rest of an undilated
last row in one pass (:mod:`sigconv._kernels.runs`), else 4, 3, 2, 1 at a time; the first pass
assigns instead of adding), so a pass does several multiply-adds per load/store of the
accumulator.  The loop over outputs is contiguous for stride 1 and LLVM vectorises it, with
512-bit registers where the CPU has them (:func:`~sigconv._jit.wide_vectors`); a kernel of at
most eight taps is one pass that streams through memory, so it runs longer tasks, and eight
taps with default-width vectors (measured 15% faster there).  Edge outputs take a
bounds-checked scalar loop.  Unit column stride and dilation take cheaper-to-compile copies of
the loop (:func:`direct_kernel`): one kernel row of more than eight taps keeps its outputs in
vector registers (:mod:`sigconv._kernels.tiles`), several rows run row by row.  Long rows of
kernels of several rows go through :mod:`sigconv._kernels.lanes` instead, where the loads are
aligned (the wrapper chooses by cost).
"""

from __future__ import annotations

from numba.core import types as nbtypes
from numba.extending import overload

from sigconv._jit import _renamed, default_width, jit, prange, serial_and_parallel, wide_vectors
from sigconv._kernels.runs import tap_runs
from sigconv._kernels.tiles import tiled_row, weight_table

#: outputs per task (and per accumulator block); 2048 float64 = 16 KiB stays in L1
BLOCK = 2048
#: outputs per task for kernels of at most eight taps: one pass, so the block need not stay
#: in L1, and longer tasks save their per-task overhead
STREAM_BLOCK = 16 * 1024
#: outputs per task of the register tiles (one weight table per task; whole tiles of 12
#: vectors of 4, 8 or 16 outputs)
TILED_BLOCK = 7680


#: boundary modes the kernels apply themselves (:func:`source_index`); ``ZERO`` reads zeros
ZERO, WRAP, SYMMETRIC, REFLECT, EDGE = 0, 1, 2, 3, 4


@jit
def source_index(i, n, bmode):
    """The sample that index ``i`` of a signal of length ``n`` reads under boundary ``bmode``:
    ``numpy.pad``'s extension in closed form (any distance from the signal).  ``ZERO`` returns
    ``i`` unchanged (callers only pass indices inside ``[0, n)`` then)."""
    if bmode == ZERO or 0 <= i < n:
        return i
    near = -n <= i < 2 * n   # within one signal length: no division (an idiv costs ~40 cycles)
    if bmode == WRAP:
        if near:
            return i + n if i < 0 else i - n
        return i % n
    if bmode == SYMMETRIC:
        if near:
            return -1 - i if i < 0 else 2 * n - 1 - i
        k = i % (2 * n)
        return k if k < n else 2 * n - 1 - k
    if bmode == REFLECT:
        if n == 1:
            return 0
        if -n < i < 2 * n - 1:
            return -i if i < 0 else 2 * n - 2 - i
        k = i % (2 * n - 2)
        return k if k < n else 2 * n - 2 - k
    return min(max(i, 0), n - 1)   # EDGE


@jit
def _tap_rows(i, sh, dh, oh, H, Kh, bmode):
    """Kernel rows r whose input row i*sh + r*dh + oh is read: those inside [0, H) for ``ZERO``
    (rows outside add nothing), every row otherwise.  Returns (lo, hi)."""
    if bmode != ZERO:
        return 0, Kh
    base = i * sh + oh
    lo = 0
    if base < 0:
        lo = (-base + dh - 1) // dh
    hi = Kh
    last = H - 1 - base
    if last < 0:
        return 0, 0
    hi = min(Kh, last // dh + 1)
    return lo, max(lo, hi)


@jit
def _interior(Wo, W, Kw, sw, dw, ow):
    """Output columns [lo, hi) whose whole window lies inside [0, W)."""
    lo = 0
    if ow < 0:
        lo = (-ow + sw - 1) // sw
    span = (Kw - 1) * dw + ow
    top = W - 1 - span
    if top < 0:
        return 0, 0
    hi = min(Wo, top // sw + 1)
    if hi < lo:
        return 0, 0
    return lo, hi


@jit
def _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero, bmode):
    """Bounds-checked dot product of one window of ``xrow`` with ``wrow`` (output column j),
    columns outside ``[0, W)`` read through the boundary ``bmode``; ``zero`` is a zero of the
    accumulator type (never derived from data, which may be NaN)."""
    acc = zero
    base = j * sw + ow
    for c in range(Kw):
        col = base + c * dw
        if 0 <= col < W:
            acc += xrow[col] * wrow[c]
        elif bmode != ZERO:
            acc += xrow[source_index(col, W, bmode)] * wrow[c]
    return acc


@jit
def _edges(xb, wb, orow, lo, hi, r_lo, r_hi, row0, dh, sw, dw, ow, zero, bmode):
    """``orow[j]`` for ``lo <= j < hi``, outputs whose window crosses the edge: bounds-checked
    sums over the kernel rows ``[r_lo, r_hi)``, columns outside ``[0, W)`` read through the
    boundary (by index, no row slices: 1024² 3×3, two edge columns per row cost 0.25 ms as
    per-row slices and calls, ~0.35x the interior)."""
    H, W = xb.shape
    Kw = wb.shape[1]
    for j in range(lo, hi):
        acc = zero
        base = j * sw + ow
        for r in range(r_lo, r_hi):
            row = source_index(row0 + r * dh, H, bmode)
            for c in range(Kw):
                col = base + c * dw
                if 0 <= col < W:
                    acc += xb[row, col] * wb[r, c]
                elif bmode != ZERO:
                    acc += xb[row, source_index(col, W, bmode)] * wb[r, c]
        orow[j] = acc


@jit
def _sum8(o, cnt, x0, x1, x2, x3, x4, x5, x6, x7, w0, w1, w2, w3, w4, w5, w6, w7, first):
    """``o[j] (+)= sum_t w_t * x_t[j]`` over eight taps (``first``: assign, else add)."""
    wide_vectors()
    if first:
        for j in range(cnt):
            o[j] = ((w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])) + (
                (w4 * x4[j] + w5 * x5[j]) + (w6 * x6[j] + w7 * x7[j]))
    else:
        for j in range(cnt):
            o[j] += ((w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])) + (
                (w4 * x4[j] + w5 * x5[j]) + (w6 * x6[j] + w7 * x7[j]))


@jit
def _sum3x3(o, cnt, x0, x1, x2, w0, w1, w2):
    """``o[j] = sum_{r, c < 3} w_r[c] * x_r[j + c]``: a 3×3 kernel in one pass (three row
    pointers with literal offsets: nine separate slices would pass LLVM's limit of runtime
    alias checks and not vectorise)."""
    wide_vectors()
    a0, a1, a2, b0, b1, b2, c0, c1, c2 = w0[0], w0[1], w0[2], w1[0], w1[1], w1[2], w2[0], w2[1], w2[2]
    for j in range(cnt):
        o[j] = ((a0 * x0[j] + a1 * x0[j + 1] + a2 * x0[j + 2]) + (b0 * x1[j] + b1 * x1[j + 1] + b2 * x1[j + 2])) + (
            c0 * x2[j] + c1 * x2[j + 1] + c2 * x2[j + 2])


@jit
def _run8(o, cnt, xx, wrow, c, first):
    """:func:`_sum8` for eight neighbouring taps ``c..c+7`` of one undilated row: the literal
    offsets ``xx[j + t]`` vectorise better than eight slices."""
    wide_vectors()
    w0, w1, w2, w3 = wrow[c], wrow[c + 1], wrow[c + 2], wrow[c + 3]
    w4, w5, w6, w7 = wrow[c + 4], wrow[c + 5], wrow[c + 6], wrow[c + 7]
    if first:
        for j in range(cnt):
            o[j] = (w0 * xx[j] + w1 * xx[j + 1] + w2 * xx[j + 2] + w3 * xx[j + 3]) + (
                w4 * xx[j + 4] + w5 * xx[j + 5] + w6 * xx[j + 6] + w7 * xx[j + 7])
    else:
        for j in range(cnt):
            o[j] += (w0 * xx[j] + w1 * xx[j + 1] + w2 * xx[j + 2] + w3 * xx[j + 3]) + (
                w4 * xx[j + 4] + w5 * xx[j + 5] + w6 * xx[j + 6] + w7 * xx[j + 7])


#: a kernel of eight taps is one pass that streams through memory: default-width vectors
_run8_streaming = default_width(_run8)

#: the pass of a row's last one to seven taps (one sample apart)
_, _rest_of_row = tap_runs(laned=False)


@jit
def _sum4(o, cnt, x0, x1, x2, x3, w0, w1, w2, w3, first):
    """:func:`_sum8` for four taps."""
    wide_vectors()
    if first:
        for j in range(cnt):
            o[j] = (w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])
    else:
        for j in range(cnt):
            o[j] += (w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])


@jit
def _sum3(o, cnt, x0, x1, x2, w0, w1, w2, first):
    """:func:`_sum8` for three taps."""
    wide_vectors()
    if first:
        for j in range(cnt):
            o[j] = w0 * x0[j] + w1 * x1[j] + w2 * x2[j]
    else:
        for j in range(cnt):
            o[j] += w0 * x0[j] + w1 * x1[j] + w2 * x2[j]


@jit
def _sum2(o, cnt, x0, x1, w0, w1, first):
    """:func:`_sum8` for two taps."""
    wide_vectors()
    if first:
        for j in range(cnt):
            o[j] = w0 * x0[j] + w1 * x1[j]
    else:
        for j in range(cnt):
            o[j] += w0 * x0[j] + w1 * x1[j]


@jit
def _sum1(o, cnt, x0, w0, sw, first):
    """``o[j] (+)= w0 * x0[j * sw]``: one tap, any output stride."""
    wide_vectors()
    if first:
        for j in range(cnt):
            o[j] = w0 * x0[j * sw]
    elif sw == 1:
        for j in range(cnt):
            o[j] += w0 * x0[j]
    else:
        for j in range(cnt):
            o[j] += w0 * x0[j * sw]


@jit
def _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode):
    """Tap ``(r, c)``: the input row slice starting at the first output's sample, the weight,
    and the next tap of the flattened list (row by row)."""
    xs = xb[source_index(row0 + r * dh, xb.shape[0], bmode), col0 + c * dw:]
    if c + 1 == Kw:
        return xs, wb[r, c], r + 1, 0
    return xs, wb[r, c], r, c + 1


@jit
def _block_taps(xb, wb, o, cnt, r_lo, r_hi, row0, dh, col0, sw, dw, Kw, bmode):
    """``o[j] = sum over taps (r, c) of wb[r, c] * xb[row0 + r*dh, col0 + j*sw + c*dw]`` for
    the kernel rows ``[r_lo, r_hi)`` (at least one).

    The taps of all rows form one list, taken eight at a time (then the rest of an undilated
    last row in one pass, else 4, 3, 2, 1) so that each pass over the accumulator ``o`` does
    several multiply-adds per element: a 3×3 kernel is two passes, a 1×1024 kernel 128, a
    1×13 kernel two.  The first pass assigns, so ``o`` needs no zeroing.
    Loops run from 0 over slices that start at the window, so they are contiguous for unit
    stride and LLVM vectorises them; strided outputs take one tap per pass.  The list is
    walked with a (row, column) cursor."""
    ntap = (r_hi - r_lo) * Kw
    t = 0
    r, c = r_lo, Kw - Kw   # runtime zeros: literals would compile second copies of the passes
    if sw == 1 and dw == 1 and Kw == 3 and r_hi - r_lo == 3:   # 3×3: one pass, three row pointers
        rows = xb.shape[0]
        x0 = xb[source_index(row0 + r_lo * dh, rows, bmode), col0:]
        x1 = xb[source_index(row0 + (r_lo + 1) * dh, rows, bmode), col0:]
        x2 = xb[source_index(row0 + (r_lo + 2) * dh, rows, bmode), col0:]
        _sum3x3(o, cnt, x0, x1, x2, wb[r_lo], wb[r_lo + 1], wb[r_lo + 2])
        return
    if sw == 1:
        while t + 8 <= ntap:
            if dw == 1 and c + 8 <= Kw:   # eight neighbours in one row (a runtime step
                xrow = xb[source_index(row0 + r * dh, xb.shape[0], bmode)]   # would not vectorise)
                if ntap == 8:
                    _run8_streaming(o, cnt, xrow[col0 + c:], wb[r], c, True)
                else:
                    _run8(o, cnt, xrow[col0 + c:], wb[r], c, t == 0)
                c += 8
                if c == Kw:
                    r, c = r + 1, 0
            else:
                x0, w0, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x1, w1, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x2, w2, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x3, w3, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x4, w4, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x5, w5, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x6, w6, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                x7, w7, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
                _sum8(o, cnt, x0, x1, x2, x3, x4, x5, x6, x7, w0, w1, w2, w3, w4, w5, w6, w7, t == 0)
            t += 8
        if dw == 1 and 0 < ntap - t < 8 and r == r_hi - 1:   # the rest of the last row: one pass
            xrow = xb[source_index(row0 + r * dh, xb.shape[0], bmode)]
            _rest_of_row(o, cnt, xrow[col0:], wb[r], c, t == 0)
            t = ntap
        if ntap - t >= 6 or ntap - t == 4:   # the rest as 4 + 3, 4 + 2, 4, 3 + 2, 3, 2, 1
            x0, w0, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x1, w1, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x2, w2, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x3, w3, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            _sum4(o, cnt, x0, x1, x2, x3, w0, w1, w2, w3, t == 0)
            t += 4
        if ntap - t >= 3:
            x0, w0, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x1, w1, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x2, w2, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            _sum3(o, cnt, x0, x1, x2, w0, w1, w2, t == 0)
            t += 3
        if ntap - t == 2:
            x0, w0, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            x1, w1, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
            _sum2(o, cnt, x0, x1, w0, w1, t == 0)
            t += 2
    while t < ntap:
        x0, w0, r, c = _tap(xb, wb, r, c, Kw, row0, dh, col0, dw, bmode)
        _sum1(o, cnt, x0, w0, sw, t == 0)
        t += 1


def _conv_direct(x, w, xi, wi, out, sh, sw, dh, dw, oh, ow, bmode):
    """Strided, dilated direct correlation of ``x`` with ``w`` into ``out`` (contract in the
    module docstring); tasks are (batch row, output row, block of columns), or several output
    rows where they are shorter than :data:`STREAM_BLOCK` (1024² 3×3: 64 tasks, not 1024 of
    0.4 µs each), spread over threads by the parallel variant (a ``prange`` twin: Python
    threads over shares of the tasks, :func:`~sigconv._jit.serial_and_threaded`, compile one
    copy fewer but cost 30-40 µs more per call, 1024² 3×3 float32 on two threads 0.29-0.33 ->
    0.33-0.37 ms, against OpenCV's ~0.37)."""
    nb, Ho, Wo = out.shape
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    block = BLOCK if Kh * Kw > 8 else STREAM_BLOCK
    nblk = (Wo + block - 1) // block
    rpt = 1 if nblk > 1 else max(1, min(Ho, STREAM_BLOCK // max(1, Wo)))   # short rows: several a task
    ngrp = (Ho + rpt - 1) // rpt
    ilo, ihi = _interior(Wo, W, Kw, sw, dw, ow)
    for task in prange(nb * ngrp * nblk):
        b = task // (ngrp * nblk)
        rest = task - b * ngrp * nblk
        g = rest // nblk
        j0 = (rest - g * nblk) * block
        j1 = min(Wo, j0 + block)
        xb, wb = x[xi[b]], w[wi[b]]
        for i in range(g * rpt, min(Ho, g * rpt + rpt)):
            orow = out[b, i]
            orow[j0] = 0
            zero = orow[j0]
            r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
            a = max(j0, ilo)
            e = min(j1, ihi)
            if a >= e or r_lo == r_hi:   # no interior: every output of the block is an edge
                a = e = j0
            row0 = i * sh + oh
            if a < e:
                _block_taps(xb, wb, orow[a:e], e - a, r_lo, r_hi, row0, dh, a * sw + ow, sw, dw, Kw, bmode)
            if j0 < a:   # edge outputs, if any
                _edges(xb, wb, orow, j0, a, r_lo, r_hi, row0, dh, sw, dw, ow, zero, bmode)
            if e < j1:
                _edges(xb, wb, orow, e, j1, r_lo, r_hi, row0, dh, sw, dw, ow, zero, bmode)


conv_direct, conv_direct_parallel = serial_and_parallel(_conv_direct)


@jit
def _row_taps8(xb, wb, o, cnt, r_lo, r_hi, row0, dh, col0, sw, dw, Kw, bmode):
    """:func:`_block_taps` for a kernel of one row of eight taps (unit column stride and
    dilation): one pass streaming through memory, default-width vectors."""
    xrow = xb[source_index(row0 + r_lo * dh, xb.shape[0], bmode)]
    _run8_streaming(o, cnt, xrow[col0:], wb[r_lo], Kw - 8, True)


@jit
def _row_taps_short(xb, wb, o, cnt, r_lo, r_hi, row0, dh, col0, sw, dw, Kw, bmode):
    """:func:`_block_taps` for a kernel of one row of fewer than eight taps (unit column
    stride and dilation): the rest-of-row pass alone."""
    xrow = xb[source_index(row0 + r_lo * dh, xb.shape[0], bmode)]
    _rest_of_row(o, cnt, xrow[col0:], wb[r_lo], Kw - Kw, Kw > 0)   # runtime zero and True: the
    # signature _block_taps and _rows_taps compile (literals would compile a second copy)


def _long_row(o, cnt, xx, wrow):
    """``o[j] = sum_c wrow[c] * xx[j + c]`` for ``j < cnt``, a row of more than eight taps:
    register tiles (:mod:`sigconv._kernels.tiles`, the same bits for an output wherever it
    falls in a block) for real dtypes, passes of eight taps and the rest for complex ones
    (compiled for the dtype in use only)."""


@overload(_long_row)
def _long_row_typed(o, cnt, xx, wrow):
    if isinstance(wrow.dtype, nbtypes.Float):
        def tiled(o, cnt, xx, wrow):
            tiled_row(o, cnt, xx, wrow, weight_table(wrow))
        return tiled

    def passes(o, cnt, xx, wrow):
        Kw = wrow.shape[0]
        c = Kw - Kw   # a runtime zero (a literal compiles a second copy of _run8)
        while c + 8 <= Kw:
            _run8(o, cnt, xx[c:], wrow, c, c == 0)
            c += 8
        if c < Kw:
            _rest_of_row(o, cnt, xx, wrow, c, False)
    return passes


@jit
def _row_taps_long(xb, wb, o, cnt, r_lo, r_hi, row0, dh, col0, sw, dw, Kw, bmode):
    """:func:`_block_taps` for one kernel row of more than eight taps, unit column stride and
    dilation (:func:`_long_row`)."""
    xrow = xb[source_index(row0 + r_lo * dh, xb.shape[0], bmode)]
    _long_row(o, cnt, xrow[col0:], wb[r_lo])


@jit
def _rows_taps(xb, wb, o, cnt, r_lo, r_hi, row0, dh, col0, sw, dw, Kw, bmode):
    """:func:`_block_taps` for kernels of several rows, unit column stride and dilation: a
    3×3 kernel in one pass, else each row's taps eight at a time, then the rest of the row in
    one pass (the tap list's passes across rows, its 4/3/2/1 passes and its strided and
    dilated cases are not compiled: a first 2D call compiles a third of the general loop)."""
    rows = xb.shape[0]
    if Kw == 3 and r_hi - r_lo == 3:
        x0 = xb[source_index(row0 + r_lo * dh, rows, bmode), col0:]
        x1 = xb[source_index(row0 + (r_lo + 1) * dh, rows, bmode), col0:]
        x2 = xb[source_index(row0 + (r_lo + 2) * dh, rows, bmode), col0:]
        _sum3x3(o, cnt, x0, x1, x2, wb[r_lo], wb[r_lo + 1], wb[r_lo + 2])
        return
    first = True
    for r in range(r_lo, r_hi):
        xrow = xb[source_index(row0 + r * dh, rows, bmode)]
        wrow = wb[r]
        c = Kw - Kw   # a runtime zero: a literal 0 would compile a second copy of _run8
        while c + 8 <= Kw:
            _run8(o, cnt, xrow[col0 + c:], wrow, c, first)
            first = False
            c += 8
        if c < Kw:
            _rest_of_row(o, cnt, xrow[col0:], wrow, c, first)
            first = False


def _row_variant(name: str):
    """``(serial, parallel)`` :func:`conv_direct` for unit column stride and dilation: for one
    kernel row ``"8"`` eight taps (one streaming pass), ``"_short"`` fewer (the rest's pass
    only), ``"_long"`` more (register tiles, longer tasks: the accumulators need no L1); ``"s"``
    several rows (:func:`_rows_taps`)."""
    constants = {}
    if name == "s":
        taps = _rows_taps
    elif name == "8":
        taps = _row_taps8
    elif name == "_short":
        taps = _row_taps_short
    else:
        taps, constants = _row_taps_long, {"BLOCK": TILED_BLOCK}
    return serial_and_parallel(_renamed(_conv_direct, "_row" + name, {"_block_taps": taps, **constants}))


#: the specialised direct kernels for unit column stride and dilation (see :func:`_row_variant`)
_ROW_VARIANTS = {name: _row_variant(name) for name in ("8", "_short", "_long", "s")}


def direct_kernel(Kh: int, Kw: int, sw: int, dw: int, parallel: bool):
    """The compiled direct kernel for a ``Kh × Kw`` kernel, column stride ``sw`` and dilation
    ``dw``.  Unit column stride and dilation (every undilated, unstrided convolution, and the
    polyphase form's inner problems) take a copy specialised on the shape: a single row on
    ``Kw`` (eight, fewer, more: register tiles), several rows their row passes; a first call
    compiles a fraction of the general loop's 29 kernels (cold first 1D call 6.7 -> ~2-3 s per
    dtype, 2D 3×3 8.4 -> see :func:`_rows_taps`)."""
    if sw == 1 and dw == 1:
        name = "s" if Kh > 1 else "8" if Kw == 8 else "_short" if Kw < 8 else "_long"
        return _ROW_VARIANTS[name][1 if parallel else 0]
    return conv_direct_parallel if parallel else conv_direct


@jit
def conv_direct_points(x, w, xi, wi, out, pb, pi, pj, sh, sw, dh, dw, oh, ow, bmode):
    """Recompute the outputs ``out[pb[t], pi[t], pj[t]]`` directly (same contract as
    :func:`conv_direct`); the FFT paths use it where a window covers a non-finite sample."""
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    for t in range(pb.shape[0]):
        b, i, j = pb[t], pi[t], pj[t]
        out[b, i, j] = 0
        zero = out[b, i, j]
        acc = zero
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
        for r in range(r_lo, r_hi):
            xrow = x[xi[b], source_index(i * sh + r * dh + oh, H, bmode)]
            acc += _point(xrow, w[wi[b], r], j, sw, dw, ow, W, Kw, zero, bmode)
        out[b, i, j] = acc


