"""The JIT policy of sigconv._jit."""

from __future__ import annotations

import numpy as np

from sigconv._jit import prange, serial_and_parallel


def _row_sums(x, out):
    for i in prange(x.shape[0]):
        acc = 0.0
        for j in range(x.shape[1]):
            acc += x[i, j]
        out[i] = acc


def test_serial_and_parallel_are_distinct_cache_entries():
    # Numba's disk cache is keyed by qualified name: the parallel twin must not share it,
    # or a warm cache hands the "parallel" dispatcher the serial machine code
    serial, parallel = serial_and_parallel(_row_sums)
    assert serial.py_func.__qualname__ != parallel.py_func.__qualname__
    assert parallel.targetoptions.get("parallel") and not serial.targetoptions.get("parallel")
    x = np.arange(12.0).reshape(3, 4)
    a, b = np.empty(3), np.empty(3)
    serial(x, a)
    parallel(x, b)
    np.testing.assert_array_equal(a, x.sum(axis=1))
    np.testing.assert_array_equal(b, a)
