"""sigconv: convolution as a signal operation, on a Numba core.

Public API (the contract is ``API.md``; the README has a tour):

* engine: :func:`convolve`, :func:`correlate`, :func:`convolve2d`, :func:`correlate2d`,
  :func:`choose_method`
* filters (also in :mod:`sigconv.filters`): :func:`window_weights`, :func:`moving_average`,
  :func:`ewma`, :func:`ar_filter`, :func:`arma_filter`, :func:`arma_impulse_response`,
  :func:`arma_generate`, :func:`ar_predict`, :func:`fit_ar`, :func:`autocorr`, :func:`xcorr`;
  the filters pack: :func:`savgol`, :func:`gaussian`, :func:`bk_filter`, :func:`cf_filter`,
  :func:`hp_filter`, :func:`seasonal_decompose`, :func:`sos_filter`, :func:`cwt`
* template matching: :func:`match_template`, :func:`find_peaks`, :func:`locate`
* streaming: :mod:`sigconv.stream` (``FIR``, ``MovingAverage``, ``EWMA``, ``ARMA``, ``SOS``,
  ``Matcher``: the chunked twins of the batch functions, ``sigconv.stream.FIR(k).push(chunk)``)
* subpackages: :mod:`sigconv.nn` (1D CNN layers), :mod:`sigconv.features` (scikit-learn
  transformers, scikit-learn imported lazily), :mod:`sigconv.datasets` (bundled real data)
* ``import sigconv`` registers the pandas ``.sigconv`` accessor on Series and DataFrame.
"""

from sigconv import accessor as _accessor  # noqa: F401  (registers the pandas accessor)
from sigconv import stream  # noqa: E402, F401, I001  (sigconv.stream: signals that arrive in chunks)
from sigconv._validate import SigconvWarning
from sigconv.convolve import choose_method, convolve, convolve2d, correlate, correlate2d
from sigconv.filters import (
    ARFit,
    Decomposition,
    ar_filter,
    ar_predict,
    arma_filter,
    arma_generate,
    arma_impulse_response,
    autocorr,
    bk_filter,
    cf_filter,
    cwt,
    ewma,
    fit_ar,
    gaussian,
    hp_filter,
    moving_average,
    savgol,
    seasonal_decompose,
    sos_filter,
    window_weights,
    xcorr,
)
from sigconv.match import Matcher, Peaks, find_peaks, locate, match_template

__version__ = "0.1.0"

__all__ = [
    "ARFit",
    "Decomposition",
    "Matcher",
    "Peaks",
    "SigconvWarning",
    "__version__",
    "ar_filter",
    "ar_predict",
    "arma_filter",
    "arma_generate",
    "arma_impulse_response",
    "autocorr",
    "bk_filter",
    "cf_filter",
    "choose_method",
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "cwt",
    "ewma",
    "find_peaks",
    "fit_ar",
    "gaussian",
    "hp_filter",
    "locate",
    "match_template",
    "moving_average",
    "savgol",
    "seasonal_decompose",
    "sos_filter",
    "window_weights",
    "xcorr",
]
