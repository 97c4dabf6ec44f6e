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
aligned.  A block of ``B`` rows of ``L`` lanes (an accumulator in L1) takes the taps of each
kernel row eight at a time, then the rest of the row in one pass (:mod:`sigconv._kernels.runs`,
offsets fixed at compile time: ``L`` follows from the dtype), so every pass reads one input
row.  The block is then scattered back to its ``L`` stretches of the output.  Kernels marked with
:func:`~sigconv._jit.wide_vectors` use 512-bit registers where the CPU has them.

Same contract as :func:`~sigconv._kernels.conv.conv_direct`, restricted to unit column stride
and dilation, real dtypes and a boundary that may meet every tap (zero fill only with a
finite kernel: packed zeros are multiplied by the taps).  ``xp`` must start on a 64-byte
boundary.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, prange, serial_and_parallel
from sigconv._kernels.conv import ZERO, _tap_rows, source_index
from sigconv._kernels.runs import lane_count, tap_runs
from sigconv._kernels.tiles import aligned

#: rows of lanes per task: a 16 KiB accumulator (128 rows of 128 bytes)
ROWS = 128
#: packed positions per packing task
CHUNK = 4096


#: the passes of eight taps and of a row's last one to seven, taps a lane width apart
_run8, _rest = tap_runs(laned=True)


@jit
def _row_taps(o, cnt, xx, wrow, first):
    """All taps of one kernel row: runs of eight, then one run of the rest."""
    Kw = wrow.shape[0]
    c = 0
    while c + 8 <= Kw:
        _run8(o, cnt, xx, wrow, c, first)
        first = False
        c += 8
    if c < Kw:
        _rest(o, cnt, xx, wrow, c, first)


def _pack(x, xp, Mb, ow, row0, bmode):
    """Fill ``xp`` ``(nx, Hb, P * L)`` with the lane layout of rows ``row0 .. row0 + Hb - 1``
    of ``x`` ``(nx, H, W)`` (rows outside ``x`` read the boundary, zeros for ``ZERO``); tasks
    are (signal, row, chunk of ``CHUNK`` positions ``p``)."""
    nx, H, W = x.shape
    Hb = xp.shape[1]
    L = lane_count(x)
    P = xp.shape[2] // L
    nchunk = (P + CHUNK - 1) // CHUNK
    for task in prange(nx * Hb * nchunk):
        b = task // (Hb * nchunk)
        r = (task // nchunk) % Hb
        p0 = (task % nchunk) * CHUNK
        p1 = min(P, p0 + CHUNK)
        dst = xp[b, r]
        if bmode == ZERO and not 0 <= row0 + r < H:
            for p in range(p0 * L, p1 * L):
                dst[p] = 0
            continue
        src = x[b, source_index(row0 + r, H, bmode)]
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


def _conv_lanes(xp, w, xi, wi, out, sh, dh, oh, bmode, Mb, B, a, span, i0, i1):
    """``out[b, i, a + j]`` (``i0 <= i < i1``, ``j < span``) of
    :func:`~sigconv._kernels.conv.conv_direct` (unit column stride and dilation) from the
    packed ``xp`` of that band of rows and segment of columns; tasks are (batch row, output
    row, block of ``B`` rows of lanes)."""
    nb = out.shape[0]
    Ho = i1 - i0
    H = xp.shape[1]
    Kh = w.shape[1]
    L = lane_count(xp)
    nblk = (Mb + B - 1) // B
    for task in prange(nb * Ho * nblk):
        b = task // (Ho * nblk)
        i = i0 + (task // nblk) % Ho
        m0 = (task % nblk) * B
        bc = min(B, Mb - m0)
        o = aligned(bc * L, out)
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
        if r_lo == r_hi:
            o[:] = 0
        xb = xp[xi[b]]
        for r in range(r_lo, r_hi):
            xx = xb[source_index(i * sh + r * dh + oh, H, bmode), m0 * L:]
            _row_taps(o, bc * L, xx, w[wi[b], r], r == r_lo)
        orow = out[b, i, a:]
        for l in range(L):   # the last lanes may run past the segment's end
            j0 = l * Mb + m0
            for m in range(min(bc, span - j0)):
                orow[j0 + m] = o[m * L + l]


conv_lanes, conv_lanes_parallel = serial_and_parallel(_conv_lanes)


def correlate_lanes(x, w, xi, wi, out, sh, dh, oh, ow, bmode, parallel: bool) -> None:
    """:func:`~sigconv._kernels.conv.conv_direct` with unit column stride and dilation, through
    the lane layout (real dtypes; zero fill only with a finite kernel).  The packed copy
    covers a band of output rows and a segment of columns at a time (about
    :data:`SEGMENT_BYTES`; every row the band reads is packed, so the kernel reads no
    boundary)."""
    lanes = lane_count(x)
    nx = x.shape[0]
    ho, wo = out.shape[1], out.shape[2]
    kh, kw = w.shape[1], w.shape[2]
    seg = segment_columns(nx, wo, kw, lanes, x.itemsize)
    row_len = (-(-seg // lanes) + kw - 1) * lanes
    reach = (kh - 1) * dh + 1
    band = band_rows(nx * row_len * x.itemsize, ho, sh, reach)
    size = nx * ((band - 1) * sh + reach) * row_len
    buf = np.empty(size + 64 // x.itemsize, x.dtype)
    start = (-buf.ctypes.data % 64) // x.itemsize
    pack, conv = (pack_lanes_parallel, conv_lanes_parallel) if parallel else (pack_lanes, conv_lanes)
    for i0 in range(0, ho, band):
        i1 = min(ho, i0 + band)
        row0, rows = i0 * sh + oh, (i1 - 1 - i0) * sh + reach
        for a in range(0, wo, seg):
            span = min(seg, wo - a)
            mb = -(-span // lanes)
            xp = buf[start:start + nx * rows * (mb + kw - 1) * lanes].reshape(nx, rows, -1)
            pack(x, xp, mb, ow + a, row0, bmode)
            conv(xp, w, xi, wi, out, sh, dh, oh - row0, ZERO, mb, ROWS, a, span, i0, i1)


def band_rows(row_bytes: int, ho: int, sh: int, reach: int) -> int:
    """Output rows per band: the packed rows they read (``reach`` rows for the first, ``sh``
    more for each next) within :data:`SEGMENT_BYTES`, but at least eight times the rows
    packed again for the next band."""
    fit = (SEGMENT_BYTES // max(1, row_bytes) - reach) // sh + 1
    return max(1, min(ho, max(fit, 8 * -(-(reach - 1) // sh))))


#: bytes of the lane layout's packed copy per segment of columns (a whole row where it fits)
SEGMENT_BYTES = 4 << 20


def segment_columns(rows: int, wo: int, kw: int, lanes: int, itemsize: int) -> int:
    """Output columns per segment: the packed copy of ``rows`` rows within
    :data:`SEGMENT_BYTES`, but at least eight times the kernel's reach in lanes (the halo each
    segment packs again) and a multiple of the lane count."""
    fit = SEGMENT_BYTES // (itemsize * max(1, rows)) - (kw - 1) * lanes
    seg = max(fit, 8 * (kw - 1) * lanes, 64 * lanes)
    seg = -(-seg // lanes) * lanes
    return max(1, min(seg, wo))
