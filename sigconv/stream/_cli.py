"""``sigconv match TEMPLATE SIGNAL.wav --stream``: match a recording block by block.

The WAV file is memory-mapped (``scipy.io.wavfile.read(mmap=True)``) and read one chunk at a
time, so a recording of any length is never loaded whole; each match is printed as soon as
:class:`sigconv.stream.Matcher` reports it final, with its time, the time at which it was
found and the processing time of the chunk that completed it.
"""

from __future__ import annotations

import copy
import sys
import time

import numpy as np


def _err(message: str) -> int:
    print(f"sigconv match: {message}", file=sys.stderr)
    return 2


def open_wav(path: str):
    """``(rate, frames)``: the WAV's sample rate and its samples memory-mapped
    ``(n,)`` or ``(n, channels)`` (nothing read yet)."""
    from scipy.io import wavfile

    rate, data = wavfile.read(path, mmap=True)
    return float(rate), data


def blocks(frames, chunk: int):
    """The recording in chunks of ``chunk`` frames as float64 (channels averaged, values as
    :func:`sigconv.match.load_signal` gives them), read from the map one chunk at a time."""
    for start in range(0, frames.shape[0], chunk):
        block = np.asarray(frames[start:start + chunk], dtype=np.float64)
        yield block.mean(axis=1) if block.ndim == 2 else block


def match_stream(args, template: np.ndarray, t_rate, message) -> int:
    """Run the streaming match of ``args`` (the parsed ``sigconv match`` arguments);
    ``message`` rewrites a library error in the command line's names."""
    from sigconv.stream import Matcher

    if not str(args.signal).lower().endswith(".wav"):
        return _err(f"`--stream` reads a WAV recording block by block; `SIGNAL` {args.signal!r} is not a .wav file")
    if args.max_matches is not None:
        return _err("`--max-matches` needs the whole signal (the best k are known only at its end); "
                    "it cannot be combined with `--stream`")
    if not (args.chunk_ms > 0 and np.isfinite(args.chunk_ms)):
        return _err(f"`--chunk-ms` must be a positive number of milliseconds; got {args.chunk_ms}")
    try:
        rate, frames = open_wav(args.signal)
    except (OSError, ValueError) as e:
        return _err(f"`SIGNAL`: {args.signal!r} is not a readable WAV file: {e}")
    if t_rate is not None and t_rate != rate:
        return _err(f"sample rates differ (`TEMPLATE` {t_rate} Hz, `SIGNAL` {rate} Hz)")
    if template.ndim != 1:
        return _err(f"`TEMPLATE` must be 1D (a sound) with `--stream`; got shape {template.shape}")
    try:
        matcher = Matcher(template, score=args.score, threshold=args.threshold, min_distance=args.min_distance)
    except (ValueError, TypeError) as e:
        return _err(message(e))
    chunk = max(1, int(round(rate * args.chunk_ms / 1000.0)))
    print(f"streaming {args.signal} in chunks of {chunk} samples ({chunk / rate * 1e3:.1f} ms) "
          f"for {args.template} (score={args.score}, threshold={args.threshold}):")
    # warm a copy on the template itself: the kernels compile (when not cached) before the
    # clock of the first real chunk starts
    start = time.perf_counter()
    copy.deepcopy(matcher).push(np.resize(template.astype(np.float64), template.size + chunk))
    warm = time.perf_counter() - start
    times, found = [], 0
    for block in blocks(frames, chunk):
        start = time.perf_counter()
        matcher.push(block)
        times.append(time.perf_counter() - start)
        found += _report(matcher, rate, times[-1])
    start = time.perf_counter()
    matcher.flush()
    found += _report(matcher, rate, time.perf_counter() - start)
    per = np.array(times) if times else np.zeros(1)
    print(f"{found} match(es) in {len(times)} chunks; processing per chunk: mean {per.mean() * 1e3:.3f} ms, "
          f"max {per.max() * 1e3:.3f} ms ({per.mean() * rate / chunk * 100:.1f} % of real time; "
          f"warm-up {warm * 1e3:.0f} ms)")
    return 0


def _report(matcher, rate: float, seconds: float) -> int:
    """Print the matches the last push/flush reported, in order of position."""
    new = matcher.new_matches
    order = np.argsort(new.positions[:, 0], kind="stable")
    for i in order:
        pos, score = int(new.positions[i, 0]), float(new.scores[i])
        print(f"  {pos / rate:.3f} s (sample {pos})  score {score:.4f}  "
              f"[found at {matcher.position / rate:.3f} s; chunk processed in {seconds * 1e3:.3f} ms]", flush=True)
    return len(new)
