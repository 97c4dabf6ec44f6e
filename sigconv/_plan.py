"""Geometry of a convolution: which outputs a call asks for and which samples they read.

A call is reduced to a :class:`Plan`: the convolved axes are moved last, the kernel is dilated
(``Me = (M - 1) * dilation + 1`` taps wide), and the requested outputs are the indices
``start + i * stride`` (``i < n_out``) of the 'full' convolution along each convolved axis.
Both the direct and the FFT paths read the plan; neither recomputes it.

Output sizes per mode, for one axis with ``N`` samples and a dilated kernel ``Me`` wide:

=========  ==========================  =====================================
mode       'full' indices              outputs (before the stride)
=========  ==========================  =====================================
full       ``0 .. N + Me - 2``          ``N + Me - 1``
same       centred on the signal        ``N``
valid      ``min(N, Me) - 1 .. max-1``  ``|N - Me| + 1`` (scipy's input swap)
=========  ==========================  =====================================
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from sigconv._padding import BOUNDARY_OPTIONS, needs_extension
from sigconv._validate import as_array, check_axes, check_int_tuple, check_option, float_dtype

MODE_OPTIONS = ("full", "same", "valid")
METHOD_OPTIONS = ("auto", "direct", "fft", "overlap-add")


@dataclasses.dataclass(frozen=True)
class Plan:
    nd: int                      # number of convolved axes (1 or 2)
    axes: tuple[int, ...]        # convolved axes of x, non-negative
    x_ndim: int
    dtype: np.dtype              # computation and output dtype
    x_batch: tuple[int, ...]     # batch shape of x (convolved axes removed)
    k_batch: tuple[int, ...]     # batch shape of the kernel
    out_batch: tuple[int, ...]   # broadcast of the two
    n: tuple[int, ...]           # signal length per convolved axis
    m: tuple[int, ...]           # kernel taps per convolved axis
    dilation: tuple[int, ...]
    stride: tuple[int, ...]
    start: tuple[int, ...]       # first requested 'full' index per axis
    length: tuple[int, ...]      # requested 'full' outputs per axis, before the stride
    flip: bool                   # True for convolution, False for correlation
    conj_output: bool            # scipy's correlate2d conjugates its swapped 'valid' output
    extend: bool                 # the boundary needs explicit extension

    # derived sizes (the cost model reads them many times; computed eagerly: a lazy
    # property's first read costs more than computing all four)
    m_eff: tuple[int, ...] = dataclasses.field(init=False, repr=False, compare=False)
    n_out: tuple[int, ...] = dataclasses.field(init=False, repr=False, compare=False)
    out_shape: tuple[int, ...] = dataclasses.field(init=False, repr=False, compare=False)   # convolved axes last
    batch_size: int = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        n_out = tuple(-(-length // s) for length, s in zip(self.length, self.stride))
        setattr_ = object.__setattr__
        setattr_(self, "m_eff", tuple((m - 1) * d + 1 for m, d in zip(self.m, self.dilation)))
        setattr_(self, "n_out", n_out)
        setattr_(self, "out_shape", self.out_batch + n_out)
        setattr_(self, "batch_size", math.prod(self.out_batch))

    def read_range(self, axis: int) -> tuple[int, int]:
        """Signal indices [lo, hi) that the requested outputs read along convolved ``axis``
        (may reach outside ``[0, n)``, into the boundary extension)."""
        pad = self.m_eff[axis] - 1
        lo = self.start[axis] - pad
        hi = self.start[axis] + (self.n_out[axis] - 1) * self.stride[axis] + self.m_eff[axis] - pad
        return lo, hi


def mode_range(n: int, me: int, mode: str, same_offset: int) -> tuple[int, int]:
    """(start, length) of the requested 'full' indices along one axis."""
    if mode == "full":
        return 0, n + me - 1
    if mode == "same":
        return same_offset, n
    return min(n, me) - 1, abs(n - me) + 1


def make_plan(x, kernel, *, nd: int, axes, mode: str, boundary: str, fill_value, stride, dilation,
              flip: bool) -> tuple[Plan, np.ndarray, np.ndarray]:
    """Validate a call and return its :class:`Plan` with the coerced ``x`` and ``kernel``."""
    mode = check_option("mode", mode, MODE_OPTIONS)
    boundary = check_option("boundary", boundary, BOUNDARY_OPTIONS)
    x = as_array("x", x)
    kernel = as_array("kernel", kernel)
    if x.ndim < nd:
        raise ValueError(f"`x` must have at least {nd} dimension(s) to convolve over; got shape {x.shape}")
    if kernel.ndim < nd:
        raise ValueError(f"`kernel` must have at least {nd} dimension(s); got shape {kernel.shape}")
    axes = check_axes("axes" if nd == 2 else "axis", axes, x.ndim, nd)
    stride = check_int_tuple("stride", stride, nd)
    dilation = check_int_tuple("dilation", dilation, nd)
    if np.ndim(fill_value) != 0 or not isinstance(np.asarray(fill_value).item(), (int, float, complex)):
        raise TypeError(f"`fill_value` must be a scalar number; got {fill_value!r}")
    dtype = float_dtype(x, kernel)
    if np.iscomplexobj(fill_value) and dtype.kind != "c" and complex(fill_value).imag != 0:
        raise TypeError(f"`fill_value`={fill_value!r} is complex but `x` and `kernel` are real")
    x_batch = tuple(s for i, s in enumerate(x.shape) if i not in axes)
    k_batch = kernel.shape[:-nd]
    try:
        out_batch = np.broadcast_shapes(x_batch, k_batch)
    except ValueError as e:
        raise ValueError(
            f"the batch dimensions of `x` {x_batch} (shape {x.shape} without axes {axes}) and of `kernel` "
            f"{k_batch} (shape {kernel.shape} without its last {nd}) do not broadcast"
        ) from e
    n = tuple(x.shape[a] for a in axes)
    m = kernel.shape[-nd:]
    m_eff = tuple((mm - 1) * d + 1 for mm, d in zip(m, dilation))
    conj_output = False
    if mode == "valid" and nd == 2:
        larger = all(a >= b for a, b in zip(n, m_eff))
        smaller = all(a <= b for a, b in zip(n, m_eff))
        if not (larger or smaller):
            raise ValueError(
                f"mode='valid' needs `x` {n} to be at least as large as the (dilated) `kernel` {m_eff} in "
                "every convolved dimension, or the other way round; use mode='full' or 'same'"
            )
        conj_output = (not flip) and not larger and dtype.kind == "c"
    # scipy's correlate2d centres 'same' on M//2, everything else on (M-1)//2
    same = [me // 2 if (nd == 2 and not flip) else (me - 1) // 2 for me in m_eff]
    ranges = [mode_range(nn, me, mode, off) for nn, me, off in zip(n, m_eff, same)]
    plan = Plan(
        nd=nd, axes=axes, x_ndim=x.ndim, dtype=dtype, x_batch=x_batch, k_batch=k_batch, out_batch=out_batch,
        n=n, m=m, dilation=dilation, stride=stride, start=tuple(r[0] for r in ranges),
        length=tuple(r[1] for r in ranges), flip=flip, conj_output=conj_output,
        extend=mode != "valid" and needs_extension(boundary, fill_value),
    )
    return plan, x, kernel


def place_axes(result: np.ndarray, plan: Plan) -> np.ndarray:
    """Move the convolved axes (last in ``result``) to their places, counted from the end as in
    ``x``, and return a C-contiguous array."""
    dest = [a - plan.x_ndim for a in plan.axes]
    src = list(range(-plan.nd, 0))
    if dest != src:
        result = np.moveaxis(result, src, dest)
    return np.ascontiguousarray(result)


def phase_geometry(sw: int, dw: int, kw: int, wo: int) -> tuple[int, int, int, int, int]:
    """``(Q, P, C, Kc, Mp)`` of the polyphase form of a correlation along the last axis with
    output stride ``sw``, tap spacing ``dw``, ``kw`` taps and ``wo`` outputs
    (:mod:`sigconv._kernels.polyphase`): the phase step ``Q = lcm(sw, dw)``, ``P = Q / sw``
    output phases of ``Mp`` outputs, ``C = Q / dw`` tap phases of ``Kc`` taps."""
    q = math.lcm(sw, dw)
    p, c = q // sw, q // dw
    return q, p, c, -(-kw // c), -(-wo // p)


def phases_apply(plan: Plan) -> bool:
    """Whether the polyphase form can compute ``plan``'s direct correlation: a column stride
    or dilation to remove, and (with several tap phases) undilated rows, whose kernel rows
    then interleave with the tap phases."""
    sw, dw = plan.stride[-1], plan.dilation[-1]
    if sw == 1 and dw == 1:
        return False
    _, _, c, _, _ = phase_geometry(sw, dw, plan.m[-1], plan.n_out[-1])
    return c == 1 or plan.nd == 1 or plan.dilation[0] == 1


def phase_plan(plan: Plan) -> Plan:
    """The unit-stride problem the polyphase form of ``plan`` runs (packed rows, phase
    batches, tap phases as kernel rows; ``plan.n`` rows in 2D): its sizes drive the cost
    model and the choice between the blocked loop and the lane layout."""
    _, p, c, kc, mp = phase_geometry(plan.stride[-1], plan.dilation[-1], plan.m[-1], plan.n_out[-1])
    rows, kh, sh, dh, ho = 1, 1, 1, 1, 1
    if plan.nd == 2:
        rows, kh, sh, dh, ho = plan.n[0], plan.m[0], plan.stride[0], plan.dilation[0], plan.n_out[0]
    sh, dh = (sh, dh) if c == 1 else (sh * c, 1)
    nx = max(1, math.prod(plan.x_batch)) * p
    return Plan(nd=2, axes=(1, 2), x_ndim=3, dtype=plan.dtype, x_batch=(nx,), k_batch=plan.k_batch or (1,),
                out_batch=(plan.batch_size * p,), n=(rows * c, mp + kc - 1), m=(kh * c, kc), dilation=(dh, 1),
                stride=(sh, 1), start=(0, kc - 1), length=(ho * sh, mp), flip=False, conj_output=False,
                extend=False)
