# %% [markdown]
# # 07 · Beyond one machine: sigconv on Dask
#
# When a recording or an image mosaic outgrows memory, hand sigconv a **Dask array**: the same
# functions (`sigconv.convolve`, `ewma`, `match_template`, `locate`, ...) return lazy Dask arrays
# that equal the in-memory result, whatever the chunking. Each task runs the in-memory engine on
# one chunk plus the halo its window needs (or, for kernels longer than a chunk, chunk-level
# overlap-add); recursive filters carry their exact state from chunk to chunk.
#
# Here a `distributed.LocalCluster` of two worker processes on this machine processes
# **a 1 GiB recording through workers limited to 900 MiB each** — the signal never exists whole,
# neither on a worker nor here — and an image mosaic. Data: the spoken sentence that ships with
# sigconv, and the Grace Hopper portrait that ships with matplotlib.

# %%
%matplotlib inline
import time

import dask.array as da
import matplotlib.cbook
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
from distributed import Client, LocalCluster

import sigconv
import sigconv.dask  # noqa: F401  (the .sigconv accessor on Dask DataFrames)
from sigconv.datasets import load_speech

STYLE
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                       dashboard_address=None, memory_limit="900MiB")
client = Client(cluster)
print(f"{len(client.scheduler_info()['workers'])} workers on {cluster.scheduler_address}, 900 MiB each")

# %% [markdown]
# ## A recording larger than a worker's memory
#
# 2²⁷ samples (1 GiB of float64, 4.7 hours at 8 kHz): the sentence repeated over and over with
# a slowly varying gain and noise, generated **on the workers**, block by block, by a function
# of the position. Nothing is computed yet.

# %%
speech, rate = load_speech()
SPEECH = speech / np.abs(speech).max()
NOISE = 0.05 * np.random.default_rng(0).standard_normal(99_991)     # a prime period: never in step
GAIN = 0.75 + 0.25 * np.cos(np.arange(2 ** 12) / 40)                 # per stretch of 2**16 samples


def recording(start, stop):
    """Samples start..stop of the long recording: a function of the position only, so every
    block, piece or halo made anywhere holds the same values."""
    t = np.arange(start, stop)
    return SPEECH[t % SPEECH.size] * GAIN[t >> 16] + NOISE[t % NOISE.size]


def block(_, block_info=None):
    start, stop = block_info[None]["array-location"][0]
    return recording(start, stop)


N, C = 2 ** 27, 2 ** 22                      # 1 GiB in 32 chunks of 32 MiB
x = da.zeros(N, chunks=C).map_blocks(block, dtype=np.float64)
x

# %% [markdown]
# A speech band-pass (300–3400 Hz, 255 taps), the short-term power as an EWMA of the squared
# band (a recursion: its state crosses every chunk edge), and the zero-normalised
# cross-correlation with one word. The calls return at once: they only build task graphs.

# %%
band_taps = scipy.signal.firwin(255, [300, 3400], fs=rate, pass_zero=False)
word = SPEECH[6_880:8_880].copy()            # a quarter of a second, the loudest

t0 = time.perf_counter()
band = sigconv.convolve(x, band_taps, "same")
power = sigconv.ewma(band ** 2, span=800)
scores = sigconv.match_template(x, word)
print(f"graphs built in {time.perf_counter() - t0:.2f} s; output chunks follow the input's: "
      f"{band.chunks[0][:3]}..., scores {scores.chunks[0][:2]}...")

# %% [markdown]
# Now stream the whole gigabyte through the cluster: a few numbers per chunk come back, the
# signal itself never does. `locate` computes the scores block by block and returns the
# matches (each peak found by exactly one block; ties broken by global position) — the word
# occurs once per repetition of the sentence.

# %%
t0 = time.perf_counter()
band_rms, power_max = da.compute(da.sqrt((band ** 2).mean()), power.max())
peaks = sigconv.locate(x, word, threshold=0.9, min_distance=SPEECH.size // 2)
elapsed = time.perf_counter() - t0
print(f"{N * 8 / 2 ** 30:.1f} GiB through workers of 900 MiB in {elapsed:.1f} s")
print(f"band rms {band_rms:.4f}, peak short-term power {power_max:.4f}")
gaps = np.diff(np.sort(peaks.positions[:, 0]))
print(f"{len(peaks)} matches in {N // SPEECH.size} repetitions of the sentence (the quietest stretches "
      f"score below 0.9); every gap a whole number of sentences: {bool(np.all(gaps % SPEECH.size == 0))}")

# %% [markdown]
# ## The task stream's result beside the in-memory one
#
# A piece across a chunk edge: the Dask result (only the two chunks it touches are computed)
# and the in-memory `sigconv.convolve` on the same samples generated here, with the 127 samples
# of halo on each side that the 255-tap filter reads.

# %%
edge = 5 * C
piece = slice(edge - 400, edge + 400)
from_dask = band[piece].compute()
in_memory = sigconv.convolve(recording(piece.start - 127, piece.stop + 127), band_taps, "valid")
print(f"largest difference: {np.abs(from_dask - in_memory).max():.2e}")

fig, axes = plt.subplots(2, 1, sharex=True, figsize=(9, 4))
t = np.arange(piece.start, piece.stop)
axes[0].plot(t, recording(piece.start, piece.stop), color="0.7", lw=0.8, label="recording")
axes[0].plot(t, from_dask, lw=1.2, label="band-passed on the cluster")
axes[0].plot(t, in_memory, "--", lw=1, label="in memory")
axes[0].axvline(edge, color="k", lw=0.8)
axes[0].legend(loc="upper right", fontsize=8)
axes[1].plot(t, from_dask - in_memory, lw=0.8)
axes[1].axvline(edge, color="k", lw=0.8)
axes[1].set_ylabel("difference")
axes[1].set_xlabel("sample (the vertical line is a chunk edge)")
plt.tight_layout()

# %% [markdown]
# ## An image mosaic
#
# The portrait tiled 6 × 8 (3600 × 4096 pixels, float32), one chunk per tile. A 9 × 9 Gaussian
# blur with a mirrored boundary over both axes (halos include the corner chunks), and the
# search for an eye: both eyes of every tile score above 0.8.

# %%
with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
    portrait = plt.imread(f).mean(axis=2).astype(np.float32) / 255
mosaic = da.tile(da.from_array(portrait, chunks=portrait.shape), (6, 8))
gauss = np.outer(*[scipy.signal.windows.gaussian(9, 2.0)] * 2).astype(np.float32)
gauss /= gauss.sum()
blurred = sigconv.convolve2d(mosaic, gauss, "same", boundary="symm")
eye = portrait[185:225, 180:230].copy()
t0 = time.perf_counter()
eyes = sigconv.locate(blurred, sigconv.convolve2d(eye, gauss, "same", boundary="symm"), threshold=0.8)
print(f"mosaic {mosaic.shape}, chunks {mosaic.chunksize}: {len(eyes)} eyes found in "
      f"{time.perf_counter() - t0:.1f} s; rows {sorted(set(eyes.positions[:, 0].tolist()))[:3]}...")

# %%
rows, cols = slice(600 - 60, 600 + 60), slice(512 - 60, 512 + 60)     # a corner where four tiles meet
piece_dask = blurred[rows, cols].compute()
whole = np.tile(portrait, (2, 2))                                      # the four tiles, in memory
piece_memory = sigconv.convolve2d(whole, gauss, "same", boundary="symm")[rows, cols]
print(f"largest difference: {np.abs(piece_dask - piece_memory).max():.2e}")
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
for ax, img, title in zip(axes, (piece_dask, piece_memory, piece_dask - piece_memory),
                          ("on the cluster", "in memory", "difference")):
    ax.imshow(img, cmap="gray" if title != "difference" else "coolwarm")
    ax.set_title(title)
    ax.axhline(59.5, color="y", lw=0.6)
    ax.axvline(59.5, color="y", lw=0.6)
    ax.set_xticks([])
    ax.set_yticks([])
plt.tight_layout()

# %% [markdown]
# ## Dask DataFrames: an EWMA Dask does not have
#
# `import sigconv.dask` registers `.sigconv` on Dask Series and DataFrames (`moving_average`,
# `ewma`, `ar_filter`, `convolve`); partitions may be shorter than the window, the index is
# kept. Dask DataFrames have no `ewm` of their own (dask#4184): here the state crosses every
# partition edge and the result equals pandas exactly.

# %%
import dask.dataframe as dd

frame = pd.DataFrame({"power": recording(0, 200_000) ** 2},
                     index=pd.date_range("2024-01-01", periods=200_000, freq="125us"))
lazy = dd.from_pandas(frame, npartitions=7)
smooth = lazy.sigconv.ewma(span=400).compute()
print("equal to pandas ewm:", smooth.equals(frame.ewm(span=400).mean()))

# %%
client.close()
cluster.close()
