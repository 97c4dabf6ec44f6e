"""Direct (sliding-window) convolution kernels, one code path for 1D and 2D.

Every convolution sigconv computes directly is reduced by the wrapper to one strided, dilated
correlation over the last two axes (a 1D problem has a first axis of length 1)::

    out[b, i, j] = sum_{r, c} x[xi[b], i*sh + r*dh + oh, j*sw + c*dw + ow] * w[wi[b], r, c]

where samples of ``x`` outside its bounds count as zero (the wrapper pre-extends ``x`` for
other boundaries).  Contract shared by the kernels of this module:

* ``x`` ``(nx, H, W)``, ``w`` ``(nw, Kh, Kw)`` and ``out`` ``(nb, Ho, Wo)`` are C-contiguous
  arrays of one dtype (float32, float64, complex64 or complex128); ``xi``/``wi`` are int64
  arrays of length ``nb`` mapping each output batch row to its signal and kernel.
* ``w`` is already the correlation weight (flipped for a convolution, conjugated for a
  correlation).  Inputs may hold NaN/inf: they only reach the outputs whose window covers them.
* Only ``out`` is written; every element of it is written.

The interior of each output row (windows fully inside ``x``) runs a blocked loop: a block of
outputs is the accumulator (it stays in L1) and each pass over it adds several taps at once
(8, then 4, 3, 2, 1 of a kernel row; for short rows, 8 at a time across rows), so a pass does
several multiply-adds per load/store of the accumulator.  The loop over outputs is contiguous
for stride 1 and LLVM vectorises it.  Edge outputs take a bounds-checked scalar loop.
"""

from __future__ import annotations

from sigconv._jit import jit, prange, serial_and_parallel

#: outputs per task (and per accumulator block); 512 float64 = 4 KiB stays in L1
BLOCK = 512


@jit
def _tap_rows(i, sh, dh, oh, H, Kh):
    """Kernel rows r whose input row i*sh + r*dh + oh lies inside [0, H): returns (lo, hi)."""
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
def _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero):
    """Bounds-checked dot product of one window of ``xrow`` with ``wrow`` (output column j);
    ``zero`` is a zero of the accumulator type (never derived from data, which may be NaN)."""
    acc = zero
    base = j * sw + ow
    for c in range(Kw):
        col = base + c * dw
        if 0 <= col < W:
            acc += xrow[col] * wrow[c]
    return acc


@jit
def _taps8(o, xx, cnt, wrow, c, dw):
    """o[j] += sum of 8 taps c..c+7 at xx[j + t*dw] (unit stride)."""
    w0, w1, w2, w3 = wrow[c], wrow[c + 1], wrow[c + 2], wrow[c + 3]
    w4, w5, w6, w7 = wrow[c + 4], wrow[c + 5], wrow[c + 6], wrow[c + 7]
    if dw == 1:
        for j in range(cnt):
            o[j] += (w0 * xx[j] + w1 * xx[j + 1] + w2 * xx[j + 2] + w3 * xx[j + 3]) + (
                w4 * xx[j + 4] + w5 * xx[j + 5] + w6 * xx[j + 6] + w7 * xx[j + 7])
    else:
        d2, d3, d4, d5, d6, d7 = 2 * dw, 3 * dw, 4 * dw, 5 * dw, 6 * dw, 7 * dw
        for j in range(cnt):
            o[j] += (w0 * xx[j] + w1 * xx[j + dw] + w2 * xx[j + d2] + w3 * xx[j + d3]) + (
                w4 * xx[j + d4] + w5 * xx[j + d5] + w6 * xx[j + d6] + w7 * xx[j + d7])


@jit
def _taps4(o, xx, cnt, wrow, c, dw):
    """o[j] += sum of 4 taps c..c+3 at xx[j + t*dw] (unit stride)."""
    w0, w1, w2, w3 = wrow[c], wrow[c + 1], wrow[c + 2], wrow[c + 3]
    if dw == 1:   # literal offsets: LLVM vectorises this form best
        for j in range(cnt):
            o[j] += w0 * xx[j] + w1 * xx[j + 1] + w2 * xx[j + 2] + w3 * xx[j + 3]
        return
    d2, d3 = 2 * dw, 3 * dw
    for j in range(cnt):
        o[j] += w0 * xx[j] + w1 * xx[j + dw] + w2 * xx[j + d2] + w3 * xx[j + d3]


@jit
def _taps3(o, xx, cnt, wrow, c, dw):
    """o[j] += sum of 3 taps c..c+2 at xx[j + t*dw] (unit stride)."""
    w0, w1, w2 = wrow[c], wrow[c + 1], wrow[c + 2]
    if dw == 1:
        for j in range(cnt):
            o[j] += w0 * xx[j] + w1 * xx[j + 1] + w2 * xx[j + 2]
        return
    d2 = 2 * dw
    for j in range(cnt):
        o[j] += w0 * xx[j] + w1 * xx[j + dw] + w2 * xx[j + d2]


@jit
def _taps2(o, xx, cnt, wrow, c, dw):
    """o[j] += sum of 2 taps c, c+1 at xx[j + t*dw] (unit stride)."""
    w0, w1 = wrow[c], wrow[c + 1]
    if dw == 1:
        for j in range(cnt):
            o[j] += w0 * xx[j] + w1 * xx[j + 1]
        return
    for j in range(cnt):
        o[j] += w0 * xx[j] + w1 * xx[j + dw]


@jit
def _row_block(xrow, wrow, orow, a, b, sw, dw, ow, Kw):
    """Add the full window sums of output columns [a, b) (windows inside ``xrow``) to ``orow``.

    Loops run from 0 over slices that start at the window, so indices are provably
    non-negative and contiguous and LLVM vectorises them; taps go 8, then 4, 3, 2, 1 at a time."""
    o = orow[a:b]
    cnt = b - a
    first = a * sw + ow
    c = 0
    if sw == 1:
        while c + 8 <= Kw:
            _taps8(o, xrow[first + c * dw:], cnt, wrow, c, dw)
            c += 8
        if c + 4 <= Kw and Kw - c != 5:   # 5 left: 3 + 2 rather than 4 + 1
            _taps4(o, xrow[first + c * dw:], cnt, wrow, c, dw)
            c += 4
        if c + 3 <= Kw and Kw - c != 4:
            _taps3(o, xrow[first + c * dw:], cnt, wrow, c, dw)
            c += 3
        if c + 2 <= Kw:
            _taps2(o, xrow[first + c * dw:], cnt, wrow, c, dw)
            c += 2
    while c < Kw:
        wc = wrow[c]
        xx = xrow[first + c * dw:]
        if sw == 1:
            for j in range(cnt):
                o[j] += wc * xx[j]
        else:
            for j in range(cnt):
                o[j] += wc * xx[j * sw]
        c += 1


@jit
def _tap(xb, wb, t, r_lo, Kw, row0, dh, first, dw):
    """Tap ``t`` of the flattened list over kernel rows ``r_lo..`` and columns: the input row
    slice starting at the first output's sample, and the weight."""
    r = r_lo + t // Kw
    c = t - (t // Kw) * Kw
    return xb[row0 + r * dh, first + c * dw:], wb[r, c]


@jit
def _block_taps(xb, wb, o, cnt, r_lo, r_hi, row0, dh, first, sw, dw, Kw):
    """``o[j] += sum over taps (r, c) of wb[r, c] * xb[row0 + r*dh, first + j*sw + c*dw]`` for
    the kernel rows ``[r_lo, r_hi)``: the taps of all rows form one list, taken eight at a time
    so that each pass over the accumulator ``o`` does eight multiply-adds per element (a 3×3
    kernel is two passes, not six).  Loops run from 0 over slices that start at the window, so
    they are contiguous for unit stride and LLVM vectorises them."""
    ntap = (r_hi - r_lo) * Kw
    t = 0
    if sw == 1:
        while t + 8 <= ntap:
            x0, w0 = _tap(xb, wb, t, r_lo, Kw, row0, dh, first, dw)
            x1, w1 = _tap(xb, wb, t + 1, r_lo, Kw, row0, dh, first, dw)
            x2, w2 = _tap(xb, wb, t + 2, r_lo, Kw, row0, dh, first, dw)
            x3, w3 = _tap(xb, wb, t + 3, r_lo, Kw, row0, dh, first, dw)
            x4, w4 = _tap(xb, wb, t + 4, r_lo, Kw, row0, dh, first, dw)
            x5, w5 = _tap(xb, wb, t + 5, r_lo, Kw, row0, dh, first, dw)
            x6, w6 = _tap(xb, wb, t + 6, r_lo, Kw, row0, dh, first, dw)
            x7, w7 = _tap(xb, wb, t + 7, r_lo, Kw, row0, dh, first, dw)
            for j in range(cnt):
                o[j] += ((w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])) + (
                    (w4 * x4[j] + w5 * x5[j]) + (w6 * x6[j] + w7 * x7[j]))
            t += 8
        if t + 4 <= ntap:
            x0, w0 = _tap(xb, wb, t, r_lo, Kw, row0, dh, first, dw)
            x1, w1 = _tap(xb, wb, t + 1, r_lo, Kw, row0, dh, first, dw)
            x2, w2 = _tap(xb, wb, t + 2, r_lo, Kw, row0, dh, first, dw)
            x3, w3 = _tap(xb, wb, t + 3, r_lo, Kw, row0, dh, first, dw)
            for j in range(cnt):
                o[j] += (w0 * x0[j] + w1 * x1[j]) + (w2 * x2[j] + w3 * x3[j])
            t += 4
        if t + 2 <= ntap:
            x0, w0 = _tap(xb, wb, t, r_lo, Kw, row0, dh, first, dw)
            x1, w1 = _tap(xb, wb, t + 1, r_lo, Kw, row0, dh, first, dw)
            for j in range(cnt):
                o[j] += w0 * x0[j] + w1 * x1[j]
            t += 2
    while t < ntap:
        x0, w0 = _tap(xb, wb, t, r_lo, Kw, row0, dh, first, dw)
        if sw == 1:
            for j in range(cnt):
                o[j] += w0 * x0[j]
        else:
            for j in range(cnt):
                o[j] += w0 * x0[j * sw]
        t += 1


def _conv_direct(x, w, xi, wi, out, sh, sw, dh, dw, oh, ow):
    """Strided, dilated direct correlation of ``x`` with ``w`` into ``out`` (contract in the
    module docstring); tasks are (batch row, output row, block of columns), spread over threads
    by the parallel variant."""
    nb, Ho, Wo = out.shape
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    nblk = (Wo + BLOCK - 1) // BLOCK
    ilo, ihi = _interior(Wo, W, Kw, sw, dw, ow)
    for task in prange(nb * Ho * nblk):
        b = task // (Ho * nblk)
        rest = task - b * Ho * nblk
        i = rest // nblk
        j0 = (rest - i * nblk) * BLOCK
        j1 = min(Wo, j0 + BLOCK)
        orow = out[b, i]
        orow[j0] = 0
        zero = orow[j0]
        for j in range(j0, j1):
            orow[j] = zero
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh)
        a = max(j0, ilo)
        e = min(j1, ihi)
        xb, wb = x[xi[b]], w[wi[b]]
        row0 = i * sh + oh
        if a < e:
            if Kw >= 8 or r_hi - r_lo == 1:   # long rows: eight taps of one row per pass
                for r in range(r_lo, r_hi):
                    _row_block(xb[row0 + r * dh], wb[r], orow, a, e, sw, dw, ow, Kw)
            else:                              # short rows: eight taps across rows per pass
                _block_taps(xb, wb, orow[a:e], e - a, r_lo, r_hi, row0, dh, a * sw + ow, sw, dw, Kw)
        for r in range(r_lo, r_hi):
            xrow, wrow = xb[row0 + r * dh], wb[r]
            for j in range(j0, min(a, j1)):
                orow[j] += _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero)
            for j in range(max(e, j0), j1):
                orow[j] += _point(xrow, wrow, j, sw, dw, ow, W, Kw, zero)


conv_direct, conv_direct_parallel = serial_and_parallel(_conv_direct)


@jit
def conv_direct_points(x, w, xi, wi, out, pb, pi, pj, sh, sw, dh, dw, oh, ow):
    """Recompute the outputs ``out[pb[t], pi[t], pj[t]]`` directly (same contract as
    :func:`conv_direct`); the FFT paths use it where a window covers a non-finite sample."""
    H, W = x.shape[1], x.shape[2]
    Kh, Kw = w.shape[1], w.shape[2]
    for t in range(pb.shape[0]):
        b, i, j = pb[t], pi[t], pj[t]
        out[b, i, j] = 0
        zero = out[b, i, j]
        acc = zero
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh)
        for r in range(r_lo, r_hi):
            acc += _point(x[xi[b], i * sh + r * dh + oh], w[wi[b], r], j, sw, dw, ow, W, Kw, zero)
        out[b, i, j] = acc


