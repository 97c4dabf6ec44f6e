"""The cost model behind ``method="auto"`` (documented, calibrated on the benchmark grid).

Each method's time is estimated in seconds on this model:

* direct: ``outputs * taps / (rate * threads)`` with ``rate = RATE_DIRECT[dtype] * taps /
  (taps + HALF_RATE_TAPS)`` for the blocked loop, or, for real data with unit column stride
  and dilation, the lane layout's ``LANE_OVERHEAD + outputs * (taps / RATE_LANES[dtype] +
  LANE_SECONDS_PER_OUTPUT[dtype])`` where that is less (long kernel rows; kernels of several
  rows count passes of eight taps at ``RATE_LANES_2D`` plus ``LANE_SECONDS_PER_ROW``) — taps are the
  kernel's own taps, not the dilated width, and outputs are only the strided ones, so stride
  and dilation both make direct cheaper; real data with a column stride or a dilation take
  the step tiles where cheaper (``outputs * (taps + phases * (V - 1)) / RATE_STEP_TILES``, at
  least ``STEP_SAMPLE_SECONDS`` per input sample read), else the polyphase form (its copy
  plus the unit-stride problem) or the strided loop (``RATE_STRIDED``);
* fft: ``C_FFT * S log2 S`` per transform (``S`` the transform size, halved for real data;
  in 1D ``C_FFT`` depends on ``S``, :data:`C_FFT_1D`: large transforms leave the caches),
  one per signal, one per kernel and one per output row of the batch, plus the products;
* overlap-add: in 1D the same per block transform, times the number of blocks of the signal,
  plus the copies around them; in 2D (overlap-save over tiles of the output) a cost per tile
  point fitted as a whole (:data:`TILE_SECONDS`), since the copies and products weigh more
  than the transforms' ``log2 S``.

Threads count for direct when there are enough tasks; scipy.fft uses its ``workers`` over the
batch of transforms when it has ``THREADS_MIN_POINTS`` (1D: at ``FFT_THREAD_GAIN`` per extra
worker, as measured).  Constants were fitted with ``benchmarks/bench_convolve.py`` on the
2-core reference machine (``python -m benchmarks.calibrate``); a small fixed overhead per call
keeps tiny problems on the direct path.  The results that depend on the plan alone are kept on
it (:func:`_per_plan`, :func:`choice`): simple 1D calls reuse cached plans, so repeated calls
of one shape pay for the model once.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from sigconv._fft import THREADS_MIN_POINTS, block_shape, fft_lengths, one_block, whole_transform_fits
from sigconv._plan import phase_geometry, phase_plan, phases_apply

#: peak multiply-adds per second of one thread of the direct kernel, by computation dtype
#: (measured with ``python -m benchmarks.calibrate``: K >= 64 reaches ~ this rate)
RATE_DIRECT = {"f4": 28e9, "f8": 15.5e9, "c8": 7e9, "c16": 3.8e9}
#: multiply-adds per second of one thread of the register tiles of
#: :mod:`sigconv._kernels.tiles` (real data, one kernel row of more than eight taps, unit column
#: stride and dilation): a tile of ``V`` outputs per vector takes ``K + V - 1`` steps for ``K``
#: taps (``TILE_WIDTH`` bytes per vector).  Measured N = 1e6, one thread, on the Xeon of issue
#: 14: float64 K = 64 / 256 / 1024 at 37 / 40 / 34e9, float32 56 / 74 / 80e9; faster than the
#: lane layout at every K, so one-row kernels never take it
RATE_TILED = {"f4": 78e9, "f8": 38e9}
TILE_WIDTH = 64
#: multiply-adds per second of one thread in the lane layout of :mod:`sigconv._kernels.lanes`
#: (kernel rows of 8k taps, 512-bit vectors), and seconds per output of packing the signal
#: into it and scattering the results back (float64's rate lowered from 30e9 on the Xeon of
#: issue 14, N = 1e6: the blocked loop ran K = 64 12-15% faster than the lane layout, K = 128
#: even, K = 256 5-15% slower)
RATE_LANES = {"f4": 60e9, "f8": 21e9}
LANE_SECONDS_PER_OUTPUT = {"f4": 1.9e-9, "f8": 2.0e-9}
#: the lane layout with kernels of several rows: multiply-adds per second counted over passes
#: of eight taps (a row of 31 taps is four passes), and seconds per output per kernel row
#: (each row's passes read another packed input row from L2); fitted on 2048² images with
#: 7² to 63² kernels, one thread
RATE_LANES_2D = {"f4": 67e9, "f8": 38e9}
LANE_SECONDS_PER_ROW = {"f4": 0.18e-9, "f8": 0.54e-9}
#: fixed seconds of the lane layout per call (the packed copy's allocation, a second kernel
#: launch): signals of 1e4 samples run faster in the blocked loop, 2e4 in the lane layout
LANE_OVERHEAD = 2e-4
#: multiply-adds per second of the bounds-checked scalar loop that edge outputs take
RATE_SCALAR = 1.0e9
#: multiply-adds per second of the blocked loop with a column stride (one tap per pass,
#: gathered loads: N=1e6, K=64, stride 2 to 8 measured 1.8-2.3e9 float64)
RATE_STRIDED = 2e9
#: the step tiles of :mod:`sigconv._kernels.strided` (real data, a column stride or a
#: dilation): multiply-adds per second counted over their steps, ``Kw + C * (V - 1)`` per
#: output and kernel row (``C`` tap phases: the stride, or 1 for a dilation; ``V`` outputs per
#: vector; measured 37-39e9 float64 at K = 1001 as the stride-1 tiles, float32 49-53e9 on a
#: loaded box), the least seconds per input sample read (short kernels with a large stride
#: are bound by the reads, whatever the dtype: N = 1e6, K = 16, strides 2 to 8 all took
#: 0.8-0.9 ms, K = 64 stride 8 0.8 ms), and seconds per output of writing a dilated tile's
#: outputs back, ``dw`` apart (``python -m benchmarks.calibrate`` refits the first two)
RATE_STEP_TILES = {"f4": 60e9, "f8": 38e9}
STEP_SAMPLE_SECONDS = {"f4": 0.8e-9, "f8": 0.8e-9}
STEP_SCATTER_SECONDS = 0.3e-9
#: seconds per sample of the polyphase copy (:mod:`sigconv._kernels.polyphase`; measured
#: 0.6-1.2 ns float64: a scalar gather), and per output of interleaving several output phases
PHASE_PACK_SECONDS = 1.0e-9
PHASE_INTERLEAVE_SECONDS = 1.0e-9
#: taps at which the direct kernel runs at half its peak rate: few taps per pass over the
#: output block make it bound by the accumulator's loads and stores
HALF_RATE_TAPS = 4
#: seconds per (S log2 S) of one complex transform of size S (real transforms take half)
C_FFT = {"f4": 1.1e-9, "f8": 1.5e-9, "c8": 1.1e-9, "c16": 1.5e-9}
#: 1D transforms: ``C_FFT`` by size, in units of 1e-9 s, at ``S ~ 2**p`` for ``p`` in
#: ``FFT_OCTAVES`` (nearest octave, clamped): transforms whose data leave the caches cost up
#: to 3x more per ``S log2 S`` than those that fit (complex data use their real dtype's
#: table); the least of two calibration runs, smoothed
FFT_OCTAVES = tuple(range(12, 24))
C_FFT_1D = {"f4": (0.95, 0.95, 0.92, 0.92, 0.92, 0.9, 0.9, 0.93, 1.2, 1.2, 1.45, 1.75),
            "f8": (1.0, 1.0, 1.0, 1.0, 1.1, 1.1, 1.2, 1.25, 1.8, 2.1, 2.65, 3.0)}
#: speed-up per extra scipy.fft worker on a batch of 1D transforms (measured 1.0-1.5x on two
#: threads for overlap-add, 1.65x for a batch of 64 signals: memory-bound beyond the caches),
#: and per extra thread of 2D overlap-save (1.4x on two)
FFT_THREAD_GAIN = 0.4
#: measured 2D transform time over the 1D model's estimate (scipy's multi-dimensional real
#: transforms run their row passes vectorised across rows: 2048² images, 15² and 31² kernels)
FFT_2D_FACTOR = 0.6
#: 2D overlap-save: seconds per tile point, ``a * log2(P) + b`` for tiles of ``P`` points
#: (real data; complex data twice): the transforms, the spectrum product, the crops and the
#: copies, whose linear part dominates; fitted on 1024² and 2048² images with 3² to 63²
#: kernels, one thread (two threads measured 1.4x faster: ``FFT_THREAD_GAIN``)
TILE_SECONDS = {"f4": (0.12e-9, 9.1e-9), "f8": (0.25e-9, 14.2e-9)}
#: seconds per element of a spectrum product / copy
C_ELEM = 1.0e-9
#: fixed seconds per call of a path (Python overhead, allocation; the transform paths make
#: three scipy.fft calls of ~5 µs each however small)
OVERHEAD = {"direct": 4e-6, "fft": 45e-6, "overlap-add": 95e-6}
#: direct work (multiply-adds) below which "auto" does not consider the transforms
SMALL_WORK = 20_000
#: direct work (multiply-adds) below which threads do not pay: waking the sleeping OpenMP
#: workers (``OMP_WAIT_POLICY=PASSIVE``) costs about 0.1 ms, so 1e4 samples × 256 taps run
#: faster on one thread and 1e4 × 512 on two
PARALLEL_MIN_WORK = 4_000_000
#: seconds to wake the worker threads for one parallel kernel
THREAD_WAKE = 1e-4
#: estimated one-thread seconds of the direct kernel below which threads do not pay either:
#: with the register tiles 4e6 multiply-adds take 0.1 ms, and two threads ran slower up to
#: about 0.3 ms of work (N=4096 K=1001 float64: 137 -> 201 us; N=16384 K=1001 float32: 244 ->
#: 278 us), faster from about 0.45 ms (1.2x) and 0.9 ms (1.6x)
PARALLEL_MIN_SECONDS = 3e-4


_CODES = {np.dtype(t): np.dtype(t).str[1:] for t in (np.float32, np.float64, np.complex64, np.complex128)}


def _code(dtype: np.dtype) -> str:
    return _CODES[dtype]


def _per_plan(func):
    """Cache ``func(plan)`` on the plan: a call reads each of these several times (method
    choice, boundary handling, layout), and its Python overhead is felt on small problems."""
    key = "_cost_" + func.__name__

    @functools.wraps(func)
    def cached(plan):
        memo = plan.__dict__
        if key not in memo:
            memo[key] = func(plan)
        return memo[key]

    return cached


def direct_threads(plan, workers: int) -> int:
    work = plan.batch_size * math.prod(plan.n_out) * math.prod(plan.m)
    if workers <= 1 or work < PARALLEL_MIN_WORK or _plain_seconds(plan) < PARALLEL_MIN_SECONDS:
        return 1
    return workers


@_per_plan
def edge_work(plan) -> int:
    """Multiply-adds of the outputs whose window crosses the signal's edge along the last axis:
    without an extended copy of the signal the direct kernel computes them with bounds checks
    (edge rows run the fast loop with their rows read through the boundary)."""
    n_out, n, me, s = plan.n_out[-1], plan.n[-1], plan.m_eff[-1], plan.stride[-1]
    interior = max(0, min(n_out, (n - me) // s + 1))
    return plan.batch_size * math.prod(plan.n_out[:-1]) * (n_out - interior) * math.prod(plan.m)


@_per_plan
def copy_elements(plan) -> int:
    """Elements of a signal copy extended by the kernel's reach on every side."""
    return max(1, math.prod(plan.x_batch)) * math.prod(n + 2 * (me - 1) for n, me in zip(plan.n, plan.m_eff))


@_per_plan
def _direct_rate(plan) -> float:
    """Multiply-adds per second of one thread of the direct kernel's blocked loop, or of its
    register tiles for one row of more than eight taps (:data:`RATE_TILED`)."""
    taps = math.prod(plan.m)
    code = _code(plan.dtype)
    if code in RATE_TILED and taps == plan.m[-1] > 8 and plan.stride[-1] == 1 and plan.dilation[-1] == 1:
        return RATE_TILED[code] * taps / (taps + TILE_WIDTH // plan.dtype.itemsize - 1)
    return RATE_DIRECT[code] * taps / (taps + HALF_RATE_TAPS)


@_per_plan
def _edge_seconds(plan) -> tuple[float, float]:
    """Seconds of the edge outputs (one thread): bounds-checked in the kernel, and with an
    extended copy of the signal (the copy, then the blocked loop)."""
    edges = edge_work(plan)
    return edges / RATE_SCALAR, edges / _direct_rate(plan) + C_ELEM * copy_elements(plan)


def boundary_copy_pays(plan) -> bool:
    """Whether the direct kernel should read an extended copy of the signal: when its edge
    outputs' bounds-checked loop would cost more than making the copy."""
    in_kernel, with_copy = _edge_seconds(plan)
    return in_kernel > with_copy


def lanes_apply(plan) -> bool:
    """Whether the lane layout can compute ``plan``: real data, unit column stride and
    dilation (the caller also keeps zero fill away from a non-finite kernel)."""
    return _code(plan.dtype) in RATE_LANES and plan.stride[-1] == 1 and plan.dilation[-1] == 1


@_per_plan
def _lane_parts(plan) -> tuple[float, float]:
    """Seconds of the direct kernel through the lane layout, as (multiply-adds on one thread,
    packing and scattering, which are bound by memory and do not speed up with threads);
    infinite where the layout does not apply or rows are too short to fill the lanes."""
    width, lanes = plan.m[-1], 128 // plan.dtype.itemsize
    if not lanes_apply(plan) or plan.n_out[-1] < lanes * width:
        return math.inf, math.inf
    code = _code(plan.dtype)
    outputs = plan.batch_size * math.prod(plan.n_out)
    rows = math.prod(plan.m[:-1])
    if rows > 1:
        passes = rows * -(-width // 8)
        compute = outputs * (8 * passes / RATE_LANES_2D[code] + rows * LANE_SECONDS_PER_ROW[code])
    else:
        compute = outputs * width / RATE_LANES[code]
    return compute, LANE_OVERHEAD + outputs * LANE_SECONDS_PER_OUTPUT[code]


@_per_plan
def _plain_seconds(plan) -> float:
    """Seconds (one thread) of the blocked direct kernel, edges included."""
    work = plan.batch_size * math.prod(plan.n_out) * math.prod(plan.m)
    rate = RATE_STRIDED if plan.stride[-1] > 1 else _direct_rate(plan)
    return (work - edge_work(plan)) / rate + min(_edge_seconds(plan))


def _speedup(threads: int) -> float:
    return threads * 0.9 if threads > 1 else 1.0


def _direct_seconds(plan, threads: int) -> tuple[float, float]:
    """Seconds of the blocked loop and of the lane layout on ``threads`` threads."""
    compute, memory = _lane_parts(plan)
    return _plain_seconds(plan) / _speedup(threads), compute / _speedup(threads) + memory


#: the polyphase form's unit-stride problem, kept on the plan
_phase_plan = _per_plan(phase_plan)


def _phase_seconds(plan, threads: int) -> float:
    """Seconds of the polyphase form (:mod:`sigconv._polyphase`): the copy, the unit-stride
    problem (blocked loop or lane layout) and the interleaving of several output phases."""
    if not phases_apply(plan):
        return math.inf
    inner = _phase_plan(plan)
    _, p, _, _, _ = phase_geometry(plan.stride[-1], plan.dilation[-1], plan.m[-1], plan.n_out[-1])
    packed = inner.x_batch[0] * math.prod(inner.n)
    interleave = PHASE_INTERLEAVE_SECONDS * plan.batch_size * math.prod(plan.n_out) if p > 1 else 0.0
    return (PHASE_PACK_SECONDS * packed / _speedup(threads) + interleave
            + min(_direct_seconds(inner, threads)))


def step_tiles_apply(plan) -> bool:
    """Whether the step tiles can compute ``plan``: real data, a column stride or a dilation
    (not both)."""
    sw, dw = plan.stride[-1], plan.dilation[-1]
    return _code(plan.dtype) in RATE_STEP_TILES and (sw == 1) != (dw == 1)


@_per_plan
def _step_tile_parts(plan) -> float:
    """Seconds (one thread) of the step tiles, edges included; infinite where they do not
    apply."""
    if not step_tiles_apply(plan):
        return math.inf
    sw, dw, kw = plan.stride[-1], plan.dilation[-1], plan.m[-1]
    phases = min(sw, kw) if dw == 1 else 1
    steps = math.prod(plan.m[:-1]) * (kw + phases * (TILE_WIDTH // plan.dtype.itemsize - 1))
    code = _code(plan.dtype)
    rows = plan.batch_size * math.prod(plan.n_out[:-1]) * math.prod(plan.m[:-1])   # input rows read
    samples = rows * ((plan.n_out[-1] - 1) * sw + plan.m_eff[-1])
    outputs = plan.batch_size * math.prod(plan.n_out)
    interior = outputs - edge_work(plan) // math.prod(plan.m)
    scatter = STEP_SCATTER_SECONDS * interior if dw > 1 else 0.0
    compute = max(interior * steps / RATE_STEP_TILES[code], samples * STEP_SAMPLE_SECONDS[code])
    return compute + scatter + min(_edge_seconds(plan))


def _step_seconds(plan, threads: int) -> float:
    return _step_tile_parts(plan) / _speedup(threads)


def step_tiles_pay(plan, workers: int) -> bool:
    """Whether the direct kernel should run in the step tiles (a column stride or dilation,
    where they cost less than the polyphase form and the strided loop)."""
    if not step_tiles_apply(plan):
        return False
    threads = direct_threads(plan, workers)
    return _step_seconds(plan, threads) < min(*_direct_seconds(plan, threads), _phase_seconds(plan, threads))


def phases_pay(plan, workers: int) -> bool:
    """Whether the direct kernel should run in the polyphase form (a column stride or
    dilation, where it costs less than the strided loop)."""
    if not phases_apply(plan):
        return False
    threads = direct_threads(plan, workers)
    return _phase_seconds(plan, threads) < min(_direct_seconds(plan, threads))


def lanes_pay(plan, threads: int) -> bool:
    """Whether the direct kernel should run in the lane layout (faster for long kernel rows)."""
    plain, lanes = _direct_seconds(plan, threads)
    return lanes < plain


def direct_cost(plan, workers: int) -> float:
    threads = direct_threads(plan, workers)
    wake = THREAD_WAKE if threads > 1 else 0.0
    return OVERHEAD["direct"] + wake + min(*_direct_seconds(plan, threads), _phase_seconds(plan, threads),
                                           _step_seconds(plan, threads))


def _c_fft(dtype: np.dtype, octaves: float, nd: int) -> float:
    """Seconds per ``S log2 S`` of a transform of ``2**octaves`` points: :data:`C_FFT_1D` by
    size for 1D, :data:`C_FFT` for the row-and-column passes of 2D transforms."""
    if nd != 1:
        return C_FFT[_code(dtype)]
    table = C_FFT_1D["f8" if _code(dtype) in ("f8", "c16") else "f4"]
    p = min(max(round(octaves), FFT_OCTAVES[0]), FFT_OCTAVES[-1])
    return table[p - FFT_OCTAVES[0]] * 1e-9


def _transform_cost(size: int, count: int, dtype: np.dtype, workers: int, nd: int = 1) -> float:
    """``count`` transforms of ``size`` points; scipy.fft spreads a batch of transforms, and
    the rows of one multi-dimensional transform, over its ``workers`` (large batches only,
    as :mod:`sigconv._fft` passes them)."""
    real = dtype.kind != "c"
    octaves = math.log2(max(size, 2))
    per = _c_fft(dtype, octaves, nd) * size * octaves * (0.5 if real else 1.0)
    if size * count < THREADS_MIN_POINTS:
        return per * count
    if nd != 1:   # the rows of 2D transforms (FFT_2D_FACTOR was fitted with this division)
        return per * count / max(1, workers)
    return per * count / (1 + FFT_THREAD_GAIN * (max(1, min(workers, count)) - 1))


def _batch_counts(plan) -> tuple[int, int, int]:
    nx = math.prod(plan.x_batch)
    nk = math.prod(plan.k_batch)
    return nx, nk, plan.batch_size


def fft_runs_blocks(plan, n_signal=None, start=None) -> bool:
    """Whether :func:`sigconv._fft.fft_convolve` cuts the signal into blocks (one transform
    of it would pass its memory bound)."""
    n_signal = plan.n if n_signal is None else n_signal
    start = plan.start if start is None else start
    shape = fft_lengths(n_signal, plan.m_eff, start, plan.length)
    return not whole_transform_fits(plan.batch_size, shape, plan.length, plan.dtype.itemsize)


def fft_cost(plan, workers: int, n_signal=None, start=None) -> float:
    """One transform per signal, or the block transforms :func:`sigconv._fft.fft_convolve`
    runs where that transform's scratch would pass its memory bound."""
    if fft_runs_blocks(plan, n_signal, start):
        return oa_cost(plan, workers, n_signal)
    start = plan.start if start is None else start
    n_signal = plan.n if n_signal is None else n_signal
    return _whole_fft_cost(plan, workers, fft_lengths(n_signal, plan.m_eff, start, plan.length))


def _whole_fft_cost(plan, workers: int, shape) -> float:
    size = math.prod(shape)
    nx, nk, nb = _batch_counts(plan)
    transforms = (_transform_cost(size, nx, plan.dtype, workers, plan.nd)
                  + _transform_cost(size, nk, plan.dtype, 1, plan.nd)
                  + _transform_cost(size, nb, plan.dtype, workers, plan.nd))
    if plan.nd == 2:
        transforms *= FFT_2D_FACTOR
    return OVERHEAD["fft"] + transforms + C_ELEM * size * nb


def oa_cost(plan, workers: int, n_signal=None) -> float:
    """1D overlap-add over blocks of the signal; 2D overlap-save over tiles of the output."""
    n_signal = plan.n if n_signal is None else n_signal
    nfft = block_shape(tuple(n_signal), tuple(plan.m_eff), tuple(plan.length))
    if one_block(nfft, n_signal, plan.m_eff, plan.length):
        # one block: one transform of the whole signal runs instead
        return _whole_fft_cost(plan, workers, fft_lengths(n_signal, plan.m_eff, plan.start, plan.length))
    size = math.prod(nfft)
    nx, nk, nb = _batch_counts(plan)
    kernels = _transform_cost(size, nk, plan.dtype, 1, plan.nd)
    if plan.nd == 2:
        return OVERHEAD["overlap-add"] + kernels + _tile_seconds(plan, nfft, workers)
    blocks = -(-n_signal[0] // (nfft[0] - plan.m_eff[0] + 1))
    transforms = (_transform_cost(size, nx * blocks, plan.dtype, workers)
                  + _transform_cost(size, nb * blocks, plan.dtype, workers))
    # overlap-add splits the signal and folds the blocks back (3 passes)
    return OVERHEAD["overlap-add"] + kernels + transforms + 3 * C_ELEM * size * nb * blocks


def _tile_seconds(plan, nfft, workers: int) -> float:
    """Seconds of 2D overlap-save's tiles (:data:`TILE_SECONDS`), on threads when
    :mod:`sigconv._fft` runs them so."""
    size = math.prod(nfft)
    tiles = math.prod(-(-n // (f - me + 1)) for n, f, me in zip(plan.length, nfft, plan.m_eff))
    points = plan.batch_size * tiles * size
    per_log, per_point = TILE_SECONDS["f8" if _code(plan.dtype) in ("f8", "c16") else "f4"]
    seconds = points * (per_log * math.log2(size) + per_point) * (2 if plan.dtype.kind == "c" else 1)
    if points >= THREADS_MIN_POINTS:
        seconds /= 1 + FFT_THREAD_GAIN * (max(1, workers) - 1)
    return seconds


def choice(plan, workers: int) -> str:
    """The method of least :func:`estimate` (kept on the plan, per thread count)."""
    key = ("_cost_choice", workers)
    memo = plan.__dict__
    if key not in memo:
        costs = estimate(plan, workers)
        memo[key] = min(costs, key=costs.get)
    return memo[key]


def estimate(plan, workers: int, n_signal=None, start=None) -> dict[str, float]:
    """Estimated seconds of each method for ``plan`` on ``workers`` threads (direct only
    when its work is below ``SMALL_WORK``: no transform can win there)."""
    if plan.batch_size * math.prod(plan.n_out) * math.prod(plan.m) < SMALL_WORK:
        return {"direct": direct_cost(plan, workers)}
    costs = {"direct": direct_cost(plan, workers)}
    blocks = any(me > 1 for me in plan.m_eff)
    if not (blocks and fft_runs_blocks(plan, n_signal, start)):   # else "fft" is "overlap-add"
        costs["fft"] = fft_cost(plan, workers, n_signal, start)
    if blocks:
        costs["overlap-add"] = oa_cost(plan, workers, n_signal)
    return costs
