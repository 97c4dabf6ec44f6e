"""Naive reference implementations (loops, no cleverness) used as test oracles.

Each oracle follows its definition in ../shared/API.md literally and is kept slow and obvious.
"""

from __future__ import annotations

import numpy as np

# ----------------------------------------------------------------------------- template matching


def match_template_naive(x, template, mode="valid", score="zncc"):
    """Score every window of ``x`` (any ndim == template.ndim) against ``template`` in float64,
    one window at a time, straight from the definitions of API.md §3."""
    import itertools

    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(template, dtype=np.float64)
    if mode == "same":
        x = np.pad(x, [(m // 2, (m - 1) // 2) for m in t.shape])
    out_shape = tuple(n - m + 1 for n, m in zip(x.shape, t.shape))
    out = np.empty(out_shape)
    m = t.size
    tz = t - t.mean()
    for idx in itertools.product(*(range(s) for s in out_shape)):
        w = x[tuple(slice(i, i + k) for i, k in zip(idx, t.shape))]
        if not np.all(np.isfinite(w)):
            out[idx] = np.inf if score == "zdist" else np.nan
            continue
        if score in ("zncc", "zdist"):
            wz = w - w.mean()
            den = np.sqrt(np.sum(wz * wz) * np.sum(tz * tz))
            if np.ptp(w) == 0:
                out[idx] = 0.0 if score == "zncc" else np.sqrt(m)
                continue
            r = np.sum(wz * tz) / den
            out[idx] = r if score == "zncc" else np.sqrt(max(2 * m * (1 - r), 0.0))
        elif score == "ncc":
            den = np.sqrt(np.sum(w * w) * np.sum(t * t))
            out[idx] = 0.0 if not np.any(w) else np.sum(w * t) / den
        elif score == "ccorr":
            out[idx] = np.sum(w * t)
        elif score == "sqdiff":
            out[idx] = np.sum((w - t) ** 2)
    return out


def find_peaks_naive(scores, threshold, min_distance):
    """Peaks by the definition: candidates are samples equal to the max of their clipped
    (2d+1) neighbourhood and > threshold, NaN excluded; taken best first (ties in C order),
    dropping those at Chebyshev distance < d from one taken. Returns a set of index tuples."""
    s = np.asarray(scores, dtype=np.float64)
    s = np.where(np.isnan(s), -np.inf, s)
    local_max = []
    for idx in np.ndindex(s.shape):
        sl = tuple(slice(max(i - min_distance, 0), i + min_distance + 1) for i in idx)
        if s[idx] == s[sl].max():
            local_max.append(idx)
    if len(local_max) == s.size:
        return set()
    cands = [i for i in local_max if s[i] > threshold]
    cands.sort(key=lambda i: -s[i])  # stable: ties keep C order
    taken = []
    for c in cands:
        if all(max(abs(a - b) for a, b in zip(c, p)) >= min_distance for p in taken):
            taken.append(c)
    return set(taken)


# ----------------------------------------------------------------------------- convolution engine
def conv_reference(x, kernel, mode="full", *, boundary="fill", fill_value=0.0, stride=1, dilation=1,
                   correlate=False, nd=1):
    """API.md section 1, literally, for one signal (nd = 1) or one image (nd = 2).

    The signal is padded as numpy.pad(x, Me - 1, mode) would, convolved in 'full' mode with the
    kernel that has dilation - 1 zeros between taps (reversed and conjugated for a correlation),
    restricted to the padded signal's 'valid' part (= the 'full' output of x), then the mode's
    part is taken (scipy's centring and 'valid' swap), and every stride-th output kept.
    """
    x = np.asarray(x)
    h = np.asarray(kernel)
    dil = (dilation,) * nd if np.isscalar(dilation) else tuple(dilation)
    st = (stride,) * nd if np.isscalar(stride) else tuple(stride)
    if correlate:
        h = np.conj(h[(slice(None, None, -1),) * nd])
    me = tuple((m - 1) * d + 1 for m, d in zip(h.shape, dil))
    pad = [(m - 1, m - 1) for m in me]
    if mode == "valid" or boundary == "fill":
        xp = np.pad(x, pad, mode="constant", constant_values=0 if mode == "valid" else fill_value)
    else:
        np_mode = {"symm": "symmetric"}.get(boundary, boundary)
        xp = np.pad(x, pad, mode=np_mode)
    # 'full' convolution of the padded signal, one shifted copy per tap (dilation gaps are not
    # taps), then its 'valid' part, which is the 'full' output of x
    full = np.zeros(tuple(n + m - 1 for n, m in zip(xp.shape, me)), dtype=np.result_type(xp, h, float))
    for tap in np.ndindex(*h.shape):
        shift = tuple(slice(k * d, k * d + n) for k, d, n in zip(tap, dil, xp.shape))
        full[shift] += h[tap] * xp
    full = full[tuple(slice(m - 1, n) for m, n in zip(me, xp.shape))]
    index = []
    conj = False
    for a in range(nd):
        n, m = x.shape[a], me[a]
        if mode == "full":
            start, length = 0, n + m - 1
        elif mode == "same":
            start = m // 2 if (nd == 2 and correlate) else (m - 1) // 2
            length = n
        else:
            start, length = min(n, m) - 1, abs(n - m) + 1
        index.append(slice(start, start + length, st[a]))
    if mode == "valid" and nd == 2 and correlate and not all(n >= m for n, m in zip(x.shape, me)):
        conj = True
    out = full[tuple(index)]
    return np.conj(out) if conj else out


# ---------------------------------------------------------------------------------------------
# filters (sigconv.filters): moving averages, EWMA, AR/ARMA recursions, correlations
# ---------------------------------------------------------------------------------------------


def moving_average_loop(x, w, offset, min_periods, omit):
    """``y_t = sum_i w_i x_{t+offset-i} / sum of the weights used`` over 1D ``x``, pandas rules:
    samples outside the series are absent; NaN is skipped (``omit``) or poisons the window;
    fewer than ``min_periods`` samples, or weights used summing to 0, give NaN."""
    x = np.asarray(x, dtype=np.float64)
    n, m = x.size, len(w)
    out = np.full(n, np.nan)
    for t in range(n):
        s = ws = 0.0
        cnt = 0
        poisoned = False
        for i in range(m):
            k = t + offset - i
            if not 0 <= k < n:
                continue
            if np.isnan(x[k]):
                if omit:
                    continue
                poisoned = True
                break
            s += w[i] * x[k]
            ws += w[i]
            cnt += 1
        if not poisoned and cnt >= min_periods and ws != 0:
            out[t] = s / ws
    return out


def ewma_loop(x, alpha, adjust, min_periods=0):
    """pandas ``ewm(alpha=..., adjust=..., ignore_na=False).mean()`` from its definition.

    adjust=True: ``sum_s (1-alpha)^(t-s) x_s / sum_s (1-alpha)^(t-s)`` over the observed
    ``s <= t`` (absolute positions).  adjust=False: ``y = (1-a') y_prev + a' x_t`` where the
    previous value's weight has decayed by ``(1-alpha)`` per step since it was set
    (``a' = alpha / (alpha + (1-alpha)^gap)``)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    out = np.full(n, np.nan)
    nobs = 0
    prev = np.nan
    gap = 0
    for t in range(n):
        obs = not np.isnan(x[t])
        nobs += obs
        if adjust:
            num = den = 0.0
            for s in range(t + 1):
                if not np.isnan(x[s]):
                    wt = (1 - alpha) ** (t - s)
                    num += wt * x[s]
                    den += wt
            val = num / den if den > 0 else np.nan
        else:
            if np.isnan(prev):
                val = x[t]
                gap = 0
            elif obs:
                old = (1 - alpha) ** (gap + 1)
                val = (old * prev + alpha * x[t]) / (old + alpha)
                gap = 0
            else:
                val = prev
                gap += 1
            prev = val
        out[t] = val if nobs >= max(min_periods, 1) else np.nan
    return out


def arma_filter_loop(e, ar=(), ma=(), zi=None):
    """``y_t = sum_i ar_i y_{t-i} + e_t + sum_j ma_j e_{t-j}``; ``zi`` = (y_-1, ..., y_-p)."""
    e = np.asarray(e, dtype=np.float64)
    p = len(ar)
    hist = list(zi) if zi is not None else [0.0] * p
    y = np.zeros(e.size)
    for t in range(e.size):
        acc = e[t]
        for j, th in enumerate(ma, start=1):
            if t - j >= 0:
                acc += th * e[t - j]
        for i, ph in enumerate(ar, start=1):
            acc += ph * (y[t - i] if t - i >= 0 else hist[i - t - 1])
        y[t] = acc
    return y


def psi_loop(ar, ma, n):
    """ψ weights: ``psi_0 = 1, psi_j = theta_j + sum_{i=1}^{min(j,p)} phi_i psi_{j-i}``."""
    psi = np.zeros(n)
    for j in range(n):
        val = 1.0 if j == 0 else (ma[j - 1] if j - 1 < len(ma) else 0.0)
        for i in range(1, min(j, len(ar)) + 1):
            val += ar[i - 1] * psi[j - i]
        psi[j] = val
    return psi


def autocorr_loop(x, max_lag, adjusted):
    """acf: ``c_k / c_0`` with ``c_k = sum_t xo_{t+k} xo_t / (n - k if adjusted else n)``."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    xo = x - x.mean()
    c = np.array([sum(xo[t + k] * xo[t] for t in range(n - k)) / ((n - k) if adjusted else n)
                  for k in range(max_lag + 1)])
    return c / c[0]


def xcov_loop(x, y, max_lag):
    """``sum_t (x_{t+k} - mean x)(y_t - mean y) / n`` for k = -max_lag..max_lag."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.size
    xo, yo = x - x.mean(), y - y.mean()
    out = []
    for k in range(-max_lag, max_lag + 1):
        out.append(sum(xo[t + k] * yo[t] for t in range(n) if 0 <= t + k < n) / n)
    return np.array(out)


# ----------------------------------------------------------------------------- nn layers (API.md §4)


def conv1d_nn_naive(x, weight, bias=None, stride=1, pad_left=0, pad_right=0, dilation=1):
    """Cross-correlation layer (torch.nn.functional.conv1d) by explicit loops, in float64:
    ``out[n, o, t] = bias[o] + sum_{c, j} weight[o, c, j] * xpad[n, c, t*stride + j*dilation]``."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    n_batch, n_chan, length = x.shape
    n_out, _, k = w.shape
    xp = np.zeros((n_batch, n_chan, length + pad_left + pad_right))
    xp[:, :, pad_left:pad_left + length] = x
    l_out = (xp.shape[2] - dilation * (k - 1) - 1) // stride + 1
    out = np.zeros((n_batch, n_out, l_out))
    for n in range(n_batch):
        for o in range(n_out):
            for t in range(l_out):
                acc = 0.0 if bias is None else float(bias[o])
                for c in range(n_chan):
                    for j in range(k):
                        acc += w[o, c, j] * xp[n, c, t * stride + j * dilation]
                out[n, o, t] = acc
    return out


def pool1d_naive(x, kernel_size, stride, how):
    """Max / min / mean over windows ``[t*stride, t*stride + kernel_size)`` (floor semantics),
    with the index of the first extreme element of each window (max/min)."""
    x = np.asarray(x, dtype=np.float64)
    n_batch, n_chan, length = x.shape
    l_out = (length - kernel_size) // stride + 1
    out = np.zeros((n_batch, n_chan, l_out))
    index = np.zeros((n_batch, n_chan, l_out), dtype=np.int64)
    for n in range(n_batch):
        for c in range(n_chan):
            for t in range(l_out):
                window = [x[n, c, t * stride + j] for j in range(kernel_size)]
                if how == "mean":
                    out[n, c, t] = sum(window) / kernel_size
                    continue
                best = 0
                for j in range(1, kernel_size):
                    if (window[j] > window[best]) if how == "max" else (window[j] < window[best]):
                        best = j
                out[n, c, t] = window[best]
                index[n, c, t] = t * stride + best
    return out, index


# ---------------------------------------------------------------------------------------------
# feature generators (sigconv.features, API.md §5): MiniRocket and KernelFeatures oracles
# ---------------------------------------------------------------------------------------------
def minirocket_weights(kernel_index):
    """The ``kernel_index``-th MiniRocket kernel: -1 everywhere, 2 at its three positions."""
    from itertools import combinations

    w = np.full(9, -1.0)
    w[list(list(combinations(range(9), 3))[kernel_index])] = 2.0
    return w


def minirocket_output_naive(x, kernel_index, dilation, channels):
    """Zero-padded 'same' correlation of ``x`` (n_channels, L) with a MiniRocket kernel at
    ``dilation``, summed over ``channels``, with explicit multiplications (float64)."""
    w = minirocket_weights(kernel_index)
    L = x.shape[1]
    pad = 4 * int(dilation)
    out = np.zeros(L)
    for ch in channels:
        xp = np.concatenate([np.zeros(pad), np.asarray(x[ch], dtype=np.float64), np.zeros(pad)])
        for j in range(9):
            out += w[j] * xp[j * dilation:j * dilation + L]
    return out


def minirocket_naive(X, dilations, per_dilation, channel_starts, channel_indices, biases=None,
                     examples=None, quantiles=None):
    """The MiniRocket transform of ``X`` (n, n_channels, L) by loops, following the reference
    implementation.  With ``examples`` and ``quantiles`` it returns the biases instead (the
    quantiles of each combination's padded output on its example, by ``np.quantile``)."""
    n, _, L = X.shape
    fitting = biases is None
    n_out = 84 * int(np.sum(per_dilation))
    result = np.zeros(n_out) if fitting else np.zeros((n, n_out))
    first = 0
    for di, (d, nf) in enumerate(zip(dilations, per_dilation, strict=True)):
        pad = 4 * int(d)
        for ki in range(84):
            comb = di * 84 + ki
            chans = channel_indices[channel_starts[comb]:channel_starts[comb + 1]]
            if fitting:
                C = minirocket_output_naive(X[examples[comb]], ki, d, chans)
                result[first:first + nf] = np.quantile(C, quantiles[first:first + nf])
            else:
                for i in range(n):
                    C = minirocket_output_naive(X[i], ki, d, chans)
                    if (di + ki) % 2 == 1 and L - 2 * pad > 0:
                        C = C[pad:L - pad]
                    result[i, first:first + nf] = [(C > b).mean() for b in biases[first:first + nf]]
            first += nf
    return result


def kernel_features_naive(X, weights, dilations, stats):
    """KernelFeatures by loops: edge-extended 'same' correlation, then statistics; features
    ordered channel, kernel, dilation, statistic.  ``X`` is (n, n_channels, L)."""
    n, n_ch, L = X.shape
    rows = []
    for i in range(n):
        feats = []
        for c in range(n_ch):
            x = X[i, c].astype(np.float64)
            for w in weights:
                for d in dilations:
                    span = (len(w) - 1) * d
                    left = span // 2
                    y = np.array([sum(w[j] * x[min(max(t - left + j * d, 0), L - 1)] for j in range(len(w)))
                                  for t in range(L)])
                    for s in stats:
                        feats.append({"mean": y.mean(), "max": y.max(), "min": y.min(), "std": y.std(),
                                      "ppv": (y > 0).mean()}[s])
        rows.append(feats)
    return np.array(rows)


def minirocket_dilations_published(input_length, num_features, max_dilations_per_kernel):
    """``_fit_dilations`` of the published MiniRocket code (valid for ``input_length >= 9``)."""
    per_kernel = num_features // 84
    true_max = min(per_kernel, max_dilations_per_kernel)
    multiplier = per_kernel / true_max
    max_exponent = np.log2((input_length - 1) / (9 - 1))
    dilations, counts = np.unique(np.logspace(0, max_exponent, true_max, base=2).astype(np.int32),
                                  return_counts=True)
    counts = (counts * multiplier).astype(np.int32)
    remainder = per_kernel - np.sum(counts)
    i = 0
    while remainder > 0:
        counts[i] += 1
        remainder -= 1
        i = (i + 1) % len(counts)
    return dilations, counts


# ---- filters pack (issue 17) -------------------------------------------------------------------


def sos_loop(sos, x):
    """Cascade of biquads by their difference equation (direct form I, zero start), 1D ``x``."""
    v = np.asarray(x, dtype=np.float64).copy()
    for b0, b1, b2, _a0, a1, a2 in np.asarray(sos, dtype=np.float64):
        y = np.zeros_like(v)
        for t in range(v.size):
            acc = b0 * v[t]
            if t >= 1:
                acc += b1 * v[t - 1] - a1 * y[t - 1]
            if t >= 2:
                acc += b2 * v[t - 2] - a2 * y[t - 2]
            y[t] = acc
        v = y
    return v


def match_template_masked_naive(x, template, mask=None, score="zncc", nan_policy="propagate", mode="valid"):
    """API.md §3b by the definitions, one window at a time in float64: the template's masked
    pixels ``mask`` (None: all) and, under "omit", the window's finite samples; "omit" with
    mode='same' counts the padding as missing.  Pearson's r over the gathered pixels for zncc
    (0 for a constant window), OpenCV's masked formulas for ncc/ccorr/sqdiff; ccorr, sqdiff
    and zdist² rescaled by m / count; NaN (zdist: inf) where fewer than m/2 samples remain, or
    under "propagate" where a non-finite sample falls on the mask."""
    import itertools

    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(template, dtype=np.float64)
    w = np.ones(t.shape, dtype=bool) if mask is None else np.asarray(mask).astype(bool)
    if mode == "same":
        x = np.pad(x, [(k // 2, (k - 1) // 2) for k in t.shape],
                   constant_values=np.nan if nan_policy == "omit" else 0.0)
    out_shape = tuple(n - k + 1 for n, k in zip(x.shape, t.shape))
    out = np.empty(out_shape)
    m = int(w.sum())
    missing = np.inf if score == "zdist" else np.nan
    for idx in itertools.product(*(range(s) for s in out_shape)):
        win = x[tuple(slice(i, i + k) for i, k in zip(idx, t.shape))]
        keep = w & np.isfinite(win)
        if nan_policy == "propagate" and keep.sum() < m:
            out[idx] = missing
            continue
        count = int(keep.sum())
        if 2 * count < m:
            out[idx] = missing
            continue
        a, b = win[keep], t[keep]
        if score in ("zncc", "zdist"):
            az, bz = a - a.mean(), b - b.mean()
            if np.ptp(a) == 0 or np.ptp(b) == 0:
                out[idx] = 0.0 if score == "zncc" else np.sqrt(m)
                continue
            r = np.sum(az * bz) / np.sqrt(np.sum(az * az) * np.sum(bz * bz))
            out[idx] = r if score == "zncc" else np.sqrt(max(2 * count * (1 - r), 0.0) * m / count)
        elif score == "ncc":
            den = np.sqrt(np.sum(a * a) * np.sum(b * b))
            out[idx] = 0.0 if not np.any(a) else np.sum(a * b) / den
        elif score == "ccorr":
            out[idx] = np.sum(a * b) * m / count
        else:
            out[idx] = np.sum((a - b) ** 2) * m / count
    return out


def subpixel_naive(scores, position):
    """The 3-point parabola vertex along each axis through ``position`` of ``scores``: offset
    ``(l - r) / (2 (l - 2c + r))``, 0 where a neighbour is outside or not finite (or the
    three are not a strict maximum's neighbourhood: a flat or convex fit)."""
    s = np.asarray(scores, dtype=np.float64)
    pos = [float(p) for p in position]
    for ax in range(s.ndim):
        i = list(int(p) for p in position)
        if i[ax] == 0 or i[ax] == s.shape[ax] - 1:
            continue
        c = s[tuple(i)]
        i[ax] -= 1
        lft = s[tuple(i)]
        i[ax] += 2
        rgt = s[tuple(i)]
        den = lft - 2 * c + rgt
        if not (np.isfinite(lft) and np.isfinite(rgt)) or den >= 0:
            continue
        pos[ax] += 0.5 * (lft - rgt) / den
    return pos


# ------------------------------------------------------------------------------ MultiRocket, Hydra
def multirocket_output_naive(x, kernel_index, dilation, channels, lag=0):
    """MiniRocket kernel output with explicit multiplications (float64), taps at offsets
    ``(j - 4) d``, plus ``lag`` for the left taps ``j < 4`` (the reference MultiRocket code
    applies ``lag = 1`` on the first difference), zero outside the series."""
    w = minirocket_weights(kernel_index)
    L = x.shape[1]
    out = np.zeros(L)
    for ch in channels:
        xc = np.asarray(x[ch], dtype=np.float64)
        for t in range(L):
            for j in range(9):
                s = t + (j - 4) * int(dilation) + (lag if j < 4 else 0)
                if 0 <= s < L:
                    out[t] += w[j] * xc[s]
    return out


def multirocket_pool_naive(C, b):
    """(PPV, LSPV, MPV, MIPV) of ``C`` against ``b`` by the reference code's definitions."""
    pos = np.flatnonzero(C > b)
    below = [0] + list(np.flatnonzero(C < b)) + [len(C) - 1]
    lspv = max(q - p for p, q in zip(below[:-1], below[1:], strict=True))
    mpv = float(np.sum(C[pos] + b)) / len(pos) if len(pos) else 0.0
    mipv = float(np.mean(pos)) if len(pos) else -1.0
    return len(pos) / len(C), float(lspv), mpv, mipv


def multirocket_naive(X, base, diff):
    """MultiRocket features of ``X`` (n, channels, L) by loops: ``base``/``diff`` are the
    fitted parameters (``dilations, per_dilation, channel_starts, channel_indices, biases``)
    on the series and on its first difference (one zero for one-sample series)."""
    n = X.shape[0]
    dX = np.diff(X, axis=-1) if X.shape[2] > 1 else np.zeros_like(X)
    blocks = []
    for series, (dilations, per_dilation, starts, indices, biases), lag in ((X, base, 0), (dX, diff, 1)):
        L = series.shape[2]
        stats = np.zeros((n, 4, len(biases)))
        first = 0
        for di, (d, nf) in enumerate(zip(dilations, per_dilation, strict=True)):
            pad = 4 * int(d)
            for ki in range(84):
                comb = di * 84 + ki
                chans = indices[starts[comb]:starts[comb + 1]]
                for i in range(n):
                    C = multirocket_output_naive(series[i], ki, d, chans, lag)
                    if (di + ki) % 2 == 1 and L - 2 * pad > 0:
                        C = C[pad:L - pad]
                    for f in range(first, first + nf):
                        stats[i, :, f] = multirocket_pool_naive(C, float(biases[f]))
                first += nf
        blocks.append(stats.reshape(n, -1))
    return np.concatenate(blocks, axis=1)


def ndimage_extend_index(j, n, mode):
    """Index of ``x`` that sample ``j`` (possibly outside ``0..n-1``) reads under a
    ``scipy.ndimage`` boundary mode; None for the constant modes outside."""
    if 0 <= j < n:
        return j
    if mode in ("constant", "grid-constant"):
        return None
    if mode == "nearest":
        return 0 if j < 0 else n - 1
    if mode in ("wrap", "grid-wrap"):
        return j % n
    if mode in ("reflect", "grid-mirror"):          # ... c b a | a b c | c b a ...
        period = 2 * n
        j %= period
        return j if j < n else period - 1 - j
    if mode == "mirror":                            # ... c b | a b c | b a ...
        if n == 1:
            return 0
        period = 2 * n - 2
        j %= period
        return j if j < n else period - j
    raise ValueError(mode)


def centred_fir_loop(x, taps, mode, cval=0.0):
    """``scipy.ndimage.convolve1d(x, taps, mode=mode, cval=cval)`` for 1D ``x`` by a loop:
    ``y[i] = sum_k taps[k] x[i + m // 2 - k]`` with the boundary rule of ``mode``."""
    x = np.asarray(x, dtype=np.float64)
    n, m = x.size, len(taps)
    y = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for k in range(m):
            j = ndimage_extend_index(i + m // 2 - k, n, mode)
            acc += taps[k] * (cval if j is None else x[j])
        y[i] = acc
    return y


def gaussian_taps_loop(sigma, order, radius):
    """Derivatives 0..3 of the normalised sampled Gaussian, by their closed forms."""
    j = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-j**2 / (2 * sigma**2))
    g /= g.sum()
    s2 = sigma**2
    poly = {0: np.ones_like(j), 1: -j / s2, 2: j**2 / s2**2 - 1 / s2, 3: -(j**3) / s2**3 + 3 * j / s2**2}
    return poly[order] * g


def savgol_interior_loop(x, window, polyorder, deriv=0, delta=1.0):
    """Interior outputs (full windows) of a Savitzky-Golay filter by a polynomial fit per window,
    evaluated at the window's centre ``(window - 1) / 2`` and stored at output ``start +
    (window - 1) // 2`` (scipy's placement, even windows included)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    out = np.full(n, np.nan)
    t = np.arange(window, dtype=np.float64)
    for start in range(0, n - window + 1):
        c = np.polyfit(t, x[start:start + window], polyorder)
        c = np.polyder(c, deriv) if deriv else c
        out[start + (window - 1) // 2] = np.polyval(c, (window - 1) / 2) / delta**deriv
    return out


def cf_loop(x, low, high, drift=True):
    """Christiano-Fitzgerald cycle by its definition: per output, the ideal band-pass weights
    over the sample with end weights making each row's weights sum to zero."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if drift:
        x = x - np.arange(n) * (x[-1] - x[0]) / (n - 1)
    a, b = 2 * np.pi / high, 2 * np.pi / low

    def B(j):
        return (b - a) / np.pi if j == 0 else (np.sin(b * j) - np.sin(a * j)) / (np.pi * j)

    y = np.zeros(n)
    for t in range(n):
        acc = B(0) * x[t]
        for m in range(1, n - 1):
            if m != t:
                acc += B(abs(m - t)) * x[m]
        tail = -0.5 * B(0) - sum(B(j) for j in range(1, n - 1 - t))
        head = -B(0) - sum(B(j) for j in range(1, n - 1 - t)) - sum(B(j) for j in range(1, t)) - tail
        y[t] = acc + tail * x[-1] + head * x[0]
    return y


def hp_dense(x, lamb):
    """HP trend by a dense solve of ``(W + lamb D'D) tau = W x`` (W: 1 for finite samples)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    D = np.zeros((n - 2, n))
    for i in range(n - 2):
        D[i, i:i + 3] = (1.0, -2.0, 1.0)
    w = np.isfinite(x).astype(np.float64)
    return np.linalg.solve(np.diag(w) + lamb * D.T @ D, np.where(w > 0, x, 0.0))


def phase_nanmeans(x, period):
    """Mean of the finite values at each phase ``t % period``."""
    x = np.asarray(x, dtype=np.float64)
    return np.array([np.mean(v[np.isfinite(v)]) for v in (x[k::period] for k in range(period))])


def ricker_wavelet(points, a):
    """The removed ``scipy.signal.ricker``."""
    t = np.arange(0, points) - (points - 1.0) / 2
    return 2 / (np.sqrt(3 * a) * np.pi**0.25) * (1 - t**2 / a**2) * np.exp(-t**2 / (2 * a**2))


def morlet2_wavelet(M, s, w=5.0):
    """The removed ``scipy.signal.morlet2``."""
    t = (np.arange(0, M) - (M - 1.0) / 2) / s
    return np.sqrt(1 / s) * np.exp(1j * w * t) * np.exp(-0.5 * t**2) * np.pi**-0.25


def cwt_loop(x, widths, wavelet, **kwargs):
    """The removed ``scipy.signal.cwt``: per width a 'same' convolution with
    ``conj(wavelet(min(10 width, n), width)[::-1])``, by a loop."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    out = []
    for width in widths:
        h = np.conj(wavelet(min(10 * width, n), width, **kwargs)[::-1])
        m = h.size
        row = np.zeros(n, dtype=h.dtype)
        for i in range(n):
            for k in range(m):
                j = i + (m - 1) // 2 - k
                if 0 <= j < n:
                    row[i] += h[k] * x[j]
        out.append(row)
    return np.array(out)
