"""Convolution and correlation of signals (1D) and images (2D): the public wrappers.

Each public function validates its call into a :class:`~sigconv._plan.Plan`, prepares the
signal (convolved axes last, boundary extension) and the kernel (flipped for a convolution,
conjugated for a correlation, dilated for the transforms), then runs one of three methods:

* ``"direct"``: the blocked Numba kernel of :mod:`sigconv._kernels.conv`, which computes only
  the requested (strided) outputs; a column stride or dilation runs in the step tiles or the
  polyphase form of :mod:`sigconv._polyphase` (the signal's phases, read in place or copied);
* ``"fft"``: one transform per signal (:func:`sigconv._fft.fft_convolve`), or the block
  transforms where that one transform's scratch would pass 1.25x the output plus a few MiB;
* ``"overlap-add"``: block transforms for long signals (:func:`sigconv._fft.block_convolve`).

``"auto"`` picks the cheapest by the cost model of :mod:`sigconv._cost`.  The transform
methods keep NaN and inf local: non-finite samples are zeroed before the transform and the
outputs whose window covers one are recomputed directly.
"""

from __future__ import annotations

import functools
import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _cost
from sigconv._dispatch import dask_aware
from sigconv._fft import block_convolve, dilate, fft_convolve
from sigconv._jit import resolve_workers, threads
from sigconv._kernels import conv as _conv
from sigconv._kernels.conv import conv_direct_points, direct_kernel
from sigconv._kernels.lanes import correlate_lanes
from sigconv._padding import extend
from sigconv._plan import METHOD_OPTIONS, MODE_OPTIONS, Plan, make_plan, mode_range, place_axes
from sigconv._polyphase import phase_direct, step_tiles
from sigconv._validate import check_option, writable_view

Mode = Literal["full", "same", "valid"]
Method = Literal["auto", "direct", "fft", "overlap-add"]
Boundary = Literal["fill", "wrap", "symmetric", "symm", "reflect", "edge"]

#: integer bound past which an FFT's rounding error (about eps * bound * log2(n)) could reach 0.5:
#: larger integer problems run direct, which is exact while the sums stay below 2**53
_MAX_EXACT = 2 ** 40

#: signal/kernel row index of an unbatched call (read-only input of the kernels)
_ZERO_INDEX = np.zeros(1, np.int64)

#: boundaries the direct kernel reads itself (no extended copy of the signal)
_KERNEL_BOUNDARY = {"wrap": _conv.WRAP, "symmetric": _conv.SYMMETRIC, "symm": _conv.SYMMETRIC,
                    "reflect": _conv.REFLECT, "edge": _conv.EDGE}


# ----------------------------------------------------------------------------- preparation
def _signal(x: np.ndarray, plan: Plan, boundary: str, fill_value,
            copy: bool) -> tuple[np.ndarray, tuple[int, ...]]:
    """``x`` with the convolved axes last, in the computation dtype, extended by the samples
    outside it that the outputs read when ``copy`` (zeros where the boundary does not apply);
    and per axis the index of the first sample output 0 reads."""
    last = tuple(range(x.ndim - plan.nd, x.ndim))
    xm = (x if plan.axes == last else np.moveaxis(x, plan.axes, last)).astype(plan.dtype, copy=False)
    reads = [plan.read_range(a) for a in range(plan.nd)]
    if not copy:
        return xm, tuple(lo for lo, _ in reads)
    pads = [(max(0, -lo), max(0, hi - n)) for (lo, hi), n in zip(reads, plan.n)]
    if not plan.extend:
        boundary, fill_value = "fill", 0
    fill = np.asarray(fill_value).astype(plan.dtype)
    return extend(xm, pads, boundary, fill), tuple(lo + before for (lo, _), (before, _) in zip(reads, pads))


def _weights(kernel: np.ndarray, plan: Plan) -> np.ndarray:
    """Correlation weights: the kernel reversed (convolution) or conjugated (correlation)."""
    w = kernel.astype(plan.dtype, copy=False)
    if plan.flip:
        return w[(Ellipsis,) + (slice(None, None, -1),) * plan.nd]
    return np.conj(w) if w.dtype.kind == "c" else w


def _as3d(a: np.ndarray, nd: int) -> np.ndarray:
    """C-contiguous ``(batch, H, W)`` view of an array whose last ``nd`` axes are convolved."""
    a = np.ascontiguousarray(a)
    tail = a.shape[-nd:] if nd == 2 else (1,) + a.shape[-1:]
    return a.reshape((-1,) + tail)


def _batch_index(plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """For each output batch row, the row of the signal batch and of the kernel bank."""
    if plan.batch_size == 1:
        return _ZERO_INDEX, _ZERO_INDEX
    xi = np.broadcast_to(np.arange(max(1, math.prod(plan.x_batch))).reshape(plan.x_batch), plan.out_batch)
    wi = np.broadcast_to(np.arange(max(1, math.prod(plan.k_batch))).reshape(plan.k_batch), plan.out_batch)
    # np.array, not np.ascontiguousarray: that returns a read-only view of a broadcast that is
    # already contiguous, and Numba compiles every kernel again for read-only arrays
    return np.array(xi, np.int64).ravel(), np.array(wi, np.int64).ravel()


def _geometry(plan: Plan, offsets, bmode: int = _conv.ZERO) -> tuple[int, ...]:
    """(sh, sw, dh, dw, oh, ow, bmode) for the kernels; a 1D problem has a unit first axis."""
    if plan.nd == 1:
        return 1, plan.stride[0], 1, plan.dilation[0], 0, offsets[0], bmode
    return (*plan.stride, *plan.dilation, *offsets, bmode)


def _direct_boundary(plan: Plan, boundary: str, finite_kernel: bool, workers: int = 1) -> int | None:
    """How the direct kernel reads the samples outside the signal: the kernel's boundary mode,
    or None for an extended copy of the signal (a nonzero fill value, or when the edge
    outputs' bounds-checked loop would cost more than the copy; the polyphase form and the
    lane layout read the boundary in their packed copies at no extra cost, the step tiles
    like the blocked loop in that bounds-checked loop).  Zero fill stays in the kernel for a
    non-finite kernel: its taps must not meet the zeros (NaN * 0 is NaN)."""
    packed = finite_kernel and not _cost.step_tiles_pay(plan, workers) and (_cost.phases_pay(plan, workers) or (
        _cost.lanes_apply(plan) and _cost.lanes_pay(plan, _cost.direct_threads(plan, workers))))
    if not plan.extend:
        return None if finite_kernel and not packed and _cost.boundary_copy_pays(plan) else _conv.ZERO
    if boundary not in _KERNEL_BOUNDARY or (not packed and _cost.boundary_copy_pays(plan)):
        return None
    return _KERNEL_BOUNDARY[boundary]


# ----------------------------------------------------------------------------- methods
def _unit_direct(x3, w3, xi, wi, out, geometry, plan: Plan, n_threads: int, finite_kernel: bool = True) -> None:
    """The direct kernel on ``(batch, H, W)`` arrays: the blocked loop, or the lane layout for
    long kernel rows where the cost model prefers it (never zero fill with a non-finite
    kernel: the packed zeros would meet its taps)."""
    sh, _, dh, _, oh, ow, bmode = geometry
    if _cost.lanes_apply(plan) and (finite_kernel or bmode != _conv.ZERO) and _cost.lanes_pay(plan, n_threads):
        with threads(n_threads):
            correlate_lanes(x3, w3, xi, wi, out, sh, dh, oh, ow, bmode, n_threads > 1)
    elif n_threads > 1:
        with threads(n_threads):
            direct_kernel(w3.shape[1], w3.shape[2], geometry[1], geometry[3], True)(x3, w3, xi, wi, out, *geometry)
    else:
        direct_kernel(w3.shape[1], w3.shape[2], geometry[1], geometry[3], False)(x3, w3, xi, wi, out, *geometry)


def _direct(xe: np.ndarray, w: np.ndarray, plan: Plan, offsets, workers: int, bmode: int = _conv.ZERO,
            finite_kernel: bool = True) -> np.ndarray:
    """The direct kernel, through the step tiles or the polyphase form for a column stride or
    dilation where the cost model prefers them (:mod:`sigconv._polyphase`)."""
    x3, w3 = _as3d(xe, plan.nd), _as3d(w, plan.nd)
    xi, wi = _batch_index(plan)
    n_out = plan.n_out if plan.nd == 2 else (1,) + plan.n_out
    out = np.empty((plan.batch_size,) + n_out, plan.dtype)
    n_threads = _cost.direct_threads(plan, workers)
    geometry = _geometry(plan, offsets, bmode)
    if _cost.step_tiles_pay(plan, workers):
        step_tiles(x3, w3, xi, wi, out, geometry, n_threads)
        return out.reshape(plan.out_shape)
    if (finite_kernel or bmode != _conv.ZERO) and _cost.phases_pay(plan, workers):
        def run(x, w, xi, wi, out, geometry, inner):
            _unit_direct(x, w, xi, wi, out, geometry, inner, n_threads)
        if phase_direct(x3, w3, xi, wi, out, geometry, plan, n_threads, run):
            return out.reshape(plan.out_shape)
    _unit_direct(x3, w3, xi, wi, out, geometry, plan, n_threads, finite_kernel)
    return out.reshape(plan.out_shape)


def _window_hits(bad: np.ndarray, plan: Plan, offsets) -> np.ndarray:
    """For each requested output (of each signal), whether its window covers a ``bad`` sample.

    Window sums along each axis come from prefix sums over the samples ``d`` apart, so the
    cost is linear in the signal size whatever the kernel size."""
    counts = bad.astype(np.int64)
    for a in range(plan.nd):
        ax = counts.ndim - plan.nd + a
        counts = np.moveaxis(counts, ax, -1)
        n, d, m, s = counts.shape[-1], plan.dilation[a], plan.m[a], plan.stride[a]
        starts = offsets[a] + s * np.arange(plan.n_out[a])
        lo = min(0, int(starts[0]))
        hi = max(n, int(starts[-1]) + (m - 1) * d + 1)
        hi += (-(hi - lo)) % d
        padded = np.zeros(counts.shape[:-1] + (hi - lo,), np.int64)
        padded[..., -lo: -lo + n] = counts
        prefix = np.cumsum(padded.reshape(counts.shape[:-1] + ((hi - lo) // d, d)), axis=-2)
        prefix = prefix.reshape(padded.shape)
        first = starts - lo
        last = first + (m - 1) * d
        total = prefix[..., last]
        before = first - d
        total = total - np.where(before >= 0, prefix[..., np.maximum(before, 0)], 0)
        counts = np.moveaxis(total, -1, ax)
    return counts > 0


def _all_finite(a: np.ndarray) -> bool:
    """Whether every sample of ``a`` is finite, with no full-size temporary: its sum is finite
    (nearly always), else the check runs on slices."""
    if np.isfinite(np.sum(a)):
        return True
    flat = a.reshape(-1) if a.flags.c_contiguous else a.ravel(order="K")
    step = 1 << 16
    return all(bool(np.isfinite(flat[i:i + step]).all()) for i in range(0, flat.size, step))


def _transform(xe: np.ndarray, kernel: np.ndarray, w: np.ndarray, plan: Plan, offsets, workers: int,
               method: str) -> np.ndarray:
    """FFT or overlap-add, with non-finite samples kept local."""
    any_bad = not _all_finite(xe)
    bad = ~np.isfinite(xe) if any_bad else None   # full-size masks only where a sample is bad
    clean = np.where(bad, np.zeros((), xe.dtype), xe) if any_bad else xe
    h = kernel.astype(plan.dtype, copy=False)
    if not plan.flip:
        h = np.conj(h[(Ellipsis,) + (slice(None, None, -1),) * plan.nd]) if h.dtype.kind == "c" else \
            h[(Ellipsis,) + (slice(None, None, -1),) * plan.nd]
    h = dilate(h, plan.dilation)
    starts = tuple(o + me - 1 for o, me in zip(offsets, plan.m_eff))
    run = fft_convolve if method == "fft" else block_convolve
    out = run(clean, h, starts, plan.length, plan.stride, workers=workers)
    if out.shape != plan.out_shape:   # a signal shared by a kernel bank (or the other way)
        out = np.broadcast_to(out, plan.out_shape)
    out = out.astype(plan.dtype, copy=False)
    if any_bad:
        hits = np.broadcast_to(_window_hits(bad, plan, offsets), plan.out_shape)
        if hits.any():
            out = np.array(out, copy=True)
            flat = out.reshape((plan.batch_size,) + ((1,) if plan.nd == 1 else ()) + plan.n_out)
            pts = np.nonzero(hits.reshape(flat.shape))
            pts = tuple(np.ascontiguousarray(p, np.int64) for p in pts)
            if plan.nd == 1:
                pts = (pts[0], np.zeros_like(pts[0]), pts[2])
            xi, wi = _batch_index(plan)
            conv_direct_points(_as3d(xe, plan.nd), _as3d(w, plan.nd), xi, wi, flat, *pts,
                               *_geometry(plan, offsets))
    return out


# ----------------------------------------------------------------------------- auto choice
def _integer_overflow_risk(x: np.ndarray, kernel: np.ndarray, plan: Plan) -> bool:
    """Integer inputs whose sums of products could exceed 2**53 must stay exact (direct)."""
    if x.dtype.kind not in "biu" or kernel.dtype.kind not in "biu":
        return False
    bound = int(np.abs(x).max()) * int(np.abs(kernel).max()) * math.prod(plan.m)
    return bound > _MAX_EXACT


def _integer_result(x: np.ndarray, kernel: np.ndarray, plan: Plan, boundary: str, fill_value) -> bool:
    """Whether every output is an integer a transform must round to: integer inputs (and an
    integer fill value where one is read) whose sums stay within :data:`_MAX_EXACT`, where the
    transform's rounding error stays far below 0.5."""
    if x.dtype.kind not in "biu" or kernel.dtype.kind not in "biu" or _integer_overflow_risk(x, kernel, plan):
        return False
    return not (plan.extend and boundary == "fill") or float(np.real(fill_value)).is_integer()


def _pick(plan: Plan, workers: int, x: np.ndarray | None = None, kernel: np.ndarray | None = None) -> str:
    if x is not None and _integer_overflow_risk(x, kernel, plan):
        return "direct"
    return _cost.choice(plan, workers)


_FAST_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _simple_plan(x, kernel, mode, method, axis, boundary, fill_value, stride, dilation, flip) -> Plan | None:
    """The plan of the common call — two 1D float arrays of one dtype, the (dilated) kernel no
    longer than the signal, zero fill, a plain int stride and dilation — built without
    :func:`make_plan`'s validation, which such a call cannot fail (its Python overhead, ~0.1 ms
    with the cost model's, is felt on short signals and strided calls); None for any other call."""
    if not (type(x) is np.ndarray and type(kernel) is np.ndarray and x.ndim == 1 and kernel.ndim == 1
            and x.dtype in _FAST_DTYPES and kernel.dtype == x.dtype and method in METHOD_OPTIONS
            and boundary == "fill" and type(stride) is int and type(dilation) is int and stride >= 1
            and dilation >= 1 and axis in (-1, 0) and type(fill_value) in (int, float) and fill_value == 0
            and mode in MODE_OPTIONS and 0 < (kernel.shape[0] - 1) * dilation + 1 <= x.shape[0]):
        return None
    return _simple_plan_of(x.shape[0], kernel.shape[0], mode, x.dtype, flip, stride, dilation)


@functools.lru_cache(maxsize=1024)
def _simple_plan_of(n: int, m: int, mode: str, dtype: np.dtype, flip: bool, stride: int = 1,
                    dilation: int = 1) -> Plan:
    """:func:`_simple_plan` by sizes; cached, so that repeated calls of one shape also share
    the cost model's results, which it keeps on the plan."""
    me = (m - 1) * dilation + 1
    start, size = mode_range(n, me, mode, (me - 1) // 2)
    return Plan(nd=1, axes=(0,), x_ndim=1, dtype=dtype, x_batch=(), k_batch=(), out_batch=(), n=(n,), m=(m,),
                dilation=(dilation,), stride=(stride,), start=(start,), length=(size,), flip=flip,
                conj_output=False, extend=False)


def _cached_plan(x, kernel, nd, axes, mode, boundary, fill_value, stride, dilation, flip) -> Plan | None:
    """The plan of a call on two float arrays of one dtype with plain (hashable) options, from a
    cache keyed by shapes and options (its validation and the cost model's results, which the
    plan keeps, are the same for every call of that key: a 1024² 3×3 image call spends ~40 µs
    on them otherwise); None for any other call, which :func:`make_plan` then takes."""
    if not (type(x) is np.ndarray and type(kernel) is np.ndarray and x.dtype in _FAST_DTYPES
            and kernel.dtype == x.dtype and type(fill_value) in (int, float)):
        return None
    key = (x.shape, kernel.shape, x.dtype, nd, axes, mode, boundary, fill_value, stride, dilation, flip)
    try:
        return _plan_of(key)
    except TypeError:   # unhashable options (a list of axes): the general path validates them
        return None


@functools.lru_cache(maxsize=256)
def _plan_of(key) -> Plan:
    x_shape, k_shape, dtype, nd, axes, mode, boundary, fill_value, stride, dilation, flip = key
    zeros = np.zeros((), dtype)
    return make_plan(np.broadcast_to(zeros, x_shape), np.broadcast_to(zeros, k_shape), nd=nd, axes=axes, mode=mode,
                     boundary=boundary, fill_value=fill_value, stride=stride, dilation=dilation, flip=flip)[0]


def _small_direct(x: np.ndarray, kernel: np.ndarray, plan: Plan) -> np.ndarray:
    """A simple call with little work straight to the serial direct kernel (not through
    :func:`_direct`, whose general bookkeeping doubles the time of a 1e3-sample call); the
    zero fill is a padded copy where the edge outputs' bounds checks would cost more (never
    for a non-finite kernel: its taps must not meet the zeros)."""
    n, m = plan.n[0], plan.m[0]
    w = kernel[::-1] if plan.flip else kernel
    offset = plan.start[0] - (m - 1)
    if _cost.boundary_copy_pays(plan) and np.isfinite(kernel).all():
        lo, hi = max(0, -offset), max(0, offset + plan.length[0] + m - 1 - n)
        padded = np.zeros(lo + n + hi, x.dtype)
        padded[lo:lo + n] = x
        x, n, offset = padded, lo + n + hi, offset + lo
    out = np.empty((1, 1, plan.length[0]), x.dtype)
    x3 = writable_view(np.ascontiguousarray(x).reshape(1, 1, n))   # read-only input would compile again
    w3 = writable_view(np.ascontiguousarray(w).reshape(1, 1, m))
    direct_kernel(1, m, 1, 1, False)(x3, w3, _ZERO_INDEX, _ZERO_INDEX, out, 1, 1, 1, 1, 0, offset, _conv.ZERO)
    return out.reshape(plan.length[0])


def _small_fft(x: np.ndarray, kernel: np.ndarray, plan: Plan, workers: int) -> np.ndarray:
    """A simple call of finite samples straight to one transform (the general path's
    bookkeeping costs as much as a 1e3-sample transform)."""
    h = kernel if plan.flip else kernel[::-1]
    return fft_convolve(x, h, plan.start, plan.length, (1,), workers=workers)


def _simple_run(x: np.ndarray, kernel: np.ndarray, plan: Plan, method: str,
                workers: int) -> tuple[np.ndarray | None, str]:
    """``(result, method)`` of a simple call (:func:`_simple_plan`), "auto" resolved; the
    result is None where no shortcut applies (the shortcuts: serial direct below the
    threading threshold, one transform of finite inputs; unit stride and dilation only)."""
    if plan.stride[0] != 1 or plan.dilation[0] != 1:
        return None, _cost.choice(plan, workers) if method == "auto" else method
    work = plan.length[0] * plan.m[0]
    if method == "auto":   # serial direct wins where the work is small, or the kernel short
        small = work < _cost.PARALLEL_MIN_WORK and (plan.m[0] <= 256 or work < 10 * _cost.SMALL_WORK)
        method = "direct" if small else _cost.choice(plan, workers)
    if method == "direct" and work < _cost.PARALLEL_MIN_WORK:
        return _small_direct(x, kernel, plan), method
    if method == "fft" and np.isfinite(x).all() and np.isfinite(kernel).all():
        return _small_fft(x, kernel, plan, workers), method
    return None, method


def _run(x, kernel, *, nd, axes, mode, method, boundary, fill_value, stride, dilation, workers, flip):
    plan = _simple_plan(x, kernel, mode, method, axes[0], boundary, fill_value, stride, dilation, flip) \
        if nd == 1 else None
    workers = resolve_workers(workers)
    if plan is not None:
        out, method = _simple_run(x, kernel, plan, method, workers)
        if out is not None:
            return out
    else:
        method = check_option("method", method, METHOD_OPTIONS)
        plan = _cached_plan(x, kernel, nd, axes, mode, boundary, fill_value, stride, dilation, flip)
        if plan is None:
            plan, x, kernel = make_plan(x, kernel, nd=nd, axes=axes, mode=mode, boundary=boundary,
                                        fill_value=fill_value, stride=stride, dilation=dilation, flip=flip)
        else:
            x, kernel = writable_view(x), writable_view(kernel)
    if method == "auto":
        method = _pick(plan, workers, x, kernel)
    w = _weights(kernel, plan)
    finite_kernel = bool(np.isfinite(w).all())
    if not finite_kernel:
        method = "direct"   # a non-finite tap reaches every output it touches; no transform helps
    bmode = _direct_boundary(plan, boundary, finite_kernel, workers) if method == "direct" else None
    copy = plan.extend if method != "direct" else bmode is None
    xe, offsets = _signal(x, plan, boundary, fill_value, copy)
    if method == "direct":
        out = _direct(xe, w, plan, offsets, workers, _conv.ZERO if bmode is None else bmode, finite_kernel)
    else:
        out = _transform(xe, kernel, w, plan, offsets, workers, method)
        if _integer_result(x, kernel, plan, boundary, fill_value):   # exact, as the direct sums are
            out = np.rint(out, out=out) if out.flags.writeable else np.rint(out)
            out += 0.0   # -0.0 (a rounded -1e-17) becomes 0.0
    if plan.conj_output:
        out = np.conj(out)
    out = place_axes(out, plan)
    return out if out.flags.writeable else out.copy()   # outputs are always new, writeable arrays


# ----------------------------------------------------------------------------- public API
_DOC_COMMON = """
    Parameters
    ----------
    x : array_like
        Signal(s), any shape; convolved along ``{axis_name}``, the other axes are a batch.
    kernel : array_like
        Kernel ``{kshape}`` or a bank ``(..., {kdims})`` whose leading axes broadcast (numpy
        rules) against the batch axes of ``x``: ``x[:, None, :]`` with a bank ``(F, M)`` gives
        ``(B, F, L)``.
    mode : {{'full', 'same', 'valid'}}
        Output size per convolved axis (``N`` samples, dilated kernel ``Me`` wide): 'full'
        ``N + Me - 1``; 'same' ``N`` (centred as scipy centres it); 'valid' ``|N - Me| + 1``
        (scipy's input swap when the kernel is longer).  Then divided by ``stride``, rounded up.
    method : {{'auto', 'direct', 'fft', 'overlap-add'}}
        'auto' picks the fastest by a cost model (:func:`choose_method` says which).  'fft'
        transforms each whole signal, except where that transform's scratch (about 3x the
        output) would pass 1.25x the output plus 4 MiB: it then transforms blocks, as
        'overlap-add' does (the same result to rounding, a few MiB of scratch).
    boundary : {{'fill', 'wrap', 'symmetric', 'symm', 'reflect', 'edge'}}
        How the signal is extended before a 'full' convolution, as ``numpy.pad(x, Me - 1,
        mode)`` would ('fill' pads with ``fill_value``); 'valid' ignores it.
    fill_value : scalar
        Value of the samples outside the signal for ``boundary='fill'``.
    stride : int{stride_pair}
        Keep every ``stride``-th output (the others are never computed by 'direct').
    dilation : int{stride_pair}
        Spread the kernel taps ``dilation`` samples apart (``dilation - 1`` zeros between).
    workers : int or None
        Threads: None uses every core, 1 is single-threaded.

    Returns
    -------
    ndarray
        Batch axes ``np.broadcast_shapes(x batch, kernel batch)`` with the convolved axes
        placed at ``{axis_name}`` counted from the end.  dtype: float32 (or complex64) when
        both inputs are single precision, float64 (complex128) otherwise; bool/int compute
        in float64.

    Raises
    ------
    ValueError
        Empty input, bad mode/method/boundary, batch shapes that do not broadcast, stride or
        dilation < 1, 'valid' 2D shapes that are neither larger nor smaller.
    TypeError
        Non-numeric input or a non-integer stride/dilation.
"""


@dask_aware("convolve")
def convolve(x: ArrayLike, kernel: ArrayLike, mode: Mode = "full", *, method: Method = "auto", axis: int = -1,
             boundary: Boundary = "fill", fill_value: float = 0.0, stride: int = 1, dilation: int = 1,
             workers: int | None = None) -> np.ndarray:
    r"""Convolve ``x`` with ``kernel`` along one axis: :math:`y_n = \sum_k x_{n-k} h_k`.

    With ``boundary='fill', fill_value=0, stride=1, dilation=1`` the result equals
    ``scipy.signal.convolve(x, kernel, mode)`` for 1D inputs.
    {common}
    See Also
    --------
    correlate, convolve2d, choose_method, scipy.signal.convolve

    Examples
    --------
    >>> import numpy as np, sigconv
    >>> sigconv.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    array([0. , 1. , 2.5, 4. , 1.5])
    >>> sigconv.convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.5], mode="same")
    array([1. , 2.5, 4. ])
    >>> bank = np.array([[1.0, 1.0], [1.0, -1.0]])      # two kernels -> two output rows
    >>> sigconv.convolve(np.arange(4.0), bank, mode="valid")
    array([[1., 3., 5.],
           [1., 1., 1.]])
    """
    return _run(x, kernel, nd=1, axes=(axis,), mode=mode, method=method, boundary=boundary,
                fill_value=fill_value, stride=stride, dilation=dilation, workers=workers, flip=True)


@dask_aware("correlate")
def correlate(x: ArrayLike, kernel: ArrayLike, mode: Mode = "full", *, method: Method = "auto", axis: int = -1,
              boundary: Boundary = "fill", fill_value: float = 0.0, stride: int = 1, dilation: int = 1,
              workers: int | None = None) -> np.ndarray:
    r"""Cross-correlate ``x`` with ``kernel`` along one axis:
    :math:`c_n = \sum_k x_{n+k-(M-1)} \overline{h_k}` ('full' indexing).

    Equals ``scipy.signal.correlate(x, kernel, mode)`` for 1D inputs (fill boundary, stride 1,
    dilation 1), including the 'valid' input swap.
    {common}
    See Also
    --------
    convolve, correlate2d, scipy.signal.correlate

    Examples
    --------
    >>> import sigconv
    >>> sigconv.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5])
    array([0.5, 2. , 3.5, 3. , 0. ])
    >>> sigconv.correlate([1.0, 2.0, 3.0, 4.0], [1.0, 1.0], mode="valid", stride=2)
    array([3., 7.])
    """
    return _run(x, kernel, nd=1, axes=(axis,), mode=mode, method=method, boundary=boundary,
                fill_value=fill_value, stride=stride, dilation=dilation, workers=workers, flip=False)


@dask_aware("convolve2d")
def convolve2d(x: ArrayLike, kernel: ArrayLike, mode: Mode = "full", *, method: Method = "auto",
               axes: tuple[int, int] = (-2, -1), boundary: Boundary = "fill", fill_value: float = 0.0,
               stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
               workers: int | None = None) -> np.ndarray:
    """Convolve images ``x`` with ``kernel`` over two axes.

    Equals ``scipy.signal.convolve2d(x, kernel, mode, boundary=..., fillvalue=...)`` for 2D
    inputs ('fill', 'wrap' and 'symm' boundaries; stride 1, dilation 1).
    {common}
    See Also
    --------
    correlate2d, convolve, scipy.signal.convolve2d

    Examples
    --------
    >>> import numpy as np, sigconv
    >>> image = np.arange(16.0).reshape(4, 4)
    >>> sigconv.convolve2d(image, np.ones((2, 2)), mode="valid")
    array([[10., 14., 18.],
           [26., 30., 34.],
           [42., 46., 50.]])
    >>> sigconv.convolve2d(image, np.ones((3, 3)) / 9, mode="same", boundary="symm").shape
    (4, 4)
    """
    return _run(x, kernel, nd=2, axes=axes, mode=mode, method=method, boundary=boundary,
                fill_value=fill_value, stride=stride, dilation=dilation, workers=workers, flip=True)


@dask_aware("correlate2d")
def correlate2d(x: ArrayLike, kernel: ArrayLike, mode: Mode = "full", *, method: Method = "auto",
                axes: tuple[int, int] = (-2, -1), boundary: Boundary = "fill", fill_value: float = 0.0,
                stride: int | tuple[int, int] = 1, dilation: int | tuple[int, int] = 1,
                workers: int | None = None) -> np.ndarray:
    """Cross-correlate images ``x`` with ``kernel`` over two axes.

    Equals ``scipy.signal.correlate2d(x, kernel, mode, ...)`` for 2D inputs, including its
    'same' centring (the window starts ``K // 2`` before the output sample) and its
    conjugated output for complex 'valid' calls that swap the inputs.
    {common}
    See Also
    --------
    convolve2d, correlate, scipy.signal.correlate2d

    Examples
    --------
    >>> import numpy as np, sigconv
    >>> image = np.zeros((5, 5)); image[2, 3] = 1.0
    >>> scores = sigconv.correlate2d(image, np.ones((3, 3)), mode="same")
    >>> int(scores.sum())
    9
    """
    return _run(x, kernel, nd=2, axes=axes, mode=mode, method=method, boundary=boundary,
                fill_value=fill_value, stride=stride, dilation=dilation, workers=workers, flip=False)


def choose_method(x: ArrayLike, kernel: ArrayLike, mode: Mode = "full", *, axis: int | None = None,
                  axes: tuple[int, int] | None = None, stride=1, dilation=1,
                  workers: int | None = None) -> str:
    """The method ``method="auto"`` would use: ``"direct"``, ``"fft"`` or ``"overlap-add"``.

    Give ``axis`` (default -1) for the 1D functions or ``axes`` for the 2D ones.  The choice
    comes from the cost model documented in :mod:`sigconv._cost`, which accounts for batch
    size, stride (direct computes only the kept outputs), dilation (direct pays for the taps,
    transforms for the dilated width) and threads.  Integer inputs whose sums could exceed
    2**53 always use 'direct' so the result stays exact.

    Examples
    --------
    >>> import numpy as np, sigconv
    >>> sigconv.choose_method(np.ones(1000), np.ones(5))
    'direct'
    >>> sigconv.choose_method(np.ones(100_000), np.ones(10_000))
    'fft'
    """
    if axis is not None and axes is not None:
        raise TypeError("give `axis` (1D) or `axes` (2D), not both")
    nd, ax = (2, axes) if axes is not None else (1, (-1 if axis is None else axis,))
    plan, x, kernel = make_plan(x, kernel, nd=nd, axes=ax, mode=mode, boundary="fill", fill_value=0.0,
                                stride=stride, dilation=dilation, flip=True)
    return _pick(plan, resolve_workers(workers), x, kernel)


for _f, _axis, _kshape, _kdims, _pair in (
    (convolve, "axis", "(M,)", "M", ""), (correlate, "axis", "(M,)", "M", ""),
    (convolve2d, "axes", "(Kh, Kw)", "Kh, Kw", " or (int, int)"),
    (correlate2d, "axes", "(Kh, Kw)", "Kh, Kw", " or (int, int)"),
):
    _f.__doc__ = _f.__doc__.replace("{common}", _DOC_COMMON.format(
        axis_name=_axis, kshape=_kshape, kdims=_kdims, stride_pair=_pair))
del _f, _axis, _kshape, _kdims, _pair
