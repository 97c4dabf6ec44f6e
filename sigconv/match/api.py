"""The public entry points :func:`match_template` and :func:`locate`: thin wrappers that build a
:class:`~sigconv.match.matcher.Matcher` for one call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv._dispatch import dask_aware
from sigconv._validate import check_int
from sigconv.match._common import Score, _real_array
from sigconv.match.matcher import one_call
from sigconv.match.peaks import Peaks


@dask_aware("match_template")
def match_template(x: ArrayLike, template: ArrayLike, *, mode: Literal["valid", "same"] = "valid",
                   score: Score = "zncc", method: Literal["auto", "direct", "fft", "overlap-add"] = "auto",
                   axes: Sequence[int] | None = None, workers: int | None = None, mask: ArrayLike | None = None,
                   nan_policy: Literal["propagate", "omit"] = "propagate") -> np.ndarray:
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
    mask : array_like of bool, optional
        The template's pixels that belong to the target (its shape; bool or 0/1): every score
        uses only those, so a non-rectangular target ignores its background.  'ccorr', 'ncc'
        and 'sqdiff' equal OpenCV ``matchTemplate(..., mask=mask)``; 'zncc' is Pearson's r
        over the masked pixels of the window and the template (Padfield's masked NCC).  A
        window counts NaN only where a non-finite sample falls on a masked pixel.
    nan_policy : {'propagate', 'omit'}
        'propagate' (default): a window covering NaN or inf scores NaN (zdist: inf).  'omit':
        non-finite samples of ``x`` are missing data; each window is scored over its finite
        samples (and the template's matching ones), 'ccorr' and 'sqdiff' sums (and the squared
        'zdist') are rescaled by ``m / count`` to stay comparable, and a window keeping fewer
        than half of the template's ``m`` (masked) samples scores NaN (zdist: inf).  With
        ``mode='same'`` the samples beyond the edges are missing too, so a target cut by the
        edge still scores.

    Returns
    -------
    ndarray
        Scores with the batch axes of ``x`` in place and the matched axes sized by ``mode``;
        float32 when ``x`` and ``template`` are float32 (or float16), else float64.  Windows
        covering NaN or inf score NaN (zdist: inf).

    Raises
    ------
    ValueError
        Empty input, a template of more than 3 dimensions or larger than ``x`` (in either
        mode, as skimage), a non-finite template, a constant template for 'zncc'/'zdist', an all-zero
        template for 'ncc', bad options; a ``mask`` of another shape, with values other than
        0 and 1, or all False; a template constant (zncc, zdist) or zero (ncc) over ``mask``.
    TypeError
        Non-numeric or complex input.

    See Also
    --------
    find_peaks, locate, Matcher : several templates against one signal.
    sigconv.match.masked : how masked and 'omit' scores are computed.

    Notes
    -----
    The window statistics are running sums over the signal centred by its mean, accumulated
    in float64 and re-anchored by a direct sum every few hundred rows / thousand columns, so
    a DC offset costs no precision:
    float32 zncc scores stay within 1e-3 of the exact scores and inside [-1, 1] for offsets
    of 1e4 standard deviations, where skimage and OpenCV return values far outside [-1, 1].
    A window counts as constant when its variance is below about ``1e-10`` times its mean
    square about the signal's mean (the rounding level of those sums).

    With a ``mask`` or missing samples under 'omit', the window sums are correlations of
    the centred signal, its square and its validity map with the mask (three for zncc and no
    missing samples, six at most), through the signal's cached spectrum: a few transforms of
    the signal, never a loop over windows.  Their rounding is relative to the whole signal's
    magnitude (float32 input: float32 transforms), so a window whose variance is below about
    ``1e-5`` (float32) or ``1e-13`` (float64) times the signal's mean square counts as
    constant.

    References
    ----------
    .. [1] D. Padfield, "Masked object registration in the Fourier domain", IEEE Trans. Image
       Processing 21(5), 2012.

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

    A disc-shaped target, half hidden by NaN, still found at its place with 'omit':

    >>> img = np.random.default_rng(2).standard_normal((80, 80))
    >>> yy, xx = np.mgrid[:21, :21]
    >>> disc = (yy - 10) ** 2 + (xx - 10) ** 2 <= 100
    >>> tpl = img[30:51, 40:61].copy()
    >>> img[30:40, 40:61] = np.nan
    >>> s = match_template(img, tpl, mask=disc, nan_policy="omit")
    >>> np.unravel_index(np.nanargmax(s), s.shape), round(float(np.nanmax(s)), 3)
    ((np.int64(30), np.int64(40)), 1.0)
    """
    with one_call(x, mode=mode, axes=axes, workers=workers) as matcher:
        return matcher.match(template, score=score, method=method, mask=mask, nan_policy=nan_policy)


@dask_aware("locate")
def locate(x: ArrayLike, template: ArrayLike, *, threshold: float | None = 0.8,
           min_distance: int | None = None,
           max_matches: int | None = None, score: Score = "zncc",
           mode: Literal["valid", "same"] = "valid", workers: int | None = None, mask: ArrayLike | None = None,
           nan_policy: Literal["propagate", "omit"] = "propagate", subpixel: bool = False) -> Peaks:
    """Find where ``template`` occurs in ``x``: :func:`match_template` then :func:`find_peaks`.

    Parameters
    ----------
    x : array_like
        1D signal, 2D image or 3D volume (the template has the same number of dimensions).
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
    mask, nan_policy : optional
        See :func:`match_template`.
    subpixel : bool
        Refine the positions to a fraction of a sample (float positions; see
        :func:`find_peaks`).

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
    if xa.ndim != t.ndim or t.ndim not in (1, 2, 3):
        raise ValueError(f"`locate` needs a 1D, 2D or 3D `x` and a `template` of the same dimensions; "
                         f"got shapes {xa.shape} and {t.shape}")
    if min_distance is not None:
        check_int("min_distance", min_distance, minimum=1)
    if max_matches is not None:
        check_int("max_matches", max_matches, minimum=1)
    with one_call(xa, mode=mode, workers=workers) as matcher:
        return matcher.locate(t, threshold=threshold, min_distance=min_distance, max_matches=max_matches,
                              score=score, mask=mask, nan_policy=nan_policy, subpixel=subpixel)
