"""Passes of neighbouring taps of one kernel row over an accumulator block, with the taps'
offsets fixed at compile time (a runtime step between taps does not vectorise: measured
7 GFLOP/s).  Shared by the blocked loop of :mod:`~sigconv._kernels.conv`, whose taps are one
sample apart, and the lane layout of :mod:`~sigconv._kernels.lanes`, whose taps are a lane
width apart; :func:`tap_runs` compiles one family for each.
"""

from __future__ import annotations

from numba.extending import overload

from sigconv._jit import wide_vectors, with_globals

#: bytes of outputs side by side in the lane layout (two 512-bit vectors)
LANE_BYTES = 128


def lane_count(a) -> int:
    """Lanes of the packed layout for ``a``'s dtype (a compile-time constant in kernels)."""
    return LANE_BYTES // a.dtype.itemsize


@overload(lane_count)
def _lane_count_typed(a):
    lanes = LANE_BYTES // (a.dtype.bitwidth // 8)
    return lambda a: lanes


#: taps per pass, and whether they are a lane width apart (set in each compiled copy)
TAPS = 8
LANED = False


def _tap_run(o, cnt, xx, wrow, c, first):
    """``o[j] (+)= sum_{t < TAPS} wrow[c + t] * xx[j + (c + t) * step]`` (``first``: assign,
    else add), ``step`` 1 or the lane count.  One copy per ``TAPS`` from 1 to 8 and ``LANED``:
    the branches on them fold away."""
    wide_vectors()
    step = lane_count(xx) if LANED else 1
    x = xx[c * step:]
    w0 = wrow[c]
    w1 = wrow[c + 1] if TAPS > 1 else w0
    w2 = wrow[c + 2] if TAPS > 2 else w0
    w3 = wrow[c + 3] if TAPS > 3 else w0
    w4 = wrow[c + 4] if TAPS > 4 else w0
    w5 = wrow[c + 5] if TAPS > 5 else w0
    w6 = wrow[c + 6] if TAPS > 6 else w0
    w7 = wrow[c + 7] if TAPS > 7 else w0
    for j in range(cnt):
        acc = w0 * x[j]
        if TAPS > 1:
            acc += w1 * x[j + step]
        if TAPS > 2:
            acc += w2 * x[j + 2 * step]
        if TAPS > 3:
            acc += w3 * x[j + 3 * step]
        if TAPS > 4:
            acc += w4 * x[j + 4 * step]
        if TAPS > 5:
            acc += w5 * x[j + 5 * step]
        if TAPS > 6:
            acc += w6 * x[j + 6 * step]
        if TAPS > 7:
            acc += w7 * x[j + 7 * step]
        if first:
            o[j] = acc
        else:
            o[j] += acc


#: the compiled passes of 1 to 7 taps (set in each compiled copy of :func:`_rest_pass`)
_run1 = _run2 = _run3 = _run4 = _run5 = _run6 = _run7 = None


def _rest_pass(o, cnt, xx, wrow, c, first):
    """The taps ``c`` to the end of the row (one to seven of them) in one pass."""
    rest = wrow.shape[0] - c
    if rest == 1:
        _run1(o, cnt, xx, wrow, c, first)
    elif rest == 2:
        _run2(o, cnt, xx, wrow, c, first)
    elif rest == 3:
        _run3(o, cnt, xx, wrow, c, first)
    elif rest == 4:
        _run4(o, cnt, xx, wrow, c, first)
    elif rest == 5:
        _run5(o, cnt, xx, wrow, c, first)
    elif rest == 6:
        _run6(o, cnt, xx, wrow, c, first)
    else:
        _run7(o, cnt, xx, wrow, c, first)


def tap_runs(laned: bool):
    """``(run8, rest)``: the pass of eight taps ``c..c+7`` and the pass of a row's last one to
    seven taps, for taps one sample apart (``laned=False``) or a lane width apart."""
    family = "lanes" if laned else "row"
    runs = [with_globals(_tap_run, f"_{taps}_{family}", TAPS=taps, LANED=laned) for taps in range(1, 9)]
    rest = with_globals(_rest_pass, f"_{family}", **{f"_run{taps}": run for taps, run in enumerate(runs, 1)})
    return runs[7], rest
