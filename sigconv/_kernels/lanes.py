"""Direct correlation on a lane-interleaved copy of the signal, for long kernels.

The blocked loop of :mod:`sigconv._kernels.conv` reads ``x[j + c]`` for every tap ``c``: with
512-bit vectors most of those loads straddle two cache lines, which caps long kernels near
the 256-bit rate.  Here each output row is cut into ``L`` lanes of ``Mb`` consecutive outputs
(``L`` = 128 bytes of values: two 512-bit vectors) and the input is packed so that the lanes
sit side by side::

    xp[b, r, s*seg + p*L + l] = x[b, r, s*L*Mb + l*Mb + p + ow]    (p < Mb + span - 1)

(``s`` a segment of ``L*Mb`` outputs, ``seg = (Mb + span - 1) * L``, ``span`` the dilated
kernel width; columns outside ``[0, W)`` read the boundary ``bmode`` as in
:func:`~sigconv._kernels.conv.source_index`).  Output ``(s, m, l)`` is then the same blocked
correlation with a column step of ``L``: every tap's load is 64-byte aligned.  A block of
``B`` rows of ``L`` lanes (an accumulator in L1) takes the taps of each kernel row eight at a
time (:func:`_lane_taps`, offsets fixed at compile time: ``L`` follows from the dtype); the
last ``Kw % 8`` taps of every row go together through the blocked loop's eight-slice passes.
The block is then scattered back to its ``L`` stretches of the output.  Kernels marked with
:func:`~sigconv._jit.wide_vectors` use 512-bit registers where the CPU has them.

Same contract as :func:`~sigconv._kernels.conv.conv_direct`, restricted to unit column stride
and dilation, real dtypes and a boundary that may meet every tap (zero fill only with a
finite kernel: packed zeros are multiplied by the taps).  ``xp`` must start on a 64-byte
boundary.
"""

from __future__ import annotations

import numpy as np
from numba.extending import overload

from sigconv._jit import jit, prange, serial_and_parallel, wide_vectors
from sigconv._kernels.conv import ZERO, _block_taps, _tap_rows, source_index

#: bytes of outputs side by side (two 512-bit vectors)
LANE_BYTES = 128


def lane_count(a) -> int:
    """Lanes of the packed layout for ``a``'s dtype (a compile-time constant in kernels)."""
    return LANE_BYTES // a.dtype.itemsize


@overload(lane_count)
def _lane_count_typed(a):
    lanes = LANE_BYTES // (a.dtype.bitwidth // 8)
    return lambda a: lanes


@jit
def _lane_taps(o, cnt, xx, wrow, c, first):
    """``o[j] (+)= sum_{t<8} wrow[c + t] * xx[j + (c + t) * L]``: eight taps of one kernel row
    at offsets fixed at compile time (``first``: assign, else add)."""
    wide_vectors()
    L = lane_count(xx)
    x = xx[c * L:]
    w0, w1, w2, w3 = wrow[c], wrow[c + 1], wrow[c + 2], wrow[c + 3]
    w4, w5, w6, w7 = wrow[c + 4], wrow[c + 5], wrow[c + 6], wrow[c + 7]
    if first:
        for j in range(cnt):
            o[j] = (w0 * x[j] + w1 * x[j + L] + w2 * x[j + 2 * L] + w3 * x[j + 3 * L]) + (
                w4 * x[j + 4 * L] + w5 * x[j + 5 * L] + w6 * x[j + 6 * L] + w7 * x[j + 7 * L])
    else:
        for j in range(cnt):
            o[j] += (w0 * x[j] + w1 * x[j + L] + w2 * x[j + 2 * L] + w3 * x[j + 3 * L]) + (
                w4 * x[j + 4 * L] + w5 * x[j + 5 * L] + w6 * x[j + 6 * L] + w7 * x[j + 7 * L])


def _pack(x, xp, Mb, nseg, ow, bmode):
    """Fill ``xp`` ``(nx, H, nseg * seg)`` with the lane layout of ``x`` ``(nx, H, W)``."""
    nx, H, W = x.shape
    L = lane_count(x)
    seg = xp.shape[2] // nseg
    P = seg // L
    for task in prange(nx * H * nseg):
        b = task // (H * nseg)
        r = (task // nseg) % H
        s = task % nseg
        src = x[b, r]
        dst = xp[b, r, s * seg:(s + 1) * seg]
        base = s * L * Mb + ow
        p_lo = min(P, max(0, -base))                      # all lanes inside [0, W) for p in
        p_hi = max(p_lo, min(P, W - base - (L - 1) * Mb))  # [p_lo, p_hi)
        for p in range(p_lo, p_hi):
            for l in range(L):
                dst[p * L + l] = src[base + l * Mb + p]
        for p in range(P):
            if p_lo <= p < p_hi:
                continue
            for l in range(L):
                c = base + l * Mb + p
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


def _conv_lanes(xp, w, w_rest, xi, wi, out, sh, dh, oh, bmode, Mb, nseg, B):
    """``out[b, i, j]`` of :func:`~sigconv._kernels.conv.conv_direct` (unit column stride and
    dilation) from the packed ``xp``; tasks are (batch row, output row, segment, block of
    ``B`` rows of lanes).  ``w_rest`` holds the last ``Kw % 8`` columns of ``w``: those taps
    of all kernel rows are taken together, eight at a time, before the runs of eight."""
    nb, Ho, Wo = out.shape
    H = xp.shape[1]
    seg = xp.shape[2] // nseg
    Kh, Kw = w.shape[1], w.shape[2]
    rest = w_rest.shape[2]
    L = lane_count(xp)
    S = L * Mb
    nblk = (Mb + B - 1) // B
    for task in prange(nb * Ho * nseg * nblk):
        b = task // (Ho * nseg * nblk)
        i = (task // (nseg * nblk)) % Ho
        s = (task // nblk) % nseg
        m0 = (task % nblk) * B
        bc = min(B, Mb - m0)
        if s * S + m0 >= Wo:   # every lane of this block lies past the row's end
            continue
        o = _aligned(bc * L, out)
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
        xb = xp[xi[b]]
        col0 = s * seg + m0 * L
        row0 = i * sh + oh
        if r_lo == r_hi:
            o[:] = 0
        elif rest:
            _block_taps(xb, w_rest[wi[b]], o, bc * L, r_lo, r_hi, row0, dh, col0 + (Kw - rest) * L, 1, L,
                        rest, bmode)
        first = rest == 0
        for r in range(r_lo, r_hi):
            xx = xb[source_index(row0 + r * dh, H, bmode), col0:]
            for c in range(0, Kw - rest, 8):
                _lane_taps(o, bc * L, xx, w[wi[b], r], c, first)
                first = False
        orow = out[b, i]
        for l in range(L):
            j0 = s * S + l * Mb + m0
            for m in range(min(bc, Wo - j0)):
                orow[j0 + m] = o[m * L + l]


conv_lanes, conv_lanes_parallel = serial_and_parallel(_conv_lanes)


#: rows of lanes per task: a 16 KiB accumulator (128 rows of 128 bytes)
ROWS = 128


def layout(width: int, span: int, dtype: np.dtype) -> tuple[int, int, int]:
    """``(Mb, nseg, seg)`` for output rows ``width`` long and kernel rows ``span`` wide: lanes
    of ``Mb`` outputs (at least ``8 * span``, so that the packed halo of ``span - 1`` samples
    per lane adds at most 1/8), in ``nseg`` segments of ``seg`` packed samples."""
    lanes = LANE_BYTES // dtype.itemsize
    most = max(ROWS, 8 * span)
    nseg = -(-width // (lanes * most))
    rows = -(-width // (lanes * nseg))
    return rows, nseg, (rows + span - 1) * lanes


def correlate_lanes(x, w, xi, wi, out, sh, dh, oh, ow, bmode, parallel: bool) -> None:
    """:func:`~sigconv._kernels.conv.conv_direct` with unit column stride and dilation, through
    the lane layout (real dtypes; zero fill only with a finite kernel)."""
    rows, nseg, seg = layout(out.shape[2], w.shape[2], x.dtype)
    size = x.shape[0] * x.shape[1] * nseg * seg
    buf = np.empty(size + 64 // x.itemsize, x.dtype)
    start = (-buf.ctypes.data % 64) // x.itemsize
    xp = buf[start:start + size].reshape(x.shape[0], x.shape[1], nseg * seg)
    pack, conv = (pack_lanes_parallel, conv_lanes_parallel) if parallel else (pack_lanes, conv_lanes)
    pack(x, xp, rows, nseg, ow, bmode)
    rest = np.ascontiguousarray(w[:, :, w.shape[2] - w.shape[2] % 8:])
    conv(xp, w, rest, xi, wi, out, sh, dh, oh, bmode, rows, nseg, ROWS)
