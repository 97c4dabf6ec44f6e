"""MiniRocket kernels (Dempster, Schmidt & Webb, KDD 2021), Numba only.

The 84 MiniRocket kernels have length 9, weight -1 at six positions and 2 at three (the
``combinations(range(9), 3)`` of :data:`INDICES`).  Writing ``w = -1 + 3 * [j in {i0,i1,i2}]``,
the dilated correlation of a series ``x`` with such a kernel is

    C = A + G[i0] + G[i1] + G[i2],    A = -sum_j x(t + (j-4) d),   G[j] = 3 x(t + (j-4) d),

where ``x`` is zero outside the series ("same" padding).  ``A`` and the nine shifted rows of
``G = x + x + x`` are computed once per dilation and shared by all 84 kernels, so the transform
adds and compares but never multiplies.  For multivariate input a kernel/dilation combination
sums ``C`` over its own subset of channels.

Contract shared by every kernel here (the wrapper in :mod:`sigconv.features` guarantees it):

* ``X`` is a C-contiguous float32 or float64 array ``(n_samples, n_channels, n_timepoints)``
  of finite values; ``biases`` and ``out`` have the same dtype as ``X``.
* ``dilations``, ``features_per_dilation`` (int64, one per dilation), ``channel_starts``
  (int64, ``n_combinations + 1`` offsets into ``channel_indices``) and ``channel_indices``
  (int64, valid channel numbers, no repeats within a combination) describe the fitted
  transform; combination ``c = dilation_index * 84 + kernel_index``.
* ``dilations[i] * 8 < n_timepoints`` unless the only dilation is 1.
* Feature ``f`` of combination ``c`` lies at ``offset(c) + f`` where offsets run over
  dilations, then kernels, then that dilation's features.

No kernel allocates a user-visible array: outputs are written into ``out``/``biases``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from sigconv._jit import jit

#: positions of the three weights equal to 2 in each of the 84 kernels
INDICES = np.array(list(combinations(range(9), 3)), dtype=np.int64)


@jit
def _shift_rows(x, channels, dilation, lag, A, G):
    """Fill ``A[k] = -sum_j x[ch](t+s_j)`` and ``G[j, k] = 3 x[ch](t+s_j)`` (zero outside) for
    the ``k``-th channel ``ch = channels[k]`` of one sample ``x`` (n_channels, L), with tap
    offsets ``s_j = (j-4)d``, plus ``lag`` for the four left taps ``j < 4``.

    ``lag`` is 0 for the MiniRocket kernel; MultiRocket's reference implementation applies its
    kernels to the first difference with ``lag = 1`` (see :mod:`sigconv._kernels.multirocket`).
    Inner loops index slices from 0 (see :func:`_combine_range`)."""
    L = x.shape[1]
    for k in range(channels.shape[0]):
        xc = x[channels[k]]
        ak = A[k]
        for t in range(L):
            ak[t] = -xc[t]
        for j in range(9):
            s = (j - 4) * dilation + (lag if j < 4 else 0)
            lo = min(L, max(0, -s))        # clamped: a shift may exceed the series
            hi = max(lo, min(L, L - s))
            g = G[j, k]
            g[:lo] = 0
            g[hi:] = 0
            src = xc[lo + s:hi + s]
            dst = g[lo:hi]
            a = ak[lo:hi]
            if j == 4:
                for t in range(hi - lo):
                    v = src[t]
                    dst[t] = v + v + v
            else:
                for t in range(hi - lo):
                    v = src[t]
                    dst[t] = v + v + v
                    a[t] -= v


@jit
def fit_outputs(X, examples, dilation, combination0, channel_starts, channel_indices, indices, C):
    """Write ``C[k]``: the full ("same"-padded) output of kernel ``k`` at ``dilation`` on
    training sample ``examples[combination0 + k]``, summed over that combination's channels.
    ``C`` is ``(84, n_timepoints)`` in ``X``'s dtype; the biases are its quantiles."""
    L = X.shape[2]
    for ki in range(indices.shape[0]):
        comb = combination0 + ki
        start = channel_starts[comb]
        n_sel = channel_starts[comb + 1] - start
        A = np.empty((n_sel, L), dtype=X.dtype)
        G = np.empty((9, n_sel, L), dtype=X.dtype)
        _shift_rows(X[examples[comb]], channel_indices[start:start + n_sel], dilation, start - start, A, G)
        _combine_range(A, G, np.arange(n_sel), indices[ki, 0], indices[ki, 1], indices[ki, 2], start - start,
                       L, C[ki])      # start - start: an int64 0, not a literal (one specialisation)


@jit
def _combine_range(A, G, rows, i0, i1, i2, lo, hi, C):
    """``C[:hi - lo] = sum over k in rows of (A[k] + G[i0, k] + G[i1, k] + G[i2, k])[lo:hi]``.

    Loops run over slices from index 0: an index ``lo + t`` of unknown sign makes Numba
    emit negative-index wraparound code that blocks SIMD (4x slower here)."""
    n = hi - lo
    k = rows[0]
    a = A[k, lo:hi]
    g0 = G[i0, k, lo:hi]
    g1 = G[i1, k, lo:hi]
    g2 = G[i2, k, lo:hi]
    for t in range(n):
        C[t] = a[t] + g0[t] + g1[t] + g2[t]
    for r in range(1, rows.shape[0]):
        k = rows[r]
        a = A[k, lo:hi]
        g0 = G[i0, k, lo:hi]
        g1 = G[i1, k, lo:hi]
        g2 = G[i2, k, lo:hi]
        for t in range(n):
            C[t] += a[t] + g0[t] + g1[t] + g2[t]


@jit
def _ppv_block(C, n, m, biases, first, nf, stride, out):
    """``out[first + f] = mean(C[:n] > biases[first + f])`` for ``f < nf``, reading ``C[:m]``
    where ``C[n:m]`` is -inf (never above a finite bias) and ``m`` a multiple of 32: the
    vectorised loop (32 values a step) then needs no scalar remainder, which costs as much
    as the vector part for series of a few hundred samples.

    Four biases share one pass over ``C`` (fewer loads and horizontal sums than one pass
    each).  Counts are float32 added from float32 constants, so the branch-free compare and
    add compile to a SIMD compare and a masked add (a runtime 0/1 or an integer count
    measured slower); they stay exact (a series is far shorter than 2**24).  ``stride`` is
    unused (the pooling signature of :func:`_transform_one`)."""
    one = np.float32(1.0)
    nil = np.float32(0.0)
    f = 0
    while f + 4 <= nf:
        b0 = biases[first + f]
        b1 = biases[first + f + 1]
        b2 = biases[first + f + 2]
        b3 = biases[first + f + 3]
        c0 = nil
        c1 = nil
        c2 = nil
        c3 = nil
        for t in range(m):
            v = C[t]
            c0 += one if v > b0 else nil
            c1 += one if v > b1 else nil
            c2 += one if v > b2 else nil
            c3 += one if v > b3 else nil
        out[first + f] = c0 / n
        out[first + f + 1] = c1 / n
        out[first + f + 2] = c2 / n
        out[first + f + 3] = c3 / n
        f += 4
    while f < nf:
        b = biases[first + f]
        count = nil
        for t in range(m):
            count += one if C[t] > b else nil
        out[first + f] = count / n
        f += 1


@jit
def _transform_one(x, lag, dilations, features_per_dilation, channel_starts, channel_indices, biases,
                   indices, all_channels, A, G, C, stride, out):
    """Pool the 84 kernels' outputs on one sample ``x`` (n_channels, L) into ``out``, using the
    scratch arrays ``A`` (n_channels, L), ``G`` (9, n_channels, L) and ``C`` (L + 32,).

    Kernels alternate between the padded output and its unpadded middle (unpadded when
    ``dilation_index + kernel_index`` is odd), as the reference implementations do; when no
    unpadded output exists (series shorter than 9) the padded output is used.  Only the part
    of the output that the pooling reads is computed.  The pooling is the global ``_pool``:
    :func:`_ppv_block` here (MiniRocket); MultiRocket compiles a twin of this function with
    its four statistics (:func:`sigconv._jit.with_globals`), so the traversal exists once.
    ``lag`` shifts the left taps (see :func:`_shift_rows`); ``stride`` is passed to ``_pool``."""
    L = x.shape[1]
    n_kernels = indices.shape[0]
    first = np.int64(0)           # not a literal 0: the callees get one specialisation
    for di in range(dilations.shape[0]):
        d = dilations[di]
        padding = 4 * d
        _shift_rows(x, all_channels, d, lag, A, G)
        nf = features_per_dilation[di]
        for ki in range(n_kernels):
            comb = di * n_kernels + ki
            lo = 0
            hi = L
            if (di + ki) % 2 == 1 and L - 2 * padding > 0:
                lo = padding
                hi = L - padding
            _combine_range(A, G, channel_indices[channel_starts[comb]:channel_starts[comb + 1]],
                           indices[ki, 0], indices[ki, 1], indices[ki, 2], lo, hi, C)
            n = hi - lo
            m = (n + 31) // 32 * 32
            for t in range(n, m):
                C[t] = -np.inf
            _pool(C, n, m, biases, first, nf, stride, out)
            first += nf


_pool = _ppv_block


@jit
def transform_serial(X, dilations, features_per_dilation, channel_starts, channel_indices, biases,
                     indices, out):
    """Write ``out[i, f]``: the PPV of sample ``i`` for feature ``f``, one sample after the
    other (the wrapper runs blocks of samples on threads, see
    :func:`sigconv.features._rocket_common.run_rocket_kernel`)."""
    n_channels = X.shape[1]
    L = X.shape[2]
    all_channels = np.arange(n_channels)
    for i in range(X.shape[0]):
        A = np.empty((n_channels, L), dtype=X.dtype)
        G = np.empty((9, n_channels, L), dtype=X.dtype)
        C = np.empty(L + 32, dtype=X.dtype)
        zero = np.int64(0)        # lag and stride: int64, not literals (one specialisation)
        _transform_one(X[i], zero, dilations, features_per_dilation, channel_starts, channel_indices,
                       biases, indices, all_channels, A, G, C, zero, out[i])

