"""Kernels of the continuous wavelet transform (:mod:`sigconv.filters.wavelets`).

Numba only; inputs are trusted (the wrapper validates, pads and allocates).

* :func:`direct_same` -- 'same' convolution of zero-padded rows with one short kernel,
  accumulated over a chunk of outputs that stays in L1 (the loop over outputs is the
  vectorised one).
* :func:`hermitian_product` -- ``Z = X * C`` on the full spectrum of each overlap-save block,
  ``X`` being the half spectrum of real blocks (its upper half is the conjugate mirror).
* :func:`keep_pair` -- the valid part of each inverse-transformed block into the output rows:
  real part and imaginary part to two real rows (two real convolutions in one complex inverse
  transform), or to the ``.real`` and ``.imag`` views of one complex row.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit

#: outputs accumulated at a time by :func:`direct_same` (a few KiB: L1)
CHUNK = 512


@jit
def direct_same(xp, pad, taps, out):
    """``out[r, i] = sum_k taps[k] x[r, i + (M - 1) // 2 - k]`` (the 'same' part of the full
    convolution with the ``M`` taps), where ``xp[r, pad + i] = x[r, i]`` with at least ``M``
    zeros on either side.  The loop over a chunk of outputs is the vectorised one (slices: no
    negative-index checks in it)."""
    n = out.shape[1]
    m = taps.size
    c = (m - 1) // 2
    acc = np.empty(CHUNK, dtype=out.dtype)
    for r in range(xp.shape[0]):
        row = xp[r]
        for i0 in range(0, n, CHUNK):
            cnt = min(CHUNK, n - i0)
            a = acc[:cnt]
            a[:] = 0
            for k in range(m):
                h = taps[k]
                xs = row[pad + i0 + c - k:pad + i0 + c - k + cnt]
                for t in range(cnt):
                    a[t] += h * xs[t]
            out[r, i0:i0 + cnt] = a


@jit
def hermitian_product(x, c, z, b0):
    """``z[b, k] = X[b0 + b, k] c[k]`` over the full length ``B`` of ``c``, where ``x`` holds
    the half spectra of real blocks and ``X[., k] = conj(x[., B - k])`` above ``B // 2``."""
    size = c.size
    half = x.shape[1]
    for row in range(z.shape[0]):
        b = b0 + row
        for k in range(half):
            z[row, k] = x[b, k] * c[k]
        for k in range(half, size):
            z[row, k] = np.conj(x[b, size - k]) * c[k]


@jit
def keep_pair(z, lo, step, b0, nblocks, first, second, has_second):
    """Block ``b0 + b`` (of row ``(b0 + b) // nblocks``, the ``(b0 + b) % nblocks``-th of that
    row) keeps ``z[b, lo:lo + step].real`` in ``first[row, block * step:]`` (and the imaginary
    part in ``second``), as far as the row's ``n`` outputs go."""
    n = first.shape[1]
    for b in range(z.shape[0]):
        row = (b0 + b) // nblocks
        start = ((b0 + b) % nblocks) * step
        cnt = min(step, n - start)
        src = z[b, lo:lo + cnt]
        dest = first[row, start:start + cnt]
        for t in range(cnt):
            dest[t] = src[t].real
        if has_second:
            dest = second[row, start:start + cnt]
            for t in range(cnt):
                dest[t] = src[t].imag
