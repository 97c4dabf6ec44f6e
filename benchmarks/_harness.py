"""Timing helpers shared by every benchmark module.

Each ``benchmarks/bench_*.py`` module exposes ``run(quick: bool) -> list[Row]``.  A row times
sigconv and one peer on the same inputs in the same process: the JIT is warmed by one call
outside the timing, each side is timed as the minimum over several repeats (in alternation
where a module uses :func:`best_times`, so that a slow phase of the machine hits both sides),
and the row reports ``ratio = peer_time / sigconv_time`` (> 1 means sigconv is faster).

:func:`keep_freed_memory` (called by ``python -m benchmarks``) keeps freed memory in the
process: on a VM that hands freed pages back to its host after a couple of seconds, the next
call that touches fresh memory pays for the host's page faults (filling 32 MB took 131 ms
after a 3 s sleep, 9 ms otherwise), so a side timed right after a slow peer would be timed
cold and the other warm.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import importlib.util
import time
from collections.abc import Callable


@dataclasses.dataclass
class Row:
    group: str          # capability, e.g. "convolve 1D direct"
    case: str           # the parameters, e.g. "N=1e6 K=64 float64"
    peer: str           # peer name, e.g. "numpy.convolve"
    sigconv_s: float    # seconds, min over repeats
    peer_s: float | None
    target: float | None = None   # ratio the acceptance asks for, if any
    note: str = ""
    unit: str = "s"     # what sigconv_s and peer_s measure: seconds, or "B" (bytes of memory)

    @property
    def ratio(self) -> float | None:
        if self.peer_s is None or self.sigconv_s <= 0:
            return None
        return self.peer_s / self.sigconv_s

    @property
    def ok(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio >= self.target


def best_time(fn: Callable[[], object], *, repeat: int = 5, min_time: float = 0.05, warmup: bool = True) -> float:
    """Minimum wall time of ``fn()`` over ``repeat`` rounds; a round loops until ``min_time``."""
    if warmup:
        fn()
    best = float("inf")
    for _ in range(repeat):
        n = 0
        start = time.perf_counter()
        while True:
            fn()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        best = min(best, elapsed / n)
    return best


def best_times(fns: list[Callable[[], object]], *, repeat: int = 5, min_time: float = 0.05) -> list[float]:
    """:func:`best_time` of several functions timed in alternation (each round times every
    function once), so that a slow phase of a noisy machine weighs on all of them alike."""
    for fn in fns:
        fn()
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], best_time(fn, repeat=1, min_time=min_time, warmup=False))
    return best


def one_thread_gemm(dtype, size: int = 512) -> tuple[Callable[[], object], float, Callable[[], object]]:
    """``(gemm, flops, limit)``: a ``numpy.matmul`` of two square ``size`` matrices of
    ``dtype``, the floating-point operations it does (``2 * size**3``), and a context manager
    factory that holds the BLAS library to one thread (threadpoolctl) while it is timed.  The
    machine's own one-thread limit, measured in the same run as the rows it judges."""
    import numpy as np
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a = rng.standard_normal((size, size)).astype(dtype)
    b = rng.standard_normal((size, size)).astype(dtype)
    out = np.empty((size, size), dtype)
    return (lambda: np.matmul(a, b, out=out)), 2.0 * size**3, (lambda: threadpool_limits(1, user_api="blas"))


def extra_peak_bytes(fn: Callable[[], object]) -> int:
    """Peak bytes ``fn()`` allocates beyond what was allocated before the call (tracemalloc,
    which numpy reports its array buffers to); the result is freed before returning.  A first
    call outside the tracing compiles and fills the caches."""
    import tracemalloc

    fn()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
        del result
    finally:
        tracemalloc.stop()
    return peak - base


def keep_freed_memory() -> bool:
    """Ask glibc's malloc to serve large blocks from its heap and never trim it, so memory a
    call frees is reused warm by the next (every side alike); False where not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        m_trim_threshold, m_mmap_threshold = -1, -3
        return bool(libc.mallopt(m_mmap_threshold, 1 << 30) and libc.mallopt(m_trim_threshold, 2**31 - 1))
    except (OSError, AttributeError, TypeError):
        return False


def have(module: str) -> bool:
    """Whether an optional peer library is importable."""
    return importlib.util.find_spec(module) is not None


def fmt_bytes(b: float | None) -> str:
    if b is None:
        return "-"
    return f"{b / 2**20:.1f} MiB"


def fmt_seconds(t: float | None) -> str:
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def markdown_table(rows: list[Row]) -> str:
    """The ratio table, one line per row, in markdown."""
    lines = [
        "| capability | case | peer | sigconv | peer | speed-up | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}×"
        target = "" if r.target is None else (f"≥ {r.target:g}× " + ("✓" if r.ok else "✗"))
        note = f" ({r.note})" if r.note else ""
        fmt = fmt_bytes if r.unit == "B" else fmt_seconds
        lines.append(
            f"| {r.group} | {r.case}{note} | {r.peer} | {fmt(r.sigconv_s)} | "
            f"{fmt(r.peer_s)} | {ratio} | {target} |"
        )
    return "\n".join(lines)
