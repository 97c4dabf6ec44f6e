"""Strided and dilated direct correlation: the step tiles and the polyphase form (wrapper side).

Real data with a column stride or a dilation (not both) run in the register tiles of
:mod:`sigconv._kernels.strided`, which read the signal's phases in place
(:func:`step_tiles`); the other cases take the polyphase form below where the cost model
prefers it.

:mod:`sigconv._kernels.polyphase` explains the layout: the signal is copied into its phase
signals, the kernel into its tap phases, and the unit-stride direct kernels run on them, one
batch row per output phase; several output phases (dilation) are then interleaved into the
output.  The copy costs one pass over the samples the outputs read; the kernels then run at
their unit-stride speed, where the strided blocked loop takes one tap per pass with gathered
loads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sigconv import _cost
from sigconv._jit import threads
from sigconv._kernels.conv import ZERO
from sigconv._kernels.polyphase import conv_phase_tiles, conv_phase_tiles_parallel, pack_phases, pack_phases_parallel
from sigconv._kernels.strided import step_kernel
from sigconv._plan import Plan, phase_geometry, phase_plan


def _tap_phases(w3: np.ndarray, c: int, kc: int) -> np.ndarray:
    """``(nw, Kh * C, Kc)``: row ``r * C + p`` holds taps ``w[r, p + C * q]`` (zero past the row)."""
    nw, kh, kw = w3.shape
    padded = np.zeros((nw, kh, kc * c), w3.dtype)
    padded[..., :kw] = w3
    return np.ascontiguousarray(padded.reshape(nw, kh, kc, c).transpose(0, 1, 3, 2)).reshape(nw, kh * c, kc)


def step_tiles(x3: np.ndarray, w3: np.ndarray, xi: np.ndarray, wi: np.ndarray, out: np.ndarray, geometry,
               n_threads: int) -> None:
    """Compute ``out`` of :func:`~sigconv._kernels.conv.conv_direct` (``geometry`` = its
    ``(sh, sw, dh, dw, oh, ow, bmode)``, a column stride or a dilation, real data) in the
    step tiles of :mod:`sigconv._kernels.strided`."""
    sh, sw, dh, dw, oh, ow, bmode = geometry
    with threads(n_threads):
        if dw == 1:
            step_kernel(sw, False, n_threads > 1)(x3, w3, xi, wi, out, sh, sw, dh, oh, ow, bmode)
        else:
            step_kernel(dw, True, n_threads > 1)(x3, w3, xi, wi, out, sh, dh, dw, oh, ow, bmode)


def phase_direct(x3: np.ndarray, w3: np.ndarray, xi: np.ndarray, wi: np.ndarray, out: np.ndarray, geometry,
                 plan: Plan, n_threads: int, run: Callable) -> bool:
    """Compute ``out`` of :func:`~sigconv._kernels.conv.conv_direct` (``geometry`` = its
    ``(sh, sw, dh, dw, oh, ow, bmode)``) in the polyphase form; ``run(x, w, xi, wi, out,
    geometry, plan)`` is the unit-stride direct kernel.  Returns False, having written
    nothing, where a zero-padded tap phase would meet a non-finite sample (the caller then
    runs the strided kernel)."""
    sh, sw, dh, dw, oh, ow, bmode = geometry
    nb, ho, wo = out.shape
    nx, h, _ = x3.shape
    kh = w3.shape[1]
    q, p, c, kc, mp = phase_geometry(sw, dw, w3.shape[2], wo)
    check = kc * c != w3.shape[2]
    inner_plan = phase_plan(plan)
    if p == 1 and not (_cost.lanes_apply(inner_plan) and _cost.lanes_pay(inner_plan, n_threads)):
        # a stride alone, for the blocked loop: phase tiles packed block by block
        tiles = conv_phase_tiles_parallel if n_threads > 1 else conv_phase_tiles
        with threads(n_threads):
            return not tiles(x3, _tap_phases(w3, c, kc), xi, wi, out, sh, dh, oh, q, c, dw, ow, bmode, check)
    first, last = oh, (ho - 1) * sh + (kh - 1) * dh + oh + 1     # rows the outputs read
    if bmode == ZERO:   # rows outside x add nothing: the kernels skip them
        first, last = max(0, first), max(max(0, first), min(h, last))
    rows = max(1, last - first)
    xp = np.empty((nx * p, rows * c, mp + kc - 1), x3.dtype)
    pack = pack_phases_parallel if n_threads > 1 else pack_phases
    with threads(n_threads):
        bad = pack(x3, xp, p, c, q, sw, dw, first, ow, bmode, check)
    if bad:
        return False
    if c == 1:
        inner = (sh, 1, dh, 1, oh - first, 0, ZERO)
    else:   # kernel row r * C + p reads packed row (i*sh + r + oh - first) * C + p
        inner = (sh * c, 1, 1, 1, (oh - first) * c, 0, ZERO)
    if p == 1:
        run(xp, _tap_phases(w3, c, kc), xi, wi, out, inner, inner_plan)
        return True
    xi2 = (xi[:, None] * p + np.arange(p)).ravel()
    wi2 = np.repeat(wi, p)
    phased = np.empty((nb * p, ho, mp), out.dtype)
    run(xp, _tap_phases(w3, c, kc), xi2, wi2, phased, inner, inner_plan)
    phased = phased.reshape(nb, p, ho, mp)
    for j0 in range(p):
        out[:, :, j0::p] = phased[:, j0, :, :len(range(j0, wo, p))]
    return True
