"""The matching engine: :class:`Matcher` (one signal, many templates, the signal's transforms
and window statistics reused between them); :mod:`sigconv.match.api` wraps it for one call."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator, Sequence
from typing import Literal

import numpy as np
import scipy.fft as sfft
from numpy.typing import ArrayLike

from sigconv import _workspace
from sigconv._jit import resolve_workers, threads
from sigconv._kernels import sliding as _k
from sigconv._kernels import zncc_factor as _zf
from sigconv._validate import check_int, check_option, float_dtype
from sigconv.match import strips
from sigconv.match._common import (
    _CENTRED,
    _CODES,
    METHODS,
    MODES,
    SCORES,
    Score,
    _check_template,
    _kernel,
    _real_array,
    _spectrum_shape,
    _template_axes,
)
from sigconv.match.masked import (
    check_mask,
    check_masked_template,
    check_nan_policy,
    masked_scores,
)
from sigconv.match.peaks import Peaks, _check_threshold, _peaks_of
from sigconv.match.windows import _pad_prepared, _prepare, _Prepared, _tolerance, _window_sums

#: 2D templates with at least this many taps are correlated through the (cached) FFT: the
#: direct sum costs ``taps`` multiply-adds per output, the FFT about 3 transforms of the image
#: (measured on 1024² float32 images: FFT ahead from about 10x10 taps)
_FFT_TAPS_2D = 100


def _template_spectrum(t: np.ndarray, fshape: tuple[int, ...], workers: int) -> np.ndarray:
    """``rfftn(t, fshape)`` over the last ``len(fshape)`` axes of a small (zero-padded) template.

    The real transform runs over the template's own rows only, then the complex transforms
    over the remaining axes: the rows that are all zeros are never transformed.
    """
    nd = len(fshape)
    spec = sfft.rfft(t, fshape[-1], axis=-1, workers=workers)
    for i in range(nd - 1):
        spec = sfft.fft(spec, fshape[i], axis=i - nd, workers=workers, overwrite_x=True)
    return spec


class Matcher:
    """One signal, prepared once, matched against any number of templates.

    ``Matcher(x).match(t)`` equals ``match_template(x, t)``; calling ``match`` again with
    other templates reuses what depends only on the signal: the centred copy of ``x``, its
    Fourier transform (one transform of the signal's own size serves every template size,
    since a circular correlation of that length leaves all 'valid' outputs free of
    wrap-around) and, for signals holding NaN/inf or 3D templates, the window statistics of
    each template shape already seen (otherwise they are fused into the O(N) scoring pass,
    cheaper to redo than to store).  With
    ``mode='same'`` the signal is padded by the template's extent, so the reuse is among
    templates of one shape.  Masked templates and "omit" also keep the spectra of the signal's
    square and validity map, and the correlations of each mask already seen.  A 2D template
    much shorter than the signal is correlated over overlap-save strips of rows, strips on
    threads (:mod:`sigconv.match.strips`): the cached spectra are then the strips'.
    :meth:`match_many` scores a list of templates at once.

    What the matcher caches lives in scratch memory (:mod:`sigconv._workspace`) that goes back
    to a pool for later matchers when this one is collected; the arrays it returns are the
    caller's own.  ``x`` is read when a template first needs it: do not change it while the
    matcher is in use.

    Parameters
    ----------
    x : array_like
        The signal or image (real).
    mode : {'valid', 'same'}
        As in :func:`match_template`.
    axes : tuple of int, optional
        Axes of ``x`` the templates slide over (default: the last ``template.ndim``).
    workers : int, optional
        Threads (None: every core).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.match import Matcher
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(1000)
    >>> m = Matcher(x)
    >>> [int(np.argmax(m.match(x[s:s + 50]))) for s in (100, 600)]
    [100, 600]
    """

    def __init__(self, x: ArrayLike, *, mode: Literal["valid", "same"] = "valid",
                 axes: Sequence[int] | None = None, workers: int | None = None) -> None:
        self._x = _real_array("x", x)
        self.mode = check_option("mode", mode, MODES)
        self._axes = axes
        self._workers = resolve_workers(workers)   # validates `workers` too
        self._prepared: dict = {}
        self._spectra: dict = {}
        self._sums: dict = {}
        self._derived: dict = {}   # signal-side arrays of the masked scores (sigconv.match.masked)
        self._fused_shapes: dict = {}   # template shapes scored one at a time, per signal layout
        # what the matcher caches comes from the scratch pool and goes back to it when the
        # matcher is collected (or when a one_call block ends); results are never scratch
        self._scratch = _workspace.Scratch()
        weakref.finalize(self, self._scratch.release)
        self._one_call = False   # set by one_call: nothing is kept for later templates

    def _empty(self, shape, dtype) -> np.ndarray:
        """An array cached on the matcher (scratch memory, see :mod:`sigconv._workspace`)."""
        return self._scratch.empty(shape, dtype)

    # -- helpers keyed by what they depend on
    def _signal(self, axes, pads, centred, dtype):
        key = (axes, pads, centred, dtype.str)
        if key not in self._prepared:
            xm = np.moveaxis(self._x, axes, tuple(range(-len(axes), 0)))
            batch = xm.shape[:-len(axes)]
            xm = xm.reshape((-1,) + xm.shape[-len(axes):]).astype(dtype, copy=False)
            prep = _prepare(xm, centred, self._workers, self._empty)
            if any(p != (0, 0) for p in pads):
                prep = _pad_prepared(prep, pads, self._empty)
            self._prepared[key] = (prep, batch)
        return self._prepared[key]

    def _stats(self, key, prep: _Prepared, tshape):
        key = key + (tshape,)
        if key not in self._sums:
            s1, s2 = _window_sums(prep.xc, tshape, self._workers, empty=self._empty)
            bad = None
            if prep.bad is not None:
                bad, _ = _window_sums(prep.bad, tshape, self._workers, squares=False, empty=self._empty)
            self._sums[key] = (s1, s2, bad)
        return self._sums[key]

    def _fft_correlation(self, key, xc: np.ndarray, t: np.ndarray, tspec: np.ndarray | None = None):
        """Correlation through the signal's cached spectrum; ``tspec`` (optional) is
        :meth:`_kernel_spectrum` of ``t``, for a kernel used against several signals."""
        nd = t.ndim - 1
        axes = tuple(range(-nd, 0))
        fshape = _spectrum_shape(xc.shape[-nd:])
        skey = key + (fshape,)
        if skey not in self._spectra:
            self._spectra[skey] = sfft.rfftn(xc, fshape, axes=axes, workers=self._workers)
        spec = self._spectra[skey]
        if tspec is None:
            tspec = self._kernel_spectrum(t, fshape)
            if tspec.shape == spec.shape:
                np.multiply(tspec, spec, out=tspec)
            else:
                tspec = tspec * spec
        else:   # a kernel spectrum shared with other correlations: a new product
            tspec = tspec * spec
        y = sfft.irfftn(tspec, fshape, axes=axes, workers=self._workers, overwrite_x=True)
        # correlation = convolution with the flipped template; valid outputs start at m - 1
        return y, tuple(m - 1 for m in t.shape[1:])

    def _inverse_std(self, key, prep: _Prepared, tshape, tol) -> np.ndarray:
        """``1 / sqrt(s2 - s1**2 / m)`` of each window (0 where the window is constant, as
        the zncc of ``sliding._score_one``), in the signal's dtype, cached per template shape:
        the fused window sums of :meth:`_fused_scores` (no float64 sum arrays), code ``FACTOR``."""
        ikey = key + ("inverse-std", tshape)
        if ikey not in self._derived:
            self._derived[ikey] = self._fused_scores(_k.FACTOR, prep.xc, prep.xc, (0, 0), tshape, np.ones(1), tol,
                                                     0.0, self._empty)
        return self._derived[ikey]

    def _strip_correlation(self, key, xc: np.ndarray, t: np.ndarray, tile, scale=None,
                           rows_only: bool = False) -> np.ndarray:
        """'valid' 2D correlation ``(B, *S_out)`` of ``xc`` with ``t`` ``(1 or B, mh, mw)``
        by overlap-save over strips of ``tile`` rows (:mod:`sigconv.match.strips`), strips on
        threads: the strips' spectra are cached, each template costs a kernel spectrum of the
        strip's size and, per strip, a product and the inverse transform of its valid rows,
        into buffers reused from template to template.  With ``scale`` (an array of the
        output's shape) it returns ``clip(corr * scale, -1, 1)`` (zncc), scaled and clipped in
        the strip's buffer, in cache.  With ``rows_only`` it returns the valid rows at the
        transform's width ``(B, Ho, W')``, the valid columns from ``mw - 1`` on (written by
        the inverse transforms directly, for the fused scoring kernel)."""
        oh, step = xc.shape[1] - t.shape[1] + 1, tile[0] - t.shape[1] + 1
        with _workspace.scratch() as ws:
            kspecs = []   # the template's spectrum: a task beside the strips' transforms
            (spectra,) = strips.strip_spectra(self._derived, [(key + ("x", False), xc, None, False)], tile, step,
                                              oh, self._workers, self._empty,
                                              extra=[lambda fw: kspecs.append(strips.kernel_spectrum(t, tile, ws, fw))])
            return self._strip_inverses(key, spectra, kspecs[0], xc, t.shape[1:], tile, scale, rows_only)

    def _strip_inverses(self, key, spectra, kspec, xc, tshape, tile, scale, rows_only) -> np.ndarray:
        """The inverse transforms and outputs of :meth:`_strip_correlation`."""
        mh, mw = tshape
        oh, ow = xc.shape[1] - mh + 1, xc.shape[2] - mw + 1
        step = tile[0] - mh + 1
        n_strips = -(-oh // step)
        slots = strips.slots_for(n_strips, self._workers)
        shape = np.broadcast_shapes(spectra.shape[1:], kspec.shape)
        bkey = key + ("strip-buffers", tile, (mh, mw), shape[0], slots, rows_only)
        if bkey not in self._derived:
            self._derived[bkey] = [(self._empty(shape, spectra.dtype),
                                    None if rows_only else self._empty((shape[0], step, tile[1]), xc.dtype))
                                   for _ in range(slots)]
        buffers = self._derived[bkey]
        # the valid rows at the transform's width only feed the fused scores; the scaled
        # scores are the result
        empty = self._empty if rows_only else np.empty
        num = empty((shape[0], oh, tile[1] if rows_only else ow), xc.dtype)

        def body(i, slot, fw):
            r0 = i * step
            nr = min(step, oh - r0)
            prod, y = buffers[slot]
            if rows_only:
                strips.inverse_rows(spectra[i], kspec, tile, mh - 1, nr, prod, num[:, r0:r0 + nr], fw)
                return
            y = strips.inverse_rows(spectra[i], kspec, tile, mh - 1, nr, prod, y, fw)
            rows = num[:, r0:r0 + nr]
            if scale is None:
                rows[...] = y[..., mw - 1:mw - 1 + ow]
            else:
                _zf.scale_clip(y, mw - 1, scale[:, r0:r0 + nr], rows)

        strips.for_each(n_strips, self._workers, body)
        return num

    def _kernel_spectrum(self, t: np.ndarray, fshape: tuple[int, ...]) -> np.ndarray:
        """Spectrum of the flipped ``t`` ``(1 or B, *shape)``: correlating = convolving with it."""
        flip = (Ellipsis,) + tuple(slice(None, None, -1) for _ in fshape)
        return _template_spectrum(t[flip], fshape, self._workers)

    def _method(self, xc: np.ndarray, tk: np.ndarray, nd: int, method: str) -> str:
        """The concrete method for ``method='auto'``: the cached FFT for 2D templates of
        ``_FFT_TAPS_2D`` taps or more and for 3D, else the convolution engine's choice."""
        from sigconv.convolve import choose_method

        if method != "auto":
            return method
        if nd == 3 or (nd == 2 and tk.shape[-1] * tk.shape[-2] >= _FFT_TAPS_2D):
            return "fft"   # the cached signal spectrum: one transform per template, none per signal
        kw = {"axis": -1} if nd == 1 else {"axes": (-2, -1)}
        return choose_method(xc, tk, "valid", workers=self._workers, **kw)

    def _correlation(self, key, xc: np.ndarray, t: np.ndarray, method: str) -> np.ndarray:
        """Sliding dot product, 'valid' over the last ``t.ndim - 1`` axes; ``t`` is ``(1 or B, *shape)``.

        Returns ``(y, offsets)``: the valid outputs are ``y[..., o0:o0 + n0, o1:o1 + n1]`` (an
        FFT result is returned whole, so the scoring kernel reads it without a copy).
        """
        from sigconv.convolve import correlate, correlate2d

        nd = t.ndim - 1
        tk = t[0] if t.shape[0] == 1 else t
        method = self._method(xc, tk, nd, method)
        if method == "fft":
            return self._fft_correlation(key, xc, t)
        if nd == 1:
            return correlate(xc, tk, "valid", method=method, workers=self._workers), (0,)
        if nd == 2:
            return correlate2d(xc, tk, "valid", method=method, workers=self._workers), (0, 0)
        import scipy.signal

        return scipy.signal.correlate(xc, t, mode="valid", method="direct"), (0, 0, 0)

    def match(self, template: ArrayLike, *, score: Score = "zncc",
              method: Literal["auto", "direct", "fft", "overlap-add"] = "auto", mask: ArrayLike | None = None,
              nan_policy: Literal["propagate", "omit"] = "propagate") -> np.ndarray:
        """Score ``template`` at every placement; see :func:`match_template`."""
        return self._scratch.keep(self._match(template, score, method, mask, nan_policy, fuse=True))

    def match_many(self, templates, *, score: Score = "zncc", mask=None,
                   nan_policy: Literal["propagate", "omit"] = "propagate",
                   method: Literal["auto", "direct", "fft", "overlap-add"] = "auto") -> list[np.ndarray]:
        """Score several templates against the signal's one transform.

        Each result equals ``match_template(x, templates[i], mask=masks[i], ...)`` (to
        rounding); what depends only on the signal is computed once: its centred copy and
        spectra, and, for templates sharing a shape (and a mask), the window statistics, so a
        template costs one kernel spectrum, one inverse transform and one O(N) scoring pass.

        Parameters
        ----------
        templates : sequence of array_like, or ndarray
            The templates (of one shape or several); an ndarray is a stack along its first axis.
        score, nan_policy, method : optional
            As in :func:`match_template`, for every template.
        mask : array_like of bool, or list, optional
            None, one mask for every template (templates of one shape), or a list with one mask
            (or None) per template.

        Returns
        -------
        list of ndarray
            The score maps, in the order of ``templates``.

        Examples
        --------
        >>> import numpy as np
        >>> from sigconv.match import Matcher
        >>> image = np.random.default_rng(0).standard_normal((120, 130))
        >>> parts = [image[10:26, 20:36], image[70:86, 5:21], image[40:52, 90:110]]
        >>> maps = Matcher(image).match_many(parts)
        >>> [tuple(int(i) for i in np.unravel_index(np.argmax(s), s.shape)) for s in maps]
        [(10, 20), (70, 5), (40, 90)]
        """
        ts = _template_list(templates)
        masks = _mask_list(mask, ts)
        shapes = [np.shape(t) for t in ts]
        return [self._scratch.keep(self._match(t, score, method, w, nan_policy, fuse=shapes.count(np.shape(t)) == 1))
                for t, w in zip(ts, masks, strict=True)]

    def _match(self, template, score, method, mask, nan_policy, fuse: bool) -> np.ndarray:
        """:meth:`match`; ``fuse=False`` keeps the window sums of a finite signal for later
        templates of the same shape (:meth:`match_many`) instead of the one-pass fused kernel."""
        score = check_option("score", score, SCORES)
        method = check_option("method", method, METHODS)
        omit = check_nan_policy(nan_policy)
        t = _real_array("template", template)
        axes = _template_axes(self._x, t, self._axes)
        w = check_mask(mask, t.shape)
        _check_template(t, score if w is None else "sqdiff")
        if w is not None:
            check_masked_template(t, w, score)
            if w.all():
                w = None
        dtype = float_dtype(self._x, t)
        tshape = t.shape
        sizes = tuple(self._x.shape[a] for a in axes)
        for a, n, m in zip(axes, sizes, tshape, strict=True):
            if m > n:  # refused in both modes, as skimage's match_template (pad_input or not)
                raise ValueError(f"`template` is larger than `x` along axis {a} ({m} > {n}); "
                                 "use a template no larger than the signal")
        if self.mode == "valid":
            pads = tuple((0, 0) for _ in tshape)
        else:
            pads = tuple((m // 2, (m - 1) // 2) for m in tshape)
        centred = score in _CENTRED
        key = (axes, pads, centred, dtype.str)
        prep, batch = self._signal(axes, pads, centred, dtype)
        if w is not None or (omit and (prep.bad is not None or self.mode == "same")):
            out = masked_scores(self, key, prep, pads, t, w, score, omit, method)
            return self._arrange(out, batch, axes)
        t_used, t2 = _prepared_template(t, score, prep.centre)
        m = int(np.prod(tshape))
        tol = _tolerance(tshape)
        floor = tol * prep.absmax ** 2 * m if score == "ncc" else 0.0
        fused = fuse and prep.bad is None and len(tshape) <= 2
        tile = None
        # strips for one template shape at a time; once a matcher has seen several, the
        # whole-signal spectrum, which serves every template size with one transform
        seen = self._fused_shapes.setdefault(key, set())
        if fused:
            seen.add(tshape)
        lone = not fused or len(seen) == 1
        if lone and (fused or not fuse) and len(tshape) == 2 and self._method(prep.xc, t_used[0], 2, method) == "fft":
            # per strip: its forward and inverse transforms (match_many: about one inverse, the
            # forward ones are shared), and one kernel spectrum per template
            tile = strips.tile_shape(prep.xc.shape[1:], tshape, _spectrum_shape(prep.xc.shape[1:]),
                                     self._workers, per_strip=2.0 if fuse else 1.2, kernels=1)
        if tile is not None and fused:   # one template: the correlation's valid rows, fused scores
            num = self._strip_correlation(key, prep.xc, t_used.astype(dtype), tile, rows_only=True)
            out = self._fused_scores(_CODES[score], prep.xc, num, (0, tshape[1] - 1), tshape, t2, tol, floor)
            return self._arrange(out, batch, axes)
        if tile is not None:   # match_many: strips of the cached signal, reused buffers
            if score == "zncc" and prep.bad is None:
                # zncc = corr(x, t / sqrt(t2)) * (1 / sqrt(window variance)): the window factor is
                # shared by every template of this shape, the scores are a product per strip
                inv = self._inverse_std(key, prep, tshape, tol)
                out = self._strip_correlation(key, prep.xc, (t_used / np.sqrt(float(t2[0]))).astype(dtype),
                                              tile, scale=inv)
            else:
                num = self._strip_correlation(key, prep.xc, t_used.astype(dtype), tile)
                out = self._combined_scores(key, score, prep, num, tshape, t2, tol, floor)
            return self._arrange(out, batch, axes)
        num, offsets = self._correlation(key, prep.xc, t_used.astype(dtype), method)
        if fused:
            out = self._fused_scores(_CODES[score], prep.xc, num, offsets, tshape, t2, tol, floor)
        else:
            sizes = zip(offsets, prep.xc.shape[1:], tshape, strict=True)
            valid = tuple(slice(o, o + n - k + 1) for o, n, k in sizes)
            out = self._combined_scores(key, score, prep, num[(Ellipsis,) + valid], tshape, t2, tol, floor)
        return self._arrange(out, batch, axes)

    @staticmethod
    def _arrange(out: np.ndarray, batch: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
        """Scores ``(B, *S_out)`` back in the layout of ``x``: batch axes in place."""
        out = out.reshape(batch + out.shape[1:])
        out = np.moveaxis(out, tuple(range(-len(axes), 0)), axes)
        return np.ascontiguousarray(out)

    def _fused_scores(self, code, xc, num, offsets, tshape, t2, tol, floor, empty=np.empty) -> np.ndarray:
        """Scores of a finite signal, 1D or 2D template: window sums and scores in one kernel
        (``code``: a score code of ``sliding``, or ``FACTOR``), in an array from
        ``empty(shape, dtype)``."""
        mh, mw = (1,) + tshape if len(tshape) == 1 else tshape
        bsz = xc.shape[0]
        x3 = xc.reshape(bsz, -1, xc.shape[-1])
        out_shape = (bsz,) + tuple(n - k + 1 for n, k in zip(xc.shape[1:], tshape, strict=True))
        r0, c0 = (0,) + offsets if len(offsets) == 1 else offsets
        if num.shape[0] != bsz:
            num = np.broadcast_to(num, (bsz,) + num.shape[1:])
        num3 = np.ascontiguousarray(num).reshape(bsz, -1, num.shape[-1])
        out = empty((bsz, int(np.prod(out_shape[1:-1])), out_shape[-1]), xc.dtype)
        t2b = np.ascontiguousarray(np.broadcast_to(np.asarray(t2, dtype=np.float64), (bsz,)))
        strip = max(4 * mh, 64)
        chunk = max(4 * mw, 1024)
        kern = _kernel((_k.scores_2d_serial, _k.scores_2d_parallel), self._workers)
        with threads(self._workers):
            kern(code, x3, num3, r0, c0, mh, mw, strip, chunk, t2b, tol, floor, out)
        return out.reshape(out_shape)

    def _combined_scores(self, key, score, prep, num, tshape, t2, tol, floor) -> np.ndarray:
        """Scores from cached window sums (signals with NaN/inf, 3D templates)."""
        s1, s2, bad = self._stats(key, prep, tshape)
        out = np.empty(s1.shape, dtype=prep.xc.dtype)
        m = int(np.prod(tshape))
        empty = np.empty(0)
        comb = _kernel((_k.combine_serial, _k.combine_parallel), self._workers)
        with threads(self._workers):
            for i in range(s1.shape[0]):
                comb(_CODES[score], np.ascontiguousarray(num[i if num.shape[0] > 1 else 0]).reshape(-1),
                     s1[i].reshape(-1), s2[i].reshape(-1),
                     empty if bad is None else bad[i].reshape(-1),
                     m, float(t2[i if t2.shape[0] > 1 else 0]), tol, floor, out[i].reshape(-1))
        return out

    def locate(self, template: ArrayLike, *, threshold: float | None = 0.8, min_distance: int | None = None,
               max_matches: int | None = None, score: Score = "zncc", mask: ArrayLike | None = None,
               nan_policy: Literal["propagate", "omit"] = "propagate", subpixel: bool = False) -> Peaks:
        """Peaks of :meth:`match`; see :func:`locate`."""
        t = _real_array("template", template)
        _check_threshold(threshold)   # the cheap argument checks before the scoring (and its compilation)
        if min_distance is not None:
            check_int("min_distance", min_distance, minimum=1)
        if max_matches is not None:
            check_int("max_matches", max_matches, minimum=1)
        scores = self.match(t, score=score, mask=mask, nan_policy=nan_policy)
        return _peaks_of(scores, t.shape, score, threshold, min_distance, max_matches, subpixel)


@contextlib.contextmanager
def one_call(x: ArrayLike, **options) -> Iterator[Matcher]:
    """``Matcher(x, **options)`` for the calls inside the ``with`` block, which keeps nothing
    for later templates (a masked template's strips are transformed, correlated and scored in
    one pass); what it caches goes back to the scratch pool when the block ends, for the next
    call to reuse (:mod:`sigconv._workspace`)."""
    matcher = Matcher(x, **options)
    matcher._one_call = True
    try:
        yield matcher
    finally:
        matcher._scratch.release()


def _template_list(templates) -> list[np.ndarray]:
    if isinstance(templates, np.ndarray):
        if templates.ndim < 2:
            raise ValueError(f"`templates` as an array must stack templates along its first axis; "
                             f"got shape {templates.shape}")
        return [_real_array("templates", t) for t in templates]
    if not isinstance(templates, Sequence) or isinstance(templates, (str, bytes)):
        raise TypeError(f"`templates` must be a list of arrays or an array stacking them; "
                        f"got {type(templates).__name__}")
    if len(templates) == 0:
        raise ValueError("`templates` must not be empty")
    return [_real_array(f"templates[{i}]", t) for i, t in enumerate(templates)]


def _mask_list(mask, ts: list[np.ndarray]) -> list:
    """One mask per template: ``mask`` is None, one mask, or a list of masks (or None) with
    one item per template, each None or of its template's number of dimensions."""
    if mask is None:
        return [None] * len(ts)
    if isinstance(mask, (list, tuple)) and all(w is None or np.ndim(w) == t.ndim
                                               for w, t in zip(mask, ts, strict=False)):
        if len(mask) != len(ts):
            raise ValueError(f"`mask` as a list needs one mask (or None) per template ({len(ts)}); "
                             f"got {len(mask)}")
        return list(mask)
    shapes = {t.shape for t in ts}
    if len(shapes) > 1:
        raise ValueError(f"one `mask` needs templates of one shape; got shapes {sorted(shapes)}; "
                         "pass a list with one mask per template")
    return [mask] * len(ts)


def _prepared_template(t: np.ndarray, score: str, centre: np.ndarray):
    """The template the correlation uses, ``(1 or B, *shape)`` float64, and its sum of squares per row."""
    t64 = t.astype(np.float64)
    if score in ("zncc", "zdist"):
        tz = t64 - t64.mean()
        return tz[None], np.array([np.sum(tz * tz)])
    if score in ("ncc", "ccorr"):
        return t64[None], np.array([np.sum(t64 * t64)])
    # sqdiff: sum((xc - (t - c))**2) with the template shifted by each batch item's centre
    shifted = t64[None] - centre.astype(np.float64).reshape((-1,) + (1,) * t.ndim)
    return shifted, np.sum(shifted * shifted, axis=tuple(range(1, t.ndim + 1)))
