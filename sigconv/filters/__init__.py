"""Time-series filters written as convolutions and short recursions (API.md §2, §2b).

One module per concept:

* :mod:`~sigconv.filters.windows` — window weights and moving averages (finite kernels through
  the convolution engine): :func:`window_weights`, :func:`moving_average`,
  :func:`window_convolve`.
* :mod:`~sigconv.filters.recursions` — infinite kernels as Numba recursions over batches of
  series: :func:`ewma` (an AR(1) recursion), :func:`ar_filter`, :func:`arma_filter`,
  :func:`arma_impulse_response`, :func:`arma_generate`.
* :mod:`~sigconv.filters.iir` — :func:`sos_filter`, IIR filters as cascades of biquads
  (``sosfilt``/``sosfiltfilt``, NaN-aware).
* :mod:`~sigconv.filters.smoothers` — :func:`savgol`, :func:`gaussian` (centred FIR filters).
* :mod:`~sigconv.filters.cycles` — business-cycle filters :func:`bk_filter`, :func:`cf_filter`,
  :func:`hp_filter` (two-sided and real-time).
* :mod:`~sigconv.filters.decompose` — :func:`seasonal_decompose` (:class:`Decomposition`).
* :mod:`~sigconv.filters.wavelets` — :func:`cwt` (Ricker and complex Morlet).
* :mod:`~sigconv.filters.correlation` — :func:`autocorr`, :func:`xcorr`, :func:`ar_predict`,
  :func:`fit_ar` (:class:`ARFit`).

Model conventions: ``ar = [phi_1..phi_p]`` and ``ma = [theta_1..theta_q]`` as they appear in
``y_t = sum_i phi_i y_{t-i} + e_t + sum_j theta_j e_{t-j}`` (no leading 1); the statsmodels
equivalent is ``ArmaProcess(np.r_[1, -ar], np.r_[1, ma])``.  Coefficients are parameters: the
computation runs in the dtype of the signal (float32 stays float32).
"""

from __future__ import annotations

from sigconv.filters.correlation import ARFit, ar_predict, autocorr, fit_ar, xcorr
from sigconv.filters.cycles import bk_filter, cf_filter, hp_filter
from sigconv.filters.decompose import Decomposition, seasonal_decompose
from sigconv.filters.iir import sos_filter
from sigconv.filters.recursions import ar_filter, arma_filter, arma_generate, arma_impulse_response, ewma
from sigconv.filters.smoothers import gaussian, savgol
from sigconv.filters.wavelets import cwt
from sigconv.filters.windows import moving_average, window_convolve, window_weights

# option tuples and helpers that other modules of sigconv (stream, dask) build on
from sigconv.filters._rows import _PARALLEL_ROWS as _PARALLEL_ROWS  # isort: skip
from sigconv.filters._rows import _run_rows as _run_rows  # isort: skip
from sigconv.filters.correlation import FIT_METHODS as FIT_METHODS  # isort: skip
from sigconv.filters.recursions import _ar_rows as _ar_rows  # isort: skip
from sigconv.filters.recursions import _ewma_com as _ewma_com  # isort: skip
from sigconv.filters.recursions import _ma_rows as _ma_rows  # isort: skip
from sigconv.filters.recursions import _zi_rows as _zi_rows  # isort: skip
from sigconv.filters.windows import ALIGN_OPTIONS as ALIGN_OPTIONS  # isort: skip
from sigconv.filters.windows import NAN_POLICIES as NAN_POLICIES  # isort: skip
from sigconv.filters.windows import WINDOW_KINDS as WINDOW_KINDS  # isort: skip
from sigconv.filters.windows import _offset as _offset  # isort: skip
from sigconv.filters.windows import _resolve_weights as _resolve_weights  # isort: skip
from sigconv.filters.windows import _window_filter as _window_filter  # isort: skip

__all__ = [
    "ARFit",
    "Decomposition",
    "ar_filter",
    "ar_predict",
    "arma_filter",
    "arma_generate",
    "arma_impulse_response",
    "autocorr",
    "bk_filter",
    "cf_filter",
    "cwt",
    "ewma",
    "fit_ar",
    "gaussian",
    "hp_filter",
    "moving_average",
    "savgol",
    "seasonal_decompose",
    "sos_filter",
    "window_convolve",
    "window_weights",
    "xcorr",
]
