# %% [markdown]
# # 08 · Business cycles, seasons and scales
#
# The filters of macroeconomics and of everyday signal cleaning are convolutions or short
# recursions, which is sigconv's home ground. This notebook puts the filters pack to work on
# real data that ships with statsmodels:
#
# * the **business cycle** of US real GDP (quarterly, 1959–2009) by the Baxter–King,
#   Christiano–Fitzgerald and Hodrick–Prescott filters — and the **real-time (one-sided) HP**
#   filter a forecaster can actually use;
# * the **seasonal decomposition** of the weekly Mauna Loa CO₂ record, gaps included (where
#   statsmodels refuses);
# * a **scalogram** of the yearly sunspot numbers by the continuous wavelet transform;
# * zero-phase IIR filtering that keeps going across gaps.

# %%
%matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
import statsmodels.api as sm
from statsmodels.tsa.filters.bk_filter import bkfilter
from statsmodels.tsa.filters.cf_filter import cffilter
from statsmodels.tsa.filters.hp_filter import hpfilter

import sigconv

STYLE
macro = sm.datasets.macrodata.load_pandas().data
quarters = pd.period_range("1959Q1", periods=len(macro), freq="Q")
gdp = pd.Series(np.log(macro["realgdp"].to_numpy()), index=quarters, name="log real GDP")
print(f"{len(gdp)} quarters, {gdp.index[0]} to {gdp.index[-1]}")

# %% [markdown]
# ## Three business-cycle filters, one accessor
#
# * **Baxter–King** is a symmetric FIR of 2K+1 taps (periods 6–32 quarters pass): a plain
#   convolution, so it loses K quarters at each end (the accessor keeps the index and puts NaN
#   there).
# * **Christiano–Fitzgerald** gives every quarter its own truncated band-pass kernel plus two
#   end terms. statsmodels evaluates that with an O(n²) loop; sigconv runs one FFT convolution of
#   the interior and gets the end weights from cumulative sums.
# * **Hodrick–Prescott** solves a pentadiagonal system (I + λD′D)τ = x; sigconv factors it
#   directly (LDLᵀ) instead of through a general sparse solver.
#
# All three equal statsmodels to rounding:

# %%
bk = gdp.sigconv.bk_filter(6, 32, 12)
cf_cycle, cf_trend = gdp.sigconv.cf_filter(6, 32)
hp_cycle, hp_trend = gdp.sigconv.hp_filter(1600)

checks = {
    "bk_filter": np.nanmax(np.abs(bk.to_numpy()[12:-12] - bkfilter(gdp.to_numpy(), 6, 32, 12))),
    "cf_filter": np.max(np.abs(cf_cycle.to_numpy() - cffilter(gdp.to_numpy(), 6, 32)[0])),
    "hp_filter": np.max(np.abs(hp_cycle.to_numpy() - hpfilter(gdp.to_numpy(), 1600)[0])),
}
for name, err in checks.items():
    print(f"{name:10s} max |sigconv - statsmodels| = {err:.1e}")

fig, ax = plt.subplots()
t = gdp.index.to_timestamp()
ax.plot(t, 100 * bk, label="Baxter–King (K=12)")
ax.plot(t, 100 * cf_cycle, label="Christiano–Fitzgerald")
ax.plot(t, 100 * hp_cycle, label="Hodrick–Prescott λ=1600", alpha=0.8)
ax.axhline(0, color="k", lw=0.6)
ax.set_ylabel("% deviation from trend")
ax.set_title("US business cycle: three filters of log real GDP")
ax.legend(loc="lower left", ncol=3, fontsize=8)
plt.show()

# %% [markdown]
# The three agree on the recessions (1975, 1982, 1991, 2001, 2008–09). BK's cycle stops 12
# quarters short of the end — exactly where a policy-maker needs it.
#
# ## Speed: the O(n²) loop and the general sparse solve
#
# On longer (simulated) series the algorithmic differences show:

# %%
def timeit_once(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


rng = np.random.default_rng(0)
walk = rng.standard_normal(4_000).cumsum()
for name, ours, peer in [
    ("cf_filter n=4e3", lambda: sigconv.cf_filter(walk), lambda: cffilter(walk)),
    ("hp_filter n=1e5", lambda: sigconv.hp_filter(np.tile(walk, 25)), lambda: hpfilter(np.tile(walk, 25))),
]:
    ours()
    t_ours, t_peer = (min(timeit_once(f) for _ in range(2)) for f in (ours, peer))
    print(f"{name}: sigconv {1e3 * t_ours:7.1f} ms   statsmodels {1e3 * t_peer:8.1f} ms")

# %% [markdown]
# ## Real time: the one-sided HP filter
#
# The two-sided HP trend at quarter t uses quarters after t — data nobody had at t, and the
# reason end-of-sample HP gaps get revised. The **one-sided** filter reports, at every t, the
# last point of the two-sided trend fitted to the data up to t (statsmodels#6947 asks for it).
# Refitting at every quarter costs O(n²); sigconv runs the equivalent Kalman-type recursion in
# O(n), and it equals the refits:

# %%
one_cycle, one_trend = gdp.sigconv.hp_filter(1600, one_sided=True)
refits = np.array([hpfilter(gdp.to_numpy()[: k + 1], 1600)[1][-1] for k in range(2, len(gdp))])
print(f"max |one-sided - expanding-window refits| = {np.max(np.abs(one_trend.to_numpy()[2:] - refits)):.1e}")

fig, ax = plt.subplots()
ax.plot(t, 100 * hp_cycle, label="two-sided (uses the future)")
ax.plot(t, 100 * one_cycle, label="one-sided (real time)")
ax.axhline(0, color="k", lw=0.6)
ax.set_xlim(t[20], t[-1])
ax.set_ylim(-6, 4)
ax.set_ylabel("% deviation from trend")
ax.set_title("HP cycle of log real GDP: what was knowable at the time")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# The real-time cycle lags at turning points and reads the 2008 downturn later — the price of
# not seeing the future, now measurable.
#
# ## Seasonal decomposition with gaps
#
# The weekly CO₂ record from Mauna Loa has missing weeks. statsmodels' `seasonal_decompose`
# refuses the series outright:

# %%
co2 = sm.datasets.co2.load_pandas().data["co2"]
print(f"{len(co2)} weeks, {int(co2.isna().sum())} missing")
try:
    sm.tsa.seasonal_decompose(co2, period=52)
except ValueError as e:
    print("statsmodels:", e)

# %% [markdown]
# sigconv's decomposition keeps going: the trend (the 2×52-week moving average) is NaN only
# where its window covers a missing week, and the seasonal means skip missing values.

# %%
dec = co2.sigconv.seasonal_decompose(52)
print(f"trend NaN: {int(dec.trend.isna().sum())} of {len(co2)} weeks; "
      f"seasonal amplitude {dec.seasonal.max() - dec.seasonal.min():.2f} ppm")
fig = dec.plot()
plt.show()

# %% [markdown]
# ## Zero-phase filtering across gaps
#
# The same weekly series through a zero-phase Butterworth low-pass: scipy's `sosfiltfilt`
# returns NaN everywhere as soon as one week is missing; `nan_policy="segments"` filters each
# run between gaps on its own.

# %%
sos = scipy.signal.butter(4, 1 / 26, output="sos")         # periods shorter than ~half a year out
smooth = co2.sigconv.sos_filter(sos, zero_phase=True, nan_policy="segments")
print(f"scipy sosfiltfilt finite outputs: {np.isfinite(scipy.signal.sosfiltfilt(sos, co2.to_numpy())).sum()}")
print(f"sigconv segments finite outputs:  {int(smooth.notna().sum())} of {int(co2.notna().sum())} observed")
fig, ax = plt.subplots()
ax.plot(co2.index[-400:], co2.iloc[-400:], ".", ms=2, label="weekly CO₂")
ax.plot(co2.index[-400:], smooth.iloc[-400:], label="zero-phase low-pass, per segment")
ax.set_ylabel("ppm")
ax.legend()
plt.show()

# %% [markdown]
# ## A scalogram of the sunspot cycle
#
# `cwt` is the continuous wavelet transform that scipy 1.15 removed (tsfresh, sktime and wfdb
# broke), with the same definition: one sampled wavelet per width, convolved 'same'. sigconv
# transforms the signal once and pays one product and one inverse transform per width. With the
# complex Morlet wavelet, the magnitude shows the ~11-year cycle and its drift.

# %%
sun = sm.datasets.sunspots.load_pandas().data
years = sun["YEAR"].to_numpy()
spots = sun["SUNACTIVITY"].to_numpy()
w = 6.0
periods = np.geomspace(4, 40, 60)                       # years
widths = w * periods / (2 * np.pi)                      # morlet2: width s <-> period 2 pi s / w
power = np.abs(sigconv.cwt(spots - spots.mean(), widths, "morlet2", w=w)) ** 2

fig, ax = plt.subplots(figsize=(9, 3.6))
ax.pcolormesh(years, periods, power, shading="auto", cmap="viridis")
ax.set_yscale("log")
ax.yaxis.set_minor_locator(plt.NullLocator())
ax.set_yticks([5, 8, 11, 16, 25, 40], labels=["5", "8", "11", "16", "25", "40"])
ax.set_ylabel("period (years)")
ax.set_title("Morlet scalogram of yearly sunspot numbers")
plt.show()
best = periods[np.argmax(power.mean(axis=1))]
print(f"strongest period on average: {best:.1f} years")

# %% [markdown]
# The Ricker (Mexican hat) transform is the one tsfresh's `cwt_coefficients` features were
# defined on; it equals scipy's private `_cwt`, which `find_peaks_cwt` still uses:

# %%
from scipy.signal._wavelets import _cwt, _ricker  # noqa: E402

ricker = sigconv.cwt(spots, [2, 5, 10, 20])
print(f"max |sigconv - scipy _cwt| = {np.max(np.abs(ricker - _cwt(spots, _ricker, [2, 5, 10, 20]))):.1e}")
