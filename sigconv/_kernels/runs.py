"""Passes of neighbouring taps of one kernel row over an accumulator block, with the taps'
offsets fixed at compile time (a runtime step between taps does not vectorise: measured
7 GFLOP/s).  Shared by the blocked loop of :mod:`~sigconv._kernels.conv`, whose taps are one
sample apart, and the lane layout of :mod:`~sigconv._kernels.lanes`, whose taps are a lane
width apart; :func:`tap_runs` compiles one family for each.
"""

from __future__ import annotations

from numba.extending import overload

from sigconv._jit import jit, wide_vectors, with_globals

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
    else add), ``step`` 1 or the lane count.  One copy per ``LANED`` with ``TAPS = 8``: the
    branches on them fold away."""
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


def _rest_source(name: str) -> str:
    """Source of the pass over a row's last one to seven taps: one function with a loop per
    tap count (seven functions would each pay Numba's fixed cost per compiled function:
    1.4 s against ~0.5 s cold), each loop as :func:`_tap_run` writes it."""
    lines = [f"def {name}(o, cnt, xx, wrow, c, first):",
             "    wide_vectors()",
             "    step = lane_count(xx) if LANED else 1",
             "    x = xx[c * step:]",
             "    rest = wrow.shape[0] - c"]
    for taps in range(1, 8):
        lines.append(f"    {'if' if taps == 1 else 'elif' if taps < 7 else 'else'}"
                     + (f" rest == {taps}:" if taps < 7 else ":"))
        lines += [f"        w{t} = wrow[c + {t}]" for t in range(taps)]
        lines += ["        for j in range(cnt):", "            acc = w0 * x[j]"]
        lines += [f"            acc += w{t} * x[j + {t} * step]" for t in range(1, taps)]
        lines += ["            if first:", "                o[j] = acc",
                  "            else:", "                o[j] += acc"]
    return "\n".join(lines) + "\n"


def _rest_pass(laned: bool, suffix: str):
    """The compiled pass of a row's last one to seven taps (:func:`_rest_source`), the taps one
    sample apart or a lane width apart."""
    name = "_rest_pass" + suffix
    namespace = {"wide_vectors": wide_vectors, "lane_count": lane_count, "LANED": laned}
    exec(compile(_rest_source(name), __file__, "exec"), namespace)   # file named for Numba's cache
    func = namespace[name]
    func.__module__ = __name__
    func.__doc__ = "``o[j] (+)= sum_{c <= t < K} wrow[t] * xx[j + t * step]``: the last one to seven taps."
    return jit(func)


def tap_runs(laned: bool):
    """``(run8, rest)``: the pass of eight taps ``c..c+7`` and the pass of a row's last one to
    seven taps, for taps one sample apart (``laned=False``) or a lane width apart."""
    family = "lanes" if laned else "row"
    return with_globals(_tap_run, f"_8_{family}", TAPS=8, LANED=laned), _rest_pass(laned, f"_{family}")
