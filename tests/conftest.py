"""Shared test fixtures and the one tolerance table (STYLE.md habit 11).

Tolerances derive from the dtype and the magnitude of the reference:

* ``assert_direct_close``: results summed in a different order than the oracle; the error
  grows with the number of terms, so ``rtol = k * n_terms * eps`` against the largest
  magnitude that entered the sums.
* ``assert_fft_close``: FFT results carry an error of a few ``eps`` times the largest
  magnitude of the signal times the kernel norm, whatever the output value is.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

#: machine epsilon by dtype kind and size
EPS = {
    np.dtype(np.float32): float(np.finfo(np.float32).eps),
    np.dtype(np.float64): float(np.finfo(np.float64).eps),
    np.dtype(np.complex64): float(np.finfo(np.float32).eps),
    np.dtype(np.complex128): float(np.finfo(np.float64).eps),
}


def eps_of(dtype) -> float:
    return EPS[np.dtype(dtype)]


def tolerance(dtype, scale: float, n_terms: int = 1, k: float = 8.0) -> float:
    """Absolute tolerance for a result of ``dtype`` built from sums of ``n_terms`` products
    whose magnitudes are bounded by ``scale``."""
    return k * eps_of(dtype) * max(float(scale), np.finfo(np.float64).tiny) * max(1.0, np.sqrt(n_terms)) * 4


def assert_close(actual, expected, *, dtype=None, scale=None, n_terms=1, k=8.0, equal_nan=True):
    """Compare ``actual`` with ``expected`` with a dtype- and magnitude-derived tolerance."""
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    dtype = actual.dtype if dtype is None else np.dtype(dtype)
    if dtype.kind not in "fc":
        dtype = np.dtype(np.float64)
    if scale is None:
        finite = expected[np.isfinite(expected)]
        scale = float(np.abs(finite).max()) if finite.size else 1.0
    atol = tolerance(dtype, scale, n_terms, k)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=atol, equal_nan=equal_nan)


@pytest.fixture
def rng():
    """A seeded local generator (never the global one)."""
    return np.random.default_rng(12345)
