"""MultiRocket kernels (Tan, Dempster, Bergmeir & Webb, 2022), Numba only.

MultiRocket applies the 84 MiniRocket kernels (the addition-only kernel of
:mod:`sigconv._kernels.rocket`, shared: its traversal :func:`~sigconv._kernels.rocket._transform_one`
is compiled once more with the pooling below) to each sample and to its first difference, and
pools each output ``C`` against each bias ``b`` by four statistics, exactly as the reference
implementation (``ChangWeiTan/MultiRocket``, ported to sktime) computes them:

* PPV: the proportion of ``C[t] > b``;
* LSPV: the longest stretch, in samples, between two successive points with ``C[t] < b``
  (counting from index 0 and to the last index; points equal to ``b`` extend a stretch);
* MPV: ``sum(C[t] + b) / count`` over ``C[t] > b`` (0 when none is), with ``C[t] + b``
  rounded to the working dtype and summed in float64;
* MIPV: the mean index of ``C[t] > b`` (-1 when none is).

The reference's transform takes the four left taps of the kernels on the first difference one
sample closer to the centre than the dilation says (its shifts are computed from the length of
the series, not of the difference); for fidelity to the published results the same is done
here (``lag = 1`` in :func:`~sigconv._kernels.rocket._shift_rows`), while the biases are fitted
with the plain kernels, as the reference fits them.

Contract: ``X`` is C-contiguous float32/float64 ``(n_samples, n_channels, L)``, finite; the
first difference ``(n_samples, n_channels, max(L - 1, 1))`` is made here per sample (one zero
when ``L == 1``); each representation's parameters follow :mod:`sigconv._kernels.rocket`'s
contract for its own length; ``out`` is ``(n_samples, 4 * (n_base + n_diff))`` in ``X``'s
dtype, laid out [base PPV, LSPV, MPV, MIPV | difference PPV, LSPV, MPV, MIPV], each block
``n_base`` (or ``n_diff``) features long in MiniRocket's order.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

from sigconv._jit import jit, prange, serial_and_parallel, with_globals
from sigconv._kernels import rocket as _rocket


@jit
def _positive_sums(C, n, b):
    """``(count, index sum, value sum)`` over ``C[t] > b``, ``t < n``, in float64 (exact counts
    and index sums); the value sum adds ``C[t] + b`` rounded to ``C``'s dtype.  Branch-free
    and vectorised: each term is multiplied by the comparison as 0.0 or 1.0 (a select of the
    accumulators compiled to scalar code for float64: 2.0 against 0.28 ns a value)."""
    count = 0.0
    index_sum = 0.0
    value_sum = 0.0
    for t in range(n):
        v = C[t]
        g = np.float64(v > b)
        count += g
        index_sum += g * t
        value_sum += g * np.float64(v + b)
    return count, index_sum, value_sum


@jit
def _longest_stretch(C, n, b):
    """LSPV: the longest gap between successive indices in ``{0} | {t: C[t] < b} | {n - 1}``.

    Taking ``max(longest, t - last)`` at every ``t`` (not only where ``C[t] < b``) gives the
    same maximum, since a gap only grows until the next point below ``b``; the loop then has
    one select on its dependency chain and no branch."""
    last = 0
    longest = 0
    for t in range(n):
        longest = max(longest, t - last)
        last = t if C[t] < b else last
    return max(longest, n - 1 - last)


@jit
def _pool_four_stats(C, n, m, biases, first, nf, stride, out):
    """``out[first + f + p * stride]`` for ``f < nf`` and the statistics ``p`` = PPV, LSPV,
    MPV, MIPV of ``C[:n]`` against ``biases[first + f]`` (``m`` is unused: the -inf tail the
    traversal writes after ``C[:n]`` is never read).  Two passes per bias: the three sums
    vectorise, the stretch cannot (a scan)."""
    for f in range(nf):
        b = biases[first + f]
        count, index_sum, value_sum = _positive_sums(C, n, b)
        at = first + f
        out[at] = count / n
        out[at + stride] = _longest_stretch(C, n, b)
        out[at + 2 * stride] = value_sum / count if count > 0 else 0.0
        out[at + 3 * stride] = index_sum / count if count > 0 else -1.0


#: the MiniRocket traversal, compiled with the four MultiRocket statistics as its pooling.  The
#: twin's code lives in rocket.py, so Numba's on-disk cache would only notice changes to that
#: file: the name carries a checksum of this one, so editing the pooling recompiles the twin.
_transform_one = with_globals(_rocket._transform_one.py_func,
                              f"_multirocket_{zlib.crc32(Path(__file__).read_bytes()):08x}",
                              _pool=_pool_four_stats)


@jit
def _difference(x, dx):
    """``dx[c, t] = x[c, t + 1] - x[c, t]``; a one-sample ``x`` gives ``dx = 0``."""
    L = x.shape[1]
    for c in range(x.shape[0]):
        if L == 1:
            dx[c, 0] = 0
        for t in range(L - 1):
            dx[c, t] = x[c, t + 1] - x[c, t]


def _transform_impl(X, dilations, per_dilation, channel_starts, channel_indices, biases,
                    dilations1, per_dilation1, channel_starts1, channel_indices1, biases1,
                    indices, out):
    """Write ``out[i]``: the features of sample ``i`` (parallel over samples)."""
    n_channels = X.shape[1]
    L = X.shape[2]
    L1 = max(L - 1, 1)
    n_base = biases.shape[0]
    n_diff = biases1.shape[0]
    all_channels = np.arange(n_channels)
    for i in prange(X.shape[0]):
        A = np.empty((n_channels, L), dtype=X.dtype)
        G = np.empty((9, n_channels, L), dtype=X.dtype)
        C = np.empty(L + 32, dtype=X.dtype)
        dx = np.empty((n_channels, L1), dtype=X.dtype)
        A1 = np.empty((n_channels, L1), dtype=X.dtype)
        G1 = np.empty((9, n_channels, L1), dtype=X.dtype)
        zero = np.int64(0)
        lag = np.int64(1)
        row = out[i]
        _transform_one(X[i], zero, dilations, per_dilation, channel_starts, channel_indices, biases,
                       indices, all_channels, A, G, C, np.int64(n_base), row[:4 * n_base])
        _difference(X[i], dx)
        _transform_one(dx, lag, dilations1, per_dilation1, channel_starts1, channel_indices1, biases1,
                       indices, all_channels, A1, G1, C, np.int64(n_diff),
                       row[4 * n_base:4 * (n_base + n_diff)])


transform_serial, transform_parallel = serial_and_parallel(_transform_impl)
