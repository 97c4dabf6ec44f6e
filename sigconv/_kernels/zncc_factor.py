"""The zncc of a template from the window factor that ``match_many`` shares between templates.

``match_many`` scores each template of a shape as ``clip(corr(x, t / |t|) * f, -1, 1)`` with
the window factor ``f = 1 / sqrt(s2 - s1**2 / m)`` (``sliding.FACTOR``) shared by every
template of that shape.  Numba only; inputs are trusted (the matcher allocates).
"""

from __future__ import annotations

from sigconv._jit import jit


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
