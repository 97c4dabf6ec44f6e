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


def test_cache_folder_keyed_by_the_kernel_sources(tmp_path, monkeypatch):
    """Numba checks only the stamp of the file defining a function: the cache folder carries a
    digest of every kernel source, so a changed callee in another file (an upgrade, an edit)
    cannot load a caller's old machine code."""
    import shutil

    from sigconv import _jit
    from sigconv._kernels import conv

    locator = _jit._SigconvCacheLocator.from_function(conv.source_index.py_func, conv.__file__)
    assert _jit._kernels_digest() in locator.get_cache_path()
    copy = tmp_path / "sigconv"
    shutil.copytree(_jit._PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    monkeypatch.setattr(_jit, "_PACKAGE_DIR", str(copy) + "/")
    _jit._kernels_digest.cache_clear()
    try:
        same = _jit._kernels_digest()
        with open(copy / "_kernels" / "tiles.py", "a") as f:
            f.write("\n# a changed callee\n")
        _jit._kernels_digest.cache_clear()
        changed = _jit._kernels_digest()
    finally:
        monkeypatch.undo()
        _jit._kernels_digest.cache_clear()
    assert same == _jit._kernels_digest() and changed != same
