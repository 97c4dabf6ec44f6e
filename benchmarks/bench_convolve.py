"""Convolution engine against numpy, scipy.signal, OpenCV and torch (issue: the engine).

Groups (ratios are peer time / sigconv time, measured in the same run):

* ``direct 1D``: ``method="direct"`` on one thread against ``numpy.convolve``, plus the
  two-thread speed-up over one thread and the GFLOP/s reached;
* ``auto 1D``: ``method="auto"`` against ``scipy.signal.convolve`` (its own auto choice) and
  against the fastest of sigconv's own methods (target ``1/1.15``);
* ``fft`` / ``overlap-add``: against ``scipy.signal.fftconvolve`` / ``oaconvolve``;
* ``2D``: images against ``scipy.signal.convolve2d`` and ``cv2.filter2D``;
* ``torch conv1d``: a kernel bank over a batch, against ``torch.nn.functional.conv1d``.
"""

from __future__ import annotations

import numpy as np
import scipy.signal as ss

import sigconv
from benchmarks._harness import Row, best_time, best_times, have

METHODS = ("direct", "fft", "overlap-add")


def _timer(quick: bool):
    """``t(fn)``: one function's best time; ``t(f, g, ...)``: their best times measured in
    alternation (each round times every one), so that a slow phase of a noisy machine weighs
    on sigconv and its peer alike."""
    def t(*fns):
        if len(fns) == 1:
            return best_time(fns[0], repeat=3 if quick else 5, min_time=0.02 if quick else 0.1)
        return best_times(list(fns), repeat=3 if quick else 5, min_time=0.02 if quick else 0.1)
    return t


def _direct_1d(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(0)
    n = 1_000_000
    for dtype, target in ((np.float64, 2.0), (np.float32, 3.0)):
        x = rng.standard_normal(n).astype(dtype)
        for k in ((8, 64, 1024) if quick else (8, 16, 64, 256, 1024)):
            h = rng.standard_normal(k).astype(dtype)
            runs = [lambda: sigconv.convolve(x, h, "valid", method="direct", workers=1),
                    lambda: np.convolve(x, h, "valid")]
            if k >= 64:
                runs.append(lambda: sigconv.convolve(x, h, "valid", method="direct", workers=None))
            one, peer, *both = t(*runs)
            gflops = 2.0 * (n - k + 1) * k / one / 1e9
            case = f"N=1e6 K={k} {np.dtype(dtype).name}"
            rows.append(Row("direct 1D, 1 thread", case, "numpy.convolve", one, peer, target,
                            f"{gflops:.1f} GFLOP/s"))
            if both:
                rows.append(Row("direct 1D, all cores", case, "sigconv 1 thread", both[0], one, 1.6))
    return rows


def _auto_1d(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(1)
    ns = (1_000, 100_000, 1_000_000) if quick else (1_000, 10_000, 100_000, 1_000_000, 10_000_000)
    ks = (8, 128, 2048) if quick else (3, 8, 32, 128, 512, 2048, 8192, 65536)
    for n in ns:
        x = rng.standard_normal(n)
        for k in ks:
            if k > n:
                continue
            h = rng.standard_normal(k)
            auto, peer = t(lambda: sigconv.convolve(x, h), lambda: ss.convolve(x, h))
            case = f"N={n:.0e} K={k}"
            chosen = sigconv.choose_method(x, h)
            rows.append(Row("auto 1D", case, "scipy.signal.convolve", auto, peer, 1.0, f"auto={chosen}"))
            own = {}
            for m in METHODS:
                if m == "direct" and n * k > 2e9:
                    continue  # certainly slower than the transforms; too slow to time
                own[m] = t(lambda m=m: sigconv.convolve(x, h, method=m))
            best = min(own, key=own.get)
            # the two are often the same code path: timed in alternation, not one after the other
            pair = best_times([lambda: sigconv.convolve(x, h), lambda: sigconv.convolve(x, h, method=best)],
                              min_time=0.02 if quick else 0.1)
            rows.append(Row("auto 1D", case, f"fastest own ({best})", pair[0], pair[1], 1 / 1.15))
    return rows


def _transforms(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(2)
    for n, k in ((100_000, 1_000), (1_000_000, 10_000)) + (() if quick else ((1_000_000, 100_000),)):
        for dtype in (np.float64, np.float32):
            x, h = rng.standard_normal(n).astype(dtype), rng.standard_normal(k).astype(dtype)
            case = f"N={n:.0e} K={k:.0e} {np.dtype(dtype).name}"
            rows.append(Row("fft 1D", case, "scipy.signal.fftconvolve",
                            *t(lambda: sigconv.convolve(x, h, method="fft"), lambda: ss.fftconvolve(x, h))))
            rows.append(Row("overlap-add 1D", case, "scipy.signal.oaconvolve",
                            *t(lambda: sigconv.convolve(x, h, method="overlap-add"), lambda: ss.oaconvolve(x, h))))
    return rows


def _images(quick: bool, t) -> list[Row]:
    rows = []
    rng = np.random.default_rng(3)
    size = 1024 if quick else 2048
    cv2 = __import__("cv2") if have("cv2") else None
    for dtype in (np.float32, np.float64):
        img = rng.standard_normal((size, size)).astype(dtype)
        for k in ((3, 15) if quick else (3, 7, 15, 31)):
            h = rng.standard_normal((k, k)).astype(dtype)
            case = f"{size}² K={k}×{k} {np.dtype(dtype).name}"
            runs = {"ours": lambda: sigconv.convolve2d(img, h, "same", boundary="symm")}
            if k <= 7 or not quick:
                runs["scipy"] = lambda: ss.convolve2d(img, h, "same", boundary="symm")
            if cv2 is not None:
                flipped = np.ascontiguousarray(h[::-1, ::-1])
                anchor = (k - 1 - (k - 1) // 2, k - 1 - (k - 1) // 2)
                runs["cv2"] = lambda: cv2.filter2D(img, -1, flipped, anchor=anchor, borderType=cv2.BORDER_REFLECT)
            times = dict(zip(runs, t(*runs.values())))
            if "scipy" in times:
                rows.append(Row("convolve2d", case, "scipy.signal.convolve2d", times["ours"], times["scipy"], 10.0))
            if "cv2" in times:
                rows.append(Row("convolve2d", case, "cv2.filter2D", times["ours"], times["cv2"], 1 / 1.5))
    return rows


def _torch(quick: bool, t) -> list[Row]:
    if not have("torch"):
        return []
    import torch
    torch.set_num_threads(2)
    rng = np.random.default_rng(4)
    x = rng.standard_normal((32, 1, 4096)).astype(np.float32)
    bank = rng.standard_normal((16, 33)).astype(np.float32)
    tx, tw = torch.from_numpy(x), torch.from_numpy(bank[:, None, :])
    with torch.no_grad():
        ours, peer = t(lambda: sigconv.correlate(x, bank, "valid"), lambda: torch.nn.functional.conv1d(tx, tw))
    return [Row("kernel bank 1D", "32 signals × 16 kernels, N=4096 K=33 float32",
                "torch conv1d", ours, peer)]


def run(quick: bool) -> list[Row]:
    t = _timer(quick)
    rows = []
    for part in (_direct_1d, _auto_1d, _transforms, _images, _torch):
        rows += part(quick, t)
    return rows
