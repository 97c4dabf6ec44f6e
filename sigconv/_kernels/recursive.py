"""Recursive filter kernels: AR recursions, EWMA, the direct weighted window, Levinson-Durbin.

Contract shared by the kernels of this module (the wrappers in :mod:`sigconv.filters` ensure it):

* Signals are C-contiguous 2D arrays ``(B, n)``: ``B`` independent series of ``n`` samples,
  filtered along the last axis.  Inputs and outputs of one call share one float dtype
  (float32 or float64) and scalars are passed in that dtype, so float32 stays float32.
* Coefficients are finite (checked by the wrapper); signals may hold NaN/inf, which follow
  IEEE arithmetic (a NaN reaching an AR recursion propagates to every later output).
* Only ``out`` is written, and every element of it is written.  Nothing is allocated except
  O(1) scalars.

Each batch kernel comes as a ``(serial, parallel)`` pair compiled from one source: the
parallel version spreads the series of a batch over threads with ``prange``.
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, prange, serial_and_parallel


def _ar_filter_rows(e, phi, rphi, zi, out):
    """``out[b, t] = e[b, t] + sum_i phi[i-1] * out[b, t-i]`` for ``i = 1..p``.

    ``e``, ``out``: ``(B, n)``; ``phi``: ``(p,)`` with ``phi[0]`` the lag-1 coefficient, and
    ``rphi`` the same reversed (contiguous: the steady-state dot products then read
    coefficients and past outputs in the same direction, which vectorises twice as fast);
    ``zi``: ``(1, p)`` (shared by every row) or ``(B, p)`` holding the outputs before the first,
    most recent first (``zi[b, 0] = y_{-1}``).  ``p`` may be 0 (``out`` is a copy of ``e``).

    The steady state (:func:`_ar_registers`) keeps the last eight outputs in registers, so
    only ``phi[0] * y_{t-1}`` (one multiply-add) sits on the dependency chain.
    """
    nrows, n = e.shape
    p = phi.shape[0]
    shared = zi.shape[0] == 1
    for b in prange(nrows):
        zrow = 0 if shared else np.int64(b)   # prange indices may be unsigned: keep one int type
        if p == 0:
            for t in range(n):
                out[b, t] = e[b, t]
            continue
        if p == 1:
            c = phi[0]
            y = zi[zrow, 0]
            for t in range(n):
                y = e[b, t] + c * y
                out[b, t] = y
            continue
        head = min(max(p, 8), n)
        for t in range(head):
            acc = e[b, t]
            for i in range(1, p + 1):
                k = t - i
                if k >= 0:
                    acc += phi[i - 1] * out[b, k]
                else:
                    acc += phi[i - 1] * zi[zrow, -k - 1]
            out[b, t] = acc
        start = head
        if head < n:
            start = _ar_registers(e[b], phi, rphi, out[b])
        if start < n:
            # views that start p samples early, so the loop index never goes negative
            _ar_dot(e[b, start - p:], phi, rphi, out[b, start - p:])


# Both steady-state loops run ``for t in range(p, n)`` (or from the constant 8) so that LLVM
# can prove every ``out[t - i]`` index non-negative: Numba's wraparound of negative indices
# otherwise stays in the inner loop and blocks its vectorisation (about 1.6x slower).


@jit
def _ar_dot(e, phi, rphi, out):
    """Steady state of :func:`_ar_filter_rows` for one row from sample ``p`` (the ``p``
    before it written): lags 2..p as one contiguous dot product, only lag 1 on the
    dependency chain.  Exact for any input (used once an output is not finite)."""
    n = e.shape[0]
    p = phi.shape[0]
    c1 = phi[0]
    for t in range(p, n):
        s = e[t]
        past = out[t - p:t - 1]   # lags p..2, oldest first, as rphi[:p - 1]
        for j in range(p - 1):
            s += rphi[j] * past[j]
        out[t] = s + c1 * out[t - 1]


@jit
def _ar_registers(e, phi, rphi, out):
    """Steady state of :func:`_ar_filter_rows` for one row and ``p >= 2``, from sample
    ``max(p, 8)`` (the outputs before it written).

    The last eight outputs live in registers (coefficients past ``p`` are 0), so only
    ``phi[0] * y_{t-1}`` sits on the dependency chain and no store-to-load forwarding does;
    lags 9..p are a contiguous dot product over outputs written at least eight steps
    earlier (vectorised under ``reassoc``).  Returns where it stopped: ``n``, or the first
    output that is not finite, from which the caller goes on with the exact loop of
    :func:`_ar_dot` (a zero coefficient times inf would turn an IEEE inf into NaN).
    """
    n = e.shape[0]
    p = phi.shape[0]
    zero = phi[0] - phi[0]  # phi is finite
    a1 = phi[0]
    a2 = phi[1]
    a3 = phi[2] if p > 2 else zero
    a4 = phi[3] if p > 3 else zero
    a5 = phi[4] if p > 4 else zero
    a6 = phi[5] if p > 5 else zero
    a7 = phi[6] if p > 6 else zero
    a8 = phi[7] if p > 7 else zero
    head = max(p, 8)
    y1 = out[head - 1]
    y2 = out[head - 2]
    y3 = out[head - 3]
    y4 = out[head - 4]
    y5 = out[head - 5]
    y6 = out[head - 6]
    y7 = out[head - 7]
    y8 = out[head - 8]
    if not (y1 - y1 == 0 and y2 - y2 == 0 and y3 - y3 == 0 and y4 - y4 == 0
            and y5 - y5 == 0 and y6 - y6 == 0 and y7 - y7 == 0 and y8 - y8 == 0):
        return head
    if p > 8:
        for t in range(p, n):
            s = e[t]
            past = out[t - p:t - 8]   # lags p..9, oldest first, as rphi[:p - 8]
            for j in range(p - 8):
                s += rphi[j] * past[j]
            u = s + a8 * y8 + a7 * y7 + a6 * y6 + a5 * y5
            u = u + a4 * y4 + a3 * y3
            y = u + a2 * y2
            y = y + a1 * y1
            if not (y - y == 0):
                return t
            out[t] = y
            y8, y7, y6, y5, y4, y3, y2, y1 = y7, y6, y5, y4, y3, y2, y1, y
        return n
    for t in range(8, n):
        u = e[t] + a8 * y8 + a7 * y7 + a6 * y6 + a5 * y5
        u = u + a4 * y4 + a3 * y3
        y = u + a2 * y2
        y = y + a1 * y1
        if not (y - y == 0):
            return t
        out[t] = y
        y8, y7, y6, y5, y4, y3, y2, y1 = y7, y6, y5, y4, y3, y2, y1, y
    return n


ar_filter_serial, ar_filter_parallel = serial_and_parallel(_ar_filter_rows)


@jit
def _ewma_row(x, alpha, adjust, minp, state, out):
    """One row of :func:`_ewma_rows` from the carried ``state``, updated in place.

    ``state``: ``(3,)`` float64: the running mean (NaN before the first observation), the
    old weight, and the count of observations so far (float64 whatever the dtype of ``x``:
    the recursion's scalars are float64 in both dtypes, since ``alpha - alpha + 1`` is).  A fresh series starts
    from ``(NaN, 1, 0)``; the first observation then becomes the mean with weight 1, exactly
    as pandas starts.  This is the state a stream carries between chunks
    (:class:`sigconv.stream.EWMA`), so chunked equals whole bit for bit.
    """
    n = x.shape[0]
    one = alpha - alpha + 1
    decay = one - alpha
    new_wt = one if adjust else alpha
    weighted = state[0]
    old_wt = state[1]
    nobs = np.int64(state[2])
    for t in range(n):
        cur = x[t]
        is_obs = cur == cur
        if is_obs:
            nobs += 1
        if weighted == weighted:
            old_wt *= decay
            if is_obs:
                if weighted != cur:
                    weighted = (old_wt * weighted + new_wt * cur) / (old_wt + new_wt)
                if adjust:
                    old_wt += new_wt
                else:
                    old_wt = one
        elif is_obs:
            weighted = cur
        out[t] = weighted if nobs >= minp else np.nan
    state[0] = weighted
    state[1] = old_wt
    state[2] = nobs


def _ewma_rows(x, alpha, adjust, minp, out):
    """Exponentially weighted mean of each row, pandas' ``ewm(...).mean()`` with ``ignore_na=False``.

    ``x``, ``out``: ``(B, n)``; ``alpha`` in (0, 1] and of the dtype of ``x``; ``minp`` >= 1
    is the number of non-NaN observations needed before an output is given (NaN before).

    The recursion is pandas' own (so NaN and inf behave identically): with ``adjust`` the
    mean is ``num_t / den_t`` where ``num`` and ``den`` are both AR(1) recursions with
    coefficient ``1 - alpha`` (written as the weighted update of the previous mean by the
    weights ``old_wt`` and 1); without it ``y_t = (1 - alpha) y_{t-1} + alpha x_t``.  A NaN
    input carries the previous mean forward while the old weight keeps decaying.  Each row
    runs :func:`_ewma_row` from the fresh state.
    """
    nrows = x.shape[0]
    for b in prange(nrows):
        state = np.empty(3, dtype=np.float64)
        state[0] = np.nan
        state[1] = 1
        state[2] = 0
        _ewma_row(x[b], alpha, adjust, minp, state, out[b])


def _ewma_carry_rows(x, alpha, adjust, minp, state, out):
    """:func:`_ewma_rows` continuing from ``state`` ``(B, 3)`` (see :func:`_ewma_row`),
    which it updates in place: the chunked form behind :class:`sigconv.stream.EWMA`."""
    nrows = x.shape[0]
    for b in prange(nrows):
        _ewma_row(x[b], alpha, adjust, minp, state[b], out[b])


ewma_carry_serial = jit(_ewma_carry_rows)


ewma_serial, ewma_parallel = serial_and_parallel(_ewma_rows)


def _window_direct_rows(x, w, offset, omit, normalize, minp, need, out):
    """Direct weighted window sums for the outputs flagged in ``need`` (others untouched).

    ``out[b, t]`` combines ``x[b, t + offset - i] * w[i]`` over ``i = 0..M-1`` for the samples
    inside the row.  A NaN sample makes the output NaN unless ``omit`` (then it is skipped);
    fewer than ``minp`` samples used gives NaN; with ``normalize`` the sum is divided by the sum
    of the weights used (NaN if that is 0).  ``x``, ``out``, ``need``: ``(B, n)``; ``w``
    ``(M,)`` of the dtype of ``x``.  Used for the few windows that hold ±inf, where a
    convolution of zero-filled data cannot give IEEE results.
    """
    nrows, n = x.shape
    m = w.shape[0]
    for b in prange(nrows):
        for t in range(n):
            if not need[b, t]:
                continue
            s = w[0] - w[0]  # zero of the dtype (w is finite)
            ws = w[0] - w[0]
            cnt = 0
            bad = False
            for i in range(m):
                k = t + offset - i
                if k < 0 or k >= n:
                    continue
                v = x[b, k]
                if v != v:
                    if omit:
                        continue
                    bad = True
                    break
                s += w[i] * v
                ws += w[i]
                cnt += 1
            if bad or cnt < minp:
                out[b, t] = np.nan
            elif normalize:
                out[b, t] = s / ws if ws != 0 else np.nan
            else:
                out[b, t] = s


window_direct_serial, window_direct_parallel = serial_and_parallel(_window_direct_rows)


@jit
def _uniform_window_finite_row(x, m, offset, minp, out):
    """:func:`_uniform_window_rows` for one row, assuming its samples are finite.

    The interior (windows wholly inside the row) runs :func:`_boxcar_interior` on views, so
    every index is provably non-negative and the loop carries one add; the partial windows
    at the edges take :func:`_boxcar_edges`.  Every sample enters a running sum, which turns
    non-finite if a sample is: returns False as soon as one does (``out`` is then partly
    written and the caller redoes the row), True when the row is done.
    """
    n = x.shape[0]  # minp <= m (checked by the wrapper): full windows always qualify
    t0 = min(max(m - 1 - offset, 0), n)
    t1 = max(min(n - offset, n), t0)
    if not _boxcar_edges(x, m, offset, minp, out, 0, t0):
        return False
    if t1 > t0 and not _boxcar_interior(x[t0 + offset - m + 1: t1 + offset], m, out[t0:t1]):
        return False
    return _boxcar_edges(x, m, offset, minp, out, t1, n)


@jit
def _boxcar_interior(xs, m, out):
    """``out[k] = mean(xs[k : k + m])`` for ``k < len(out)``; ``xs`` holds ``len(out) + m -
    1`` samples.  A running sum in float64, recomputed from scratch every ``m`` outputs so
    that rounding cannot build up (and no compensated summation is needed, which fast-math
    reassociation would undo).  Returns False if a sample is not finite (checked once per
    ``m`` outputs, on the sum)."""
    count = out.shape[0]
    inv = 1.0 / m
    c = 0
    while c < count:
        s = np.float64(0.0)
        for i in range(m):
            s += xs[c + i]
        out[c] = s * inv
        stop = min(c + m, count)
        for k in range(c + 1, stop):
            s += xs[k + m - 1] - xs[k - 1]
            out[k] = s * inv
        if not (s - s == 0):
            return False
        c = stop
    return True


@jit
def _tally(v, sign, s, cnt, nan_cnt, pinf, ninf):
    """Add (``sign=1``) or remove (``sign=-1``) one sample from a window's running state: the
    sum and count of finite values, the count of NaN, and the counts of +inf and -inf."""
    if v - v == 0:
        return s + sign * v, cnt + sign, nan_cnt, pinf, ninf
    if v != v:
        return s, cnt, nan_cnt + sign, pinf, ninf
    if v > 0:
        return s, cnt + sign, nan_cnt, pinf + sign, ninf
    return s, cnt + sign, nan_cnt, pinf, ninf + sign


@jit
def _boxcar_edges(x, m, offset, minp, out, start, stop):
    """Boxcar means of finite ``x`` for outputs ``start <= t < stop`` whose windows may be
    cut by the ends of the row: the count follows from the geometry; fewer than ``minp``
    samples (or none) give NaN.  Returns False as soon as the running sum is not finite."""
    n = x.shape[0]
    s = np.float64(0.0)
    since = 0
    for t in range(start, stop):
        hi = t + offset
        lo = hi - m + 1
        if since == 0:
            s = np.float64(0.0)
            for k in range(max(lo, 0), min(hi + 1, n)):
                s += x[k]
        else:
            if hi < n:
                s += x[hi]
            if lo > 0:
                s -= x[lo - 1]
        since += 1
        if since == m:
            since = 0
        if not (s - s == 0):
            return False
        cnt = min(hi, n - 1) - max(lo, 0) + 1
        if cnt < minp or cnt <= 0:
            out[t] = np.nan
        else:
            out[t] = s / cnt
    return True


def _uniform_window_rows(x, m, offset, omit, minp, out):
    """Uniform (boxcar) moving mean of each row as a running sum: O(n) whatever ``m``.

    ``out[b, t]`` is the mean of the samples ``x[b, k]``, ``k`` in ``[t+offset-m+1, t+offset]``
    and inside the row.  NaN samples make the output NaN unless ``omit`` (then they are not
    counted); fewer than ``minp`` counted samples (or none) give NaN; ±inf follow IEEE
    arithmetic (+inf and -inf together give NaN).  ``x``, ``out``: ``(B, n)``, one dtype.

    The finite part of the window sum is carried in float64 and recomputed from scratch every
    ``m`` steps, so rounding cannot build up along the row (no compensated summation is
    needed, which fast-math reassociation would undo).
    """
    nrows, n = x.shape
    zero = np.float64(0.0)
    for b in prange(nrows):
        if _uniform_window_finite_row(x[b], m, offset, minp, out[b]):
            continue
        # the row holds NaN or inf: redo it with the classifying loop below
        s = zero
        cnt = 0
        nan_cnt = 0
        pinf = 0
        ninf = 0
        since = 0  # steps since the last exact restart
        for t in range(n):
            hi = t + offset
            lo = hi - m + 1
            if since == 0:
                # exact restart: the window's finite sum and counts from scratch
                s = zero
                cnt = 0
                nan_cnt = 0
                pinf = 0
                ninf = 0
                for k in range(max(lo, 0), min(hi + 1, n)):
                    s, cnt, nan_cnt, pinf, ninf = _tally(x[b, k], 1, s, cnt, nan_cnt, pinf, ninf)
            else:
                if hi < n:
                    s, cnt, nan_cnt, pinf, ninf = _tally(x[b, hi], 1, s, cnt, nan_cnt, pinf, ninf)
                k = lo - 1
                if k >= 0:
                    s, cnt, nan_cnt, pinf, ninf = _tally(x[b, k], -1, s, cnt, nan_cnt, pinf, ninf)
            since += 1
            if since == m:
                since = 0
            if (nan_cnt > 0 and not omit) or cnt < minp or cnt == 0:
                out[b, t] = np.nan
            elif pinf > 0 and ninf > 0:
                out[b, t] = np.nan
            elif pinf > 0:
                out[b, t] = np.inf
            elif ninf > 0:
                out[b, t] = -np.inf
            else:
                out[b, t] = s / cnt


uniform_window_serial, uniform_window_parallel = serial_and_parallel(_uniform_window_rows)


@jit
def levinson_durbin(r, phi):
    """Solve the Yule-Walker system ``toeplitz(r[:p]) phi = r[1:p+1]`` by Levinson-Durbin.

    ``r``: ``(p+1,)`` float64 autocovariances with ``r[0] > 0``; writes ``phi`` ``(p,)``.
    Returns the final prediction-error variance.  O(p^2) time, O(1) extra memory beyond
    ``phi`` (the update is done in place from both ends).
    """
    p = phi.shape[0]
    err = r[0]
    for k in range(p):
        acc = r[k + 1]
        for j in range(k):
            acc -= phi[j] * r[k - j]
        kappa = acc / err
        # phi[j] <- phi[j] - kappa * phi[k-1-j], symmetric pairs updated together
        half = k // 2
        for j in range(half):
            a = phi[j]
            c = phi[k - 1 - j]
            phi[j] = a - kappa * c
            phi[k - 1 - j] = c - kappa * a
        if k % 2 == 1:
            phi[half] = phi[half] - kappa * phi[half]
        phi[k] = kappa
        err = err * (1.0 - kappa * kappa)
    return err
