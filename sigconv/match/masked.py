"""Masked templates and missing samples: every score over a window's valid pixels only.

With a template mask ``w`` (the pixels that belong to the target) and, under
``nan_policy='omit'``, the signal's validity map ``v`` (1 where finite and inside the signal),
each window's score uses only the pixels where ``w * v`` is 1.  All the sums a score needs
are correlations of a few whole arrays with a few small kernels (Padfield's masked
normalised cross-correlation), never a loop over windows:

=========================  ======================  ==========================
sum over the window        correlation             needed by
=========================  ======================  ==========================
``sum w v x t'``           ``corr(x, w t')``       every score
``sum w v x``              ``corr(x, w)``          zncc, zdist, sqdiff
``sum w v x**2``           ``corr(x**2, w)``       zncc, zdist, sqdiff, ncc
``sum w v`` (count)        ``corr(v, w)``          "omit"
``sum w v t'``             ``corr(v, w t')``       "omit": zncc, zdist, sqdiff
``sum w v t'**2``          ``corr(v, w t'**2)``    "omit": zncc, zdist, sqdiff, ncc
=========================  ======================  ==========================

``x`` is the signal centred by its mean (zncc, zdist, sqdiff; raw for ncc and ccorr) and set
to 0 where missing, ``t'`` the template minus its masked mean (raw for ncc and ccorr).  Without
"omit" the template sums are constants, and Pearson's ``r`` needs three correlations.  The
scores are assembled by ``sigconv._kernels.sliding.masked_scores``.

For a 2D template much shorter than the image, the correlations and scores run over
overlap-save strips of rows, strips on threads (:mod:`sigconv.match.strips`):

* one call (:func:`~sigconv.match.match_template`, :func:`~sigconv.match.locate`): after the
  kernels' spectra, each strip is one task that transforms its rows of the signal (centred
  in the task's own buffer: the whole centred copy is never written), correlates and scores
  them while they are in cache (:func:`_one_pass_scores`);
* a :class:`~sigconv.match.Matcher` keeps the strips' spectra (of ``x``, ``x**2``, ``v``) and
  what each mask alone gives: for zncc on a finite signal, the mask's window factor
  ``1 / sqrt(sum w x**2 - (sum w x)**2 / m)``, so a further template with that mask is one
  correlation with ``t' / |t'|`` scaled by it (:func:`_mask_factor`); otherwise the strips'
  correlations with the mask, so a further template costs one kernel spectrum and one
  inverse transform per strip (three under "omit").
"""

from __future__ import annotations

import math
import threading

import numpy as np

from sigconv import _workspace
from sigconv._jit import threads
from sigconv._kernels import sliding as _k
from sigconv._validate import as_array, check_option
from sigconv.match import strips
from sigconv.match._common import _CODES, _kernel, _spectrum_shape

NAN_POLICIES = ("propagate", "omit")

#: scores that use the template minus its masked mean (the others use raw magnitudes)
_SHIFTED = ("zncc", "zdist", "sqdiff")


def check_nan_policy(nan_policy) -> bool:
    """Validate ``nan_policy``; True for 'omit'."""
    return check_option("nan_policy", nan_policy, NAN_POLICIES) == "omit"


def check_mask(mask, tshape: tuple[int, ...]) -> np.ndarray | None:
    """The template mask as a bool array of the template's shape, or None (no mask).

    Accepts bool arrays and numeric arrays holding only 0 and 1; raises ``ValueError`` for
    another shape, other values or an all-False mask, ``TypeError`` for non-numeric data.
    """
    if mask is None:
        return None
    w = as_array("mask", mask, allow_complex=False)
    if w.shape != tuple(tshape):
        raise ValueError(f"`mask` must have the template's shape {tuple(tshape)}; got shape {w.shape}")
    if w.dtype != np.bool_:
        if not np.all((w == 0) | (w == 1)):
            bad = w[(w != 0) & (w != 1)].ravel()[0]
            raise ValueError(f"`mask` must be boolean or hold only 0 and 1; got the value {bad!r}")
        w = w != 0
    if not w.any():
        raise ValueError("`mask` is all False: no template pixel would be compared; "
                         "mark the target's pixels True")
    return np.ascontiguousarray(w)


def check_masked_template(t: np.ndarray, w: np.ndarray, score: str) -> None:
    """A zncc/zdist template must vary over the mask, an ncc one be nonzero there."""
    inside = t[w]
    if score in ("zncc", "zdist") and np.ptp(inside) == 0:
        raise ValueError(f"`template` is constant over `mask`, so its {score!r} score is undefined; "
                         "use score='sqdiff' or 'ccorr', or a larger mask")
    if score == "ncc" and not np.any(inside):
        raise ValueError("`template` is all zeros over `mask`, so its 'ncc' score is undefined")


def _validity(prep, pads) -> np.ndarray:
    """1 where the prepared signal holds a finite sample of ``x`` (0 where missing or padded)."""
    v = np.ones(prep.shape, dtype=prep.dtype) if prep.bad is None else (1.0 - prep.bad).astype(prep.dtype)
    for axis, (lo, hi) in enumerate(pads, start=1):
        index = [slice(None)] * v.ndim
        index[axis] = slice(0, lo)
        v[tuple(index)] = 0
        index[axis] = slice(v.shape[axis] - hi, None)
        v[tuple(index)] = 0
    return v


def _signals(matcher, key, prep, pads, omit: bool) -> dict:
    """The signal-side arrays, cached on the matcher: with ``omit``, ``v`` and ``x`` (the
    centred signal times ``v``), and ``ms`` (the mean of ``x**2``, a scale for tolerances).
    Without ``omit`` ``x`` is the prepared signal's centred copy, made only where a
    whole-signal correlation needs it (the strips centre their own rows); ``x2`` is added by
    the first whole-signal correlation that needs it."""
    ckey = key + ("masked", omit)
    if ckey not in matcher._derived:
        arrays = {}
        if omit:
            v = _validity(prep, pads)
            x = prep.xc * v            # the padding of mode='same' is missing too
            arrays["v"] = v
            arrays["x"] = x
            flat = x.reshape(-1)   # BLAS, no x**2 array
            arrays["ms"] = float(np.dot(flat, flat)) / max(flat.size, 1)
        else:
            arrays["ms"] = prep.mean_square
        matcher._derived[ckey] = arrays
    return matcher._derived[ckey]


def _four_d(y: np.ndarray, offsets: tuple[int, ...]):
    nd = len(offsets)
    return y.reshape((y.shape[0],) + (1,) * (3 - nd) + y.shape[1:]), (0,) * (3 - nd) + tuple(offsets)


def masked_scores(matcher, key, prep, pads, t: np.ndarray, w: np.ndarray | None, score: str, omit: bool,
                  method: str) -> np.ndarray:
    """Scores ``(B, *S_out)`` of template ``t`` over mask ``w`` (None: all of it) against the
    prepared signal; see the module docstring."""
    dtype = prep.dtype
    tshape = t.shape
    nd = len(tshape)
    wf = np.ones(tshape) if w is None else w.astype(np.float64)
    m = float(wf.sum())
    t64 = t.astype(np.float64)
    mu = float(np.sum(wf * t64) / m) if score in _SHIFTED else 0.0
    tp = (t64 - mu) * wf
    tm2 = float(np.sum(tp * tp))
    d = np.ascontiguousarray(mu - prep.centre.astype(np.float64)) if score == "sqdiff" else np.zeros(
        prep.shape[0])
    sig = _signals(matcher, key, prep, pads, omit)
    method = matcher._method(prep.like, tp, nd, method)
    fft = method == "fft"
    fshape = _spectrum_shape(prep.shape[1:]) if fft else None
    kernels = {"w": wf, "tp": tp, "tp2": tp * tp}
    # the correlations this score needs: (result, signal array, kernel)
    plan = [("c", "x", "tp")]
    if score in _SHIFTED:
        plan.append(("s1", "x", "w"))
    if score != "ccorr":
        plan.append(("s2", "x2", "w"))
    if omit:
        plan.append(("n", "v", "w"))
        if score in _SHIFTED:
            plan.append(("t1", "v", "tp"))
        if score != "ccorr":
            plan.append(("t2", "v", "tp2"))
    elif prep.bad is not None:
        plan.append(("bad", "bad", "w"))
    # correlations with the mask alone are kept on the matcher for later templates of this mask
    wkey = key + ("masked-corr", omit, method, tshape, None if w is None else w.tobytes())
    todo = [item for item in plan if item[2] != "w" or wkey + (item[1],) not in matcher._derived]
    spectra = {}
    tile = strips.tile_shape(prep.shape[1:], tshape, fshape, matcher._workers) if fft and nd == 2 else None
    knames = sorted({k for _, _, k in todo}) if fft else []
    if knames and tile is None:   # the kernels' spectra in one batched transform
        stack = np.stack([kernels[k] for k in knames]).astype(dtype)
        spectra = dict(zip(knames, matcher._kernel_spectrum(stack, fshape), strict=True))
    sizes = tuple(s - k + 1 for s, k in zip(prep.shape[1:], tshape, strict=True))
    shape = (prep.shape[0],) + (1,) * (3 - nd) + sizes   # the scores, (B, L0, L1, L2)
    eps = float(np.finfo(dtype).eps)
    size = float(np.prod(fshape)) if fft else m
    tol = 16.0 * eps * (math.log2(max(size, 2.0)) + math.sqrt(m))
    floor = tol * m * sig["ms"]
    chunk = 4096

    def array_of(name):
        if name == "x":
            return sig.get("x", prep.xc)
        if name == "x2" and "x2" not in sig:
            x = array_of("x")
            sig["x2"] = x * x
        return prep.bad.astype(dtype) if name == "bad" else sig[name]

    def rows_of(name):
        """What the strips transform for signal array ``name``: ``(array, shift)``, the
        strips of ``array - shift`` (``x`` straight from the signal while it has no centred copy)."""
        if name == "x" and "x" not in sig and not prep.has_xc:
            return prep.raw, prep.centre
        return array_of(name), None

    if tile is not None:   # strip by strip, strips on threads (sigconv.match.strips)
        needed = {k: kernels[k].astype(dtype)[None] for k in knames}
        args = (_CODES[score], m, tm2, d, tol, floor, chunk)
        if score == "zncc" and not omit and prep.bad is None and not matcher._one_call:
            # r = corr(x, t' / |t'|) * f: the mask's window factor f = 1 / sqrt(window
            # variance) is shared by every template of this mask
            f = _mask_factor(matcher, key, wkey, wf.astype(dtype)[None], rows_of, tile, tshape, args, shape)
            return matcher._strip_correlation(key, prep.xc, (tp / math.sqrt(tm2)).astype(dtype)[None], tile,
                                              scale=f[:, 0])
        out = np.empty(shape, dtype)
        if matcher._one_call:   # nothing is kept for later templates
            _one_pass_scores(matcher, plan, needed, rows_of, tile, tshape, omit, args, out)
        else:
            _strip_scores(matcher, key, plan, wkey, needed, rows_of, tile, tshape, omit, args, out)
        return out.reshape((out.shape[0],) + sizes)
    results = {}
    for res, name, kname in plan:
        ckey = wkey + (name,) if kname == "w" else None
        if ckey in matcher._derived:
            results[res] = matcher._derived[ckey]
            continue
        array = array_of(name)
        k = kernels[kname].astype(dtype)[None]
        if fft:
            y, offsets = matcher._fft_correlation(key + (name, omit), array, k, spectra[kname][None])
        else:
            y, offsets = matcher._correlation(key + (name, omit), array, k, method)
        results[res] = _four_d(np.ascontiguousarray(y, dtype=dtype), offsets)
        if ckey is not None:
            matcher._derived[ckey] = results[res]
    offsets = results["c"][1]
    empty = np.empty((0, 0, 0, 0), dtype=dtype)
    c, s1, s2, n, t1, t2, bad = (results[r][0] if r in results else empty for r in _NAMES)
    out = np.empty(shape, dtype)
    kern = _kernel((_k.masked_scores_serial, _k.masked_scores_parallel), matcher._workers)
    with threads(matcher._workers):
        kern(_CODES[score], omit, c, s1, s2, n, t1, t2, bad, offsets, m, tm2, d, tol, floor, chunk, out)
    return out.reshape((out.shape[0],) + sizes)


def _strip_scores(matcher, key, plan, wkey, kernels, rows_of, tile, tshape, omit, args, out) -> None:
    """The scores of :func:`masked_scores` over overlap-save strips of rows, strips on the
    matcher's threads.  First, as tasks of one :func:`strips.for_each`, the spectra of the
    ``kernels`` (name: ``(1, mh, mw)`` array) and of the signal arrays' strips (``rows_of``:
    :func:`strips.strip_spectra`'s array and shift for a signal array's name); then one task
    per strip: its correlations (only their valid rows) and scores, near the cache in scratch
    buffers reused from strip to strip (and from call to call).  The strips' correlations
    with the mask alone are kept for later templates of that mask."""
    (mh, mw), step = tshape, tile[0] - tshape[0] + 1
    b, n_out = out.shape[0], out.shape[2]
    n_strips = -(-n_out // step)
    workers = matcher._workers
    cached, fresh, live, sources = {}, {}, [], []
    for res, name, kname in plan:
        ckey = wkey + (name,) if kname == "w" else None
        if ckey in matcher._derived:
            cached[res] = matcher._derived[ckey]
            continue
        if name not in sources:
            sources.append(name)
        if ckey is not None:   # a correlation with the mask alone: kept for later templates
            fresh[res] = (ckey, matcher._empty((n_strips, b, step, tile[1]), out.dtype))
        else:
            live.append(res)
    kspectra = {}
    slots = strips.slots_for(n_strips, workers)
    with _workspace.scratch() as ws:
        def kernel_task(name):
            def task(fw):
                kspectra[name] = strips.kernel_spectrum(kernels[name], tile, ws, fw)[0]
            return task

        requests = []
        for name in sources:
            source = "x" if name == "x2" else name
            requests.append((key + (source, omit),) + rows_of(source) + (name == "x2",))
        signal = dict(zip(sources, strips.strip_spectra(matcher._derived, requests, tile, step, n_out, workers,
                                                         matcher._empty, extra=[kernel_task(k) for k in kernels]),
                          strict=True))
        prods = [ws.empty((b, tile[0], tile[1] // 2 + 1), strips.spectrum_dtype(out.dtype)) for _ in range(slots)]
        bufs = [{res: ws.empty((b, step, tile[1]), out.dtype) for res in live} for _ in range(slots)]

        def body(i, slot, fw):
            r0 = i * step
            nr = min(step, n_out - r0)
            ys = {res: arr[i] for res, arr in cached.items()}
            for res, name, kname in plan:
                if res in ys:
                    continue
                target = fresh[res][1][i] if res in fresh else bufs[slot][res]
                strips.inverse_rows(signal[name][i], kspectra[kname], tile, mh - 1, nr, prods[slot], target, fw)
                ys[res] = target
            _score_strip(ys, omit, args, mw, out[:, :, r0:r0 + nr])

        strips.for_each(n_strips, workers, body)
    for ckey, arr in fresh.values():
        matcher._derived[ckey] = arr


#: the correlations the masked scores kernel reads, in its argument order
_NAMES = ("c", "s1", "s2", "n", "t1", "t2", "bad")


def _score_strip(ys: dict, omit: bool, args, mw: int, rows: np.ndarray) -> None:
    """The scores ``rows`` ``(B, 1, nr, Wo)`` of one strip, on the calling thread, from its
    correlations ``ys`` (result name: ``(B, nr, W')`` rows at the transform's width, the valid
    columns from ``mw - 1`` on); ``args`` as in :func:`_strip_scores`."""
    code, m, tm2, d, tol, floor, chunk = args
    empty = np.empty((0, 0, 0, 0), dtype=rows.dtype)
    c, s1, s2, n, t1, t2, bad = (ys[r][:, None] if r in ys else empty for r in _NAMES)
    if "c" not in ys:   # the window factor reads no correlation with the template
        c = s1
    _k.masked_scores_serial(code, omit, c, s1, s2, n, t1, t2, bad, (0, 0, mw - 1), m, tm2, d, tol, floor, chunk,
                            rows)


def _mask_factor(matcher, key, wkey, w, rows_of, tile, tshape, args, shape) -> np.ndarray:
    """The masked zncc window factor ``1 / sqrt(s2 - s1**2 / m)`` (0 for a constant window)
    of mask ``w`` ``(1, mh, mw)``, ``shape`` ``(B, 1, Ho, Wo)``, cached on the matcher: the
    correlations of the signal and its square with the mask over strips, then the factor
    (``sliding.FACTOR``); the correlations themselves are not kept."""
    fkey = wkey + ("factor",)
    if fkey not in matcher._derived:
        code, m, tm2, d, tol, floor, chunk = args
        f = matcher._empty(shape, w.dtype)
        plan = [("s1", "x", "w"), ("s2", "x2", "w")]
        _strip_scores(matcher, key, plan, wkey, {"w": w}, rows_of, tile, tshape, False,
                      (_k.FACTOR, m, tm2, d, tol, floor, chunk), f)
        for name in ("x", "x2"):
            matcher._scratch.free(matcher._derived.pop(wkey + (name,)))
        matcher._derived[fkey] = f
    return matcher._derived[fkey]


def _one_pass_scores(matcher, plan, kernels, rows_of, tile, tshape, omit, args, out) -> None:
    """:func:`_strip_scores` for a one-call matcher, which keeps nothing for later templates:
    one :func:`strips.for_each` whose first tasks are the kernels' spectra, then one task per
    strip that transforms the strip's rows of each signal array, correlates and scores them,
    every buffer the task's own (the strip's spectra are used while still in the cache, and
    the threads wait for each other once).

    A task's memory is recycled as it goes (fewer distinct buffers: fewer cache misses): the
    work buffer holds the shifted or squared rows, then the spectrum products; a spectrum's
    last product is made in place; and each correlation's rows go into a buffer freed by the
    correlations before it (:func:`_real_view`), a buffer of their own only where none is."""
    (mh, mw), step = tshape, tile[0] - tshape[0] + 1
    b, n_out = out.shape[0], out.shape[2]
    n_strips = -(-n_out // step)
    sources = {}   # signal array name: (array, shift, squared)
    for _, name, _ in plan:
        source = "x" if name == "x2" else name
        sources.setdefault(name, rows_of(source) + (name == "x2",))
    last_use = {name: k for k, (_, name, _) in enumerate(plan)}
    knames = list(kernels)
    kspectra = {}
    ready = {name: threading.Event() for name in knames}
    cdtype = strips.spectrum_dtype(out.dtype)
    spec_shape = (b, tile[0], tile[1] // 2 + 1)
    rows_shape = (b, step, tile[1])
    width = next(iter(sources.values()))[0].shape[2]
    slots = strips.slots_for(len(knames) + n_strips, matcher._workers)
    with _workspace.scratch() as ws:
        spectra = [{name: ws.empty(spec_shape, cdtype) for name in sources} for _ in range(slots)]
        works = [ws.empty(spec_shape, cdtype) for _ in range(slots)]
        pads = [ws.empty((b,) + tuple(tile), out.dtype) if width < tile[1] else None for _ in range(slots)]
        extras = [[] for _ in range(slots)]   # rows buffers of their own, made when first needed

        def body(t, slot, fw):
            if t < len(knames):   # a kernel's spectrum (taken before any strip: never waits)
                name = knames[t]
                kspectra[name] = strips.kernel_spectrum(kernels[name], tile, ws, fw)[0]
                ready[name].set()
                return
            i = t - len(knames)
            r0 = i * step
            nr = min(step, n_out - r0)
            spec, work = spectra[slot], works[slot]
            own = _real_view(work, (b, tile[0], width), out.dtype)
            last = None
            for name, (array, shift, squared) in sources.items():
                # x**2 after x: the buffer already holds the strip's x - centre
                shifted = squared and shift is not None and last == (id(array), id(shift))
                strips.forward_strip(array, shift, squared, r0, tile, spec[name], own, pads[slot], fw, shifted)
                last = (id(array), id(shift)) if not squared else None
            free, ys, n_extra = [work], {}, 0   # free: complex buffers whose contents are spent
            for k, (res, name, kname) in enumerate(plan):
                ready[kname].wait()
                prod = spec[name] if last_use[name] == k else free.pop()   # the last product in place
                if free:
                    rows = _real_view(free.pop(), rows_shape, out.dtype)
                else:
                    if n_extra == len(extras[slot]):
                        extras[slot].append(ws.empty(rows_shape, out.dtype))
                    rows = extras[slot][n_extra]
                    n_extra += 1
                ys[res] = strips.inverse_rows(spec[name], kspectra[kname], tile, mh - 1, nr, prod, rows, fw)
                free.append(prod)
            _score_strip(ys, omit, args, mw, out[:, :, r0:r0 + nr])

        strips.for_each(len(knames) + n_strips, matcher._workers, body)


def _real_view(buffer: np.ndarray, shape: tuple[int, ...], dtype) -> np.ndarray:
    """A C-contiguous real array of ``shape`` on the memory of the complex ``buffer`` (which
    holds at least as many bytes)."""
    return buffer.reshape(-1).view(dtype)[:math.prod(shape)].reshape(shape)
