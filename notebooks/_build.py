"""Write the tutorial notebooks from the cell sources below and execute them (outputs stored).

Usage (from the repository root, in the project's virtual environment)::

    python notebooks/_build.py            # every notebook
    python notebooks/_build.py 01 03      # the notebooks whose names start with these prefixes

Each notebook is kept here (from 06 on, in ``notebooks/sources/NN_name.py``) in "percent"
form: ``# %% [markdown]`` starts a Markdown cell and
``# %%`` a code cell.  The notebooks are executed with nbclient (kernel ``python3``, working
directory ``notebooks/``) so that the stored outputs are exactly what a reader gets; the script
prints the run time and the file size of each and reports any stderr output (warnings) so they
can be kept clean.  ``tests/test_notebooks.py`` re-executes the stored notebooks.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent

STYLE = """\
plt.rcParams.update({"figure.dpi": 70, "savefig.dpi": 70, "figure.figsize": (9, 3.2),
                     "axes.grid": True, "grid.alpha": 0.3})
np.set_printoptions(precision=4, suppress=False, linewidth=100)
pd.set_option("display.precision", 4)
"""

NOTEBOOKS: dict[str, str] = {}

# ============================================================================================
NOTEBOOKS["01_convolution_basics"] = r'''
# %% [markdown]
# # 01 · Convolution basics
#
# `sigconv.convolve` computes $y_n = \sum_k x_{n-k}\,h_k$ along one axis, with a choice of
# **method** (direct sums on a Numba core, one FFT, or overlap-add FFT blocks), **mode**
# (`full`/`same`/`valid`), **boundary** extension, **stride** and **dilation**. This notebook
# walks through all of them on a real signal: the yearly sunspot numbers 1700–2008 that ship
# with statsmodels.

# %%
%matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
import statsmodels.api as sm

import sigconv

STYLE
sun = sm.datasets.sunspots.load_pandas().data
years = sun["YEAR"].to_numpy().astype(int)
x = sun["SUNACTIVITY"].to_numpy()
print(f"{x.size} yearly values, {years[0]}–{years[-1]}")

# %% [markdown]
# ## Direct vs FFT
#
# Every method computes the same convolution; they differ in cost and in rounding only.
# Here an 11-year Hann window smooths out most of the ~11-year solar cycle.

# %%
k = scipy.signal.windows.hann(13)[1:-1]
k /= k.sum()                                  # 11 taps that sum to 1

y = {m: sigconv.convolve(x, k, mode="same", method=m) for m in ("direct", "fft", "overlap-add")}
ref = scipy.signal.convolve(x, k, mode="same", method="direct")
for m, v in y.items():
    print(f"{m:>12}: max |sigconv - scipy| = {np.max(np.abs(v - ref)):.2e}")

fig, ax = plt.subplots()
ax.plot(years, x, lw=0.8, color="0.6", label="yearly sunspot number")
ax.plot(years, y["direct"], lw=2, label="11-year Hann average (direct)")
ax.plot(years, y["fft"], "--", lw=1.2, label="same, method='fft'")
ax.set(xlabel="year", ylabel="sunspot number", title="Smoothing by convolution: direct and FFT agree")
ax.legend(loc="upper left");

# %% [markdown]
# ## The convolution theorem, numerically
#
# The DFT of a full linear convolution of lengths $N$ and $M$ equals the product of the DFTs
# of both inputs zero-padded to $N+M-1$: $\mathcal{F}\{x * h\} = \mathcal{F}\{x\}\cdot\mathcal{F}\{h\}$.
# This is why `method="fft"` is exact up to rounding.

# %%
full = sigconv.convolve(x, k, mode="full", method="direct")
L = x.size + k.size - 1
lhs = np.fft.rfft(full)
rhs = np.fft.rfft(x, L) * np.fft.rfft(k, L)
print("length of the full convolution:", L)
print(f"max |FFT(x*h) - FFT(x)·FFT(h)| = {np.max(np.abs(lhs - rhs)):.2e}"
      f"   (relative to max |FFT(x*h)|: {np.max(np.abs(lhs - rhs)) / np.max(np.abs(lhs)):.1e})")

f = np.fft.rfftfreq(L, d=1.0)                 # cycles per year
fig, ax = plt.subplots()
ax.semilogy(f, np.abs(np.fft.rfft(x, L)), lw=0.8, color="0.5", label="|X(f)|  sunspots")
ax.semilogy(f, np.abs(np.fft.rfft(k, L)) * 1e4, lw=1.2, label="|H(f)| × 1e4  Hann kernel")
ax.semilogy(f, np.abs(lhs), lw=1.2, label="|FFT(x*h)|")
ax.semilogy(f, np.abs(rhs), ":", lw=2, label="|X(f)·H(f)|")
ax.axvline(1 / 11, color="k", lw=0.6, ls="--")
ax.text(1 / 11, 1e5, " 11-year cycle", fontsize=9)
ax.set(xlabel="frequency (cycles / year)", ylabel="magnitude", ylim=(1e-2, 1e6),
       title="Convolution in time = multiplication in frequency")
ax.legend(loc="upper right", fontsize=8);

# %% [markdown]
# ## Modes: `full`, `same`, `valid`
#
# `full` keeps every output that touches the signal ($N+M-1$ samples), `same` the centred
# $N$ samples, `valid` only the $N-M+1$ outputs whose window lies wholly inside the signal.
# They equal `scipy.signal.convolve` with the same mode.

# %%
k31 = np.ones(31) / 31                        # a wide box so that the edges are visible
fig, ax = plt.subplots()
ax.plot(years, x, lw=0.7, color="0.7", label="signal")
for mode, start in (("full", years[0] - 15), ("same", years[0]), ("valid", years[0] + 15)):
    out = sigconv.convolve(x, k31, mode=mode)
    same_as_scipy = np.allclose(out, scipy.signal.convolve(x, k31, mode=mode))
    print(f"{mode:>5}: {out.size} samples   (equals scipy: {same_as_scipy})")
    ax.plot(start + np.arange(out.size), out, lw=1.5, label=f"mode='{mode}' ({out.size} samples)")
ax.set(xlabel="year (output sample placed at its window centre)", ylabel="sunspot number",
       title="31-year box average in the three modes")
ax.legend(loc="upper left", fontsize=8);

# %% [markdown]
# ## Boundaries
#
# Outside the signal, `boundary="fill"` assumes `fill_value` (0 by default, scipy's
# convention); `"wrap"`, `"symmetric"`, `"reflect"` and `"edge"` extend the signal as
# `numpy.pad(x, M-1, mode)` does. With zeros, the box average sinks towards 0 at both ends;
# the other extensions keep it at the level of the data.

# %%
last = slice(-70, None)                       # the last 70 years
fig, ax = plt.subplots(figsize=(9, 3.6))
ax.plot(years[last], x[last], color="0.7", lw=0.8, label="signal")
for b in ("fill", "wrap", "symmetric", "reflect", "edge"):
    out = sigconv.convolve(x, k31, mode="same", boundary=b)
    ax.plot(years[last], out[last], lw=1.3, label=f"boundary='{b}'")
ax.set(xlabel="year", ylabel="sunspot number", title="31-year box average near the end of the record")
ax.legend(loc="upper left", fontsize=8, ncol=3)

# the definition, checked for one of them
pad_mode = {"symmetric": "symmetric", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}
for b, pm in pad_mode.items():
    xe = np.pad(x, k31.size - 1, mode=pm)
    expect = np.convolve(xe, k31, mode="full")[k31.size - 1: k31.size - 1 + x.size + k31.size - 1]
    got = sigconv.convolve(x, k31, mode="full", boundary=b)
    print(f"{b:>9}: max |sigconv - convolve(numpy.pad(x, M-1, '{pm}'))| = {np.max(np.abs(got - expect)):.1e}")

# %% [markdown]
# ## Stride and dilation
#
# `stride=s` keeps every `s`-th output (and only computes those); `dilation=d` spreads the
# kernel taps `d` samples apart. A two-tap difference kernel dilated by 11 compares each
# year with the year one solar cycle earlier.

# %%
stride = sigconv.convolve(x, k, mode="valid", stride=10)
print("stride=10:", stride.shape, " equals [::10] of the stride-1 result:",
      np.array_equal(stride, sigconv.convolve(x, k, mode="valid")[::10]))

diff = np.array([1.0, -1.0])
d11 = sigconv.convolve(x, diff, mode="valid", dilation=11)
explicit = np.r_[1.0, np.zeros(10), -1.0]     # 1, ten zeros, -1
print("dilation=11 equals the kernel with 10 zeros inserted:",
      np.allclose(d11, sigconv.convolve(x, explicit, mode="valid")))
print("x[t] - x[t-11] directly:", np.allclose(d11, x[11:] - x[:-11]))

fig, ax = plt.subplots()
ax.plot(years[11:], d11, lw=1, label="x[t] − x[t−11]  (dilation=11)")
ax.plot(years, x - x.mean(), lw=0.8, color="0.6", label="x[t] − mean")
ax.plot(years[5:-5][::10], stride - x.mean(), "o", ms=4, label="11-year average, stride=10 (minus mean)")
ax.set(xlabel="year", ylabel="sunspot number", title="Dilated difference and strided average")
ax.legend(loc="upper left", fontsize=8);

# %% [markdown]
# ## NaN stays local
#
# A missing value should only spoil the outputs whose window covers it. A plain FFT
# convolution cannot do that: `scipy.signal.fftconvolve` returns NaN **everywhere** once one
# input is NaN. sigconv gives the same NaN pattern with every method.

# %%
xn = x.copy()
xn[[60, 200]] = np.nan                        # two missing years
outs = {
    "scipy fftconvolve": scipy.signal.fftconvolve(xn, k, mode="same"),
    "sigconv direct": sigconv.convolve(xn, k, mode="same", method="direct"),
    "sigconv fft": sigconv.convolve(xn, k, mode="same", method="fft"),
    "sigconv overlap-add": sigconv.convolve(xn, k, mode="same", method="overlap-add"),
}
for name, v in outs.items():
    print(f"{name:>20}: {np.isnan(v).sum():3d} NaN outputs of {v.size}")
print("fft and direct agree where finite:",
      np.allclose(outs["sigconv fft"], outs["sigconv direct"], equal_nan=True))

fig, ax = plt.subplots()
ax.plot(years, xn, color="0.7", lw=0.8, label="signal with 2 missing years")
ax.plot(years, outs["sigconv fft"], lw=1.5, label="sigconv, method='fft'")
ax.plot(years, outs["scipy fftconvolve"], lw=3, label="scipy fftconvolve (all NaN: nothing drawn)")
for i in (60, 200):
    ax.axvspan(years[i] - 5, years[i] + 5, color="C3", alpha=0.15)
ax.set(xlabel="year", ylabel="sunspot number", title="NaN affects only the windows that cover it")
ax.legend(loc="upper left", fontsize=8);

# %% [markdown]
# ## Speed and accuracy by kernel size
#
# A longer real signal: the bundled speech recording (about 8 s at 8 kHz). Direct sums cost
# $O(NM)$, an FFT $O((N+M)\log(N+M))$, overlap-add $O(N \log M)$. Errors are measured against
# `numpy.convolve` in float64. Timings are single-threaded (`workers=1`), best of 7 runs,
# on whatever machine executed this notebook.

# %%
from sigconv.datasets import load_speech

speech, rate = load_speech()
rng = np.random.default_rng(0)
sizes = [3, 9, 33, 129, 513]
methods = ["direct", "fft", "overlap-add", "auto"]


def best_time(f, repeat=7):
    f()                                       # warm-up (compilation, FFT plans)
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


times = {m: [] for m in methods}
errors = {m: [] for m in methods}
chosen = []
for M in sizes:
    h = rng.standard_normal(M)
    exact = np.convolve(speech, h)
    scale = np.max(np.abs(exact))
    for m in methods:
        times[m].append(best_time(lambda h=h, m=m: sigconv.convolve(speech, h, method=m, workers=1)))
        errors[m].append(np.max(np.abs(sigconv.convolve(speech, h, method=m, workers=1) - exact)) / scale)
    chosen.append(sigconv.choose_method(speech, h, workers=1))

print(pd.DataFrame({f"{m} (ms)": np.round(np.array(times[m]) * 1e3, 3) for m in methods}
                   | {"auto chose": chosen}, index=pd.Index(sizes, name="kernel size")))

fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.4))
for m, style in zip(methods, ("o-", "s-", "^-", "k--"), strict=True):
    a1.loglog(sizes, np.array(times[m]) * 1e3, style, label=m, ms=4)
    a2.loglog(sizes, np.maximum(errors[m], 1e-18), style, label=m, ms=4)
a1.set(xlabel="kernel size M", ylabel="time (ms)", title=f"convolve {speech.size} samples")
a2.set(xlabel="kernel size M", ylabel="max error / max |y|", title="relative error vs numpy.convolve")
a1.legend(fontsize=8)
a2.legend(fontsize=8)
fig.tight_layout();

# %% [markdown]
# ## `choose_method`
#
# `method="auto"` (the default) picks the cheapest method from a cost model that knows about
# the sizes, the batch, stride, dilation and the threads; `choose_method` tells which one it
# would use.

# %%
rows = []
for n, m in [(300, 11), (10_000, 5), (10_000, 200), (100_000, 1_000), (100_000, 30_000)]:
    for kw in ({}, {"stride": 8}):
        rows.append({"signal": n, "kernel": m, "options": str(kw) if kw else "-",
                     "auto uses": sigconv.choose_method(np.ones(n), np.ones(m), **kw)})
pd.DataFrame(rows)
'''

# ============================================================================================
NOTEBOOKS["02_filters_pandas"] = r'''
# %% [markdown]
# # 02 · Filters as convolutions, on pandas data
#
# Moving averages, exponentially weighted means and autoregressive models are all linear
# filters: finite (FIR) or infinite (IIR) convolutions. `sigconv.filters` computes them on the
# Numba core with pandas' and statsmodels' conventions, and the `.sigconv` accessor applies
# them to Series and DataFrames. Data: the weekly Mauna Loa CO₂ record (with gaps), the Nile
# flow and the yearly sunspot numbers, all shipped with statsmodels.

# %%
%matplotlib inline
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scipy.signal
import statsmodels.api as sm
from statsmodels.tsa.ar_model import AutoReg
from statsmodels.tsa.arima_process import ArmaProcess
from statsmodels.tsa.filters.filtertools import convolution_filter, recursive_filter

import sigconv
from sigconv import filters

STYLE
co2 = sm.datasets.co2.load_pandas().data["co2"]                   # weekly, 1958-2001
nile = sm.datasets.nile.load_pandas().data.set_index("year")["volume"]
sun = sm.datasets.sunspots.load_pandas().data.set_index("YEAR")["SUNACTIVITY"]
print(f"co2: {co2.size} weeks, {co2.isna().sum()} missing;  nile: {nile.size} years;  "
      f"sunspots: {sun.size} years")


def maxdiff(a, b):
    """Largest absolute difference, NaN positions required to agree."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), "NaN positions differ"
    return np.nanmax(np.abs(a - b))

# %% [markdown]
# ## Moving averages
#
# A trailing moving average is $y_t = \sum_i w_i\,x_{t-i}$, a convolution with the weights.
# With `nan_policy="omit"` the gaps in the CO₂ record are skipped and the weights
# re-normalised over the samples present — pandas' `rolling(...).mean()` with `min_periods`.

# %%
ma52 = filters.moving_average(co2.to_numpy(), 52, nan_policy="omit", min_periods=26)
pd52 = co2.rolling(52, min_periods=26).mean()
print(f"52-week trailing mean   vs pandas rolling(52, min_periods=26): "
      f"max |diff| = {maxdiff(ma52, pd52):.1e}")

ctr = filters.moving_average(co2.to_numpy(), 52, align="centered", nan_policy="omit", min_periods=26)
pdc = co2.rolling(52, center=True, min_periods=26).mean()
print(f"52-week centred mean    vs pandas rolling(center=True):        "
      f"max |diff| = {maxdiff(ctr, pdc):.1e}")

tri = filters.moving_average(nile.to_numpy(), 9, "triangular", align="centered")
pdt = nile.rolling(9, win_type="triang", center=True).mean()
print(f"9-year triangular (Nile) vs pandas win_type='triang':          "
      f"max |diff| = {maxdiff(tri, pdt):.1e}")

w = filters.window_weights("linear", 5)       # newest sample weighs most
lin = filters.moving_average(nile.to_numpy(), w)
smf = convolution_filter(nile.to_numpy(), w, nsides=1)
print(f"linear weights {np.round(w, 3)} vs statsmodels convolution_filter(nsides=1): "
      f"max |diff| = {maxdiff(lin, smf):.1e}")

fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.4))
a1.plot(co2.index, co2, lw=0.6, color="0.6", label="weekly CO₂ (gaps = missing)")
a1.plot(co2.index, ma52, lw=1.6, label="52-week trailing mean (sigconv)")
a1.plot(co2.index, ctr, lw=1.2, label="52-week centred mean (sigconv)")
a1.plot(pd52.index[::104], pd52.iloc[::104], "k.", ms=5, label="pandas rolling, every 2 years")
a1.set(xlabel="date", ylabel="CO₂ (ppm)", title="Mauna Loa CO₂: yearly averages")
a1.legend(fontsize=8)
a2.plot(nile.index, nile, color="0.6", lw=0.8, label="Nile flow")
a2.plot(nile.index, tri, lw=1.6, label="9-year triangular, centred")
a2.plot(nile.index, lin, lw=1.2, label="5-year linear weights, trailing")
a2.set(xlabel="year", ylabel="volume (10⁸ m³)", title="Nile at Aswan")
a2.legend(fontsize=8)
fig.tight_layout();

# %% [markdown]
# ## EWMA: an infinite exponential kernel
#
# The exponentially weighted mean convolves with $w_i \propto (1-\alpha)^i$ for **all** past
# samples; sigconv runs it as the AR(1) recursion it is. Both `adjust` settings match pandas,
# including the way pandas carries the mean over the missing weeks.

# %%
for adjust in (True, False):
    e = filters.ewma(co2.to_numpy(), span=26, adjust=adjust)
    p = co2.ewm(span=26, adjust=adjust).mean()
    print(f"ewma(span=26, adjust={adjust!s:5}) vs pandas ewm: max |diff| = {maxdiff(e, p):.1e}")

alpha = 2 / (26 + 1)
taps = filters.window_weights("ewma", 60, alpha=alpha)
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.2), gridspec_kw={"width_ratios": [1, 2]})
a1.stem(np.arange(taps.size), taps)
a1.set(xlabel="lag (weeks)", ylabel="weight", title="EWMA kernel, span=26 (first 60 lags)")
part = slice("1990", "1992")
a2.plot(co2[part], ".", ms=3, color="0.5", label="weekly CO₂")
a2.plot(co2[part].index, filters.ewma(co2.to_numpy(), span=26)[co2.index.slice_indexer("1990", "1992")],
        lw=1.6, label="EWMA span=26 (sigconv)")
a2.plot(co2.ewm(span=26).mean()[part], "--", lw=1.2, label="pandas ewm")
a2.set(xlabel="date", ylabel="CO₂ (ppm)", title="EWMA lags behind the seasonal cycle")
a2.legend(fontsize=8)
fig.tight_layout();

# %% [markdown]
# ## Autoregressive models
#
# An AR(p) model $y_t = c + \sum_i \varphi_i y_{t-i} + e_t$ is fitted by Yule–Walker or least
# squares; its one-step prediction is a short FIR filter of the past, and generating $y$ from
# the innovations $e$ is the IIR filter `ar_filter`. All three match statsmodels / scipy.

# %%
y = sun.to_numpy()
fit = filters.fit_ar(y, 9, method="ols")
ref = AutoReg(y, 9, trend="c").fit()
print("AR(9) by OLS, phi:", np.round(fit.ar, 3))
print(f"  vs AutoReg params: max |diff| = {np.max(np.abs(np.r_[fit.const, fit.ar] - ref.params)):.1e},"
      f"  sigma2 {fit.sigma2:.2f} vs {ref.sigma2:.2f}")

pred = filters.ar_predict(y, fit.ar, const=fit.const)
ref_pred = ref.predict(start=0, end=y.size - 1)
print(f"  one-step prediction vs AutoReg.predict: max |diff| = {maxdiff(pred[9:], ref_pred[9:]):.1e}")

yw = filters.fit_ar(y, 2)                    # Yule-Walker
with warnings.catch_warnings():            # recent statsmodels warn about yule_walker's return type
    warnings.simplefilter("ignore", FutureWarning)
    rho, sigma = sm.regression.yule_walker(y, 2, method="mle")[:2]
print(f"AR(2) by Yule-Walker: {np.round(yw.ar, 4)}  vs statsmodels {np.round(rho, 4)}")

e = y - y.mean()
gen = filters.ar_filter(e, yw.ar)            # y_t = phi_1 y_{t-1} + phi_2 y_{t-2} + e_t
print(f"ar_filter vs recursive_filter: {maxdiff(gen, recursive_filter(e, yw.ar)):.1e};"
      f"  vs lfilter: {maxdiff(gen, scipy.signal.lfilter([1], np.r_[1, -yw.ar], e)):.1e}")

fig, ax = plt.subplots()
ax.plot(sun.index, y, color="0.6", lw=0.8, label="sunspots")
ax.plot(sun.index, pred, lw=1.3, label="AR(9) one-step prediction (sigconv)")
ax.plot(sun.index[9::6], ref_pred[9::6], "k.", ms=4, label="AutoReg.predict (every 6th)")
ax.set(xlabel="year", ylabel="sunspot number", title="One-step AR(9) prediction is a 9-tap filter")
ax.legend(loc="upper left", fontsize=8);

# %% [markdown]
# ## The ψ-weights identity: an ARMA filter is a convolution
#
# An ARMA filter $y = \frac{1+\theta(B)}{1-\varphi(B)}\,e$ is the convolution of $e$ with its
# impulse response, the ψ weights ($\psi_0 = 1$). Truncating the kernel to $n$ taps leaves an
# error no larger than the **tail mass** $\sum_{k \ge n} |\psi_k| \cdot \max|e|$.

# %%
ar, ma = np.array([1.3, -0.6]), np.array([0.4])
psi = filters.arma_impulse_response(ar, ma, n=200)
ref_psi = ArmaProcess(np.r_[1, -ar], np.r_[1, ma]).impulse_response(200)
print(f"ψ weights vs statsmodels impulse_response: max |diff| = {np.max(np.abs(psi - ref_psi)):.1e}")

e = np.random.default_rng(0).standard_normal(y.size)   # white noise, as long as the sunspot series
yf = filters.arma_filter(e, ar, ma)
print(f"arma_filter vs lfilter: {maxdiff(yf, scipy.signal.lfilter(np.r_[1, ma], np.r_[1, -ar], e)):.1e}")

ns = [5, 10, 20, 40, 80, 120]
err, bound = [], []
for n in ns:
    conv = sigconv.convolve(e, psi[:n])[: e.size]                   # trailing convolution with n ψ weights
    err.append(np.max(np.abs(conv - yf)))
    bound.append(np.abs(psi[n:]).sum() * np.max(np.abs(e)))
print(pd.DataFrame({"max |convolve - arma_filter|": err, "tail-mass bound": bound},
                   index=pd.Index(ns, name="ψ taps")))

fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.2))
a1.stem(np.arange(40), psi[:40])
a1.set(xlabel="lag k", ylabel=r"$\psi_k$",
       title=r"$\psi$ weights of ARMA(2,1), $\varphi$=(1.3, −0.6), $\theta$=0.4")
a2.semilogy(ns, err, "o-", label=r"max |convolve(e, $\psi$[:n]) − arma_filter(e)|")
a2.semilogy(ns, bound, "k--", label=r"tail mass $\sum_{k \geq n}|\psi_k| \cdot \max|e|$")
a2.set(xlabel=r"number of $\psi$ taps n", ylabel="error",
       title="Truncated convolution converges to the IIR filter")
a2.legend(fontsize=8)
fig.tight_layout();

# %% [markdown]
# ## The `.sigconv` accessor
#
# `import sigconv` registers `Series.sigconv` and `DataFrame.sigconv`. Results keep the index,
# the name and the NaN positions; a DataFrame is filtered column by column in one batch.

# %%
smooth = co2.sigconv.moving_average(52, nan_policy="omit", min_periods=26)
print(type(smooth).__name__, smooth.name, "| same index:", smooth.index.equals(co2.index),
      f"| vs pandas: {maxdiff(smooth, pd52):.1e}")
print(f"ewma vs pandas: {maxdiff(co2.sigconv.ewma(span=26), co2.ewm(span=26).mean()):.1e}")

fit = sun.sigconv.fit_ar(2)
print("fit_ar(2) on the Series:", np.round(fit.ar, 4), f"const={fit.const:.2f}")

acf = sun.sigconv.autocorr(40)
resid = sun - fit.predict(sun.to_numpy())                        # first 2 predictions are NaN
frame = pd.DataFrame({"sunspots": sun, "AR(2) residual": resid}).iloc[2:]
acfs = frame.sigconv.autocorr(40)
print(f"autocorr vs statsmodels acf: {maxdiff(acf, sm.tsa.acf(sun, nlags=40)):.1e}")

fig, ax = plt.subplots()
ax.stem(acfs.index - 0.15, acfs["sunspots"], linefmt="C0-", markerfmt="C0o", basefmt=" ", label="sunspots")
ax.stem(acfs.index + 0.15, acfs["AR(2) residual"], linefmt="C1-", markerfmt="C1s", basefmt=" ",
        label="AR(2) residual")
ax.set(xlabel="lag (years)", ylabel="autocorrelation", title="frame.sigconv.autocorr(40)")
ax.legend(fontsize=8)
acfs.head()
'''



# ============================================================================================
NOTEBOOKS["03_template_matching"] = r"""
# %% [markdown]
# # 03 · Template matching
#
# `match_template` slides a template over a signal or an image and scores every placement;
# the default score, **zncc** (zero-normalised cross-correlation, Pearson's r of template and
# window), ignores the gain and the offset of the data. `find_peaks` picks the best-scoring,
# well-separated positions, and `locate` chains the two. Data: the bundled speech recording
# and matplotlib's sample photograph of Grace Hopper.

# %%
%matplotlib inline
import time

import matplotlib.cbook as cbook
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import skimage.feature
from matplotlib.patches import Rectangle

from sigconv import find_peaks, locate, match_template
from sigconv.datasets import load_speech

STYLE
speech, rate = load_speech()
t = np.arange(speech.size) / rate
print(f"speech: {speech.size} samples at {rate} Hz ({speech.size / rate:.1f} s)")

# %% [markdown]
# ## A spoken word, found in noise
#
# Cut one word from the clean recording, bury the recording in white noise **twice as strong
# as the speech** (SNR −6 dB) and look for the word again.

# %%
start, stop = int(3.08 * rate), int(3.65 * rate)          # one word, 0.57 s
word = speech[start:stop]
rng = np.random.default_rng(0)
noisy = speech + rng.normal(0.0, 2 * speech.std(), speech.size)

scores = match_template(noisy, word)                       # zncc, 'valid': index = window start
peaks = find_peaks(scores, threshold=0.1, min_distance=word.size)
print(peaks)
best = peaks.positions[0, 0]
print(f"best match starts at {best / rate:.4f} s (the word was cut at {start / rate:.4f} s), "
      f"score {peaks.scores[0]:.3f}")

quiet = match_template(noisy, 0.1 * word + 3.0)            # gain and offset do not change zncc
print(f"template scaled by 0.1 and shifted by 3: max |score difference| = "
      f"{np.max(np.abs(quiet - scores)):.1e}")

fig, (a1, a2) = plt.subplots(2, 1, figsize=(9, 4.8), sharex=True)
a1.plot(t, noisy, lw=0.3, color="0.6", label="speech + noise (SNR −6 dB)")
a1.plot(t, speech, lw=0.4, color="C0", label="clean speech")
a1.axvspan(start / rate, stop / rate, color="C1", alpha=0.25, label="the word (template)")
a1.set(ylabel="amplitude", title="Where is the word?")
a1.legend(loc="upper right", fontsize=8, ncol=3)
a2.plot(t[: scores.size], scores, lw=0.6, label="zncc score")
a2.plot(peaks.positions[:, 0] / rate, peaks.scores, "v", color="C3", label="find_peaks")
a2.set(xlabel="window start (s)", ylabel="zncc", title="Scores of the word at every position")
a2.legend(loc="upper right", fontsize=8)
fig.tight_layout();

# %% [markdown]
# The same search on a pandas Series with the `.sigconv` accessor reports the matches by
# index label:

# %%
series = pd.Series(noisy, index=pd.Index(t, name="time (s)"), name="noisy speech")
series.sigconv.match(word, threshold=0.2)

# %% [markdown]
# ## A face, found under a contrast change
#
# Crop the eyes from the photograph, then change the image's contrast and brightness (and add a
# little noise). Plain cross-correlation (`ccorr`) is drawn to bright regions, squared
# difference (`sqdiff`) to regions of similar brightness; zncc still finds the crop where it
# was.

# %%
with cbook.get_sample_data("grace_hopper.jpg") as f:
    rgb = plt.imread(f)
gray = rgb @ np.array([0.299, 0.587, 0.114]) / 255.0        # (600, 512) in [0, 1]
r0, c0, h, w = 195, 170, 40, 110
crop = gray[r0:r0 + h, c0:c0 + w].copy()
changed = 0.35 * gray ** 0.8 + 0.45 + rng.normal(0.0, 0.02, gray.shape)

results = {}
for score in ("zncc", "ccorr", "sqdiff"):
    m = match_template(changed, crop, score=score)
    pos = np.unravel_index(np.argmin(m) if score == "sqdiff" else np.argmax(m), m.shape)
    results[score] = (m, pos)
    print(f"{score:>6}: best at {tuple(int(v) for v in pos)}  (crop taken at {(r0, c0)})")

fig, axes = plt.subplots(1, 4, figsize=(12, 3.6))
axes[0].imshow(changed, cmap="gray")
axes[0].grid(False)
axes[0].set(title="contrast-changed image", xlabel="column", ylabel="row")
for ax, (score, (m, pos)) in zip(axes[1:], results.items(), strict=True):
    im = ax.imshow(m, cmap="viridis")
    ax.grid(False)
    ax.plot(pos[1], pos[0], "r+", ms=12, mew=2)
    ax.set(title=f"{score} score map", xlabel="column")
    fig.colorbar(im, ax=ax, shrink=0.7)
    axes[0].add_patch(Rectangle((pos[1], pos[0]), w, h, fill=False, lw=1.5,
                                ec={"zncc": "lime", "ccorr": "red", "sqdiff": "orange"}[score], label=score))
axes[0].legend(fontsize=8, loc="lower left")
fig.tight_layout();

# %% [markdown]
# ## `find_peaks` and the scores, compared with scikit-image
#
# zncc is the score of `skimage.feature.match_template`; `find_peaks` returns the same peak
# set as `skimage.feature.peak_local_max`.

# %%
zncc = results["zncc"][0]
t0 = time.perf_counter()
ours = match_template(changed, crop)
t_ours = time.perf_counter() - t0
t0 = time.perf_counter()
theirs = skimage.feature.match_template(changed, crop)
t_sk = time.perf_counter() - t0
print(f"zncc vs skimage.feature.match_template: max |diff| = {np.max(np.abs(ours - theirs)):.1e}"
      f"   (time: sigconv {t_ours * 1e3:.0f} ms, skimage {t_sk * 1e3:.0f} ms)")

peaks = find_peaks(zncc, threshold=0.3, min_distance=20)
sk = skimage.feature.peak_local_max(zncc, min_distance=20, threshold_abs=0.3, exclude_border=False)
same = {tuple(p) for p in peaks.positions.tolist()} == {tuple(p) for p in sk.tolist()}
print(f"find_peaks: {len(peaks)} peaks above 0.3; same set as peak_local_max: {same}")
print("locate(changed, crop, threshold=0.8):", locate(changed, crop, threshold=0.8))
pd.DataFrame({"row": peaks.positions[:, 0], "column": peaks.positions[:, 1], "zncc": peaks.scores}).head()

# %% [markdown]
# ### Precision under a DC offset
#
# Window statistics computed from running sums lose precision when the data sit on a large
# offset. For a float32 image shifted by 1000, sigconv's zncc keeps its scores within [−1, 1]
# and close to the exact ones; compare with what scikit-image returns for the same input.

# %%
shifted = (changed + 1000.0).astype(np.float32)
crop32 = (crop + 1000.0).astype(np.float32)
exact = match_template(changed, crop)                      # float64, no offset
for name, m in (("sigconv", match_template(shifted, crop32)),
                ("skimage", skimage.feature.match_template(shifted, crop32))):
    pos = np.unravel_index(np.nanargmax(m), m.shape)
    print(f"{name:>8}: scores in [{np.nanmin(m):8.3g}, {np.nanmax(m):8.3g}], "
          f"max |error| {np.nanmax(np.abs(m - exact)):.2g}, best at {tuple(int(v) for v in pos)}")

# %% [markdown]
# ## Targets that are not rectangles: masks, occlusion, sub-pixel positions
#
# Real targets are round, partly hidden and sit between pixels. `mask=` scores only the
# template's pixels marked True (for zncc: Pearson's r over those pixels, as OpenCV's masked
# `TM_CCOEFF_NORMED`); `nan_policy="omit"` treats NaN in the image as missing, each window
# scored over what is left of it; `subpixel=True` refines each peak with a quadratic through
# its neighbours. Here the face is a disc, a third of it hidden, in a copy moved by
# (+0.3, −0.4) pixel.

# %%
from scipy.ndimage import shift as subpixel_shift

r0, c0, size = 140, 200, 96
face = gray[r0:r0 + size, c0:c0 + size].copy()
yy, xx = np.mgrid[:size, :size]
disc = (yy - (size - 1) / 2) ** 2 + (xx - (size - 1) / 2) ** 2 <= (size / 2) ** 2
moved = subpixel_shift(0.6 * gray + 0.3, (0.3, -0.4), order=3, mode="nearest")
moved[r0:r0 + size // 3, c0 - 20:c0 + size + 20] = np.nan      # the top third of the face hidden
truth = (r0 + 0.3, c0 - 0.4)

for label, kw in (("rectangle, NaN propagates", {}),
                  ("disc mask, NaN propagates", {"mask": disc}),
                  ("disc mask, nan_policy='omit'", {"mask": disc, "nan_policy": "omit"}),
                  ("... and subpixel=True", {"mask": disc, "nan_policy": "omit", "subpixel": True})):
    found = locate(moved, face, threshold=0.5, max_matches=1, **kw)
    where = "no match" if not len(found) else \
        f"at ({found.positions[0, 0]:.2f}, {found.positions[0, 1]:.2f}), score {found.scores[0]:.3f}"
    print(f"{label:>30}: {where}   (truth {truth[0]:.1f}, {truth[1]:.1f})")

omit = match_template(moved, face, mask=disc, nan_policy="omit")
fig, (a1, a2, a3) = plt.subplots(1, 3, figsize=(12, 3.8))
a1.imshow(np.where(disc, face, np.nan), cmap="gray")
a1.set(title="template and its disc mask")
a2.imshow(moved, cmap="gray")
a2.set(title="moved by a fraction of a pixel, partly NaN")
im = a3.imshow(omit, cmap="viridis")
a3.set(title="masked zncc, nan_policy='omit'")
fig.colorbar(im, ax=a3, shrink=0.7)
for ax in (a1, a2, a3):
    ax.grid(False)
fig.tight_layout();

# %% [markdown]
# The sub-pixel refinement is exact for a sampled quadratic peak and close for smooth ones:
# Gaussian blobs placed at known fractional positions are found within a few hundredths of a
# pixel.

# %%
rows, cols = np.mgrid[:200, :200]
centres = [(50.3, 60.75), (120.5, 40.1), (150.85, 150.4)]
blobs = sum(np.exp(-((rows - r) ** 2 + (cols - c) ** 2) / (2 * 3.0 ** 2)) for r, c in centres)
refined = find_peaks(blobs, threshold=0.5, min_distance=10, subpixel=True)
for (r, c) in sorted(refined.positions.tolist()):
    err = min(np.hypot(r - tr, c - tc) for tr, tc in centres)
    print(f"peak at ({r:7.3f}, {c:7.3f}), distance to the true centre {err:.3f} px")

# %% [markdown]
# ## Many templates against one image
#
# A `Matcher` prepares the image once (its centred copy, the transforms of its overlap-save
# strips) and `match_many` scores a list of templates against it, each equal to its own
# `match_template` call.

# %%
from sigconv.match import Matcher

image = gray.astype(np.float32)                              # (600, 512)
crops = [image[60 * i + 40:60 * i + 88, 50 * i + 30:50 * i + 78].copy() for i in range(8)]


def each():
    return [match_template(image, c) for c in crops]


def many():
    return Matcher(image).match_many(crops)


def seconds(f, repeat=3):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


one_by_one, together = each(), many()                        # the first calls compile
t_each, t_many = seconds(each), seconds(many)
worst = max(float(np.max(np.abs(a - b))) for a, b in zip(one_by_one, together, strict=True))
print(f"8 templates: {t_each * 1e3:.0f} ms one call each, {t_many * 1e3:.0f} ms with match_many "
      f"(max |difference| {worst:.1e})")
print("found at:", [tuple(int(v) for v in np.unravel_index(np.argmax(m), m.shape)) for m in together])
print("cut at:  ", [(60 * i + 40, 50 * i + 30) for i in range(8)])
"""

# ============================================================================================
NOTEBOOKS["04_training_a_cnn"] = r"""
# %% [markdown]
# # 04 · Training a small 1D CNN
#
# `sigconv.nn` has PyTorch-style layers on arrays shaped `(batch, channels, length)`, with
# analytic backward passes computed by sigconv's convolution kernels. This notebook checks
# the key identity of convolutional backpropagation against `sigconv.convolve`, then trains
# a small network to tell three pulse shapes apart and looks at the kernels it learned.

# %%
%matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import sigconv
from sigconv.nn import Adam, Conv1D, GlobalMaxPool1D, Linear, ReLU, Sequential

STYLE

# %% [markdown]
# ## Forward: a bank of cross-correlations
#
# `Conv1D` computes `out[n, o, t] = bias[o] + Σ_c Σ_j weight[o, c, j] · x[n, c, t + j]`, the
# cross-correlation of PyTorch's `conv1d`. With sigconv's broadcasting, the same thing is one
# `sigconv.correlate` call of `x[:, None, :, :]` (batch, 1, in, L) with the weight bank
# (out, in, k), summed over the input channels.

# %%
rng = np.random.default_rng(0)
conv = Conv1D(3, 4, 7, dtype=np.float64, random_state=0)
x = rng.standard_normal((2, 3, 50))
out = conv.forward(x)
W, b = conv.params["weight"], conv.params["bias"]
ref = sigconv.correlate(x[:, None], W, mode="valid").sum(axis=2) + b[:, None]
print("output", out.shape, f"  max |Conv1D.forward - correlate| = {np.max(np.abs(out - ref)):.1e}")

# %% [markdown]
# ## Backward: the input gradient is a full convolution
#
# For $y = x \star w$ (cross-correlation, 'valid'), the gradient of a loss with respect to the
# input is $\partial L/\partial x = g * w$, the **full convolution** of the output gradient
# $g$ with the kernel — equivalently the full cross-correlation of $g$ with the **flipped**
# kernel (what deep-learning texts call "full convolution with the flipped kernel", since
# their "convolution" is a cross-correlation). The weight gradient is the 'valid'
# cross-correlation of the input with $g$.

# %%
g = rng.standard_normal(out.shape)                         # an arbitrary upstream gradient
grad_in = conv.backward(g)                                 # also fills conv.grads

# (N, O, 1, L') convolved with (O, C, k) -> (N, O, C, L), summed over the output channels O
via_convolve = sigconv.convolve(g[:, :, None], W, mode="full").sum(axis=1)
via_flipped = sigconv.correlate(g[:, :, None], W[..., ::-1], mode="full").sum(axis=1)
print("input gradient", grad_in.shape)
print(f"  max |backward - convolve(g, w, 'full')|        = {np.max(np.abs(grad_in - via_convolve)):.1e}")
print(f"  max |backward - correlate(g, flip(w), 'full')| = {np.max(np.abs(grad_in - via_flipped)):.1e}")

grad_w = sigconv.correlate(x[:, None], g[:, :, None], mode="valid").sum(axis=0)   # (O, C, k)
grad_b = g.sum(axis=(0, 2))
dw = conv.grads["weight"] - grad_w
print(f"  max |weight grad - correlate(x, g, 'valid')|   = {np.max(np.abs(dw)):.1e}")
print(f"  max |bias grad - sum of g|                     = {np.max(np.abs(conv.grads['bias'] - grad_b)):.1e}")

# a finite-difference check of one input sample, for good measure
eps, (n, c, i) = 1e-6, (1, 2, 20)
xp, xm = x.copy(), x.copy()
xp[n, c, i] += eps
xm[n, c, i] -= eps
numeric = ((conv.forward(xp) * g).sum() - (conv.forward(xm) * g).sum()) / (2 * eps)
print(f"  finite difference {numeric:.8f} vs analytic {grad_in[n, c, i]:.8f}")

# %% [markdown]
# ## A synthetic task: which pulse is in the noise?
#
# Each series (128 samples) holds one of three pulses at a random position and amplitude, in
# Gaussian noise: a windowed sine burst, a rectangular pulse, or a ramp. A network of 8
# kernels, a global max-pool and a linear layer has to learn detectors for them.

# %%
L, n_train, n_test = 128, 600, 300
shapes = {
    "sine burst": np.sin(2 * np.pi * np.arange(24) / 6) * np.hanning(24),
    "rectangle": np.ones(12),
    "ramp": np.linspace(0.0, 1.0, 20),
}


def make(n, rng):
    y = rng.integers(0, 3, n)
    X = rng.normal(0.0, 0.4, (n, 1, L))
    for i, label in enumerate(y):
        pulse = list(shapes.values())[label] * rng.uniform(1.0, 1.5)
        s = rng.integers(0, L - pulse.size)
        X[i, 0, s:s + pulse.size] += pulse
    return X.astype(np.float32), y


X_train, y_train = make(n_train, np.random.default_rng(1))
X_test, y_test = make(n_test, np.random.default_rng(2))

fig, axes = plt.subplots(1, 3, figsize=(11, 2.8), sharey=True)
for k, (ax, name) in enumerate(zip(axes, shapes, strict=True)):
    for series in X_train[y_train == k][:2]:
        ax.plot(series[0], lw=0.8)
    ax.set(title=f"class {k}: {name}", xlabel="sample")
axes[0].set_ylabel("value")
fig.tight_layout();

# %%
model = Sequential(
    Conv1D(1, 8, 15, padding="same", random_state=0),
    ReLU(),
    GlobalMaxPool1D(),
    Linear(8, 3, random_state=0),
)
t0 = time.perf_counter()
history = model.fit(X_train, y_train, optimizer=Adam(0.01), epochs=30, batch_size=32,
                    validation_data=(X_test, y_test), random_state=0, progress=False)
print(f"trained in {time.perf_counter() - t0:.1f} s")
print("test:", {k: round(v, 3) for k, v in model.evaluate(X_test, y_test).items()})

fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.2))
a1.plot(history["loss"], label="training")
a1.plot(history["val_loss"], label="test")
a1.set(xlabel="epoch", ylabel="cross-entropy", title="Loss")
a1.legend()
a2.plot(history["accuracy"], label="training")
a2.plot(history["val_accuracy"], label="test")
a2.set(xlabel="epoch", ylabel="accuracy", title="Accuracy", ylim=(0.3, 1.02))
a2.legend()
fig.tight_layout();

# %% [markdown]
# ## What did the kernels learn?
#
# Each Conv1D kernel slides over the series (cross-correlation), so a kernel that detects a
# pulse looks like that pulse: a matched filter. Kernels are drawn in the order of the weight
# they carry towards each class in the linear layer.

# %%
kernels = model.layers[0].params["weight"][:, 0, :]        # (8, 15)
lin = model.layers[3].params["weight"]                     # (3 classes, 8 kernels)
fig, axes = plt.subplots(2, 4, figsize=(11, 4), sharex=True)
for j, ax in enumerate(axes.flat):
    ax.plot(kernels[j], "o-", ms=2.5, lw=1)
    favourite = int(np.argmax(lin[:, j]))
    ax.set_title(f"kernel {j} → '{list(shapes)[favourite]}'", fontsize=9)
    ax.axhline(0, color="0.5", lw=0.5)
for ax in axes[1]:
    ax.set_xlabel("tap")
for ax in axes[:, 0]:
    ax.set_ylabel("weight")
fig.suptitle("Learned Conv1D kernels (each titled with the class it votes for most)")
fig.tight_layout()

pred = model.predict(X_test)
pd.crosstab(pd.Series([list(shapes)[k] for k in y_test], name="true"),
            pd.Series([list(shapes)[k] for k in pred], name="predicted"))
"""

# ============================================================================================
NOTEBOOKS["05_features_pipeline"] = r"""
# %% [markdown]
# # 05 · Convolutional features in a scikit-learn pipeline
#
# `MiniRocket` turns each series into thousands of features, the proportion of positive
# values of fixed {−1, 2} kernels at many dilations; a linear classifier on top is a strong
# time-series classifier. `KernelFeatures` summarises a small, readable bank of kernels
# (moving averages, differences, Gaussian derivatives). Both are scikit-learn transformers.
# Data: UCR GunPoint (and the other small UCR sets that ship), bundled with sigconv with their
# default train/test splits.

# %%
%matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.linear_model import RidgeClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sigconv.datasets import load_ucr, ucr_names
from sigconv.features import KernelFeatures, MiniRocket

STYLE
X_train, y_train, X_test, y_test = load_ucr("GunPoint")
print("train", X_train.shape, "test", X_test.shape, "classes", np.unique(y_train))

fig, ax = plt.subplots()
for label, colour in zip(np.unique(y_train), ("C0", "C1"), strict=True):
    for i, series in enumerate(X_train[y_train == label][:4]):
        ax.plot(series, color=colour, lw=1, label=f"class {label}" if i == 0 else None)
ax.set(xlabel="time step", ylabel="hand position (normalised)",
       title="GunPoint: drawing a gun (class 1) vs pointing a finger (class 2)")
ax.legend();

# %% [markdown]
# ## MiniRocket + ridge classifier

# %%
rocket = make_pipeline(MiniRocket(random_state=0),
                       RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
t0 = time.perf_counter()
rocket.fit(X_train, y_train)
t_fit = time.perf_counter() - t0
t0 = time.perf_counter()
acc = rocket.score(X_test, y_test)
t_pred = time.perf_counter() - t0
print(rocket)
mr = rocket.named_steps["minirocket"]
print(f"MiniRocket: {mr.n_features_out_} features, {mr.dilations_.size} dilations")
print(f"test accuracy {acc:.3f}   (fit {t_fit:.2f} s, transform + predict {t_pred:.2f} s)")

# %% [markdown]
# ## KernelFeatures: fewer, named features
#
# The default bank at dilations 1, 2, 4 and 8 with four statistics each (mean, max, min and
# the proportion of positive values) gives a few hundred features whose names say what they
# measure — so the classifier's largest coefficients can be read.

# %%
kf_pipe = make_pipeline(KernelFeatures(dilations=(1, 2, 4, 8)), StandardScaler(),
                        RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
kf_pipe.fit(X_train, y_train)
kf = kf_pipe.named_steps["kernelfeatures"]
print(f"KernelFeatures: {kf.n_features_out_} features; test accuracy {kf_pipe.score(X_test, y_test):.3f}")

coef = kf_pipe.named_steps["ridgeclassifiercv"].coef_.ravel()
top = np.argsort(-np.abs(coef))[:10]
pd.DataFrame({"feature": kf.get_feature_names_out()[top], "coefficient": coef[top]})

# %% [markdown]
# ## Every small bundled data set, two transformers

# %%
print("bundled UCR data sets:", ucr_names())
rows = []
for name in [n for n in ("GunPoint", "ItalyPowerDemand", "ArrowHead") if n in ucr_names()]:
    Xtr, ytr, Xte, yte = load_ucr(name)
    for label, pipe in (
        ("MiniRocket", make_pipeline(MiniRocket(random_state=0),
                                     RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))),
        ("KernelFeatures", make_pipeline(KernelFeatures(dilations=(1, 2, 4, 8)), StandardScaler(),
                                         RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))),
    ):
        t0 = time.perf_counter()
        score = pipe.fit(Xtr, ytr).score(Xte, yte)
        rows.append({"data set": name, "features": label, "train/test": f"{len(Xtr)}/{len(Xte)}",
                     "accuracy": round(score, 3), "seconds": round(time.perf_counter() - t0, 2)})
table = pd.DataFrame(rows)

fig, ax = plt.subplots(figsize=(7, 3))
wide = table.pivot(index="data set", columns="features", values="accuracy")
wide.plot.bar(ax=ax, rot=0, ylim=(0.5, 1.0))
ax.set(xlabel="UCR data set", ylabel="test accuracy", title="Ridge classifier on convolutional features")
ax.legend(fontsize=8, loc="lower right")
table
"""

# ============================================================================================
# Later notebooks keep their percent-form source in notebooks/sources/NN_name.py (one file each).
for _source in sorted((HERE / "sources").glob("[0-9][0-9]_*.py")):
    NOTEBOOKS[_source.stem] = _source.read_text(encoding="utf-8")


def _cells(source: str) -> list:
    cells, kind, buf = [], None, []

    def flush():
        if kind is None:
            return
        text = "\n".join(buf).strip("\n")
        if kind == "markdown":
            lines = (line[2:] if line.startswith("# ") else line.lstrip("#") for line in text.splitlines())
            text = "\n".join(lines)
            cells.append(nbformat.v4.new_markdown_cell(text))
        else:
            cells.append(nbformat.v4.new_code_cell(re.sub(r"(?m)^STYLE$", STYLE.rstrip("\n"), text)))

    for line in source.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, buf = ("markdown" if "[markdown]" in line else "code"), []
        else:
            buf.append(line)
    flush()
    return cells


def _shrink_png(data: str) -> str:
    """Re-encode a base64 PNG as a 128-colour palette PNG (about 2.5x smaller for line plots)."""
    import base64
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA")
    flat = Image.new("RGBA", im.size, (255, 255, 255, 255))
    flat.alpha_composite(im)
    buf = io.BytesIO()
    flat.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(buf, "png", optimize=True)
    return base64.b64encode(buf.getvalue()).decode("ascii") if buf.tell() < len(data) * 3 // 4 else data


def build(name: str) -> tuple[float, int, list[str]]:
    nb = nbformat.v4.new_notebook(cells=_cells(NOTEBOOKS[name]))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    elapsed = time.perf_counter() - t0
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{i:02d}"        # stable ids: small diffs between rebuilds
        for out in cell.get("outputs", []):
            if "image/png" in out.get("data", {}):
                out["data"]["image/png"] = _shrink_png(out["data"]["image/png"])
    stderr = [o["text"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    path = HERE / f"{name}.ipynb"
    nbformat.write(nb, path)
    return elapsed, path.stat().st_size, stderr


def main(argv: list[str]) -> int:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    names = [n for n in NOTEBOOKS if not argv or any(n.startswith(a) for a in argv)]
    for name in names:
        elapsed, size, stderr = build(name)
        print(f"{name}.ipynb: {elapsed:.1f} s, {size / 1024:.0f} KB")
        for text in stderr:
            print("  stderr:", text.strip()[:500])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
