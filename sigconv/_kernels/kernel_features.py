"""The kernel behind :class:`sigconv.features.KernelFeatures`: each series correlated with a
bank of short kernels at several dilations (edges extended), each output summarised at once.

Contract (the wrapper in :mod:`sigconv.features.kernel` guarantees it): ``X`` ``(R, L)``
C-contiguous float32 or float64, finite, ``L >= 1``; ``weights`` the bank's kernels one after
the other in ``X``'s dtype, kernel ``f`` at ``weights[starts[f]:starts[f + 1]]`` (at least one
tap each); ``dilations`` int64 >= 1; ``stats`` int64 codes (:data:`MEAN` ...); ``out``
``(R, n_kernels, n_dilations, n_stats)`` in ``X``'s dtype, written entirely for the rows of the
part.  The correlation runs in ``X``'s dtype (vectorised over time, one tap at a time), the
statistics accumulate in float64.

One serial kernel for every bank, dilation and statistic: a first call compiles it alone
(about 0.5 s per dtype), where the engine's ``correlate`` plus numpy statistics compiled the
direct convolution's tap-count variants (several seconds) and made a temporary per kernel and
dilation.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit

#: statistic codes, in the order of :data:`sigconv.features.kernel.STAT_OPTIONS`
MEAN, MAX, MIN, PPV, STD = 0, 1, 2, 3, 4


@jit
def _summarise(y, stats, out):
    """``out[i]`` = statistic ``stats[i]`` of ``y`` (mean, max, min, proportion of positive
    values, population standard deviation; sums in float64, the deviation in two passes)."""
    n = y.shape[0]
    total = 0.0
    hi = y[0]
    lo = y[0]
    positive = 0
    for t in range(n):
        v = y[t]
        total += np.float64(v)
        hi = max(hi, v)
        lo = min(lo, v)
        positive += 1 if v > 0 else 0
    mean = total / n
    for i in range(stats.shape[0]):
        code = stats[i]
        if code == MEAN:
            out[i] = mean
        elif code == MAX:
            out[i] = hi
        elif code == MIN:
            out[i] = lo
        elif code == PPV:
            out[i] = positive / n
        else:
            dev = 0.0
            for t in range(n):
                e = np.float64(y[t]) - mean
                dev += e * e
            out[i] = np.sqrt(dev / n)


@jit
def kernel_stats(X, weights, starts, dilations, stats, out, part, n_parts):
    """Rows ``part * R // n_parts`` to ``(part + 1) * R // n_parts`` of ``out``:
    ``out[r, f, k, :]`` summarises ``y[t] = sum_j w[j] x[clip(t - left + j d, 0, L - 1)]``
    (``w`` kernel ``f``, ``d = dilations[k]``, ``left = ((len(w) - 1) d) // 2``), 'same' size
    with the series' edge samples repeated."""
    n_rows, length = X.shape
    widest = 0
    for f in range(starts.shape[0] - 1):
        for k in range(dilations.shape[0]):
            widest = max(widest, (starts[f + 1] - starts[f] - 1) * dilations[k])
    xp = np.empty(length + widest, dtype=X.dtype)
    y = np.empty(length, dtype=X.dtype)
    for r in range(part * n_rows // n_parts, (part + 1) * n_rows // n_parts):
        x = X[r]
        first, last = x[0], x[length - 1]
        for f in range(starts.shape[0] - 1):
            w = weights[starts[f]:starts[f + 1]]
            for k in range(dilations.shape[0]):
                d = dilations[k]
                span = (w.shape[0] - 1) * d
                left = span // 2
                for i in range(left):
                    xp[i] = first
                inner = xp[left:left + length]
                for i in range(length):
                    inner[i] = x[i]
                for i in range(left + length, length + span):
                    xp[i] = last
                w0 = w[0]
                for t in range(length):
                    y[t] = w0 * xp[t]
                for j in range(1, w.shape[0]):
                    wj = w[j]
                    src = xp[j * d:j * d + length]
                    for t in range(length):
                        y[t] += wj * src[t]
                _summarise(y, stats, out[r, f, k])
