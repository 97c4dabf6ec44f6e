"""The zncc of a template with cached window statistics: the window factor and the scaling.

``match_many`` scores each template of a shape as ``clip(corr(x, t / |t|) * f, -1, 1)`` with
the window factor ``f = 1 / sqrt(s2 - s1**2 / m)`` shared by every template of that shape.
Numba only; inputs are trusted (:mod:`sigconv.match.strips` and the matcher allocate).
``inverse_std`` does part ``part`` of ``n_parts`` (its last two arguments) and is exported as a
``(serial, parallel)`` pair by :func:`sigconv._jit.serial_and_threaded`.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, serial_and_threaded


def _inverse_std(s1, s2, m, tol, out, part, n_parts):
    """``out[i] = 1 / sqrt(s2[i] - s1[i]**2 / m)``, 0 where that variance is at most
    ``tol * s2[i]`` (a constant window, as the zncc of ``sliding._score_one`` scores it).

    s1, s2 : (n,) float64 window sums of the centred signal and of its square.
    out : (n,) float32 or float64, written entirely.
    """
    n = s1.shape[0]
    lo = part * n // n_parts
    hi = (part + 1) * n // n_parts
    a1 = s1[lo:hi]   # slices from 0: the loop vectorises (no negative indices)
    a2 = s2[lo:hi]
    res = out[lo:hi]
    inv_m = 1.0 / m
    for i in range(a1.shape[0]):
        var = a2[i] - a1[i] * a1[i] * inv_m
        res[i] = 1.0 / np.sqrt(var) if var > tol * a2[i] else 0.0


inverse_std_serial, inverse_std_parallel = serial_and_threaded(_inverse_std)


@jit
def scale_clip(y, c0, scale, out):
    """``out[b, i, j] = clip(y[b, i, c0 + j] * scale[b, i, j], -1, 1)`` (in the dtype of ``y``).

    y : (B, n, W') the correlation's rows at the transform's width.  scale, out : (B, n, w).
    """
    for b in range(out.shape[0]):
        for i in range(out.shape[1]):
            src = y[b, i, c0:c0 + out.shape[2]]
            f = scale[b, i]
            dst = out[b, i]
            for j in range(dst.shape[0]):
                v = src[j] * f[j]
                dst[j] = min(max(v, -1.0), 1.0)
