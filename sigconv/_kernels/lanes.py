"""Direct correlation on a lane-interleaved copy of the signal, for long kernels.

The blocked loop of :mod:`sigconv._kernels.conv` reads ``x[j + c]`` for every tap ``c``: with
512-bit vectors most of those loads straddle two cache lines, which caps long kernels near
the 256-bit rate.  Here each output row is cut into ``L`` lanes of ``Mb = ceil(Wo / L)``
consecutive outputs (``L`` = 128 bytes of values: two 512-bit vectors) and the input is packed
so that the lanes sit side by side::

    xp[b, r, p*L + l] = x[b, r, l*Mb + p + ow]    (p < Mb + Kw - 1)

(columns outside ``[0, W)`` read the boundary ``bmode`` as in
:func:`~sigconv._kernels.conv.source_index`).  Output ``(m, l)``, that is ``j = l*Mb + m``, is
then the same blocked correlation with a column step of ``L``: every tap's load is 64-byte
aligned.  A block of
``B`` rows of ``L`` lanes (an accumulator in L1) takes the taps of each kernel row eight at a
time, then the rest of the row in one pass (:func:`_lane_run`, offsets fixed at compile time:
``L`` follows from the dtype), so every pass reads one input row, which stays in L1.  The
block is then scattered back to its ``L`` stretches of the output.  Kernels marked with
:func:`~sigconv._jit.wide_vectors` use 512-bit registers where the CPU has them.

Same contract as :func:`~sigconv._kernels.conv.conv_direct`, restricted to unit column stride
and dilation, real dtypes and a boundary that may meet every tap (zero fill only with a
finite kernel: packed zeros are multiplied by the taps).  ``xp`` must start on a 64-byte
boundary.
"""

from __future__ import annotations

import numpy as np
from numba.extending import overload

from sigconv._jit import jit, prange, serial_and_parallel, specialised, wide_vectors
from sigconv._kernels.conv import ZERO, _tap_rows, source_index

#: bytes of outputs side by side (two 512-bit vectors)
LANE_BYTES = 128
#: rows of lanes per task: a 16 KiB accumulator (128 rows of 128 bytes)
ROWS = 128
#: packed positions per packing task
CHUNK = 4096


def lane_count(a) -> int:
    """Lanes of the packed layout for ``a``'s dtype (a compile-time constant in kernels)."""
    return LANE_BYTES // a.dtype.itemsize


@overload(lane_count)
def _lane_count_typed(a):
    lanes = LANE_BYTES // (a.dtype.bitwidth // 8)
    return lambda a: lanes


#: taps per pass of :func:`_lane_run` (set in each compiled copy)
TAPS = 8


def _lane_run(o, cnt, xx, wrow, c, first):
    """``o[j] (+)= sum_{t<TAPS} wrow[c + t] * xx[j + (c + t) * L]``: ``TAPS`` neighbouring taps
    of one kernel row at offsets fixed at compile time (``first``: assign, else add).  One
    copy per ``TAPS`` from 1 to 8 (:data:`LANE_RUNS`): the branches on it fold away."""
    wide_vectors()
    L = lane_count(xx)
    x = xx[c * L:]
    w0 = wrow[c]
    w1 = wrow[c + 1] if TAPS > 1 else w0
    w2 = wrow[c + 2] if TAPS > 2 else w0
    w3 = wrow[c + 3] if TAPS > 3 else w0
    w4 = wrow[c + 4] if TAPS > 4 else w0
    w5 = wrow[c + 5] if TAPS > 5 else w0
    w6 = wrow[c + 6] if TAPS > 6 else w0
    w7 = wrow[c + 7] if TAPS > 7 else w0
    for j in range(cnt):
        acc = w0 * x[j]
        if TAPS > 1:
            acc += w1 * x[j + L]
        if TAPS > 2:
            acc += w2 * x[j + 2 * L]
        if TAPS > 3:
            acc += w3 * x[j + 3 * L]
        if TAPS > 4:
            acc += w4 * x[j + 4 * L]
        if TAPS > 5:
            acc += w5 * x[j + 5 * L]
        if TAPS > 6:
            acc += w6 * x[j + 6 * L]
        if TAPS > 7:
            acc += w7 * x[j + 7 * L]
        if first:
            o[j] = acc
        else:
            o[j] += acc


_run1, _run2, _run3, _run4, _run5, _run6, _run7, _run8 = specialised(_lane_run, "TAPS", range(1, 9))


@jit
def _row_taps(o, cnt, xx, wrow, first):
    """All taps of one kernel row: runs of eight, then one run of the rest."""
    Kw = wrow.shape[0]
    c = 0
    while c + 8 <= Kw:
        _run8(o, cnt, xx, wrow, c, first)
        first = False
        c += 8
    rest = Kw - c
    if rest == 1:
        _run1(o, cnt, xx, wrow, c, first)
    elif rest == 2:
        _run2(o, cnt, xx, wrow, c, first)
    elif rest == 3:
        _run3(o, cnt, xx, wrow, c, first)
    elif rest == 4:
        _run4(o, cnt, xx, wrow, c, first)
    elif rest == 5:
        _run5(o, cnt, xx, wrow, c, first)
    elif rest == 6:
        _run6(o, cnt, xx, wrow, c, first)
    elif rest == 7:
        _run7(o, cnt, xx, wrow, c, first)


def _pack(x, xp, Mb, ow, bmode):
    """Fill ``xp`` ``(nx, H, P * L)`` with the lane layout of ``x`` ``(nx, H, W)``; tasks are
    (signal, row, chunk of ``CHUNK`` positions ``p``)."""
    nx, H, W = x.shape
    L = lane_count(x)
    P = xp.shape[2] // L
    nchunk = (P + CHUNK - 1) // CHUNK
    for task in prange(nx * H * nchunk):
        b = task // (H * nchunk)
        r = (task // nchunk) % H
        p0 = (task % nchunk) * CHUNK
        p1 = min(P, p0 + CHUNK)
        src, dst = x[b, r], xp[b, r]
        p_lo = min(p1, max(p0, -ow))                          # every lane inside [0, W)
        p_hi = max(p_lo, min(p1, W - ow - (L - 1) * Mb))      # for p in [p_lo, p_hi)
        for p in range(p_lo, p_hi):
            for l in range(L):
                dst[p * L + l] = src[ow + l * Mb + p]
        for p in range(p0, p1):
            if p_lo <= p < p_hi:
                continue
            for l in range(L):
                c = ow + l * Mb + p
                if 0 <= c < W:
                    dst[p * L + l] = src[c]
                elif bmode == ZERO:
                    dst[p * L + l] = 0
                else:
                    dst[p * L + l] = src[source_index(c, W, bmode)]


pack_lanes, pack_lanes_parallel = serial_and_parallel(_pack)


@jit
def _aligned(n, like):
    """A scratch vector of ``n`` elements of ``like``'s dtype starting on a 64-byte boundary."""
    buf = np.empty(n + 64 // like.itemsize, like.dtype)
    off = ((64 - buf.ctypes.data % 64) % 64) // like.itemsize
    return buf[off:off + n]


def _conv_lanes(xp, w, xi, wi, out, sh, dh, oh, bmode, Mb, B):
    """``out[b, i, j]`` of :func:`~sigconv._kernels.conv.conv_direct` (unit column stride and
    dilation) from the packed ``xp``; tasks are (batch row, output row, block of ``B`` rows of
    lanes)."""
    nb, Ho, Wo = out.shape
    H = xp.shape[1]
    Kh = w.shape[1]
    L = lane_count(xp)
    nblk = (Mb + B - 1) // B
    for task in prange(nb * Ho * nblk):
        b = task // (Ho * nblk)
        i = (task // nblk) % Ho
        m0 = (task % nblk) * B
        bc = min(B, Mb - m0)
        o = _aligned(bc * L, out)
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
        if r_lo == r_hi:
            o[:] = 0
        xb = xp[xi[b]]
        for r in range(r_lo, r_hi):
            xx = xb[source_index(i * sh + r * dh + oh, H, bmode), m0 * L:]
            _row_taps(o, bc * L, xx, w[wi[b], r], r == r_lo)
        orow = out[b, i]
        for l in range(L):   # the last lanes may run past the row's end
            j0 = l * Mb + m0
            for m in range(min(bc, Wo - j0)):
                orow[j0 + m] = o[m * L + l]


conv_lanes, conv_lanes_parallel = serial_and_parallel(_conv_lanes)


def correlate_lanes(x, w, xi, wi, out, sh, dh, oh, ow, bmode, parallel: bool) -> None:
    """:func:`~sigconv._kernels.conv.conv_direct` with unit column stride and dilation, through
    the lane layout (real dtypes; zero fill only with a finite kernel)."""
    lanes = lane_count(x)
    rows = -(-out.shape[2] // lanes)
    size = x.shape[0] * x.shape[1] * (rows + w.shape[2] - 1) * lanes
    buf = np.empty(size + 64 // x.itemsize, x.dtype)
    start = (-buf.ctypes.data % 64) // x.itemsize
    xp = buf[start:start + size].reshape(x.shape[0], x.shape[1], -1)
    pack, conv = (pack_lanes_parallel, conv_lanes_parallel) if parallel else (pack_lanes, conv_lanes)
    pack(x, xp, rows, ow, bmode)
    conv(xp, w, xi, wi, out, sh, dh, oh, bmode, rows, ROWS)
