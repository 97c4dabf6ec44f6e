"""Shared pieces of :mod:`sigconv.match`: score names and codes, input checks."""

from __future__ import annotations

from typing import Literal

import numpy as np
import scipy.fft as sfft

from sigconv._kernels import sliding as _k
from sigconv._validate import as_array, check_axes

SCORES = ("zncc", "ncc", "ccorr", "sqdiff", "zdist")
MODES = ("valid", "same")
METHODS = ("auto", "direct", "fft", "overlap-add")
_CODES = {"zncc": _k.ZNCC, "ncc": _k.NCC, "ccorr": _k.CCORR, "sqdiff": _k.SQDIFF, "zdist": _k.ZDIST}
#: scores for which small is good (``locate`` looks for minima)
MINIMISED = ("sqdiff", "zdist")
#: scores computed from the signal centred by its mean (the others need raw magnitudes)
_CENTRED = ("zncc", "zdist", "sqdiff")

Score = Literal["zncc", "ncc", "ccorr", "sqdiff", "zdist"]


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

def _kernel(pair, workers: int):
    return pair[1] if workers > 1 else pair[0]



def _spectrum_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    # a circular correlation of length >= N leaves every 'valid' output free of wrap-around
    return tuple(sfft.next_fast_len(n, real=True) for n in shape)
