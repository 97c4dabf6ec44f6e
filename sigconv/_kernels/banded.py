"""The Hodrick-Prescott filter's two solvers: a pentadiagonal LDLᵀ solve and its real-time twin.

Both minimise, per row, ``sum_t w_t (x_t - tau_t)**2 + lamb * sum_t (tau_{t+1} - 2 tau_t +
tau_{t-1})**2`` where ``w_t = 1`` for a finite ``x_t`` and 0 for a missing one:

* :func:`hp_banded_rows` solves the normal equations ``(W + lamb D'D) tau = W x`` (a symmetric
  pentadiagonal system) by an LDLᵀ factorisation: the two-sided filter.
* :func:`hp_one_sided_rows` returns, for every t, the last point of that solution on
  ``x[:t+1]``: an information-form (Kalman-type) recursion that keeps the cost, minimised over
  every earlier state, as a quadratic form in ``(tau_{t-1}, tau_t)`` and adds one observation
  and one penalty term per step — O(n), no refit.

Contract (the wrapper in :mod:`sigconv.filters.cycles` ensures it): ``x`` and ``out`` are
C-contiguous ``(B, n)`` float arrays of one dtype, ``n >= 3``, ``lamb > 0`` finite; NaN marks a
missing sample; ``dd`` is ``(3, n)`` float64, the bands of ``D'D`` (diagonal, first and second
superdiagonal, left-aligned); ``work`` is ``(B, 3, n)`` float64 scratch.  Every row holds at
least two finite samples (the wrapper blanks the others).  The sums run in float64.
"""

from __future__ import annotations

import math

import numpy as np

from sigconv._jit import prange, serial_and_parallel


def _hp_banded_rows(x, lamb, dd, work, out):
    """Two-sided HP trend of each row (see the module docstring)."""
    nrows, n = x.shape
    for b in prange(nrows):
        d = work[b, 0]
        e = work[b, 1]   # e[i] = L[i, i-1]
        f = work[b, 2]   # f[i] = L[i, i-2]
        z = out[b]
        for i in range(n):
            v = x[b, i] * 1.0
            w = 1.0 if math.isfinite(x[b, i]) else 0.0
            rhs = w * v if w > 0 else 0.0
            fi = 0.0
            ei = 0.0
            diag = w + lamb * dd[0, i]
            if i >= 2:
                fi = lamb * dd[2, i - 2] / d[i - 2]
            if i >= 1:
                ei = lamb * dd[1, i - 1]
                if i >= 2:
                    ei -= fi * d[i - 2] * e[i - 1]
                ei /= d[i - 1]
            di = diag - ei * ei * d[i - 1] if i >= 1 else diag
            if i >= 2:
                di -= fi * fi * d[i - 2]
                rhs -= fi * z[i - 2]
            if i >= 1:
                rhs -= ei * z[i - 1]
            d[i] = di
            e[i] = ei
            f[i] = fi
            z[i] = rhs
        # back substitution: tau_i = z_i / d_i - e_{i+1} tau_{i+1} - f_{i+2} tau_{i+2}
        for i in range(n - 1, -1, -1):
            t = z[i] / d[i]
            if i + 1 < n:
                t -= e[i + 1] * z[i + 1]
            if i + 2 < n:
                t -= f[i + 2] * z[i + 2]
            z[i] = t


def _hp_one_sided_rows(x, lamb, out):
    """One-sided HP trend of each row (see the module docstring): ``out[b, t]`` is the last
    point of the two-sided trend of ``x[b, :t+1]`` (NaN while fewer than two samples seen)."""
    nrows, n = x.shape
    for b in prange(nrows):
        # cost as a quadratic form in u = (tau_{t-1}, tau_t): u' P u - 2 q' u + const
        v0 = x[b, 0] * 1.0
        v1 = x[b, 1] * 1.0
        w0 = 1.0 if math.isfinite(x[b, 0]) else 0.0
        w1 = 1.0 if math.isfinite(x[b, 1]) else 0.0
        p00, p01, p11 = w0, 0.0, w1
        q0 = w0 * v0 if w0 > 0 else 0.0
        q1 = w1 * v1 if w1 > 0 else 0.0
        out[b, 0] = v0 if w0 > 0 else np.nan
        det = p00 * p11 - p01 * p01
        out[b, 1] = (p00 * q1 - p01 * q0) / det if det > 0 else np.nan
        for t in range(2, n):
            v = x[b, t] * 1.0
            w = 1.0 if math.isfinite(x[b, t]) else 0.0
            qv = w * v if w > 0 else 0.0
            # joint form in (tau_{t-2}, tau_{t-1}, tau_t): old P, plus lamb d d' with d = (1, -2, 1),
            # plus the observation on tau_t
            m00 = p00 + lamb
            m01 = p01 - 2.0 * lamb
            m02 = lamb
            m11 = p11 + 4.0 * lamb
            m12 = -2.0 * lamb
            m22 = lamb + w
            # minimise over tau_{t-2} (Schur complement of m00)
            r1 = m01 / m00
            r2 = m02 / m00
            p00 = m11 - r1 * m01
            p01 = m12 - r1 * m02
            p11 = m22 - r2 * m02
            nq0 = q1 - r1 * q0
            q1 = qv - r2 * q0
            q0 = nq0
            det = p00 * p11 - p01 * p01
            out[b, t] = (p00 * q1 - p01 * q0) / det if det > 0 else np.nan


hp_banded_serial, hp_banded_parallel = serial_and_parallel(_hp_banded_rows)
hp_one_sided_serial, hp_one_sided_parallel = serial_and_parallel(_hp_one_sided_rows)
