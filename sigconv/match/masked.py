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
to 0 where missing, ``t'`` the template minus its masked mean (raw for ncc and ccorr).  The
signal's spectra (of ``x``, ``x**2``, ``v``) and its correlations with each mask are cached by
the :class:`~sigconv.match.Matcher`, so a further template with a mask already seen costs one
kernel spectrum and one inverse transform (three under "omit").  Without
"omit" the template sums are constants, and Pearson's ``r`` needs three correlations.  The
scores are assembled by ``sigconv._kernels.sliding.masked_scores``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import scipy.fft as sfft

try:   # the transform scipy.fft.irfftn runs, with an output array (it has no `out=`)
    from scipy.fft._pocketfft.pypocketfft import c2r as _private_c2r
    from scipy.fft._pocketfft.pypocketfft import r2c as _private_r2c
except ImportError:   # pragma: no cover - another scipy layout: sfft.irfftn and a copy
    _private_c2r = _private_r2c = None

from sigconv._jit import threads
from sigconv._kernels import sliding as _k
from sigconv._validate import as_array, check_option
from sigconv.match._common import _CODES, _kernel, _spectrum_shape

NAN_POLICIES = ("propagate", "omit")

#: scores that use the template minus its masked mean (the others use raw magnitudes)
_SHIFTED = ("zncc", "zdist", "sqdiff")


@functools.cache
def _private_transforms():
    """scipy's private pocketfft bindings ``(c2r, r2c)``, or ``(None, None)`` unless they still
    compute what the public ``rfftn`` / ``irfftn`` do with the arguments used here (checked
    once, on first use, on a small array: a private signature may change between scipy
    releases without an error)."""
    if _private_c2r is None or _private_r2c is None:
        return None, None
    a = np.random.default_rng(0).standard_normal((2, 6, 10))
    spec = np.empty((2, 6, 6), np.complex128)
    back = np.empty_like(a)
    try:
        _private_r2c(a, (1, 2), True, 0, spec, 1)
        _private_c2r(spec.copy(), (1, 2), 10, False, 2, back, 1)
    except (TypeError, ValueError):
        return None, None
    if np.allclose(spec, sfft.rfftn(a, axes=(1, 2))) and np.allclose(back, a):
        return _private_c2r, _private_r2c
    return None, None   # pragma: no cover - depends on the scipy release


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
    xc = prep.xc
    v = np.ones(xc.shape, dtype=xc.dtype) if prep.bad is None else (1.0 - prep.bad).astype(xc.dtype)
    for axis, (lo, hi) in enumerate(pads, start=1):
        index = [slice(None)] * xc.ndim
        index[axis] = slice(0, lo)
        v[tuple(index)] = 0
        index[axis] = slice(xc.shape[axis] - hi, None)
        v[tuple(index)] = 0
    return v


def _signals(matcher, key, prep, pads, omit: bool) -> dict:
    """The signal-side arrays, cached on the matcher: ``x``, with ``omit`` ``v``, and ``ms``
    (the mean of ``x**2``); ``x2`` is added by the first whole-signal correlation that needs it
    (the strips square their own rows)."""
    ckey = key + ("masked", omit)
    if ckey not in matcher._derived:
        x = prep.xc
        arrays = {}
        if omit:
            v = _validity(prep, pads)
            x = x * v            # the padding of mode='same' is missing too
            arrays["v"] = v
        arrays["x"] = x
        flat = x.reshape(-1)   # mean square (the scale of the floor): BLAS, no x**2 array
        arrays["ms"] = float(np.dot(flat, flat)) / max(flat.size, 1)
        matcher._derived[ckey] = arrays
    return matcher._derived[ckey]


#: overlap-save strips of at least this many rows, and at most _STRIP_POINTS points (the
#: float32 strip and its spectrum in a core's L2 cache)
_TILE_MIN = 256
_STRIP_POINTS = 2 ** 19


def _tile_shape(shape: tuple[int, int], tshape: tuple[int, int], fshape: tuple[int, ...]):
    """Overlap-save strips ``(L, W')`` of whole rows for the 2D correlations of a template much
    shorter than the signal, or None (one transform of the signal's size).

    ``L >= max(4 m, 256)`` rows, at most ``_STRIP_POINTS`` points, the fast size that covers
    the outputs with the fewest rows: each strip's transforms, products and scores stay in
    cache, and its buffers are reused strip after strip instead of image-sized arrays being
    allocated for each correlation (measured on a 1024² float32 image, 64² disc mask, masked
    zncc, one thread, CPU time: 37 ms whole-image, 28 ms in strips of 384 rows).
    """
    n, m, f, width = shape[0], tshape[0], fshape[0], fshape[1]
    out = n - m + 1
    best = None
    size = sfft.next_fast_len(max(4 * m, _TILE_MIN), real=True)
    while size < f and size * width <= _STRIP_POINTS:
        cost = -(-out // (size - m + 1)) * size
        if best is None or cost < best[0]:
            best = (cost, size)
        size = sfft.next_fast_len(size + 1, real=True)
    if best is None or best[0] > 1.3 * f:
        return None
    return best[1], width


def _strip_spectra(matcher, key, array_of, name, tile, step, n_out) -> np.ndarray:
    """Spectra ``(strips, B, L, W'//2+1)`` of the signal's overlapping strips of ``tile[0]``
    rows, one per ``step`` outputs (the last zero-padded), cached on the matcher under ``key``;
    one array for all of them, written in place."""
    ckey = key + ("strips", tile)
    if ckey not in matcher._derived:
        square = name == "x2"   # squared strip by strip
        array = array_of("x" if square else name)
        starts = range(0, n_out, step)
        spectra = np.empty((len(starts), array.shape[0], tile[0], tile[1] // 2 + 1),
                           dtype=np.result_type(array.dtype, np.complex64))
        pad = None
        for i, r0 in enumerate(starts):
            part = array[:, r0:r0 + tile[0]]
            if square:
                part = part * part
            if part.shape[1:] != tile:   # the last strip, zero-padded
                pad = np.zeros(part.shape[:1] + tile, dtype=array.dtype)
                pad[:, :part.shape[1], :part.shape[2]] = part
                part = pad
            _rfft2_into(np.ascontiguousarray(part), tile, spectra[i], matcher._workers)
        matcher._derived[ckey] = spectra
    return matcher._derived[ckey]


def _rfft2_into(a: np.ndarray, tile, out: np.ndarray, workers: int) -> None:
    """``out[...] = rfftn(a, tile, axes=(-2, -1))`` without a temporary where scipy allows."""
    _r2c = _private_transforms()[1]
    if _r2c is not None and a.shape[-2:] == tuple(tile):
        try:
            _r2c(a, (a.ndim - 2, a.ndim - 1), True, 0, out, workers)
            return
        except (TypeError, ValueError):
            pass
    out[...] = sfft.rfftn(a, tile, axes=(-2, -1), workers=workers)


def _strip_inverse(spec: np.ndarray, kspec: np.ndarray, tile, workers: int, prod: np.ndarray | None = None,
                   out: np.ndarray | None = None) -> np.ndarray:
    """Circular convolution of one strip with the flipped kernel (of spectrum ``kspec``): its
    rows and columns from ``m - 1`` on are the strip's 'valid' correlation.

    ``prod`` and ``out`` (optional) are buffers reused from strip to strip: a freshly
    allocated strip-sized array costs its page faults again on every call (measured: nine
    inverse transforms of 384 x 1024 took 14 ms into new arrays, 10 ms into the same ones).
    """
    prod = np.multiply(spec, kspec, out=prod)
    _c2r = _private_transforms()[0]
    if out is not None and _c2r is not None:
        try:   # scipy.fft's own pocketfft call (irfftn allocates its output every time)
            return _c2r(prod, (prod.ndim - 2, prod.ndim - 1), tile[-1], False, 2, out, workers)
        except (TypeError, ValueError):   # another scipy: its public transform
            pass
    y = sfft.irfftn(prod, tile, axes=(-2, -1), workers=workers, overwrite_x=True)
    if out is None:
        return y
    out[...] = y
    return out


def _four_d(y: np.ndarray, offsets: tuple[int, ...]):
    nd = len(offsets)
    return y.reshape((y.shape[0],) + (1,) * (3 - nd) + y.shape[1:]), (0,) * (3 - nd) + tuple(offsets)


def masked_scores(matcher, key, prep, pads, t: np.ndarray, w: np.ndarray | None, score: str, omit: bool,
                  method: str) -> np.ndarray:
    """Scores ``(B, *S_out)`` of template ``t`` over mask ``w`` (None: all of it) against the
    prepared signal; see the module docstring."""
    dtype = prep.xc.dtype
    tshape = t.shape
    nd = len(tshape)
    wf = np.ones(tshape) if w is None else w.astype(np.float64)
    m = float(wf.sum())
    t64 = t.astype(np.float64)
    mu = float(np.sum(wf * t64) / m) if score in _SHIFTED else 0.0
    tp = (t64 - mu) * wf
    tm2 = float(np.sum(tp * tp))
    d = np.ascontiguousarray(mu - prep.centre.astype(np.float64)) if score == "sqdiff" else np.zeros(
        prep.xc.shape[0])
    sig = _signals(matcher, key, prep, pads, omit)
    method = matcher._method(prep.xc, tp, nd, method)
    fft = method == "fft"
    fshape = _spectrum_shape(prep.xc.shape[1:]) if fft else None
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
    tile = _tile_shape(prep.xc.shape[1:], tshape, fshape) if fft and nd == 2 else None
    if fft and todo:   # the kernels' spectra in one batched transform
        names = sorted({k for _, _, k in todo})
        stack = np.stack([kernels[k] for k in names]).astype(dtype)
        spectra = dict(zip(names, matcher._kernel_spectrum(stack, tile or fshape), strict=True))
    sizes = tuple(s - k + 1 for s, k in zip(prep.xc.shape[1:], tshape, strict=True))
    out = np.empty((prep.xc.shape[0],) + (1,) * (3 - nd) + sizes, dtype=dtype)
    eps = float(np.finfo(dtype).eps)
    size = float(np.prod(fshape)) if fft else m
    tol = 16.0 * eps * (math.log2(max(size, 2.0)) + math.sqrt(m))
    floor = tol * m * sig["ms"]
    chunk = 4096
    kern = _kernel((_k.masked_scores_serial, _k.masked_scores_parallel), matcher._workers)
    names = ("c", "s1", "s2", "n", "t1", "t2", "bad")
    empty = np.empty((0, 0, 0, 0), dtype=dtype)

    def array_of(name):
        if name == "x2" and "x2" not in sig:
            sig["x2"] = sig["x"] * sig["x"]
        return prep.bad.astype(dtype) if name == "bad" else sig[name]

    if tile is not None:   # strip by strip: correlations and scores of each strip in cache
        (mh, mw), step = tshape, tile[0] - tshape[0] + 1
        strips = {}
        for res, name, kname in plan:
            ckey = wkey + (name,) if kname == "w" else None
            if ckey in matcher._derived:
                strips[res] = matcher._derived[ckey]
                continue
            strips[res] = _strip_spectra(matcher, key + (name, omit), array_of, name, tile, step, sizes[0])
            if ckey is not None:   # the strips' correlations with the mask, for later templates
                matcher._derived[ckey] = [_strip_inverse(sp, spectra[kname], tile, matcher._workers)
                                          for sp in strips[res]]
                strips[res] = matcher._derived[ckey]
        live = [item for item in plan if np.iscomplexobj(strips[item[0]][0])]
        prod = np.empty_like(strips[live[0][0]][0]) if live else None
        bufs = {res: np.empty(prod.shape[:-2] + tile, dtype=dtype) for res, _, _ in live}
        # the serial scoring kernel between the threaded transforms: Numba's parallel workers
        # would spin after each strip's scores and slow scipy.fft's threads down
        kern = _k.masked_scores_serial
        with threads(matcher._workers):
            for i, r0 in enumerate(range(0, sizes[0], step)):
                ys = {res: strips[res][i] for res in strips}
                for res, _, kname in live:
                    ys[res] = _strip_inverse(ys[res], spectra[kname], tile, matcher._workers, prod, bufs[res])
                c, s1, s2, n, t1, t2, bad = (ys[r][:, None] if r in ys else empty for r in names)
                nr = min(step, sizes[0] - r0)
                kern(_CODES[score], omit, c, s1, s2, n, t1, t2, bad, (0, mh - 1, mw - 1), m, tm2, d, tol,
                     floor, chunk, out[:, :, r0:r0 + nr])
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
    c, offsets = results["c"]
    c, s1, s2, n, t1, t2, bad = (results[r][0] if r in results else empty for r in names)
    with threads(matcher._workers):
        kern(_CODES[score], omit, c, s1, s2, n, t1, t2, bad, offsets, m, tm2, d, tol, floor, chunk, out)
    return out.reshape((out.shape[0],) + sizes)
