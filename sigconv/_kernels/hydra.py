"""Hydra kernels (Dempster, Schmidt & Webb, 2023), Numba only.

For each dilation ``d`` and each representation ``r`` (0: the series, 1: its first
difference), ``G`` groups of ``k`` length-9 kernels are correlated with the zero-padded
series (padding ``4 d`` each side, so the output has the series' length: PyTorch's
``F.conv1d(x, W, dilation=d, padding=4 d)``).  At each time point, within each group, the
kernel with the largest response adds that response to its "max" count, and the kernel with
the smallest response adds 1 to its "min" count; ties go to the lowest kernel index (as
``torch.max``/``torch.min`` on CPU return them).

The responses of one group are computed for a block of :data:`BLOCK` time points at a time
into a ``(k, BLOCK)`` scratch (a few KiB, in L1), reduced to the winners and counted: the
``(n, G k, L)`` response tensor of the reference implementation is never stored.

Contract (the wrapper in :mod:`sigconv.features.hydra` guarantees it):

* ``X`` is C-contiguous float32/float64 ``(n_samples, n_channels, L)``, finite;
* ``dilations`` int64 ``(n_dil,)`` ascending; ``W`` ``(n_dil, R, G * k, 9)`` in ``X``'s dtype;
  ``channels`` int64 ``(n_dil, R, G, m)``: the input of group ``g`` is the sum of channels
  ``channels[di, r, g]`` (repeats allowed; one channel for univariate input);
* ``out`` is ``(n_samples, n_dil * R * 2 * G * k)`` in ``X``'s dtype, laid out per dilation,
  per representation: the max counts ``(G, k)`` then the min counts ``(G, k)``.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, prange, serial_and_parallel

#: time points whose responses are computed and reduced together
BLOCK = 256


@jit
def _fill_padded(x, channels, r, d, length, xp):
    """``xp[:length + 8 d]``: ``4 d`` zeros, the sum over ``channels`` of ``x`` (``r == 0``) or
    of its first difference (``r == 1``; one zero for a one-sample series), ``4 d`` zeros."""
    pad = 4 * d
    for t in range(pad):
        xp[t] = 0
        xp[pad + length + t] = 0
    body = xp[pad:pad + length]
    for t in range(length):
        body[t] = 0
    L = x.shape[1]
    for c in range(channels.shape[0]):
        xc = x[channels[c]]
        if r == 0:
            for t in range(length):
                body[t] += xc[t]
        elif L > 1:
            a = xc[:L - 1]
            b = xc[1:]
            for t in range(length):
                body[t] += b[t] - a[t]


@jit
def _group_counts(xp, W, d, length, z, best, best_k, worst, worst_k, counts_max, counts_min):
    """Add the counts of one group (kernels ``W`` ``(k, 9)``) on the padded series ``xp``."""
    k = W.shape[0]
    for t0 in range(0, length, BLOCK):
        n = min(BLOCK, length - t0)
        for j in range(k):
            w = W[j]
            zj = z[j]
            s0 = xp[t0:t0 + n]
            s1 = xp[t0 + d:t0 + d + n]
            s2 = xp[t0 + 2 * d:t0 + 2 * d + n]
            s3 = xp[t0 + 3 * d:t0 + 3 * d + n]
            s4 = xp[t0 + 4 * d:t0 + 4 * d + n]
            s5 = xp[t0 + 5 * d:t0 + 5 * d + n]
            s6 = xp[t0 + 6 * d:t0 + 6 * d + n]
            s7 = xp[t0 + 7 * d:t0 + 7 * d + n]
            s8 = xp[t0 + 8 * d:t0 + 8 * d + n]
            w0, w1, w2, w3, w4, w5, w6, w7, w8 = w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8]
            for t in range(n):
                zj[t] = (w0 * s0[t] + w1 * s1[t] + w2 * s2[t] + w3 * s3[t] + w4 * s4[t] + w5 * s5[t]
                         + w6 * s6[t] + w7 * s7[t] + w8 * s8[t])
        z0 = z[0]
        for t in range(n):
            best[t] = z0[t]
            worst[t] = z0[t]
            best_k[t] = 0
            worst_k[t] = 0
        for j in range(1, k):
            zj = z[j]
            for t in range(n):
                v = zj[t]
                up = v > best[t]
                down = v < worst[t]
                best[t] = v if up else best[t]
                best_k[t] = j if up else best_k[t]
                worst[t] = v if down else worst[t]
                worst_k[t] = j if down else worst_k[t]
        for t in range(n):
            counts_max[best_k[t]] += best[t]
            counts_min[worst_k[t]] += 1


def _transform_impl(X, dilations, W, channels, out):
    """Write ``out[i]``: the Hydra counts of sample ``i`` (parallel over samples)."""
    n_dil, R, GK, _ = W.shape
    G = channels.shape[2]
    k = GK // G
    L = X.shape[2]
    span = L + 8 * dilations[n_dil - 1]
    for i in prange(X.shape[0]):
        xp = np.empty(span, dtype=X.dtype)
        z = np.empty((k, BLOCK), dtype=X.dtype)
        best = np.empty(BLOCK, dtype=X.dtype)
        worst = np.empty(BLOCK, dtype=X.dtype)
        best_k = np.empty(BLOCK, dtype=np.int64)
        worst_k = np.empty(BLOCK, dtype=np.int64)
        row = out[i]
        row[:] = 0
        x = X[i]
        for di in range(n_dil):
            d = dilations[di]
            for r in range(R):
                length = L if r == 0 else max(L - 1, 1)
                first = (di * R + r) * 2 * GK
                for g in range(G):
                    chans = channels[di, r, g]
                    if g == 0 or not np.array_equal(chans, channels[di, r, g - 1]):
                        _fill_padded(x, chans, r, d, length, xp)
                    _group_counts(xp, W[di, r, g * k:(g + 1) * k], d, length, z, best, best_k, worst,
                                  worst_k, row[first + g * k:first + (g + 1) * k],
                                  row[first + GK + g * k:first + GK + (g + 1) * k])


transform_serial, transform_parallel = serial_and_parallel(_transform_impl)
