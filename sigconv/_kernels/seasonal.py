"""The passes of :func:`sigconv.seasonal_decompose` after the running means, fused per row.

Contract (the wrapper in :mod:`sigconv.filters.decompose` ensures it): ``x``, ``means_run``,
``trend``, ``seasonal``, ``resid`` are C-contiguous ``(B, n)`` arrays of one float dtype;
``means_run`` holds the trailing means of ``period`` samples (NaN where incomplete or holding a
NaN); ``period >= 1``; ``means`` is ``(B, period)``.  Only the output arguments are written,
each element of them; sums run in float64.  NaN/inf in ``x`` are skipped by the phase means
and follow IEEE arithmetic elsewhere.
"""

from __future__ import annotations

import math

import numpy as np

from sigconv._jit import jit


@jit
def moving_trend(means_run, period, two_sided, trend):
    """statsmodels' trend: the trailing mean (odd period) or the mean of two consecutive ones
    (even period: the 2×m average), shifted back by ``period // 2`` when ``two_sided``."""
    nrows, n = means_run.shape
    h = period // 2 if two_sided else 0
    even = period % 2 == 0
    for b in range(nrows):
        for t in range(n):
            s = t + h
            if s >= n or (even and s < 1):
                trend[b, t] = np.nan
            elif even:
                trend[b, t] = 0.5 * (means_run[b, s] + means_run[b, s - 1])
            else:
                trend[b, t] = means_run[b, s]


@jit
def phase_means(x, trend, period, multiplicative, means):
    """``means[b, k]``: mean over the finite values of the detrended series (``x - trend``, or
    ``x / trend``) at the samples ``t % period == k``; NaN for a phase with none."""
    nrows, n = x.shape
    total = np.zeros(period)
    count = np.zeros(period, dtype=np.int64)
    for b in range(nrows):
        total[:] = 0.0
        count[:] = 0
        for start in range(0, n, period):
            stop = min(start + period, n)
            for t in range(start, stop):
                # test the operands, not their result: under the fast-math flags LLVM may
                # drop a finiteness test of a computed value that guards a sum
                if math.isfinite(x[b, t]) and math.isfinite(trend[b, t]):
                    v = x[b, t] / trend[b, t] if multiplicative else x[b, t] - trend[b, t]
                    total[t - start] += v
                    count[t - start] += 1
        for k in range(period):
            means[b, k] = total[k] / count[k] if count[k] > 0 else np.nan


@jit
def seasonal_resid(x, trend, means, multiplicative, seasonal, resid):
    """The seasonal component (``means`` repeated) and the residual, in one pass."""
    nrows, n = x.shape
    period = means.shape[1]
    for b in range(nrows):
        for start in range(0, n, period):
            stop = min(start + period, n)
            for t in range(start, stop):
                s = means[b, t - start]
                seasonal[b, t] = s
                if multiplicative:
                    resid[b, t] = x[b, t] / s / trend[b, t]
                else:
                    resid[b, t] = (x[b, t] - trend[b, t]) - s
