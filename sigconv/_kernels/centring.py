"""Preparing a signal for matching: its centre and its centred copy.

Numba only; inputs are trusted (:mod:`sigconv.match.windows` validates and allocates).  Each
kernel does part ``part`` of ``n_parts`` of its work (its last two arguments) and is exported as
a ``(name_serial, name_parallel)`` pair by :func:`sigconv._jit.serial_and_threaded`.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import serial_and_threaded


def _centre(x, centre, out, part, n_parts):
    """Centre each batch row and zero its non-finite samples.

    x : (B, S) float32 or float64.  centre : (B,) same dtype as ``x``.
    out : (B, S) same dtype, written entirely: ``x - centre[b]`` where ``x`` is finite, else 0.
    Returns the number of non-finite samples of ``x``.
    """
    n_bad = 0
    for b in range(part * x.shape[0] // n_parts, (part + 1) * x.shape[0] // n_parts):
        cb = centre[b]
        for j in range(x.shape[1]):
            v = x[b, j]
            if np.isfinite(v):
                out[b, j] = v - cb
            else:
                out[b, j] = 0
                n_bad += 1
    return n_bad


centre_serial, centre_parallel = serial_and_threaded(_centre, combine=sum)


def _finite_mean(x, out, part, n_parts):
    """Mean of the finite samples of each row.

    x : (B, S) float32 or float64.  out : (B,) float64, written entirely (0 for a row with no
    finite sample).  Accumulates in float64.
    """
    for b in range(part * x.shape[0] // n_parts, (part + 1) * x.shape[0] // n_parts):
        acc = 0.0
        count = 0
        for j in range(x.shape[1]):
            v = np.float64(x[b, j])
            if np.isfinite(v):
                acc += v
                count += 1
        out[b] = acc / count if count > 0 else 0.0


finite_mean_serial, finite_mean_parallel = serial_and_threaded(_finite_mean)
