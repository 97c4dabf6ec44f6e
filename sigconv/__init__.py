"""sigconv: convolution as a signal operation, on a Numba core.

Public API (see the README and ``../shared/API.md``):

* engine: :func:`convolve`, :func:`correlate`, :func:`convolve2d`, :func:`correlate2d`,
  :func:`choose_method`
"""

from sigconv._validate import SigconvWarning
from sigconv.convolve import choose_method, convolve, convolve2d, correlate, correlate2d

__version__ = "0.1.0"

__all__ = [
    "SigconvWarning",
    "__version__",
    "choose_method",
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
]
