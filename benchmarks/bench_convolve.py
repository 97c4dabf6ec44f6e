"""Convolution engine against numpy, scipy.signal, OpenCV and torch (issue: the engine).

Groups (ratios are peer time / sigconv time, measured in the same run):

* ``direct 1D``: ``method="direct"`` on one thread against ``numpy.convolve``, its GFLOP/s as
  a fraction of a one-thread BLAS matrix product timed in the same run (the machine's own
  limit), and the two-thread speed-up over one thread;
* ``stride`` / ``dilation``: against the budget ``1.3 t(1) / s + 20 µs`` / ``1.2 t(1)``;
* ``auto 1D``: ``method="auto"`` against ``scipy.signal.convolve`` (its own auto choice) and
  against the fastest of sigconv's own methods (target ``1/1.15``);
* ``fft`` / ``overlap-add``: against ``scipy.signal.fftconvolve`` / ``oaconvolve``;
* ``2D``: images against ``scipy.signal.convolve2d`` and ``cv2.filter2D``;
* ``torch conv1d``: a kernel bank over a batch, against ``torch.nn.functional.conv1d``;
* ``memory``: the call's extra peak allocation (tracemalloc) against ``1.25 ×`` the output's
  size plus 4 MiB, for every method on a large 1D and 2D input.
"""

from __future__ import annotations

import numpy as np
import scipy.signal as ss

import sigconv
from benchmarks._harness import Row, best_time, best_times, extra_peak_bytes, fmt_seconds, have, one_thread_gemm

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
    """One thread against numpy.convolve (target 1.5x for every K from 8 to 1024), the
    fraction of the same-run one-thread GEMM rate (target 0.6 from K = 64), and all cores
    against one thread (target 1.6x)."""
    rows = []
    rng = np.random.default_rng(0)
    n = 1_000_000
    for dtype in (np.float64, np.float32):
        x = rng.standard_normal(n).astype(dtype)
        gemm, gemm_flops, one_blas_thread = one_thread_gemm(dtype, 384 if quick else 512)
        for k in ((8, 64, 1024) if quick else (8, 16, 64, 256, 1024)):
            h = rng.standard_normal(k).astype(dtype)
            runs = [lambda: sigconv.convolve(x, h, "valid", method="direct", workers=1),
                    lambda: np.convolve(x, h, "valid")]
            if k >= 64:
                runs.append(gemm)
                runs.append(lambda: sigconv.convolve(x, h, "valid", method="direct", workers=None))
            with one_blas_thread():
                one, peer, *rest = t(*runs)
            flops = 2.0 * (n - k + 1) * k
            case = f"N=1e6 K={k} {np.dtype(dtype).name}"
            rows.append(Row("direct 1D, 1 thread", case, "numpy.convolve", one, peer, 1.5,
                            f"{flops / one / 1e9:.1f} GFLOP/s"))
            if rest:
                gemm_s, both = rest
                rate = gemm_flops / gemm_s
                # the GEMM's time for the convolution's flops: the ratio is the fraction of its rate
                rows.append(Row("direct 1D, fraction of 1-thread GEMM", case, "numpy.matmul 1 thread",
                                one, flops / rate, 0.6, f"GEMM {rate / 1e9:.0f} GFLOP/s"))
                rows.append(Row("direct 1D, all cores", case, "sigconv 1 thread", both, one, 1.6))
    return rows


def _strided(quick: bool, t) -> list[Row]:
    """Stride s computes only the kept outputs: time(s) <= 1.3 time(1) / s + 20 µs; dilation d
    costs no more than 1.2 time(1) (one thread, float64, 'valid').  The peer column is that
    budget, so the ratio is budget / time (target 1)."""
    rows = []
    rng = np.random.default_rng(5)
    cases = ((1_000_000, 64), (100_000, 1001)) if quick else \
        ((1_000_000, 16), (1_000_000, 64), (1_000_000, 1001), (100_000, 1001))
    for n, k in cases:
        x, h = rng.standard_normal(n), rng.standard_normal(k)
        strides, dilations = ((2, 8), (2,)) if quick else ((2, 4, 8), (2, 4))
        runs = [lambda: sigconv.convolve(x, h, "valid", method="direct", workers=1)]
        runs += [lambda s=s: sigconv.convolve(x, h, "valid", method="direct", workers=1, stride=s) for s in strides]
        runs += [lambda d=d: sigconv.convolve(x, h, "valid", method="direct", workers=1, dilation=d)
                 for d in dilations]
        # more rounds than the other groups: every budget hangs on t(1), timed in the same rounds
        one, *times = best_times(runs, repeat=7 if quick else 9, min_time=0.02 if quick else 0.1)
        for s, ts in zip(strides, times):
            rows.append(Row("direct 1D, stride", f"N={n:.0e} K={k} stride {s}", "1.3·t(1)/s + 20 µs", ts,
                            1.3 * one / s + 20e-6, 1.0, f"t(1) {fmt_seconds(one)}"))
        for d, td in zip(dilations, times[len(strides):]):
            rows.append(Row("direct 1D, dilation", f"N={n:.0e} K={k} dilation {d}", "1.2·t(1)", td, 1.2 * one,
                            1.0, f"t(1) {fmt_seconds(one)}"))
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
            if k == 3:   # a ~0.5 ms call that swings with thread wake-ups: more rounds in alternation
                times = dict(zip(runs, best_times(list(runs.values()), repeat=9 if quick else 15, min_time=0.02)))
            else:
                times = dict(zip(runs, t(*runs.values())))
            if "scipy" in times:
                rows.append(Row("convolve2d", case, "scipy.signal.convolve2d", times["ours"], times["scipy"], 10.0))
            if "cv2" in times:
                # small kernels: at least 0.8x OpenCV (issue 14), larger ones 1/1.5
                rows.append(Row("convolve2d", case, "cv2.filter2D", times["ours"], times["cv2"],
                                0.8 if k == 3 else 1 / 1.5))
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
    for part in (_direct_1d, _strided, _auto_1d, _transforms, _images, _torch, _memory):
        rows += part(quick, t)
    return rows


def _memory(quick: bool, t) -> list[Row]:
    """Extra peak allocation of a call (input already allocated) against 1.25 × the output
    plus 4 MiB (ratio: budget / peak, target 1)."""
    rows = []
    rng = np.random.default_rng(6)
    x = rng.standard_normal(2_000_000 if quick else 20_000_000)
    h = np.hanning(1001)
    img = rng.standard_normal((1024, 1024) if quick else (2048, 2048))
    k2 = rng.standard_normal((31, 31))
    for label, call in ((f"1D N={x.size:.0e} hanning(1001) same",
                         lambda m: sigconv.convolve(x, h, "same", method=m)),
                        (f"2D {img.shape[0]}² K=31×31 same", lambda m: sigconv.convolve2d(img, k2, "same", method=m))):
        for method in METHODS + ("auto",):
            if method == "direct" and label.startswith("1D") and not quick:
                continue   # 2e10 multiply-adds: the 2D row and the quick row cover direct
            out_bytes = (x.size if label.startswith("1D") else img.size) * 8
            peak = extra_peak_bytes(lambda: call(method))
            rows.append(Row("memory", f"{label} {method}", "1.25 × output + 4 MiB", peak,
                            1.25 * out_bytes + 4 * 2**20, 1.0, f"{peak / out_bytes:.2f} × output", unit="B"))
    return rows
