"""Template matching: normalised cross-correlation scores, peak finding and locating matches.

``match_template`` slides a 1D, 2D or 3D template over the last ``template.ndim`` axes of a
signal (or the ``axes`` given) and scores every placement; ``find_peaks`` is non-maximum
suppression on 1D or 2D score maps; ``locate`` chains the two.  :class:`Matcher` holds one
signal and matches several templates against it, reusing the signal's centred copy, its
Fourier transform and its window statistics between templates.

How a score is computed (a pipeline of small helpers):

1. ``_prepare``: the signal is moved to ``(batch, *matched)`` layout, centred by the mean of
   its finite samples per batch item (so a DC offset does not enter any sum), its non-finite
   samples are set to 0 and remembered; ``_pad_prepared`` then zero-pads it for
   ``mode='same'`` (as skimage's ``pad_input=True``; padding after centring keeps the centre
   the mean of the data).
2. ``_correlation``: the sliding dot product of the centred signal with the prepared template,
   through the convolution engine (``method`` by cost) or, for 2D templates of 100 taps or
   more and for 3D, the signal's cached spectrum.
3. Scores: for a finite signal and a 1D/2D template, ``_fused_scores`` runs one O(N) kernel
   (``sigconv._kernels.sliding.scores_2d``) that slides float64 column and row sums of the
   centred samples and their squares (re-anchored by a direct sum every strip/chunk, so
   rounding does not accumulate along the signal) and writes each score from them and from 2.
   Otherwise ``_window_sums`` (cached per template shape) and ``_combine`` do the same in two
   steps, with a third window sum counting non-finite samples: windows that cover one score
   NaN (zdist: inf).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Sequence
from typing import Literal

import numpy as np
import scipy.fft as sfft
from numpy.typing import ArrayLike

from sigconv._dispatch import dask_aware
from sigconv._jit import resolve_workers, threads
from sigconv._kernels import sliding as _k
from sigconv._validate import as_array, check_axes, check_int, check_option, float_dtype

SCORES = ("zncc", "ncc", "ccorr", "sqdiff", "zdist")
MODES = ("valid", "same")
METHODS = ("auto", "direct", "fft", "overlap-add")
_CODES = {"zncc": _k.ZNCC, "ncc": _k.NCC, "ccorr": _k.CCORR, "sqdiff": _k.SQDIFF, "zdist": _k.ZDIST}
#: scores for which small is good (``locate`` looks for minima)
MINIMISED = ("sqdiff", "zdist")
#: scores computed from the signal centred by its mean (the others need raw magnitudes)
_CENTRED = ("zncc", "zdist", "sqdiff")

Score = Literal["zncc", "ncc", "ccorr", "sqdiff", "zdist"]


# ----------------------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Peaks:
    """Peaks found in a score map, best first.

    Attributes
    ----------
    positions : ndarray of int64, shape (k, ndim)
        Index of each peak in the score map (for ``match_template(mode='valid')`` scores: the
        first sample of the matching window).
    scores : ndarray, shape (k,)
        The score at each peak, in the score map's dtype, sorted best first.
    """

    positions: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    def __repr__(self) -> str:
        pairs = zip(self.positions[:6], self.scores[:6], strict=True)
        items = [f"{tuple(int(v) for v in p)}: {s:.4g}" for p, s in pairs]
        more = ", ..." if len(self) > 6 else ""
        return f"Peaks({len(self)} peak{'s' if len(self) != 1 else ''}: {{{', '.join(items)}{more}}})"


# ----------------------------------------------------------------------------- validation


def _real_array(name: str, value) -> np.ndarray:
    arr = as_array(name, value, allow_complex=False)
    return arr


def _template_axes(x: np.ndarray, t: np.ndarray, axes) -> tuple[int, ...]:
    if not 1 <= t.ndim <= 3:
        raise ValueError(f"`template` must have 1, 2 or 3 dimensions; got shape {t.shape}")
    if x.ndim < t.ndim:
        raise ValueError(
            f"`template` has {t.ndim} dimensions but `x` has only {x.ndim}; "
            f"got shapes {t.shape} and {x.shape}")
    if axes is None:
        return tuple(range(x.ndim - t.ndim, x.ndim))
    return check_axes("axes", axes, x.ndim, t.ndim)


def _check_template(t: np.ndarray, score: str) -> None:
    if not np.all(np.isfinite(t)):
        raise ValueError("`template` must be finite; it holds NaN or inf")
    if score in ("zncc", "zdist") and np.ptp(t) == 0:
        raise ValueError(f"`template` is constant, so its {score!r} score is undefined "
                         "(it has no variance); use score='sqdiff' or 'ccorr'")
    if score == "ncc" and not np.any(t):
        raise ValueError("`template` is all zeros, so its 'ncc' score is undefined; use score='sqdiff'")


# ----------------------------------------------------------------------------- pipeline


@dataclasses.dataclass
class _Prepared:
    xc: np.ndarray           # (B, *S) centred, finite, in the computation dtype
    centre: np.ndarray       # (B,) in the computation dtype
    bad: np.ndarray | None   # (B, *S) float64 1.0 where x was not finite, or None
    _absmax: float | None = None

    @property
    def absmax(self) -> float:
        """Largest ``|xc|`` (computed on first use: only 'ncc' needs it)."""
        if self._absmax is None:
            self._absmax = float(np.max(np.abs(self.xc))) if self.xc.size else 0.0
        return self._absmax


def _block(m: int) -> int:
    """Outputs per anchored run of the window sums (see ``sigconv._kernels.sliding``)."""
    return max(4 * m, 1024)


def _kernel(pair, workers: int):
    return pair[1] if workers > 1 else pair[0]


def _finite_means(flat: np.ndarray, workers: int) -> np.ndarray:
    """Mean of the finite samples of each row of ``flat`` (B, S), float64."""
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: handled below
        centre = flat.mean(axis=1, dtype=np.float64)  # numpy's pairwise sum: fast, accurate
    rows = np.flatnonzero(~np.isfinite(centre))
    if rows.size:  # rows holding NaN or inf: average their finite samples only
        fixed = np.zeros(rows.size)
        with threads(workers):
            _kernel((_k.finite_mean_serial, _k.finite_mean_parallel), workers)(
                np.ascontiguousarray(flat[rows]), fixed)
        centre[rows] = fixed
    return centre


def _prepare(xm: np.ndarray, centred: bool, workers: int) -> _Prepared:
    """Centre ``xm`` (batch first, matched axes last) and zero its non-finite samples."""
    b = xm.shape[0]
    flat = np.ascontiguousarray(xm.reshape(b, -1))
    centre = _finite_means(flat, workers) if centred else np.zeros(b)
    centre = centre.astype(xm.dtype)
    out = np.empty_like(flat)
    with threads(workers):
        n_bad = _kernel((_k.centre_serial, _k.centre_parallel), workers)(flat, centre, out)
    bad = None
    if n_bad:
        bad = (~np.isfinite(xm)).astype(np.float64)
    return _Prepared(out.reshape(xm.shape), centre, bad)


def _pad_prepared(prep: _Prepared, pads) -> _Prepared:
    """Zero-pad (in the signal's own coordinates) a prepared signal for mode='same'.

    Padding after centring keeps the centre the mean of the data itself, so a DC offset still
    cancels in every window that lies in the data; the padding holds ``-centre``.
    """
    xc = prep.xc
    shape = (xc.shape[0],) + tuple(n + lo + hi for n, (lo, hi) in zip(xc.shape[1:], pads, strict=True))
    out = np.empty(shape, dtype=xc.dtype)
    out[...] = (-prep.centre).reshape((-1,) + (1,) * (xc.ndim - 1))
    inner = (slice(None),) + tuple(slice(lo, lo + n) for n, (lo, _) in zip(xc.shape[1:], pads, strict=True))
    out[inner] = xc
    bad = None if prep.bad is None else np.pad(prep.bad, ((0, 0),) + tuple(pads))
    return _Prepared(out, prep.centre, bad)


def _window_sums(a: np.ndarray, tshape: tuple[int, ...], workers: int, squares: bool = True):
    """Sums of ``a`` (and ``a**2``) over every window of shape ``tshape`` on the last axes.

    ``a`` is ``(B, *S)``; returns float64 ``(B, *S_out)`` arrays (``s2`` is None when
    ``squares`` is False).  The last axis is summed first (reading ``a`` in its own dtype),
    then each earlier matched axis, each pass an O(N) anchored running sum; both sums travel
    together through the later passes (one kernel call per axis).
    """
    nd = len(tshape)
    shape = list(a.shape)
    rows = int(np.prod(shape[:-1]))
    m = tshape[-1]
    n_out = shape[-1] - m + 1
    both = np.empty((2, rows, n_out))
    first = _kernel((_k.first_pass_serial, _k.first_pass_parallel), workers)
    middle = _kernel((_k.middle_pass_serial, _k.middle_pass_parallel), workers)
    with threads(workers):
        first(np.ascontiguousarray(a).reshape(rows, shape[-1]), m, _block(m), both[0], both[1])
        shape[-1] = n_out
        sums = both if squares else both[:1]
        k = sums.shape[0]
        for axis in range(a.ndim - 2, a.ndim - 1 - nd, -1):
            mk = tshape[axis - (a.ndim - nd)]
            outer = k * int(np.prod(shape[:axis]))
            inner = int(np.prod(shape[axis + 1:]))
            new_len = shape[axis] - mk + 1
            out = np.empty((outer, new_len, inner))
            middle(sums.reshape(outer, shape[axis], inner), mk, _block(mk), 256, out)
            sums = out
            shape[axis] = new_len
    sums = sums.reshape((k,) + tuple(shape))
    return sums[0], (sums[1] if squares else None)


def _tolerance(tshape: tuple[int, ...]) -> float:
    """Relative size of the rounding error of a window's centred sum of squares.

    Each pass of the window sums contributes about ``(m + block) * eps64``; windows whose
    variance times ``m`` falls below ``tol * sum of squares`` are treated as constant.
    """
    return 16.0 * np.finfo(np.float64).eps * sum(m + _block(m) for m in tshape)


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


def _spectrum_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    # a circular correlation of length >= N leaves every 'valid' output free of wrap-around
    return tuple(sfft.next_fast_len(n, real=True) for n in shape)


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
    templates of one shape.

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

    # -- helpers keyed by what they depend on
    def _signal(self, axes, pads, centred, dtype):
        key = (axes, pads, centred, dtype.str)
        if key not in self._prepared:
            xm = np.moveaxis(self._x, axes, tuple(range(-len(axes), 0)))
            batch = xm.shape[:-len(axes)]
            xm = xm.reshape((-1,) + xm.shape[-len(axes):]).astype(dtype, copy=False)
            prep = _prepare(xm, centred, self._workers)
            if any(p != (0, 0) for p in pads):
                prep = _pad_prepared(prep, pads)
            self._prepared[key] = (prep, batch)
        return self._prepared[key]

    def _stats(self, key, prep: _Prepared, tshape):
        key = key + (tshape,)
        if key not in self._sums:
            s1, s2 = _window_sums(prep.xc, tshape, self._workers)
            bad = None
            if prep.bad is not None:
                bad, _ = _window_sums(prep.bad, tshape, self._workers, squares=False)
            self._sums[key] = (s1, s2, bad)
        return self._sums[key]

    def _fft_correlation(self, key, xc: np.ndarray, t: np.ndarray) -> np.ndarray:
        nd = t.ndim - 1
        axes = tuple(range(-nd, 0))
        fshape = _spectrum_shape(xc.shape[-nd:])
        skey = key + (fshape,)
        if skey not in self._spectra:
            self._spectra[skey] = sfft.rfftn(xc, fshape, axes=axes, workers=self._workers)
        spec = self._spectra[skey]
        tspec = _template_spectrum(t[(Ellipsis,) + tuple(slice(None, None, -1) for _ in range(nd))],
                                   fshape, self._workers)
        if tspec.shape == spec.shape:
            np.multiply(tspec, spec, out=tspec)
        else:
            tspec = tspec * spec
        y = sfft.irfftn(tspec, fshape, axes=axes, workers=self._workers, overwrite_x=True)
        # correlation = convolution with the flipped template; valid outputs start at m - 1
        return y, tuple(m - 1 for m in t.shape[1:])

    def _correlation(self, key, xc: np.ndarray, t: np.ndarray, method: str) -> np.ndarray:
        """Sliding dot product, 'valid' over the last ``t.ndim - 1`` axes; ``t`` is ``(1 or B, *shape)``.

        Returns ``(y, offsets)``: the valid outputs are ``y[..., o0:o0 + n0, o1:o1 + n1]`` (an
        FFT result is returned whole, so the scoring kernel reads it without a copy).
        """
        from sigconv.convolve import choose_method, correlate, correlate2d

        nd = t.ndim - 1
        tk = t[0] if t.shape[0] == 1 else t
        if method == "auto":
            if nd == 3 or (nd == 2 and tk.shape[-1] * tk.shape[-2] >= _FFT_TAPS_2D):
                # the cached signal spectrum: one transform per template, none per signal
                method = "fft"
            else:
                kw = {"axis": -1} if nd == 1 else {"axes": (-2, -1)}
                method = choose_method(xc, tk, "valid", workers=self._workers, **kw)
        if method == "fft":
            return self._fft_correlation(key, xc, t)
        if nd == 1:
            return correlate(xc, tk, "valid", method=method, workers=self._workers), (0,)
        if nd == 2:
            return correlate2d(xc, tk, "valid", method=method, workers=self._workers), (0, 0)
        import scipy.signal

        return scipy.signal.correlate(xc, t, mode="valid", method="direct"), (0, 0, 0)

    def match(self, template: ArrayLike, *, score: Score = "zncc",
              method: Literal["auto", "direct", "fft", "overlap-add"] = "auto") -> np.ndarray:
        """Score ``template`` at every placement; see :func:`match_template`."""
        score = check_option("score", score, SCORES)
        method = check_option("method", method, METHODS)
        t = _real_array("template", template)
        axes = _template_axes(self._x, t, self._axes)
        _check_template(t, score)
        dtype = float_dtype(self._x, t)
        tshape = t.shape
        sizes = tuple(self._x.shape[a] for a in axes)
        if self.mode == "valid":
            for a, n, m in zip(axes, sizes, tshape, strict=True):
                if m > n:
                    raise ValueError(
                        f"`template` is larger than `x` along axis {a} ({m} > {n}) with mode='valid'; "
                        "use mode='same' or a smaller template")
            pads = tuple((0, 0) for _ in tshape)
        else:
            pads = tuple((m // 2, (m - 1) // 2) for m in tshape)
        centred = score in _CENTRED
        key = (axes, pads, centred, dtype.str)
        prep, batch = self._signal(axes, pads, centred, dtype)
        t_used, t2 = _prepared_template(t, score, prep.centre)
        num, offsets = self._correlation(key, prep.xc, t_used.astype(dtype), method)
        m = int(np.prod(tshape))
        tol = _tolerance(tshape)
        floor = tol * prep.absmax ** 2 * m if score == "ncc" else 0.0
        if prep.bad is None and len(tshape) <= 2:
            out = self._fused_scores(score, prep.xc, num, offsets, tshape, t2, tol, floor)
        else:
            sizes = zip(offsets, prep.xc.shape[1:], tshape, strict=True)
            valid = tuple(slice(o, o + n - k + 1) for o, n, k in sizes)
            out = self._combined_scores(key, score, prep, num[(Ellipsis,) + valid], tshape, t2, tol, floor)
        out = out.reshape(batch + out.shape[1:])
        out = np.moveaxis(out, tuple(range(-len(axes), 0)), axes)
        return np.ascontiguousarray(out)

    def _fused_scores(self, score, xc, num, offsets, tshape, t2, tol, floor) -> np.ndarray:
        """Scores of a finite signal, 1D or 2D template: window sums and scores in one kernel."""
        mh, mw = (1,) + tshape if len(tshape) == 1 else tshape
        bsz = xc.shape[0]
        x3 = xc.reshape(bsz, -1, xc.shape[-1])
        out_shape = (bsz,) + tuple(n - k + 1 for n, k in zip(xc.shape[1:], tshape, strict=True))
        r0, c0 = (0,) + offsets if len(offsets) == 1 else offsets
        if num.shape[0] != bsz:
            num = np.broadcast_to(num, (bsz,) + num.shape[1:])
        num3 = np.ascontiguousarray(num).reshape(bsz, -1, num.shape[-1])
        out = np.empty((bsz, int(np.prod(out_shape[1:-1])), out_shape[-1]), dtype=xc.dtype)
        t2b = np.ascontiguousarray(np.broadcast_to(np.asarray(t2, dtype=np.float64), (bsz,)))
        strip = max(4 * mh, 64)
        chunk = max(4 * mw, 1024)
        kern = _kernel((_k.scores_2d_serial, _k.scores_2d_parallel), self._workers)
        with threads(self._workers):
            kern(_CODES[score], x3, num3, r0, c0, mh, mw, strip, chunk, t2b, tol, floor, out)
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
               max_matches: int | None = None, score: Score = "zncc") -> Peaks:
        """Peaks of :meth:`match`; see :func:`locate`."""
        t = _real_array("template", template)
        scores = self.match(t, score=score)
        return _peaks_of(scores, t.shape, score, threshold, min_distance, max_matches)


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


# ----------------------------------------------------------------------------- public API


@dask_aware("match_template")
def match_template(x: ArrayLike, template: ArrayLike, *, mode: Literal["valid", "same"] = "valid",
                   score: Score = "zncc", method: Literal["auto", "direct", "fft", "overlap-add"] = "auto",
                   axes: Sequence[int] | None = None, workers: int | None = None) -> np.ndarray:
    r"""Score a template at every placement over a signal, an image or a volume.

    The template is matched over the last ``template.ndim`` axes of ``x`` (or over ``axes``);
    the other axes of ``x`` are a batch and keep their places in the output.

    Parameters
    ----------
    x : array_like
        Signal ``(..., N)``, image ``(..., H, W)`` or volume; real numbers.
    template : array_like
        1D, 2D or 3D template, real and finite.
    mode : {'valid', 'same'}
        Output size along each matched axis (``N`` samples, template ``M``):

        ========  ===============  ==============================================
        mode      size             index ``i`` scores the window starting at
        ========  ===============  ==============================================
        'valid'   ``N - M + 1``    ``i`` (skimage ``pad_input=False``)
        'same'    ``N``            ``i - M // 2``, zeros outside ``x``
                                   (skimage ``pad_input=True``: peak at the
                                   template centre)
        ========  ===============  ==============================================
    score : {'zncc', 'ncc', 'ccorr', 'sqdiff', 'zdist'}
        With window ``w`` and template ``t`` (``m`` samples):

        * 'zncc': Pearson correlation of ``w`` and ``t`` in [-1, 1] (= skimage
          ``match_template``, OpenCV ``TM_CCOEFF_NORMED``); a constant window scores 0.
        * 'ncc': :math:`\sum wt / \sqrt{\sum w^2 \sum t^2}` (OpenCV ``TM_CCORR_NORMED``); a
          window of zeros scores 0.
        * 'ccorr': :math:`\sum wt` (``TM_CCORR``).
        * 'sqdiff': :math:`\sum (w - t)^2` (``TM_SQDIFF``).
        * 'zdist': Euclidean distance of the z-normalised ``w`` and ``t``,
          :math:`\sqrt{2m(1 - r)}` (= ``stumpy.mass``); a constant window scores
          :math:`\sqrt{m}` as stumpy scores it.
    method : {'auto', 'direct', 'fft', 'overlap-add'}
        How the sliding dot product is computed (the convolution engine's methods; 'auto'
        picks by cost).  3D templates use 'fft' or 'direct'.
    axes : tuple of int, optional
        The axes of ``x`` the template's axes slide over, in the template's order.
    workers : int, optional
        Threads (None: every core, 1: single-threaded).

    Returns
    -------
    ndarray
        Scores with the batch axes of ``x`` in place and the matched axes sized by ``mode``;
        float32 when ``x`` and ``template`` are float32 (or float16), else float64.  Windows
        covering NaN or inf score NaN (zdist: inf).

    Raises
    ------
    ValueError
        Empty input, a template of more than 3 dimensions or larger than ``x`` in 'valid'
        mode, a non-finite template, a constant template for 'zncc'/'zdist', an all-zero
        template for 'ncc', bad options.
    TypeError
        Non-numeric or complex input.

    See Also
    --------
    find_peaks, locate, Matcher : several templates against one signal.

    Notes
    -----
    The window statistics are running sums over the signal centred by its mean, accumulated
    in float64 and re-anchored by a direct sum every few hundred rows / thousand columns, so
    a DC offset costs no precision:
    float32 zncc scores stay within 1e-3 of the exact scores and inside [-1, 1] for offsets
    of 1e4 standard deviations, where skimage and OpenCV return values far outside [-1, 1].
    A window counts as constant when its variance is below about ``1e-10`` times its mean
    square about the signal's mean (the rounding level of those sums).

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.match import match_template
    >>> x = np.sin(np.linspace(0, 20, 400)) + 1000.0
    >>> scores = match_template(x, x[150:190])
    >>> scores.shape, int(np.argmax(scores)), round(float(scores.max()), 6)
    ((361,), 150, 1.0)
    >>> image = np.random.default_rng(1).random((64, 64, 3))
    >>> match_template(image, image[10:20, 30:45, 0], axes=(0, 1)).shape
    (55, 50, 3)
    """
    return Matcher(x, mode=mode, axes=axes, workers=workers).match(template, score=score, method=method)


def _check_threshold(threshold):
    if threshold is None:
        return None
    real = isinstance(threshold, (numbers.Real, np.floating, np.integer))
    if isinstance(threshold, (bool, np.bool_)) or not real:
        raise TypeError(f"`threshold` must be a real number or None; got {threshold!r}")
    value = float(threshold)
    if math.isnan(value):
        raise ValueError("`threshold` must not be NaN")
    return value


def _border(exclude_border, min_distance: int, ndim: int) -> tuple[int, ...]:
    if isinstance(exclude_border, (bool, np.bool_)):
        return (min_distance if exclude_border else 0,) * ndim
    if isinstance(exclude_border, (numbers.Integral, np.integer)):
        return (check_int("exclude_border", exclude_border, minimum=0),) * ndim
    raise TypeError(f"`exclude_border` must be a bool or a non-negative int; got {exclude_border!r}")


def find_peaks(scores: ArrayLike, *, threshold: float | None = None, min_distance: int = 1,
               max_peaks: int | None = None, exclude_border: bool | int = False) -> Peaks:
    """Local maxima of a 1D or 2D score map by non-maximum suppression.

    A peak is a sample that is the largest within ``min_distance`` (Chebyshev distance) and
    strictly greater than ``threshold``.  Candidates (samples equal to the maximum of their
    ``(2 * min_distance + 1)``-wide neighbourhood, clipped at the edges) are taken best first —
    ties in C order of their position — and each one closer than ``min_distance`` to a peak
    already taken is dropped.  On 2D scores this returns the same set as
    ``skimage.feature.peak_local_max(scores, min_distance, threshold_abs=threshold,
    exclude_border=exclude_border)``, including its rule that a map which is everywhere its own
    local maximum (constant) has no peak.  NaN is never a peak.

    Parameters
    ----------
    scores : array_like
        1D or 2D real scores.
    threshold : float, optional
        Peaks must be strictly greater (None: no threshold).
    min_distance : int
        Minimum Chebyshev distance between peaks, >= 1.
    max_peaks : int, optional
        Keep at most this many (the best).
    exclude_border : bool or int
        True drops candidates within ``min_distance`` of the edge, an int within that many
        samples, False (default) none.

    Returns
    -------
    Peaks
        ``.positions`` ``(k, scores.ndim)`` int64 and ``.scores`` ``(k,)``, best first.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.match import find_peaks
    >>> p = find_peaks(np.array([0.1, 0.9, 0.2, 0.3, 0.8, 0.1]), threshold=0.5)
    >>> p.positions.ravel().tolist(), p.scores.tolist()
    ([1, 4], [0.9, 0.8])
    """
    s = _real_array("scores", scores)
    if s.ndim not in (1, 2):
        raise ValueError(f"`scores` must be 1D or 2D; got shape {s.shape}")
    threshold = _check_threshold(threshold)
    d = check_int("min_distance", min_distance, minimum=1)
    if max_peaks is not None:
        max_peaks = check_int("max_peaks", max_peaks, minimum=1)
    border = _border(exclude_border, d, s.ndim)
    s = s.astype(float_dtype(s), copy=False)
    s2 = s.reshape(1, -1) if s.ndim == 1 else s
    work = np.where(np.isnan(s2), -np.inf, s2).astype(np.float64)
    rowmax = np.empty_like(work)
    _k.sliding_max_rows_serial(work, d, rowmax)
    full = np.empty_like(work)
    if s.ndim == 2:
        _k.sliding_max_cols_serial(rowmax, d, full)
    else:
        full = rowmax
    cand = work == full
    if cand.all():  # a map that is everywhere its own local maximum has no peak (skimage's rule)
        cand[:] = False
    cand &= work > (-np.inf if threshold is None else threshold)
    for ax, bw in zip(range(-s.ndim, 0), border, strict=True):
        if bw:
            sl = [slice(None)] * 2
            sl[ax] = slice(0, bw)
            cand[tuple(sl)] = False
            sl[ax] = slice(-bw, None)
            cand[tuple(sl)] = False
    rows, cols = np.nonzero(cand)
    values = work[rows, cols]
    order = np.argsort(-values, kind="stable")
    rows = rows[order].astype(np.int64)
    cols = cols[order].astype(np.int64)
    keep = np.empty(rows.shape[0], dtype=np.bool_)
    limit = 0 if max_peaks is None else max_peaks
    _k.greedy_suppress(rows, cols, d, limit, work.shape[0], work.shape[1], keep)
    rows, cols = rows[keep], cols[keep]
    positions = cols[:, None] if s.ndim == 1 else np.stack([rows, cols], axis=1)
    return Peaks(np.ascontiguousarray(positions, dtype=np.int64), s2[rows, cols].copy())


def _peaks_of(scores, tshape, score, threshold, min_distance, max_matches) -> Peaks:
    threshold = _check_threshold(threshold)
    if min_distance is None:
        min_distance = int(min(tshape))
    if score in MINIMISED:
        p = find_peaks(-scores, threshold=None if threshold is None else -threshold,
                       min_distance=min_distance, max_peaks=max_matches)
        return Peaks(p.positions, -p.scores)
    return find_peaks(scores, threshold=threshold, min_distance=min_distance, max_peaks=max_matches)


@dask_aware("locate")
def locate(x: ArrayLike, template: ArrayLike, *, threshold: float | None = 0.8,
           min_distance: int | None = None,
           max_matches: int | None = None, score: Score = "zncc",
           mode: Literal["valid", "same"] = "valid", workers: int | None = None) -> Peaks:
    """Find where ``template`` occurs in ``x``: :func:`match_template` then :func:`find_peaks`.

    Parameters
    ----------
    x : array_like
        1D signal or 2D image (the template has the same number of dimensions).
    template : array_like
        The pattern.
    threshold : float, optional
        For 'zncc', 'ncc', 'ccorr': matches score strictly above it; for 'sqdiff' and
        'zdist' (distances): strictly below it.  None: no threshold.
    min_distance : int, optional
        Minimum Chebyshev distance between matches; default the template's smallest extent.
    max_matches : int, optional
        Keep at most this many, the best.
    score : {'zncc', 'ncc', 'ccorr', 'sqdiff', 'zdist'}
        See :func:`match_template`.
    mode : {'valid', 'same'}
        'valid' (default) reports the first sample of each matching window, 'same' its
        centre (``start + M // 2``).
    workers : int, optional
        Threads.

    Returns
    -------
    Peaks
        Positions ``(k, ndim)`` and scores, best first.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.match import locate
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(2000)
    >>> t = x[500:600].copy()
    >>> x[1500:1600] += t      # a second occurrence, on top of noise
    >>> locate(x, t, threshold=0.6).positions.ravel().tolist()
    [500, 1500]
    """
    xa = _real_array("x", x)
    t = _real_array("template", template)
    if xa.ndim != t.ndim or t.ndim not in (1, 2):
        raise ValueError(f"`locate` needs a 1D or 2D `x` and a `template` of the same dimensions; "
                         f"got shapes {xa.shape} and {t.shape}")
    if min_distance is not None:
        check_int("min_distance", min_distance, minimum=1)
    if max_matches is not None:
        check_int("max_matches", max_matches, minimum=1)
    return Matcher(xa, mode=mode, workers=workers).locate(
        t, threshold=threshold, min_distance=min_distance, max_matches=max_matches, score=score)


# ----------------------------------------------------------------------------- files


#: file suffixes :func:`load_signal` reads, by kind
SIGNAL_SUFFIXES = (".wav", ".npy", ".csv", ".txt")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def load_signal(path) -> tuple[np.ndarray, float | None]:
    """Read a signal or an image from a file, for :func:`locate` and the ``sigconv match`` CLI.

    Parameters
    ----------
    path : str or os.PathLike
        A ``.wav`` file (scipy.io.wavfile; several channels are averaged to one), ``.npy``
        (numpy.load, no pickles), ``.csv``/``.txt`` (numbers separated by commas or
        whitespace; one column gives a 1D signal) or a ``.png``/``.jpg``/``.jpeg`` image
        (read with Pillow, converted to greyscale).

    Returns
    -------
    data : ndarray
        float64 for WAV, CSV and images (grey levels 0..255), the stored dtype for NPY.
    sample_rate : float or None
        Samples per second for WAV, else None.

    Raises
    ------
    ValueError
        Unknown suffix, or a file that cannot be parsed.
    FileNotFoundError
        No such file.
    """
    import os

    p = os.fspath(path)
    suffix = os.path.splitext(p)[1].lower()
    if suffix not in SIGNAL_SUFFIXES + IMAGE_SUFFIXES:
        raise ValueError(f"`path` must end in one of {SIGNAL_SUFFIXES + IMAGE_SUFFIXES}; got {p!r}")
    if not os.path.exists(p):
        raise FileNotFoundError(f"`path` {p!r} does not exist")
    if suffix == ".wav":
        from scipy.io import wavfile

        try:
            rate, data = wavfile.read(p)
        except ValueError as e:
            raise ValueError(f"`path` {p!r} is not a readable WAV file: {e}") from e
        data = np.asarray(data, dtype=np.float64)
        if data.ndim == 2:
            data = data.mean(axis=1)
        return data, float(rate)
    if suffix == ".npy":
        try:
            return np.load(p, allow_pickle=False), None
        except ValueError as e:
            raise ValueError(f"`path` {p!r} is not a readable .npy file: {e}") from e
    if suffix in (".csv", ".txt"):
        with open(p) as f:
            text = f.read()
        try:
            data = np.loadtxt(text.replace(",", " ").splitlines(), dtype=np.float64, ndmin=2)
        except ValueError as e:
            raise ValueError(f"`path` {p!r} does not hold a table of numbers: {e}") from e
        if data.shape[1] == 1 or data.shape[0] == 1:
            data = data.ravel()
        return data, None
    if suffix in IMAGE_SUFFIXES:
        from PIL import Image

        with Image.open(p) as im:
            return np.asarray(im.convert("L"), dtype=np.float64), None
    raise ValueError(f"`path` must end in one of {SIGNAL_SUFFIXES + IMAGE_SUFFIXES}; got {p!r}")
