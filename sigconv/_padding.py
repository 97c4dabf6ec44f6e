"""Boundary extension, shared by the direct and the FFT paths.

A boundary other than zero fill is applied by extending the signal explicitly (as
``numpy.pad`` would with ``M - 1`` samples), but only by as many samples as the requested
outputs read; zero fill needs no copy, the kernels and FFTs treat missing samples as zeros.
"""

from __future__ import annotations

import numpy as np

#: accepted ``boundary`` values (``"symm"`` is scipy's spelling of ``"symmetric"``)
BOUNDARY_OPTIONS = ("fill", "wrap", "symmetric", "symm", "reflect", "edge")

_NUMPY_MODE = {"fill": "constant", "wrap": "wrap", "symmetric": "symmetric", "symm": "symmetric",
               "reflect": "reflect", "edge": "edge"}


def needs_extension(boundary: str, fill_value) -> bool:
    """Whether ``boundary`` changes the samples outside the signal from zero."""
    return not (boundary == "fill" and fill_value == 0)


def extend(x: np.ndarray, pads: list[tuple[int, int]], boundary: str, fill_value) -> np.ndarray:
    """Extend the last ``len(pads)`` axes of ``x`` by ``(before, after)`` samples each.

    The extension equals the outer part of ``numpy.pad(x, M - 1, mode)`` for any
    ``before, after <= M - 1``, so a partial extension reads the same values as the full one.
    """
    width = [(0, 0)] * (x.ndim - len(pads)) + [(int(a), int(b)) for a, b in pads]
    if not any(a or b for a, b in width):
        return x
    mode = _NUMPY_MODE[boundary]
    if mode == "constant":   # one fill and one copy: several times faster than np.pad on short signals
        out = np.full(tuple(n + a + b for n, (a, b) in zip(x.shape, width)), fill_value, dtype=x.dtype)
        out[tuple(slice(a, a + n) for n, (a, _) in zip(x.shape, width))] = x
        return out
    return np.pad(x, width, mode=mode)
