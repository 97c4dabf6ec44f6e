"""Streaming (API.md §8): chunked processing against the one-shot call and the peers.

Rows (N = 1e6 float64 samples in chunks of 4,096, as in the issue; quick mode too, with
fewer repeats):
* ``stream.FIR`` with a 1,001-tap ``firwin`` kernel vs one-shot ``sigconv.convolve`` (target:
  within 1.5×, i.e. a ratio ≥ 0.67) and vs ``scipy.signal.lfilter`` with ``zi`` over the same
  chunks (target 5×);
* ``stream.Matcher`` on the shipped speech resampled to 16 kHz, a 0.4 s template, 10 ms
  chunks: the processing time per chunk (the mean over the whole recording, one thread)
  against the chunk's duration (target 10×: at most 10 % of real time);
* ``stream.MovingAverage`` (w=20), ``stream.EWMA`` and ``stream.ARMA`` (p=2, q=1) vs their
  batch call on the whole signal (target: at most 2×, a ratio ≥ 0.5); ``stream.SOS``
  (order-8 Butterworth) vs ``scipy.signal.sosfilt`` with ``zi`` over the same chunks.
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Row, best_times

N = 1_000_000
CHUNK = 4096


def _times(fns, quick: bool) -> list[float]:
    return best_times(fns, repeat=3 if quick else 7, min_time=0.03 if quick else 0.1)


def _streamed(make, x: np.ndarray):
    """A function that streams ``x`` through a fresh ``make()`` in chunks of CHUNK."""
    def go():
        s = make()
        for start in range(0, x.shape[-1], CHUNK):
            s.push(x[..., start:start + CHUNK])
        return s.flush()
    return go


def _fir_rows(x: np.ndarray, quick: bool) -> list[Row]:
    import scipy.signal

    from sigconv import convolve, stream

    k = scipy.signal.firwin(1001, 0.1)

    def lfilter_chunks():
        zi = np.zeros(k.size - 1)
        for start in range(0, x.size, CHUNK):
            _, zi = scipy.signal.lfilter(k, [1.0], x[start:start + CHUNK], zi=zi)

    ours, one_shot, peer = _times([_streamed(lambda: stream.FIR(k), x), lambda: convolve(x, k), lfilter_chunks],
                                  quick)
    case = "N=1e6 K=1001 chunks of 4096 float64"
    return [Row("stream.FIR", case, "sigconv.convolve one-shot", ours, one_shot, target=0.67,
                note="within 1.5×"),
            Row("stream.FIR", case, "scipy.signal.lfilter zi chunks", ours, peer, target=5)]


def _matcher_row(quick: bool) -> list[Row]:
    import time

    import scipy.signal

    from sigconv import stream
    from sigconv.datasets import load_speech

    x8, rate8 = load_speech()
    x = scipy.signal.resample_poly(x8, 2, 1)
    rate = 2 * rate8
    template = x[int(1.05 * rate):int(1.45 * rate)]
    chunk = rate // 100
    best = float("inf")
    for _ in range(2 if quick else 4):
        m = stream.Matcher(template, threshold=0.5)
        m.push(x[:chunk])    # warm: the first chunk's plan
        start = time.perf_counter()
        count = 0
        for s in range(chunk, x.size, chunk):
            m.push(x[s:s + chunk])
            count += 1
        m.flush()
        best = min(best, (time.perf_counter() - start) / count)
    return [Row("stream.Matcher real-time", "16 kHz speech, 0.4 s template, 10 ms chunks, one thread",
                "the chunk's duration (10 ms)", best, chunk / rate, target=10,
                note="mean per chunk")]


def _filter_rows(x: np.ndarray, quick: bool) -> list[Row]:
    import scipy.signal

    from sigconv import stream
    from sigconv.filters import arma_filter, ewma, moving_average

    case = "N=1e6 chunks of 4096 float64"
    rows = []
    pairs = [
        ("stream.MovingAverage", "w=20", lambda: stream.MovingAverage(20), lambda: moving_average(x, 20),
         "moving_average"),
        ("stream.EWMA", "alpha=0.05", lambda: stream.EWMA(alpha=0.05), lambda: ewma(x, alpha=0.05), "ewma"),
        ("stream.ARMA", "p=2 q=1", lambda: stream.ARMA([0.5, -0.3], [0.4]),
         lambda: arma_filter(x, [0.5, -0.3], [0.4]), "arma_filter"),
    ]
    for group, params, make, batch, name in pairs:
        ours, peer = _times([_streamed(make, x), batch], quick)
        rows.append(Row(group, f"{case} {params}", f"sigconv {name} one call", ours, peer, target=0.5,
                        note="at most 2×"))
    sos = scipy.signal.butter(8, 0.1, output="sos")

    def sosfilt_chunks():
        zi = np.zeros((sos.shape[0], 2))
        for start in range(0, x.size, CHUNK):
            _, zi = scipy.signal.sosfilt(sos, x[start:start + CHUNK], zi=zi)

    ours, peer = _times([_streamed(lambda: stream.SOS(sos), x), sosfilt_chunks], quick)
    rows.append(Row("stream.SOS", f"{case} order 8", "scipy.signal.sosfilt zi chunks", ours, peer))
    return rows


def run(quick: bool = False) -> list[Row]:
    x = np.random.default_rng(0).standard_normal(N)
    return _fir_rows(x, quick) + _matcher_row(quick) + _filter_rows(x, quick)


if __name__ == "__main__":
    import argparse

    from benchmarks._harness import markdown_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    print(markdown_table(run(quick=parser.parse_args().quick)))
