# %% [markdown]
# # 06 · Streaming: signals that arrive in chunks
#
# A microphone, a sensor feed or a long recording read block by block never sits in memory
# whole. `sigconv.stream` holds the chunked twins of the batch functions: each object keeps
# the small state its filter needs (the last samples of a window, a recursion's `zi`, running
# weights), `push(chunk)` returns the outputs the chunk completes, `flush()` ends the signal.
# However the signal is split, the concatenated outputs equal the batch call.
#
# Data: the spoken sentence that ships with sigconv (8 kHz) and the weekly Mauna Loa CO₂
# record that ships with statsmodels.

# %%
%matplotlib inline
import copy
import pickle
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
import statsmodels.api as sm

import sigconv
from sigconv import stream
from sigconv.datasets import load_speech

STYLE
speech, rate = load_speech()
print(f"speech: {speech.size} samples at {rate} Hz ({speech.size / rate:.1f} s)")

# %% [markdown]
# ## The contract: any split equals the batch call
#
# A 301-tap low-pass FIR streamed in chunks of random lengths (single samples included) gives
# `convolve(x, kernel, "full")`: each push returns exactly as many samples as it brought, and
# `flush()` the last K−1. Long kernels run as partitioned overlap-save (the kernel's tail in
# frequency-domain blocks, its head direct), so small chunks do not fall back to a per-sample loop.

# %%
taps = scipy.signal.firwin(301, 0.2)
rng = np.random.default_rng(0)
cuts = np.sort(rng.integers(0, speech.size, 400))
fir = stream.FIR(taps)
pieces = [fir.push(part) for part in np.split(speech, cuts)]
streamed = np.concatenate(pieces + [fir.flush()])
batch = sigconv.convolve(speech, taps)
print(f"{len(pieces)} chunks of {min(map(len, pieces))} to {max(map(len, pieces))} samples; "
      f"max |streamed - batch| = {np.max(np.abs(streamed - batch)):.1e}")

# %% [markdown]
# ## Finding a spoken word in 10 ms chunks
#
# `stream.Matcher` keeps the last m−1 samples, scores the windows each chunk completes with
# the same DC-offset-proof zncc as `match_template`, and with a `threshold` reports each match
# once, as soon as no later window can beat it (after `min_distance` more windows, here the
# template's length). We cut a 0.4 s word out of the recording, add noise to the recording, and
# stream it in 10 ms chunks as a microphone would deliver it.

# %%
word = speech[int(1.05 * rate):int(1.45 * rate)]
noisy = speech + 0.02 * rng.standard_normal(speech.size)
chunk = rate // 100                                     # 10 ms
matcher = stream.Matcher(word, threshold=0.3)
scores, reports, took = [], [], []
for start in range(0, noisy.size, chunk):
    t0 = time.perf_counter()
    scores.append(matcher.push(noisy[start:start + chunk]))
    took.append(time.perf_counter() - t0)
    for pos, score in zip(matcher.new_matches.positions[:, 0], matcher.new_matches.scores):
        reports.append((int(pos), matcher.position, float(score)))
matcher.flush()
reports += [(int(p), noisy.size, float(s)) for p, s in zip(matcher.new_matches.positions[:, 0],
                                                            matcher.new_matches.scores)]
scores = np.concatenate(scores)
whole = sigconv.locate(noisy, word, threshold=0.3)
print(f"per 10 ms chunk: {np.mean(took) * 1e3:.2f} ms on average ({np.mean(took) / 0.01 * 100:.1f} % of real time)")
print(f"max |streamed scores - match_template| = {np.max(np.abs(scores - sigconv.match_template(noisy, word))):.1e}")
print("same matches as locate on the whole recording:",
      sorted(p for p, _, _ in reports) == sorted(whole.positions[:, 0].tolist()))
pd.DataFrame(reports, columns=["sample", "reported at sample", "score"]).assign(
    time_s=lambda d: d["sample"] / rate, reported_s=lambda d: d["reported at sample"] / rate).round(3)

# %%
fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 4.6), sharex=True)
t = np.arange(noisy.size) / rate
a1.plot(t, noisy, lw=0.4, color="0.5")
for pos, _, _ in reports:
    a1.axvspan(pos / rate, (pos + word.size) / rate, color="C1", alpha=0.3)
a1.set(ylabel="amplitude", title="The recording streamed in 10 ms chunks; matched windows shaded")
a2.plot(np.arange(scores.size) / rate, scores, lw=0.8, label="zncc score per completed window")
a2.axhline(0.3, color="k", lw=0.6, ls="--", label="threshold")
for i, (pos, when, score) in enumerate(reports):
    a2.plot(pos / rate, score, "v", color="C3", label="match" if i == 0 else None)
    a2.axvline(when / rate, color="C3", lw=1, ls=":", label="moment it was reported" if i == 0 else None)
a2.set(xlabel="time (s)", ylabel="score")
a2.legend(loc="upper right", fontsize=8);

# %% [markdown]
# A match is reported `min_distance` windows (one template length, 0.4 s) after it starts:
# only then can no later window within `min_distance` beat it. A smaller `min_distance`
# reports sooner.

# %% [markdown]
# ## A sensor smoothed online
#
# The weekly CO₂ record (Mauna Loa, 1958–2001) arrives a year (52 weeks) at a time. Three
# online smoothers run side by side: a 13-week moving average that skips the missing weeks
# (`nan_policy="omit"`), an EWMA with a span of 13 weeks (pandas' rules for gaps), and a
# 4th-order Butterworth low-pass as second-order sections (on the gap-filled series, since a
# recursion carries a NaN forever). Each streamed output is drawn over the batch result (dashed);
# all three are causal, so they lag the data (the Butterworth filter, which removes the seasonal
# cycle's harmonics, by a few weeks more).

# %%
co2 = sm.datasets.co2.load_pandas().data["co2"]
values = co2.to_numpy()
filled = co2.interpolate().bfill().to_numpy()
sos = scipy.signal.butter(4, 2 / 26, output="sos")     # periods under 26 weeks removed (Nyquist: 2 weeks)
zi0 = scipy.signal.sosfilt_zi(sos) * filled[0]          # start at rest at the first value
online = {
    "moving average (13 weeks, omit NaN)": (
        stream.MovingAverage(13, min_periods=7, nan_policy="omit"), values,
        sigconv.moving_average(values, 13, min_periods=7, nan_policy="omit")),
    "EWMA (span 13)": (stream.EWMA(span=13), values, sigconv.ewma(values, span=13)),
    "Butterworth SOS (order 4)": (stream.SOS(sos, zi=zi0), filled, sigconv.sos_filter(sos, filled, zi=zi0)[0]),
}
fig, ax = plt.subplots(figsize=(9, 3.6))
ax.plot(co2.index, values, lw=0.6, color="0.6", label="weekly CO₂ (ppm), with gaps")
for name, (s, x, batch) in online.items():
    out = np.concatenate([s.push(x[i:i + 52]) for i in range(0, x.size, 52)] + [s.flush()])
    ax.plot(co2.index, out, lw=1.4, label=f"{name}, streamed")
    ax.plot(co2.index, batch, "--", lw=0.8, color="k")
    print(f"{name:38s} max |streamed - batch| = {np.nanmax(np.abs(out - batch)):.1e}")
ax.plot([], [], "--", lw=0.8, color="k", label="batch result")
ax.set(xlim=(pd.Timestamp("1990-01-01"), pd.Timestamp("1995-01-01")), ylim=(348, 366),
       ylabel="ppm", title="Online smoothing, a year at a time (1990–1994 shown)")
ax.legend(fontsize=7, loc="upper left");

# %% [markdown]
# ## State, copies and pickles
#
# The state is small and explicit, in the layout the batch functions take: an `ARMA` stream's
# `zi` is `ar_filter`'s, an `SOS` stream's is scipy's `sosfilt` `zi`. A stream can be copied
# to branch it (two continuations of one past) and pickled (to ship it to another process, as
# the Dask twins do between tasks).

# %%
arma = stream.ARMA([0.6, -0.2], [0.3])
arma.push(filled[:100] - filled.mean())
print("state after 100 samples:", {k: np.round(v, 3) for k, v in arma.state.items()})
branch = copy.deepcopy(arma)
shipped = pickle.loads(pickle.dumps(arma))
rest = filled[100:200] - filled.mean()
a, b, c = arma.push(rest), branch.push(rest), shipped.push(rest)
print("original, branch and unpickled copy continue alike:", np.array_equal(a, b) and np.array_equal(a, c))
print("and the batch filter agrees:",
      np.allclose(np.r_[np.zeros(0), a], sigconv.arma_filter(filled[:200] - filled.mean(), [0.6, -0.2], [0.3])[100:]))

# %% [markdown]
# ## Speed: partitioned convolution against `lfilter` with `zi`
#
# Streaming an FIR through `scipy.signal.lfilter` with `zi` runs a per-sample loop. The stream
# transforms each chunk once against the kernel's cached spectrum (or, for kernels much longer
# than the chunks, in partitions), so it costs about what one convolution of the whole signal costs.

# %%
x = rng.standard_normal(300_000)
k = scipy.signal.firwin(1001, 0.1)


def fir_stream():
    s = stream.FIR(k)
    for i in range(0, x.size, 4096):
        s.push(x[i:i + 4096])
    return s.flush()


def lfilter_stream():
    zi = np.zeros(k.size - 1)
    for i in range(0, x.size, 4096):
        _, zi = scipy.signal.lfilter(k, [1.0], x[i:i + 4096], zi=zi)


def best(f, repeat=3):
    f()                                   # warm-up
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        out.append(time.perf_counter() - t0)
    return min(out)


times = {"sigconv.stream.FIR (4096-sample chunks)": best(fir_stream),
         "scipy.signal.lfilter with zi (same chunks)": best(lfilter_stream),
         "sigconv.convolve, one call": best(lambda: sigconv.convolve(x, k))}
pd.Series({name: round(t * 1e3, 1) for name, t in times.items()}, name="ms (300k samples, 1001 taps)")
