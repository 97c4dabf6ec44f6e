"""Fit the constants of :mod:`sigconv._cost` on this machine.

``python -m benchmarks.calibrate`` times each method of the engine on a few shapes (one thread)
and prints the constants that make the model's estimates match: the direct rate by dtype, the
per-``S log2 S`` transform cost by dtype, and the fixed overhead per call of each path.  The
values committed in ``_cost.py`` came from this script on the 2-core reference machine; the
``auto 1D`` rows of ``bench_convolve`` check the result (within 1.15× of the fastest method).
"""

from __future__ import annotations

import math

import numpy as np

import sigconv
from benchmarks._harness import best_time


def _direct_rate(dtype) -> float:
    rng = np.random.default_rng(0)
    rates = []
    for n, k in ((200_000, 16), (200_000, 128), (100_000, 1024)):
        x, h = rng.standard_normal(n).astype(dtype), rng.standard_normal(k).astype(dtype)
        t = best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", workers=1))
        rates.append((n - k + 1) * k / t)
    return float(np.median(rates))


def _fft_constant(dtype) -> float:
    rng = np.random.default_rng(1)
    consts = []
    for n in (1 << 14, 1 << 17, 1 << 20):
        x, h = rng.standard_normal(n).astype(dtype), rng.standard_normal(n // 4).astype(dtype)
        t = best_time(lambda: sigconv.convolve(x, h, method="fft", workers=1))
        size = n + n // 4
        consts.append(t / (3 * 0.5 * size * math.log2(size) + size * 1e-9 / 1.5e-9))
    return float(np.median(consts))


def _overheads() -> dict[str, float]:
    x, h = np.ones(16), np.ones(3)
    return {m: best_time(lambda m=m: sigconv.convolve(x, h, method=m, workers=1))
            for m in ("direct", "fft", "overlap-add")}


def main() -> None:
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).str[1:]
        print(f"RATE_DIRECT[{name!r}] ≈ {_direct_rate(dtype):.3g} multiply-adds/s (1 thread)")
        print(f"C_FFT[{name!r}] ≈ {_fft_constant(dtype):.3g} s per S log2 S")
    for m, t in _overheads().items():
        print(f"OVERHEAD[{m!r}] ≈ {t:.2g} s")


if __name__ == "__main__":
    main()
