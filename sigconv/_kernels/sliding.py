"""Sliding-window kernels for template matching: window sums, score assembly, peak suppression.

Numba only; inputs are trusted (the wrappers in :mod:`sigconv.match` validate, centre and
allocate).  Every kernel with a parallel loop is one serial kernel that does part ``part`` of
``n_parts`` of it (its last two arguments), exported as a ``(name_serial, name_parallel)`` pair
of callables by :func:`sigconv._jit.serial_and_threaded`: the first does all the work on the
calling thread, the second splits it over Numba's thread count (:func:`sigconv._jit.threads`)
on Python threads.  One compiled copy each: a ``prange`` twin cost up to 0.7 s more to compile
(the fused 2D scores), on every first call.

Precision plan (why the sums look the way they do)
---------------------------------------------------
Window sums are running sums, O(N) whatever the window, accumulated in float64 whatever the
input dtype.  A running sum drifts by one rounding per step, so each kernel restarts it with a
direct sum every ``block`` outputs ("anchoring"); the error of any window sum is then bounded by
about ``(m + block) * eps64`` times the magnitudes that entered it, independent of the length of
the signal.  The caller centres the data (subtracts a per-batch centre) first, so that a DC
offset does not inflate those magnitudes.  A sample whose square outweighs the whole window it
leaves (the padding of mode='same' holds ``-centre``, a DC offset away from the data) would
leave its rounding behind in every later window, so the sums of squares restart with a direct
sum right after such a sample leaves (:func:`_first_pass`, :func:`_scores_2d`).
"""

from __future__ import annotations

import numpy as np

from sigconv._jit import jit, serial_and_threaded


@jit
def _sums(v, lo, hi):
    """``(sum, sum of squares)`` of ``v[lo:hi]`` in float64: a direct (anchoring) window sum."""
    a = 0.0
    b = 0.0
    for j in range(lo, hi):
        x = np.float64(v[j])
        a += x
        b += x * x
    return a, b


def _first_pass(src, m, block, s1, s2, part, n_parts):
    """Window sums of ``src`` and ``src**2`` along the last axis.

    src : (R, n) float32 or float64, C-contiguous, finite.
    m : window length, 1 <= m <= n.   block : outputs per anchored run (>= 1).
    s1, s2 : (R, n - m + 1) float64, written entirely: ``s1[r, i] = sum(src[r, i:i+m])`` and
    ``s2[r, i] = sum(src[r, i:i+m] ** 2)``, accumulated in float64.
    """
    rows = src.shape[0]
    n_out = s1.shape[1]
    n_blocks = (n_out + block - 1) // block
    n_tasks = rows * n_blocks
    for task in range(part * n_tasks // n_parts, (part + 1) * n_tasks // n_parts):
        r = task // n_blocks
        i0 = (task % n_blocks) * block
        i1 = min(i0 + block, n_out)
        a, b = _sums(src[r], i0, i0 + m)
        s1[r, i0] = a
        s2[r, i0] = b
        for i in range(i0 + 1, i1):
            vo = np.float64(src[r, i - 1])
            vn = np.float64(src[r, i + m - 1])
            a += vn - vo
            b += (vn - vo) * (vn + vo)
            if vo * vo > b:   # the leaving sample outweighed the window: restart directly
                a, b = _sums(src[r], i, i + m)
            s1[r, i] = a
            s2[r, i] = b


first_pass_serial, first_pass_parallel = serial_and_threaded(_first_pass)


def _middle_pass(src, m, block, chunk, out, part, n_parts):
    """Window sums of ``src`` along its middle axis.

    src : (O, n, I) float64, C-contiguous.  m : window length, 1 <= m <= n.
    block : outputs per anchored run.  chunk : inner columns per task.
    out : (O, n - m + 1, I) float64, written entirely: ``out[o, i, c] = sum(src[o, i:i+m, c])``.
    """
    n_outer = src.shape[0]
    inner = src.shape[2]
    n_out = out.shape[1]
    n_blocks = (n_out + block - 1) // block
    n_chunks = (inner + chunk - 1) // chunk
    n_tasks = n_outer * n_blocks * n_chunks
    for task in range(part * n_tasks // n_parts, (part + 1) * n_tasks // n_parts):
        o = task // (n_blocks * n_chunks)
        rest = task % (n_blocks * n_chunks)
        i0 = (rest // n_chunks) * block
        i1 = min(i0 + block, n_out)
        c0 = (rest % n_chunks) * chunk
        c1 = min(c0 + chunk, inner)
        acc = np.zeros(c1 - c0)
        for j in range(i0, i0 + m):
            for c in range(c0, c1):
                acc[c - c0] += src[o, j, c]
        for c in range(c0, c1):
            out[o, i0, c] = acc[c - c0]
        for i in range(i0 + 1, i1):
            for c in range(c0, c1):
                acc[c - c0] += src[o, i + m - 1, c] - src[o, i - 1, c]
                out[o, i, c] = acc[c - c0]


middle_pass_serial, middle_pass_parallel = serial_and_threaded(_middle_pass)


# score codes shared with sigconv.match
ZNCC = 0
NCC = 1
CCORR = 2
SQDIFF = 3
ZDIST = 4
#: not a score: ``1 / sqrt(s2 - s1**2 / m)``, 0 for a constant window (the zncc window factor
#: that ``match_many`` shares between templates of one shape; the correlation is not read)
FACTOR = 5


def _combine(code, num, s1, s2, bad, m, t2, tol, floor, out, part, n_parts):
    """Assemble scores from the sliding correlation and the window sums.

    code : score code (ZNCC, NCC, CCORR, SQDIFF, ZDIST above).
    num : (P,) float32/float64, the sliding correlation of the centred signal with the template
        as prepared by the caller (zero-mean template for ZNCC/ZDIST, the template for NCC and
        CCORR, template minus the centre for SQDIFF).
    s1, s2 : (P,) float64 window sums of the centred signal and of its square.
    bad : (P,) float64 count of non-finite samples per window, or a length-0 array (none).
    m : samples per window.  t2 : the template's sum of squares as the score needs it.
    tol : relative tolerance below which a window counts as constant (ZNCC/ZDIST) or zero.
    floor : absolute floor of a window's sum of squares below which NCC scores 0.
    out : (P,) float32/float64, written entirely.
    """
    has_bad = bad.shape[0] > 0
    inv_m = 1.0 / m
    if code == ZNCC and not has_bad:   # the common case, branch-free: vectorises
        for p in range(part * num.shape[0] // n_parts, (part + 1) * num.shape[0] // n_parts):
            var_m = s2[p] - s1[p] * s1[p] * inv_m
            r = np.float64(num[p]) / np.sqrt(max(var_m * t2, 1e-300))
            r = min(1.0, max(-1.0, r))
            out[p] = r if var_m > tol * s2[p] and var_m > 0.0 else 0.0
        return
    for p in range(part * num.shape[0] // n_parts, (part + 1) * num.shape[0] // n_parts):
        if has_bad and bad[p] > 0.5:
            out[p] = np.inf if code == ZDIST else np.nan
            continue
        a = np.float64(num[p])
        if code == ZNCC or code == ZDIST:
            var_m = s2[p] - s1[p] * s1[p] * inv_m
            if var_m <= tol * s2[p] or var_m <= 0.0:
                r = 0.0
                constant = True
            else:
                r = a / np.sqrt(var_m * t2)
                r = min(1.0, max(-1.0, r))
                constant = False
            if code == ZNCC:
                out[p] = r
            elif constant:
                out[p] = np.sqrt(np.float64(m))
            else:
                out[p] = np.sqrt(max(2.0 * m * (1.0 - r), 0.0))
        elif code == NCC:
            if s2[p] <= floor:
                out[p] = 0.0
            else:
                r = a / np.sqrt(s2[p] * t2)
                out[p] = min(1.0, max(-1.0, r))
        elif code == CCORR:
            out[p] = a
        else:
            out[p] = max(s2[p] - 2.0 * a + t2, 0.0)


combine_serial, combine_parallel = serial_and_threaded(_combine)


def _sliding_max_rows(src, d, out, part, n_parts):
    """Maximum over ``[i - d, i + d]`` (clipped to the row) along the last axis.

    src : (R, n) float64, no NaN.  d >= 0.  out : (R, n) float64, written entirely.
    Van Herk / Gil-Werman: three passes, O(n) whatever ``d``.
    """
    n = src.shape[1]
    w = 2 * d + 1
    for r in range(part * src.shape[0] // n_parts, (part + 1) * src.shape[0] // n_parts):
        g = np.empty(n + 2 * d)  # prefix maxima within blocks of w, over the -inf padded row
        h = np.empty(n + 2 * d)  # suffix maxima within blocks of w
        total = n + 2 * d
        for k in range(total):
            j = k - d
            v = src[r, j] if 0 <= j < n else -np.inf
            if k % w == 0:
                g[k] = v
            else:
                g[k] = max(g[k - 1], v)
        for k in range(total - 1, -1, -1):
            j = k - d
            v = src[r, j] if 0 <= j < n else -np.inf
            if k == total - 1 or (k + 1) % w == 0:
                h[k] = v
            else:
                h[k] = max(h[k + 1], v)
        for i in range(n):
            # window [i, i + 2d] in padded coordinates
            out[r, i] = max(h[i], g[i + 2 * d])


sliding_max_rows_serial, sliding_max_rows_parallel = serial_and_threaded(_sliding_max_rows)


def _sliding_max_cols(src, d, out, part, n_parts):
    """Maximum over rows ``[i - d, i + d]`` (clipped) of a 2D array: ``out[i, c]``.

    src : (n, C) float64, no NaN.  out : (n, C) float64, written entirely.  O(n * d) per
    column but vectorised along the contiguous axis; the caller uses it after the row pass.
    """
    n = src.shape[0]
    cols = src.shape[1]
    chunk = 256
    n_chunks = (cols + chunk - 1) // chunk
    for t in range(part * n_chunks // n_parts, (part + 1) * n_chunks // n_parts):
        c0 = t * chunk
        c1 = min(c0 + chunk, cols)
        w = 2 * d + 1
        total = n + 2 * d
        g = np.empty((total, c1 - c0))
        h = np.empty((total, c1 - c0))
        for k in range(total):
            j = k - d
            for c in range(c0, c1):
                v = src[j, c] if 0 <= j < n else -np.inf
                if k % w == 0:
                    g[k, c - c0] = v
                else:
                    g[k, c - c0] = max(g[k - 1, c - c0], v)
        for k in range(total - 1, -1, -1):
            j = k - d
            for c in range(c0, c1):
                v = src[j, c] if 0 <= j < n else -np.inf
                if k == total - 1 or (k + 1) % w == 0:
                    h[k, c - c0] = v
                else:
                    h[k, c - c0] = max(h[k + 1, c - c0], v)
        for i in range(n):
            for c in range(c0, c1):
                out[i, c] = max(h[i, c - c0], g[i + 2 * d, c - c0])


sliding_max_cols_serial, sliding_max_cols_parallel = serial_and_threaded(_sliding_max_cols)


def greedy_suppress(rows, cols, spacing, max_peaks, shape_r, shape_c, keep):
    """Greedy non-maximum suppression of candidates already sorted best first.

    rows, cols : (k,) int64 candidate coordinates, best first.  spacing : int >= 1; a candidate
    is dropped when an accepted one lies at Chebyshev distance ``< spacing``.  max_peaks : stop
    after this many accepted (<= 0: no limit).  shape_r, shape_c : the array's shape.
    keep : (k,) bool, written entirely.  Returns the number accepted.  Uses a grid of cells of
    side ``spacing`` (accepted peaks are ``spacing`` apart, so each cell holds few), O(k).
    """
    k = rows.shape[0]
    cell = max(spacing, 1)
    gr = (shape_r + cell - 1) // cell
    gc = (shape_c + cell - 1) // cell
    head = np.empty(gr * gc, dtype=np.int64)   # np.empty and loops: np.full compiles slower
    nxt = np.empty(k, dtype=np.int64)
    for i in range(gr * gc):
        head[i] = -1
    accepted = 0
    for i in range(k):
        keep[i] = False
        nxt[i] = -1
    for i in range(k):
        if max_peaks > 0 and accepted >= max_peaks:
            break
        r = rows[i]
        c = cols[i]
        cr = r // cell
        cc = c // cell
        ok = True
        for dr in range(-1, 2):
            for dc in range(-1, 2):
                qr = cr + dr
                qc = cc + dc
                if qr < 0 or qc < 0 or qr >= gr or qc >= gc:
                    continue
                j = head[qr * gc + qc]
                while j >= 0:
                    if abs(rows[j] - r) < spacing and abs(cols[j] - c) < spacing:
                        ok = False
                        break
                    j = nxt[j]
                if not ok:
                    break
            if not ok:
                break
        if ok:
            keep[i] = True
            accepted += 1
            slot = cr * gc + cc
            nxt[i] = head[slot]
            head[slot] = i
    return accepted


greedy_suppress = jit(greedy_suppress)


# ----------------------------------------------------------------------------- fused 2D scores


@jit
def _score_one(code, a, s1, s2, inv_m, m, t2, tol, floor):
    """One score from the correlation ``a`` and the window sums ``s1``, ``s2`` (see _combine;
    ``FACTOR``: the zncc window factor)."""
    if code == ZNCC or code == ZDIST or code == FACTOR:
        var_m = s2 - s1 * s1 * inv_m
        if var_m <= tol * s2 or var_m <= 0.0:
            if code == ZDIST:
                return np.sqrt(np.float64(m))
            return 0.0
        if code == FACTOR:
            return 1.0 / np.sqrt(var_m)
        r = a / np.sqrt(var_m * t2)
        r = min(1.0, max(-1.0, r))
        if code == ZNCC:
            return r
        return np.sqrt(max(2.0 * m * (1.0 - r), 0.0))
    if code == NCC:
        if s2 <= floor:
            return 0.0
        return min(1.0, max(-1.0, a / np.sqrt(s2 * t2)))
    if code == CCORR:
        return a
    return max(s2 - 2.0 * a + t2, 0.0)


def _scores_2d(code, xc, num, r0, c0, mh, mw, strip, chunk, t2, tol, floor, out, part, n_parts):
    """Window sums and scores in one pass, for finite signals (no separate sum arrays).

    xc : (B, H, W) float32/float64 centred, finite.  num : (B, >= r0 + Ho, >= c0 + Wo) same
    dtype, C-contiguous: ``num[b, r0 + i, c0 + j]`` is the sliding correlation ('valid') at
    ``(i, j)`` (an FFT result is passed whole, with the offsets of its valid part).
    mh, mw : template shape.  strip : output rows per task
    (the column sums are re-anchored with a direct sum at each strip start).  chunk : output
    columns per task (the row sums are re-anchored at each chunk start of every row).
    t2 : (B,) float64 template sums of squares as the score needs them.  out : (B, Ho, Wo),
    written entirely.  Each task keeps float64 running column sums of ``xc`` and ``xc**2``
    over its columns, slides them down its strip, and along each row runs the window sums,
    so every window sum carries at most ``(mh + strip) + (mw + chunk)`` roundings of float64.
    """
    n_b = xc.shape[0]
    ho = out.shape[1]
    wo = out.shape[2]
    n_strips = (ho + strip - 1) // strip
    n_chunks = (wo + chunk - 1) // chunk
    m = mh * mw
    inv_m = 1.0 / m
    n_tasks = n_b * n_strips * n_chunks
    for task in range(part * n_tasks // n_parts, (part + 1) * n_tasks // n_parts):
        b = task // (n_strips * n_chunks)
        rest = task % (n_strips * n_chunks)
        i0 = (rest // n_chunks) * strip
        i1 = min(i0 + strip, ho)
        j0 = (rest % n_chunks) * chunk
        j1 = min(j0 + chunk, wo)
        width = j1 - j0 + mw - 1
        col1 = np.zeros(width)
        col2 = np.zeros(width)
        tb = t2[b]
        for r in range(i0, i0 + mh):
            for j in range(width):
                v = np.float64(xc[b, r, j0 + j])
                col1[j] += v
                col2[j] += v * v
        for i in range(i0, i1):
            if i > i0:
                big = False
                for j in range(width):
                    vo = np.float64(xc[b, i - 1, j0 + j])
                    vn = np.float64(xc[b, i + mh - 1, j0 + j])
                    col1[j] += vn - vo
                    col2[j] += (vn - vo) * (vn + vo)
                    big |= vo * vo > col2[j]
                for j in range(width if big else 0):   # rare: a leaving sample outweighed
                    vo = np.float64(xc[b, i - 1, j0 + j])   # its column
                    if vo * vo > col2[j]:
                        col1[j], col2[j] = _sums(xc[b, :, j0 + j], i, i + mh)
            a1 = 0.0
            a2 = 0.0
            for j in range(mw):
                a1 += col1[j]
                a2 += col2[j]
            a = np.float64(num[b, r0 + i, c0 + j0])
            out[b, i, j0] = _score_one(code, a, a1, a2, inv_m, m, tb, tol, floor)
            for j in range(1, j1 - j0):
                a1 += col1[j + mw - 1] - col1[j - 1]
                a2 += col2[j + mw - 1] - col2[j - 1]
                if col2[j - 1] > a2:   # the leaving column outweighed the window
                    a1 = 0.0
                    a2 = 0.0
                    for q in range(j, j + mw):
                        a1 += col1[q]
                        a2 += col2[q]
                a = np.float64(num[b, r0 + i, c0 + j0 + j])
                out[b, i, j0 + j] = _score_one(code, a, a1, a2, inv_m, m, tb, tol, floor)


scores_2d_serial, scores_2d_parallel = serial_and_threaded(_scores_2d)


# ----------------------------------------------------------------------------- masked scores


def _masked_scores(code, omit, c, s1, s2, n, t1, t2, bad, offsets, m, tm2, d, tol, floor, chunk, out,
                   part, n_parts):
    """Scores of a masked template (or of a signal with missing samples) from correlations.

    The caller correlates, over the window's masked pixels ``w`` (and, with ``omit``, the
    signal's validity map ``v``): ``c = corr(x, w*t')``, ``s1 = corr(x, w)``,
    ``s2 = corr(x**2, w)`` and, with ``omit``, ``n = corr(v, w)``, ``t1 = corr(v, w*t')``,
    ``t2 = corr(v, w*t'**2)``; ``x`` is the prepared signal (zero where missing) and ``t'`` the
    template as the score needs it (minus its masked mean for ZNCC/ZDIST/SQDIFF, raw for NCC and
    CCORR).  ``bad = corr(non-finite map, w)`` under "propagate" (windows with ``bad > 0.5``
    score NaN, ZDIST inf).

    c, s1, s2, n, t1, t2, bad : (B, L0, L1, L2) float32/float64 (one dtype), C-contiguous; an
        unused one has shape (0, 0, 0, 0) (``t1`` then counts as 0 and ``t2`` as ``tm2``).  The
        valid output ``(i, j, k)`` reads index ``(b, o0 + i, o1 + j, o2 + k)``,
        ``offsets = (o0, o1, o2)``.
    m : number of masked pixels.  tm2 : ``sum(w * t'**2)`` over the whole mask.
    d : (B,) float64, SQDIFF only: template mean minus the signal's centre per batch item.
    tol : relative tolerance of the correlations; a window whose variance (ZNCC/ZDIST) is below
        ``tol * s2 + floor`` counts as constant, one whose ``s2`` (NCC) is below ``floor`` as zero.
    chunk : outputs per task along the last axis.
    out : (B, n0, n1, n2) float32/float64, written entirely.  With ``omit`` a window keeping
        fewer than half of the ``m`` samples scores NaN (ZDIST inf); CCORR and SQDIFF sums are
        rescaled by ``m / count``.
    """
    nb, n0, n1, n2 = out.shape
    o0, o1, o2 = offsets
    n_chunks = (n2 + chunk - 1) // chunk
    use_s1 = s1.shape[0] > 0
    use_s2 = s2.shape[0] > 0
    use_t1 = t1.shape[0] > 0
    use_t2 = t2.shape[0] > 0
    use_bad = bad.shape[0] > 0
    missing = np.inf if code == ZDIST else np.nan
    n_tasks = nb * n0 * n1 * n_chunks
    for task in range(part * n_tasks // n_parts, (part + 1) * n_tasks // n_parts):
        q = task // n_chunks
        k0 = (task % n_chunks) * chunk
        k1 = min(k0 + chunk, n2)
        b = q // (n0 * n1)
        i = (q // n1) % n0
        j = q % n1
        p0 = o0 + i
        p1 = o1 + j
        # rows of the inputs (an unused input reads the row of ``c``, never used)
        cr = c[b, p0, p1]
        s1r = s1[b, p0, p1] if use_s1 else cr
        s2r = s2[b, p0, p1] if use_s2 else cr
        nr = n[b, p0, p1] if omit else cr
        t1r = t1[b, p0, p1] if use_t1 else cr
        t2r = t2[b, p0, p1] if use_t2 else cr
        br = bad[b, p0, p1] if use_bad else cr
        orow = out[b, i, j]
        db = d[b]
        if code == FACTOR and not omit and not use_bad:   # the mask's window factor (c unread)
            inv_m = 1.0 / m
            for k in range(k0, k1):
                x1 = np.float64(s1r[o2 + k])
                x2 = np.float64(s2r[o2 + k])
                vx = x2 - x1 * x1 * inv_m
                orow[k] = 1.0 / np.sqrt(max(vx, 1e-300)) if vx > tol * x2 + floor else 0.0
            continue
        if code == ZNCC and not omit and not use_bad:   # the common case, branch-free: vectorises
            inv_m = 1.0 / m
            for k in range(k0, k1):
                x1 = np.float64(s1r[o2 + k])
                x2 = np.float64(s2r[o2 + k])
                vx = x2 - x1 * x1 * inv_m
                r = np.float64(cr[o2 + k]) / np.sqrt(max(vx * tm2, 1e-300))
                r = min(1.0, max(-1.0, r))
                orow[k] = r if vx > tol * x2 + floor else 0.0
            continue
        for k in range(k0, k1):
            p2 = o2 + k
            if use_bad and br[p2] > 0.5:
                orow[k] = missing
                continue
            count = np.float64(m)
            if omit:
                count = np.floor(np.float64(nr[p2]) + 0.5)
                if 2.0 * count < m:
                    orow[k] = missing
                    continue
            orow[k] = _masked_one(code, np.float64(cr[p2]), np.float64(s1r[p2]) if use_s1 else 0.0,
                                  np.float64(s2r[p2]) if use_s2 else 0.0,
                                  np.float64(t1r[p2]) if use_t1 else 0.0,
                                  np.float64(t2r[p2]) if use_t2 else tm2, count, m, tm2, db, tol, floor)


@jit
def _masked_one(code, a, x1, x2, u1, u2, count, m, tm2, db, tol, floor):
    """One score of :func:`_masked_scores` from its window sums."""
    if code == ZNCC or code == ZDIST:
        num = a - x1 * u1 / count
        vx = x2 - x1 * x1 / count
        vt = u2 - u1 * u1 / count
        if vx <= tol * x2 + floor or vt <= tol * tm2:
            return 0.0 if code == ZNCC else np.sqrt(np.float64(m))
        r = min(1.0, max(-1.0, num / np.sqrt(vx * vt)))
        if code == ZNCC:
            return r
        return np.sqrt(max(2.0 * m * (1.0 - r), 0.0))
    if code == NCC:
        if x2 <= floor or u2 <= 0.0:
            return 0.0
        return min(1.0, max(-1.0, a / np.sqrt(x2 * u2)))
    if code == CCORR:
        return a * (m / count)
    # sum of w*v*(x - t' - d)**2 with t' the template minus its masked mean
    return max(x2 - 2.0 * a - 2.0 * db * x1 + u2 + 2.0 * db * u1 + db * db * count, 0.0) * (m / count)


masked_scores_serial, masked_scores_parallel = serial_and_threaded(_masked_scores)


@jit
def greedy_suppress_nd(coords, spacing, max_peaks, keep):
    """Greedy non-maximum suppression of candidates in any number of dimensions.

    coords : (k, nd) int64 candidate coordinates, best first.  spacing : int >= 1; a candidate
    is dropped when an accepted one lies at Chebyshev distance ``< spacing``.  max_peaks : stop
    after this many accepted (<= 0: no limit).  keep : (k,) bool, written entirely.  Returns the
    number accepted.  O(k * accepted): for 3D maps, whose candidates are few; 1D/2D use the
    grid of :func:`greedy_suppress`.
    """
    k = coords.shape[0]
    nd = coords.shape[1]
    accepted = np.empty(k, dtype=np.int64)
    n_acc = 0
    for i in range(k):
        keep[i] = False
    for i in range(k):
        if max_peaks > 0 and n_acc >= max_peaks:
            break
        ok = True
        for a in range(n_acc):
            j = accepted[a]
            near = True
            for ax in range(nd):
                if abs(coords[j, ax] - coords[i, ax]) >= spacing:
                    near = False
                    break
            if near:
                ok = False
                break
        if ok:
            keep[i] = True
            accepted[n_acc] = i
            n_acc += 1
    return n_acc
