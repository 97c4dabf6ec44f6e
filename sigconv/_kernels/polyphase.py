"""Polyphase copies of a signal: strided and dilated correlation as unit-stride correlation.

With output column stride ``sw`` and tap spacing ``dw``, output ``j`` of
:func:`~sigconv._kernels.conv.conv_direct` reads column ``j*sw + c*dw + ow`` for tap ``c``.
With ``Q = lcm(sw, dw)``, ``P = Q / sw`` output phases and ``C = Q / dw`` tap phases, output
``j = j0 + P*m`` and tap ``c = p + C*q`` read column ``(m + q)*Q + (j0*sw + p*dw + ow)``: for each
output phase ``j0`` the outputs are a stride-1, undilated correlation of the ``C`` phase
signals ``x[t*Q + j0*sw + p*dw + ow]`` (one row each) with the kernel's ``C`` tap phases
``w[p + C*q]`` (one kernel row each).  :func:`pack_phases` writes those phase signals, so the
unit-stride kernels (the blocked loop, the lane layout) compute strided and dilated outputs
at their full vector speed and never compute a skipped output.

Layout (``nx`` signals of ``H`` rows, ``W`` columns; ``Hp`` packed rows)::

    xp[b*P + j0, h*C + p, t] = x[b, row_lo + h, t*Q + j0*sw + p*dw + col0]

Samples outside ``x`` read the boundary ``bmode`` (:func:`~sigconv._kernels.conv.source_index`;
``ZERO`` writes zeros).  Rows are taken as they are: the caller packs only rows inside ``x``
for ``ZERO`` (the kernels skip the others) and the whole read range otherwise.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, prange, serial_and_parallel
from sigconv._kernels.conv import BLOCK, ZERO, _block_taps, _tap_rows, source_index

#: packed positions per task
CHUNK = 16 * 1024


def _pack_phases(x, xp, P, C, Q, sw, dw, row_lo, col0, bmode, check):
    """Fill ``xp`` (layout in the module docstring); returns the number of non-finite samples
    packed when ``check`` (else 0): a zero-padded tap phase would meet them."""
    nx, H, W = x.shape
    Hp = xp.shape[1] // C
    T = xp.shape[2]
    nchunk = (T + CHUNK - 1) // CHUNK
    bad = 0
    for task in prange(nx * P * Hp * nchunk):
        chunk = task % nchunk
        h = (task // nchunk) % Hp
        j0 = (task // (nchunk * Hp)) % P
        b = task // (nchunk * Hp * P)
        t0 = chunk * CHUNK
        t1 = min(T, t0 + CHUNK)
        row = row_lo + h
        inside_row = 0 <= row < H
        src = x[b, source_index(row, H, bmode) if (inside_row or bmode != ZERO) else 0]
        for p in range(C):
            dst = xp[b * P + j0, h * C + p]
            off = j0 * sw + p * dw + col0
            if not inside_row and bmode == ZERO:
                for t in range(t0, t1):
                    dst[t] = 0
                continue
            lo = min(t1, max(t0, (-off + Q - 1) // Q))   # first t with t*Q + off >= 0
            hi = max(lo, min(t1, (W - 1 - off) // Q + 1 if W - 1 - off >= 0 else 0))
            s = src[off + lo * Q:]
            for t in range(hi - lo):
                dst[lo + t] = s[t * Q]
            for t in range(t0, lo):
                dst[t] = 0 if bmode == ZERO else src[source_index(t * Q + off, W, bmode)]
            for t in range(hi, t1):
                dst[t] = 0 if bmode == ZERO else src[source_index(t * Q + off, W, bmode)]
            if check:
                n = 0
                for t in range(t0, t1):
                    v = dst[t]
                    n += 0 if np.isfinite(v) else 1
                bad += n
    return bad


pack_phases, pack_phases_parallel = serial_and_parallel(_pack_phases)


@jit
def _pack_tile(src, dst, t0, cnt, Q, off, W, bmode):
    """``dst[t] = src[(t0 + t)*Q + off]`` for ``t < cnt``, columns outside ``[0, W)`` through
    the boundary ``bmode``."""
    first = t0 * Q + off
    lo = min(cnt, max(0, (-first + Q - 1) // Q))
    hi = max(lo, min(cnt, (W - 1 - first) // Q + 1 if W - 1 - first >= 0 else 0))
    s = src[first + lo * Q:]
    for t in range(hi - lo):
        dst[lo + t] = s[t * Q]
    for t in range(lo):
        dst[t] = 0 if bmode == ZERO else src[source_index(first + t * Q, W, bmode)]
    for t in range(hi, cnt):
        dst[t] = 0 if bmode == ZERO else src[source_index(first + t * Q, W, bmode)]


def _conv_phase_tiles(x, w2, xi, wi, out, sh, dh, oh, Q, C, dw, ow, bmode, check):
    """Output column stride ``Q`` (a multiple of the tap spacing ``dw``, ``C = Q / dw`` tap
    phases): ``out`` of :func:`~sigconv._kernels.conv.conv_direct` computed block by block,
    each block's phase signals packed into a scratch tile (it stays in the caches, where a
    packed copy of the whole signal would stream through memory twice) and correlated with
    the tap phases ``w2`` ``(nw, Kh * C, Kc)`` by the unit-stride blocked loop.  Returns the
    number of non-finite samples packed when ``check`` (a zero-padded tap phase would meet
    them: the caller then recomputes)."""
    nb, Ho, Wo = out.shape
    H, W = x.shape[1], x.shape[2]
    Kc = w2.shape[2]
    Kh = w2.shape[1] // C
    nblk = (Wo + BLOCK - 1) // BLOCK
    bad = 0
    for task in prange(nb * Ho * nblk):
        b = task // (Ho * nblk)
        i = (task // nblk) % Ho
        j0 = (task % nblk) * BLOCK
        cnt = min(Wo, j0 + BLOCK) - j0
        o = out[b, i, j0:j0 + cnt]
        r_lo, r_hi = _tap_rows(i, sh, dh, oh, H, Kh, bmode)
        if r_lo == r_hi:
            o[:] = 0
            continue
        tile = np.empty(((r_hi - r_lo) * C, cnt + Kc - 1), x.dtype)
        xb = x[xi[b]]
        for r in range(r_lo, r_hi):
            src = xb[source_index(i * sh + r * dh + oh, H, bmode)]
            for p in range(C):
                row = tile[(r - r_lo) * C + p]
                _pack_tile(src, row, j0, cnt + Kc - 1, Q, p * dw + ow, W, bmode)
                if check:
                    n = 0
                    for t in range(cnt + Kc - 1):
                        n += 0 if np.isfinite(row[t]) else 1
                    bad += n
        _block_taps(tile, w2[wi[b], r_lo * C:r_hi * C], o, cnt, 0, (r_hi - r_lo) * C, 0, 1, 0, 1, 1, Kc, ZERO)
    return bad


conv_phase_tiles, conv_phase_tiles_parallel = serial_and_parallel(_conv_phase_tiles)
