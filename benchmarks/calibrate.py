"""Fit the constants of :mod:`sigconv._cost` on this machine.

``python -m benchmarks.calibrate`` times each method of the engine on a few shapes (one thread)
and prints the constants that make the model's estimates match: the direct rate by dtype, the
per-``S log2 S`` cost of 1D transforms by dtype and size, the 2D lane layout's rates, the
step tiles' rate and cost per sample read, the strided loop's rate and the polyphase copy's
cost per sample, the
cost per tile point of 2D overlap-save, and the fixed overhead per call of each path.  The
values committed in ``_cost.py`` came from this script on the 2-core reference machine; the
``auto 1D`` rows of ``bench_convolve`` check the result (within 1.15× of the fastest method).
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
from scipy.fft import next_fast_len

import sigconv
from benchmarks._harness import best_time
from sigconv import _cost


@contextlib.contextmanager
def _lanes(use: bool):
    """Force the direct kernel's layout: the lane layout (``True``) or the blocked loop."""
    saved = _cost.lanes_pay
    _cost.lanes_pay = lambda plan, threads: use
    try:
        yield
    finally:
        _cost.lanes_pay = saved


def _direct_seconds(dtype, n: int, k: int) -> float:
    rng = np.random.default_rng(0)
    x, h = rng.standard_normal((1, n)).astype(dtype), rng.standard_normal(k).astype(dtype)
    return best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", workers=1))


def _direct_rate(dtype) -> float:
    """Multiply-adds per second of the blocked loop (median over kernel lengths)."""
    with _lanes(False):
        rates = [(n - k + 1) * k / _direct_seconds(dtype, n, k)
                 for n, k in ((200_000, 16), (200_000, 128), (100_000, 1024))]
    return float(np.median(rates))


def _lane_constants(dtype) -> tuple[float, float]:
    """(multiply-adds per second, seconds per output) of the lane layout: a line through the
    times of a short and a long kernel."""
    n = 1_000_000
    with _lanes(True):
        (k0, t0), (k1, t1) = [(k, _direct_seconds(dtype, n, k) / (n - k + 1)) for k in (32, 1024)]
    rate = (k1 - k0) / (t1 - t0)
    return rate, t0 - k0 / rate


@contextlib.contextmanager
def _forced(choice: str, applies: str, use: bool):
    """Force the cost model's ``choice`` (``phases_pay``, ``step_tiles_pay``) on (``True``,
    where ``applies`` says the path can run) or off."""
    saved = getattr(_cost, choice)
    setattr(_cost, choice, lambda plan, workers: use and getattr(_cost, applies)(plan))
    try:
        yield
    finally:
        setattr(_cost, choice, saved)


def _phases(use: bool):
    """Force the polyphase form of strided direct calls on (``True``) or off."""
    return _forced("phases_pay", "phases_apply", use)


def _strided_constants() -> tuple[float, float]:
    """(``RATE_STRIDED``, ``PHASE_PACK_SECONDS``), float64: the strided loop's multiply-adds
    per second (median over strides 2 to 8, K = 64), and the polyphase copy's seconds per
    sample (K = 2 s: the time beyond the unit-stride loop's multiply-adds at RATE_DIRECT)."""
    rng = np.random.default_rng(0)
    n = 400_000
    x = rng.standard_normal((1, n))
    rates, packs = [], []
    for s in (2, 4, 8):
        h = rng.standard_normal(64)
        with _phases(False):
            t = best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", stride=s, workers=1))
        rates.append(-(-(n - 63) // s) * 64 / t)
        h = rng.standard_normal(2 * s)
        with _phases(True):
            t = best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", stride=s, workers=1))
        outputs = -(-(n - 2 * s + 1) // s)
        packs.append(max(0.0, t - outputs * 2 * s / _cost.RATE_DIRECT["f8"]) / n)
    return float(np.median(rates)), float(np.median(packs))


def _step_tiles(use: bool):
    """Force the step tiles of strided and dilated direct calls on (``True``) or off."""
    return _forced("step_tiles_pay", "step_tiles_apply", use)


def _step_tile_constants(dtype) -> tuple[float, float]:
    """(``RATE_STEP_TILES``, ``STEP_SAMPLE_SECONDS``) for ``dtype``: the steps per second of a
    long kernel with a stride of 2 (N = 1e5, K = 1001: bound by the multiply-adds), and the
    seconds per input sample of a short kernel with a stride of 8 (N = 1e6, K = 16: bound by
    the reads)."""
    rng = np.random.default_rng(0)
    width = _cost.TILE_WIDTH // np.dtype(dtype).itemsize
    x, h = rng.standard_normal(100_000).astype(dtype), rng.standard_normal(1001).astype(dtype)
    with _step_tiles(True):
        t = best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", stride=2, workers=1))
        outputs = -(-(x.size - h.size + 1) // 2)
        rate = outputs * (h.size + 2 * (width - 1)) / t
        x, h = rng.standard_normal(1_000_000).astype(dtype), rng.standard_normal(16).astype(dtype)
        t = best_time(lambda: sigconv.convolve(x, h, "valid", method="direct", stride=8, workers=1))
    return rate, t / x.size


def _fft_table(dtype) -> tuple[float, ...]:
    """``C_FFT_1D`` for ``dtype``: seconds per ``S log2 S`` (complex-transform units: a real
    transform counts half) of the fft path's transforms at ``S = 2**p`` points, ``p`` in
    :data:`~sigconv._cost.FFT_OCTAVES` (three transforms per call, plus the product), each
    measured at a fast length ``~1.3 * 2**p``: powers of two run slower here."""
    rng = np.random.default_rng(1)
    table = []
    for p in _cost.FFT_OCTAVES:
        size = next_fast_len(int(1.3 * 2 ** p), real=True)   # a typical length, not a power of 2
        n = int(0.8 * size)
        x, h = rng.standard_normal(n).astype(dtype), rng.standard_normal(size - n + 1).astype(dtype)
        t = best_time(lambda: sigconv.convolve(x, h, method="fft", workers=1), repeat=3, min_time=0.05)
        work = 3 * 0.5 * size * math.log2(size)
        table.append((t - _cost.OVERHEAD["fft"] - size * _cost.C_ELEM) / work)
    return tuple(table)


def _image_seconds(dtype, size: int, k: int, method: str) -> float:
    rng = np.random.default_rng(2)
    img, h = rng.standard_normal((size, size)).astype(dtype), rng.standard_normal((k, k)).astype(dtype)
    return best_time(lambda: sigconv.convolve2d(img, h, "same", boundary="symm", method=method, workers=1),
                     repeat=3, min_time=0.1)


def _lane_2d_constants(dtype) -> tuple[float, float]:
    """(``RATE_LANES_2D``, ``LANE_SECONDS_PER_ROW``): least squares of the seconds per output of
    2048² images with k² kernels over ``8 * passes / rate + k * per_row`` (plus the layout's
    per-output cost)."""
    code = _cost._code(np.dtype(dtype))
    rows, seconds = [], []
    for k in (7, 15, 31, 63):
        per_output = _image_seconds(dtype, 2048, k, "direct") / 2048**2 - _cost.LANE_SECONDS_PER_OUTPUT[code]
        rows.append((8 * k * -(-k // 8), k))
        seconds.append(per_output)
    inverse_rate, per_row = np.linalg.lstsq(np.array(rows, float), np.array(seconds), rcond=None)[0]
    return 1 / inverse_rate, per_row


def _tile_constants(dtype) -> tuple[float, float]:
    """``TILE_SECONDS``: least squares of 2D overlap-save's seconds over tile points times
    ``(log2 P, 1)`` (1024² and 2048² images, 3² to 63² kernels)."""
    from sigconv._fft import tile_shape

    rows, seconds = [], []
    for size in (1024, 2048):
        for k in (3, 7, 15, 31, 63):
            shape = tile_shape((size, size), (k, k))
            points = math.prod(-(-size // (f - k + 1)) * f for f in shape)
            rows.append((points * math.log2(math.prod(shape)), points))
            seconds.append(_image_seconds(dtype, size, k, "overlap-add"))
    return tuple(np.linalg.lstsq(np.array(rows, float), np.array(seconds), rcond=None)[0])


def _overheads() -> dict[str, float]:
    x, h = np.ones(16), np.ones(3)
    return {m: best_time(lambda m=m: sigconv.convolve(x, h, method=m, workers=1))
            for m in ("direct", "fft", "overlap-add")}


def main() -> None:
    for dtype in (np.float32, np.float64):
        name = np.dtype(dtype).str[1:]
        print(f"RATE_DIRECT[{name!r}] ≈ {_direct_rate(dtype):.3g} multiply-adds/s (1 thread)")
        rate, per_output = _lane_constants(dtype)
        print(f"RATE_LANES[{name!r}] ≈ {rate:.3g} multiply-adds/s, LANE_SECONDS_PER_OUTPUT ≈ {per_output:.2g} s")
        table = ", ".join(f"{c * 1e9:.2f}" for c in _fft_table(dtype))
        print(f"C_FFT_1D[{name!r}] ≈ ({table}) e-9 s per S log2 S")
        rate, per_row = _lane_2d_constants(dtype)
        print(f"RATE_LANES_2D[{name!r}] ≈ {rate:.3g} multiply-adds/s, LANE_SECONDS_PER_ROW ≈ {per_row:.2g} s")
        rate, per_sample = _step_tile_constants(dtype)
        print(f"RATE_STEP_TILES[{name!r}] ≈ {rate:.3g} steps/s, STEP_SAMPLE_SECONDS ≈ {per_sample:.2g} s per sample")
        a, b = _tile_constants(dtype)
        print(f"TILE_SECONDS[{name!r}] ≈ ({a:.2g}, {b:.2g}) s per tile point (log2 P, 1)")
    rate, pack = _strided_constants()
    print(f"RATE_STRIDED ≈ {rate:.3g} multiply-adds/s, PHASE_PACK_SECONDS ≈ {pack:.2g} s per sample (float64)")
    for m, t in _overheads().items():
        print(f"OVERHEAD[{m!r}] ≈ {t:.2g} s")


if __name__ == "__main__":
    main()
