"""``sigconv compile``: compile sigconv's kernels ahead of use, on every core, into the cache.

Numba compiles a kernel the first time it meets a new combination of argument types, and sigconv
caches the machine code on disk (:mod:`sigconv._jit`), so only a first call pays.  This module
runs a small *warm-up* per area of the library (each calls the public functions on tiny inputs
over the dtypes, layouts and options whose kernels differ) in worker processes, one area per
process, and reports the time each took; later processes load the kernels from the cache.

:func:`compile_all` is what the command runs; :func:`profile_compiles` measures what a call
compiles, kernel by kernel (the ``--profile`` flag prints the costliest), to find where compile
time goes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

__all__ = ["WARMUPS", "KernelCompile", "compile_all", "profile_compiles"]


# ----------------------------------------------------------------------------- warm-ups
# Each touches one area's public functions on tiny inputs: float64 and float32, the options
# that select other kernels.  They must stay cheap to run once compiled (a few ms).

def _signals():
    rng = np.random.default_rng(0)
    return rng.standard_normal(300), rng.standard_normal((2, 300)), rng.standard_normal((40, 40))


def _warm_engine_1d() -> None:
    import sigconv

    x, batch, _ = _signals()
    for dtype in (np.float64, np.float32):
        xs, bs = x.astype(dtype), batch.astype(dtype)
        for m in (5, 8, 12, 40):   # the direct kernel's one-row copies: fewer than 8 taps, 8, more
            k = np.hanning(m + 2)[1:-1].astype(dtype)
            for mode in ("full", "same", "valid"):
                sigconv.convolve(xs, k, mode, method="direct")
                sigconv.correlate(xs, k, mode, method="direct")
            sigconv.convolve(bs, k, "same", method="direct", workers=1)
            sigconv.convolve(xs, k, method="fft")
            sigconv.convolve(xs, k, method="overlap-add")
            sigconv.convolve(xs, k, "same", stride=2, method="direct")
            sigconv.convolve(xs, k, "same", dilation=2, method="direct")
            for boundary in ("wrap", "symmetric", "reflect", "edge"):
                sigconv.convolve(xs, k, "same", boundary=boundary, method="direct")
    sigconv.convolve(x + 1j * x, np.ones(3) + 0j)
    sigconv.convolve(np.arange(20), np.arange(3))


def _warm_engine_2d() -> None:
    import sigconv

    _, _, img = _signals()
    for dtype in (np.float64, np.float32):
        im = img.astype(dtype)
        for m in (3, 5, 9):
            k = np.outer(np.hanning(m + 2)[1:-1], np.hanning(m + 2)[1:-1]).astype(dtype)
            for mode in ("full", "same", "valid"):
                sigconv.convolve2d(im, k, mode, method="direct")
                sigconv.correlate2d(im, k, mode, method="direct")
            sigconv.convolve2d(im, k, method="fft")
            sigconv.convolve2d(im, k, "same", stride=2, method="direct")
            sigconv.convolve2d(im, k, "same", boundary="symm", method="direct")


def _warm_filters() -> None:
    import sigconv

    x, batch, _ = _signals()
    for dtype in (np.float64, np.float32):
        xs, bs = x.astype(dtype), batch.astype(dtype)
        for weights in ("uniform", "linear", "triangular"):
            sigconv.moving_average(xs, 7, weights)
            sigconv.moving_average(bs, 7, weights, align="centered", min_periods=1, nan_policy="omit")
        sigconv.ewma(xs, alpha=0.3)
        sigconv.ewma(bs, span=5, adjust=False)
        sigconv.ar_filter(xs, [0.5, -0.2])
        sigconv.arma_filter(bs, [0.5], [0.3, 0.1])
        sigconv.ar_predict(xs, [0.5, 0.2])
        sigconv.autocorr(xs, 10)
        sigconv.xcorr(xs, xs[::-1].copy(), 10)
    sigconv.fit_ar(x, 3)
    sigconv.fit_ar(x, 3, method="ols")
    sigconv.arma_generate(100, [0.5], [0.2], random_state=0)
    sigconv.arma_impulse_response([0.5], [0.2], 20)


def _warm_match() -> None:
    import sigconv

    x, _, img = _signals()
    for dtype in (np.float64, np.float32):
        xs, im = x.astype(dtype), img.astype(dtype)
        for score in ("zncc", "ncc", "ccorr", "sqdiff", "zdist"):
            sigconv.match_template(xs, xs[100:130], score=score)
            sigconv.match_template(im, im[5:12, 8:17], score=score, mode="same")
        sigconv.find_peaks(sigconv.match_template(xs, xs[100:130]), threshold=0.5)
        sigconv.find_peaks(sigconv.match_template(im, im[5:12, 8:17]), min_distance=3)
        sigconv.locate(xs, xs[100:130])


def _warm_nn() -> None:
    import sigconv.nn as nn

    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        X = rng.standard_normal((8, 2, 40)).astype(dtype)
        y = np.arange(8) % 2
        model = nn.Sequential(nn.Conv1D(2, 4, 5, padding="same", dtype=dtype, random_state=0), nn.ReLU(),
                              nn.MaxPool1D(2), nn.Conv1D(4, 4, 3, stride=2, dilation=2, dtype=dtype,
                                                         random_state=0),
                              nn.Tanh(), nn.AvgPool1D(2), nn.GlobalAvgPool1D(), nn.Linear(4, 2, dtype=dtype,
                                                                                         random_state=0))
        model.fit(X, y, epochs=1, batch_size=4, progress=False, random_state=0)
        for layer in (nn.MinPool1D(2), nn.GlobalMaxPool1D(), nn.LeakyReLU(), nn.Sigmoid(), nn.Flatten()):
            out = layer.forward(X)
            layer.backward(np.ones_like(out))


def _warm_features() -> None:
    from sigconv.features import KernelFeatures, MiniRocket

    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        X = rng.standard_normal((10, 60)).astype(dtype)
        MiniRocket(n_features=168, random_state=0).fit_transform(X)
        MiniRocket(n_features=168, random_state=0).fit_transform(X.reshape(10, 2, 30))
        KernelFeatures().fit_transform(X)


#: area name -> warm-up; one worker process runs each
WARMUPS: dict[str, Callable[[], None]] = {
    "engine 1D": _warm_engine_1d,
    "engine 2D": _warm_engine_2d,
    "filters": _warm_filters,
    "match": _warm_match,
    "nn": _warm_nn,
    "features": _warm_features,
}


#: areas that start once these are done: they call the engine's direct kernel, which the engine's
#: own warm-up compiles (in parallel they would compile it twice); nn and features have kernels
#: of their own
AFTER = {"engine 2D": ("engine 1D",), "filters": ("engine 1D",), "match": ("engine 1D",)}


def _timed(name: str) -> tuple[str, float]:
    import warnings

    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the warm-ups' tiny inputs are not the point
        WARMUPS[name]()
    return name, time.perf_counter() - t0


def compile_all(jobs: int | None = None, *, areas=None, report=print) -> dict[str, float]:
    """Run the warm-ups of ``areas`` (default: all) on ``jobs`` processes (default: every core).

    Returns the seconds each area took in its worker (compiling, or loading from the cache) and,
    under ``"total"``, the wall time.  ``report`` receives one line per area as it finishes.

    Examples
    --------
    >>> from sigconv.compile import compile_all
    >>> times = compile_all(1, areas=["filters"], report=lambda line: None)
    >>> sorted(times)
    ['filters', 'total']
    """
    from sigconv._validate import check_int

    names = list(WARMUPS) if areas is None else list(areas)
    unknown = [n for n in names if n not in WARMUPS]
    if unknown:
        raise ValueError(f"`areas` must name warm-ups among {tuple(WARMUPS)}; got {unknown}")
    jobs = (os.cpu_count() or 1) if jobs is None else check_int("jobs", jobs, minimum=1)
    start = time.perf_counter()
    times: dict[str, float] = {}

    def done(name: str, took: float) -> None:
        times[name] = took
        report(f"{name:12s} {took:6.1f} s")

    if jobs == 1:
        for name in names:
            done(*_timed(name))
    else:
        _run_pool(names, min(jobs, len(names)), done)
    times["total"] = time.perf_counter() - start
    return times


def _run_pool(names: list[str], jobs: int, done: Callable[[str, float], None]) -> None:
    """Run the warm-ups on ``jobs`` spawned processes, each area once the areas it comes
    :data:`AFTER` (among ``names``) are done."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, wait

    waiting = list(names)
    finished: set[str] = set()
    running = {}
    # spawn: a fresh interpreter per worker (a fork would copy Numba's and OpenMP's state)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        while waiting or running:
            ready = [n for n in waiting if all(d in finished or d not in names for d in AFTER.get(n, ()))]
            for name in ready[: max(0, jobs - len(running))]:
                waiting.remove(name)
                running[pool.submit(_timed, name)] = name
            complete, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in complete:
                finished.add(running.pop(future))
                done(*future.result())


# ----------------------------------------------------------------------------- profiling

@dataclass(frozen=True)
class KernelCompile:
    """One compilation: the kernel, its argument types and the seconds it took, with (inclusive)
    and without (exclusive) the kernels it compiled on the way."""

    kernel: str
    args: str
    inclusive: float
    exclusive: float


def profile_compiles(func: Callable[[], object]) -> list[KernelCompile]:
    """Run ``func`` and list what Numba compiled meanwhile, costliest (exclusive time) first.

    Kernels loaded from the cache do not appear; run it with an empty cache folder
    (``SIGCONV_CACHE_DIR``) in a fresh process to see everything a first call compiles.

    Examples
    --------
    >>> import numpy as np, sigconv
    >>> from sigconv.compile import profile_compiles
    >>> first = profile_compiles(lambda: sigconv.ewma(np.ones(5), alpha=0.5))   # [] if cached
    >>> all(0 <= k.exclusive <= k.inclusive for k in first)
    True
    >>> profile_compiles(lambda: sigconv.ewma(np.ones(5), alpha=0.5))   # compiled already
    []
    """
    from numba.core import event

    with event.install_recorder("numba:compile") as rec:
        func()
    stack: list[list] = []
    done: list[KernelCompile] = []
    for ts, ev in rec.buffer:
        if ev.is_start:
            stack.append([ev.data, ts, 0.0])
            continue
        data, t0, children = stack.pop()
        took = ts - t0
        if stack:
            stack[-1][2] += took
        disp = data["dispatcher"]
        name = f"{disp.py_func.__module__}.{disp.py_func.__qualname__}"
        done.append(KernelCompile(name, ", ".join(str(a) for a in data["args"]), took, took - children))
    return sorted(done, key=lambda k: k.exclusive, reverse=True)
