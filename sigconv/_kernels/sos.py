"""Cascades of second-order sections (biquads): the recursion behind :func:`sigconv.sos_filter`.

A section is the ARMA(2, 2) recursion ``y_t = b0 x_t + b1 x_{t-1} + b2 x_{t-2} - a1 y_{t-1} -
a2 y_{t-2}`` written in transposed direct form II, as ``scipy.signal.sosfilt`` runs it, so the
state ``z`` (two values per section) is scipy's ``zi``/``zf``.

Contract (the wrapper in :mod:`sigconv.filters.iir` ensures it):

* ``x``, ``out``: C-contiguous ``(B, n)`` of one float dtype (float32 or float64); ``x`` may
  hold NaN/inf.
* ``sos``: ``(S, 6)`` float64, finite, ``sos[:, 3] == 1``.
* ``z``: ``(B, S, 2)`` float64, the state before the first sample, overwritten with the state
  after the last one.  The recursion runs in float64 whatever the signal's dtype, so a float32
  signal filtered in chunks equals the one-pass result bit for bit.
* ``segments``: when True a non-finite sample is copied to ``out`` unchanged and resets the
  state to zero (each finite run is filtered as if on its own); when False NaN/inf follow IEEE
  arithmetic (they reach every later output, as in scipy).
* ``reverse``: when True the samples are visited from the last to the first (the backward
  pass of a zero-phase filter, without a reversed copy).
* Only ``out`` and ``z`` are written; nothing is allocated.
"""

from __future__ import annotations

import math

from sigconv._jit import jit, prange, serial_and_parallel


@jit
def _cascade_row(x, sos, z, segments, reverse, out):
    """Filter one row ``x`` through the cascade, state ``z`` ``(S, 2)`` updated in place."""
    n = x.shape[0]
    ns = sos.shape[0]
    first, step = (n - 1, -1) if reverse else (0, 1)
    for k in range(n):
        t = first + step * k
        v = x[t] * 1.0   # float64 from here on
        if segments and not math.isfinite(x[t]):
            out[t] = x[t]
            for s in range(ns):
                z[s, 0] = 0.0
                z[s, 1] = 0.0
            continue
        for s in range(ns):
            y = sos[s, 0] * v + z[s, 0]
            z[s, 0] = sos[s, 1] * v - sos[s, 4] * y + z[s, 1]
            z[s, 1] = sos[s, 2] * v - sos[s, 5] * y
            v = y
        out[t] = v


@jit
def _biquad_row(x, sos, z, segments, reverse, out):
    """:func:`_cascade_row` for one section, its state held in registers."""
    n = x.shape[0]
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    z0, z1 = z[0, 0], z[0, 1]
    first, step = (n - 1, -1) if reverse else (0, 1)
    for k in range(n):
        t = first + step * k
        v = x[t] * 1.0
        if segments and not math.isfinite(x[t]):
            out[t] = x[t]
            z0 = 0.0
            z1 = 0.0
            continue
        y = b0 * v + z0
        z0 = b1 * v - a1 * y + z1
        z1 = b2 * v - a2 * y
        out[t] = y
    z[0, 0] = z0
    z[0, 1] = z1


@jit
def _two_biquads_row(x, sos, z, segments, reverse, out):
    """:func:`_cascade_row` for two sections (an order-4 filter), states in registers."""
    n = x.shape[0]
    b0, b1, b2, a1, a2 = sos[0, 0], sos[0, 1], sos[0, 2], sos[0, 4], sos[0, 5]
    c0, c1, c2, d1, d2 = sos[1, 0], sos[1, 1], sos[1, 2], sos[1, 4], sos[1, 5]
    z0, z1, w0, w1 = z[0, 0], z[0, 1], z[1, 0], z[1, 1]
    first, step = (n - 1, -1) if reverse else (0, 1)
    for k in range(n):
        t = first + step * k
        v = x[t] * 1.0
        if segments and not math.isfinite(x[t]):
            out[t] = x[t]
            z0 = 0.0
            z1 = 0.0
            w0 = 0.0
            w1 = 0.0
            continue
        y = b0 * v + z0
        z0 = b1 * v - a1 * y + z1
        z1 = b2 * v - a2 * y
        u = c0 * y + w0
        w0 = c1 * y - d1 * u + w1
        w1 = c2 * y - d2 * u
        out[t] = u
    z[0, 0] = z0
    z[0, 1] = z1
    z[1, 0] = w0
    z[1, 1] = w1


def _sos_rows(x, sos, z, segments, reverse, out):
    """Every row of ``x`` through the cascade (see the module contract)."""
    nrows = x.shape[0]
    ns = sos.shape[0]
    for b in prange(nrows):
        if ns == 1:
            _biquad_row(x[b], sos, z[b], segments, reverse, out[b])
        elif ns == 2:
            _two_biquads_row(x[b], sos, z[b], segments, reverse, out[b])
        else:
            _cascade_row(x[b], sos, z[b], segments, reverse, out[b])


sos_serial, sos_parallel = serial_and_parallel(_sos_rows)
