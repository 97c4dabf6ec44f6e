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
        row = x[b]
        bad = 0
        for i in range(n):   # no early exit: the count vectorises
            bad += 0 if math.isfinite(row[i]) else 1
        if bad == 0:
            _finite_row(x[b], period, taps, h, restart, accumulate, multiplicative, trend[b], total, count)
        else:
            _gappy_row(x[b], period, taps, h, restart, accumulate, multiplicative, trend[b], total, count)
        if accumulate:
            for k in range(period):
                means[b, k] = total[k] / count[k] if count[k] > 0 else np.nan


@jit
def _finite_row(x, period, taps, h, restart, accumulate, multiplicative, trend, total, count):
    """:func:`trend_and_phase_sums` for one row without NaN/inf: running window sums between
    exact restarts, four samples per step with the dependency chain cut to one addition per
    step (the other three sums branch off it); each segment's phase sums follow while it is
    in L1 (a loop over the phases of whole periods, which vectorises)."""
    n = x.shape[0]
    even = taps > period
    first = taps - 1
    scale = (0.5 if even else 1.0) / period   # a product per sample, not a division
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
        trend[i - h] = (s + prev) * scale if even else s * scale
        j = i + 1
        while j + 4 <= stop:
            d0 = x[j] - x[j - period]
            d1 = x[j + 1] - x[j + 1 - period]
            d2 = x[j + 2] - x[j + 2 - period]
            d3 = x[j + 3] - x[j + 3 - period]
            s0 = s + d0
            s1 = s + (d0 + d1)
            s2 = s1 + d2
            s3 = s + ((d0 + d1) + (d2 + d3))
            if even:
                trend[j - h] = (s0 + s) * scale
                trend[j + 1 - h] = (s1 + s0) * scale
                trend[j + 2 - h] = (s2 + s1) * scale
                trend[j + 3 - h] = (s3 + s2) * scale
            else:
                trend[j - h] = s0 * scale
                trend[j + 1 - h] = s1 * scale
                trend[j + 2 - h] = s2 * scale
                trend[j + 3 - h] = s3 * scale
            s = s3
            j += 4
        while j < stop:
            prev = s
            s += x[j] - x[j - period]
            trend[j - h] = (s + prev) * scale if even else s * scale
            j += 1
        if accumulate:   # while the segment is in L1
            _phase_sums(x, trend, i - h, stop - h, period, multiplicative, total, count)
        i = stop


@jit
def _phase_sums(x, trend, lo, hi, period, multiplicative, total, count):
    """Add the detrended values ``t`` in ``[lo, hi)`` (all finite) into ``total[t % period]``
    and count them; a loop over the phases of each whole period."""
    head = min(hi, lo + (period - lo % period) % period)   # up to the first whole period
    for t in range(lo, head):
        total[t % period] += x[t] / trend[t] if multiplicative else x[t] - trend[t]
        count[t % period] += 1
    t = head
    full = 0
    while t + period <= hi:
        if multiplicative:
            for k in range(period):
                total[k] += x[t + k] / trend[t + k]
        else:
            for k in range(period):
                total[k] += x[t + k] - trend[t + k]
        full += 1
        t += period
    for k in range(period):
        count[k] += full
    while t < hi:
        k = t % period
        total[k] += x[t] / trend[t] if multiplicative else x[t] - trend[t]
        count[k] += 1
        t += 1


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
        xr, tr, mr, sr, rr = x[b], trend[b], means[b], seasonal[b], resid[b]
        for start in range(0, n, period):
            stop = min(start + period, n)
            for k in range(stop - start):
                t = start + k
                sr[t] = mr[k]
                if multiplicative:
                    rr[t] = xr[t] / mr[k] / tr[t]
                else:
                    rr[t] = (xr[t] - tr[t]) - mr[k]
