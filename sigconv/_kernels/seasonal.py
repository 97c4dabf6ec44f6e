"""The passes of :func:`sigconv.seasonal_decompose`, fused per row: two passes over the series.

Contract (the wrapper in :mod:`sigconv.filters.decompose` ensures it): ``x``, ``trend``,
``seasonal``, ``resid`` are C-contiguous ``(B, n)`` arrays of one float dtype; ``period >= 1``;
``means`` is ``(B, period)`` of that dtype.  Only the output arguments are written, each
element of them; sums run in float64.  NaN/inf in ``x`` are skipped by the phase means and
follow IEEE arithmetic elsewhere.  Finiteness is always tested on loaded operands, never on a
computed value: under the fast-math flags LLVM may drop such a test when it guards a sum.
"""

from __future__ import annotations

import math

import numpy as np

from sigconv._jit import jit


@jit
def trend_and_phase_sums(x, period, two_sided, accumulate, multiplicative, trend, means):
    """statsmodels' trend and (``accumulate``) the phase means of the detrended series, in one
    pass per row.

    The trend is the 2×m moving average for an even period (``period + 1`` taps, half weights
    at the ends), the uniform one for an odd period, trailing or (``two_sided``) centred by
    ``period // 2``; NaN where the window is incomplete or holds a non-finite sample.  Window
    sums of the finite samples run in float64 and restart exactly every ``max(period, 512)``
    samples, so rounding cannot build up.  When ``accumulate``, ``means`` gets the mean of the
    finite detrended values at each phase (NaN for none); otherwise it is left alone.
    """
    nrows, n = x.shape
    taps = period + 1 if period % 2 == 0 else period
    h = period // 2 if two_sided else 0
    restart = max(period, 512)
    total = np.zeros(period)
    count = np.zeros(period, dtype=np.int64)
    for b in range(nrows):
        total[:] = 0.0
        count[:] = 0
        for t in range(max(n - h, 0), n):
            trend[b, t] = np.nan
        for t in range(0, min(max(taps - 1 - h, 0), n)):
            trend[b, t] = np.nan
        finite = True
        for i in range(n):
            if not math.isfinite(x[b, i]):
                finite = False
                break
        if finite:
            _finite_row(x[b], period, taps, h, restart, accumulate, multiplicative, trend[b], total, count)
        else:
            _gappy_row(x[b], period, taps, h, restart, accumulate, multiplicative, trend[b], total, count)
        if accumulate:
            for k in range(period):
                means[b, k] = total[k] / count[k] if count[k] > 0 else np.nan


@jit
def _finite_row(x, period, taps, h, restart, accumulate, multiplicative, trend, total, count):
    """:func:`trend_and_phase_sums` for one row without NaN/inf: a tight running-sum loop
    between exact restarts, the phase as a counter."""
    n = x.shape[0]
    even = taps > period
    first = taps - 1
    k = (first - h) % period if first < n else 0
    i = first
    while i < n:
        stop = min(i + restart, n)
        s = 0.0
        for j in range(i - period + 1, i + 1):
            s += x[j]
        prev = 0.0
        if even:
            for j in range(i - period, i):
                prev += x[j]
        for j in range(i, stop):
            if j > i:
                prev = s
                s += x[j] - x[j - period]
            value = 0.5 * (s + prev) / period if even else s / period
            t = j - h
            trend[t] = value
            if accumulate:
                total[k] += x[t] / value if multiplicative else x[t] - value
                count[k] += 1
            k += 1
            if k == period:
                k = 0
        i = stop


@jit
def _gappy_row(x, period, taps, h, restart, accumulate, multiplicative, trend, total, count):
    """:func:`trend_and_phase_sums` for one row holding NaN/inf: the window also counts its
    non-finite samples (the trend is NaN while it holds any)."""
    n = x.shape[0]
    even = taps > period
    s = 0.0          # finite samples of x[i - period + 1 .. i]
    prev = 0.0       # the same sum one step earlier
    bad = 0          # non-finite samples of x[i - taps + 1 .. i]
    since = 0
    for i in range(n):
        prev = s
        if since == 0:
            s = 0.0
            for j in range(max(i - period + 1, 0), i + 1):
                if math.isfinite(x[j]):
                    s += x[j]
            if even:   # the even window's sum one step earlier, restarted too
                prev = 0.0
                for j in range(max(i - period, 0), i):
                    if math.isfinite(x[j]):
                        prev += x[j]
            bad = 0
            for j in range(max(i - taps + 1, 0), i + 1):
                if not math.isfinite(x[j]):
                    bad += 1
        else:
            if math.isfinite(x[i]):
                s += x[i]
            else:
                bad += 1
            if i - period >= 0 and math.isfinite(x[i - period]):
                s -= x[i - period]
            if i - taps >= 0 and not math.isfinite(x[i - taps]):
                bad -= 1
        since += 1
        if since == restart:
            since = 0
        t = i - h
        if t < 0 or i < taps - 1:
            continue
        if bad > 0:
            trend[t] = np.nan
            continue
        value = 0.5 * (s + prev) / period if even else s / period
        trend[t] = value
        if accumulate and math.isfinite(x[t]):
            k = t % period
            total[k] += x[t] / value if multiplicative else x[t] - value
            count[k] += 1


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
