"""Template matching: normalised cross-correlation scores, peak finding and locating matches.

``match_template`` slides a 1D, 2D or 3D template over the last ``template.ndim`` axes of a
signal (or the ``axes`` given) and scores every placement, optionally over a template
``mask`` and skipping missing samples (``nan_policy='omit'``); ``find_peaks`` is non-maximum
suppression on 1D, 2D or 3D score maps, with sub-sample refinement (``subpixel=True``);
``locate`` chains the two.  :class:`Matcher` holds one signal and matches several templates
against it (``match_many``), reusing the signal's centred copy, its Fourier transforms and its
window statistics between templates.

Modules: ``windows`` (centring and the DC-offset-proof window sums, also used by the
streaming matcher), ``matcher`` (the engine, :class:`Matcher`), ``api`` (the one-call
wrappers :func:`match_template` and :func:`locate`), ``masked`` (masks and missing samples:
Padfield's masked NCC from a few correlations), ``peaks`` (:func:`find_peaks`, :class:`Peaks`,
sub-sample refinement), ``io`` (:func:`load_signal`).

How a score is computed (a pipeline of small helpers):

1. ``windows._prepare``: the signal is moved to ``(batch, *matched)`` layout, centred by the mean of
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
4. With a ``mask`` (not all True) or missing samples under "omit", ``masked.masked_scores``
   replaces 2 and 3: three to six correlations of the signal, its square and its validity map
   with the mask and the masked template, assembled by ``sliding.masked_scores``.
"""

from sigconv.match._common import METHODS, MINIMISED, MODES, SCORES, Score
from sigconv.match.api import locate, match_template
from sigconv.match.io import IMAGE_SUFFIXES, SIGNAL_SUFFIXES, load_signal
from sigconv.match.matcher import Matcher
from sigconv.match.peaks import Peaks, find_peaks

__all__ = ["IMAGE_SUFFIXES", "METHODS", "MINIMISED", "MODES", "SCORES", "SIGNAL_SUFFIXES", "Matcher", "Peaks",
           "Score", "find_peaks", "load_signal", "locate", "match_template"]
