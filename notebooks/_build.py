"""Write the tutorial notebooks from the cell sources below and execute them (outputs stored).

Usage (from the repository root, in the project's virtual environment)::

    python notebooks/_build.py            # every notebook
    python notebooks/_build.py 01 03      # the notebooks whose names start with these prefixes

Each notebook is kept here in "percent" form: ``# %% [markdown]`` starts a Markdown cell and
``# %%`` a code cell.  The notebooks are executed with nbclient (kernel ``python3``, working
directory ``notebooks/``) so that the stored outputs are exactly what a reader gets; the script
prints the run time and the file size of each and reports any stderr output (warnings) so they
can be kept clean.  ``tests/test_notebooks.py`` re-executes the stored notebooks.
"""

from __future__ import annotations

import os
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
if not hasattr(pd.Series, "sigconv"):      # older builds register it in a submodule
    import sigconv.accessor  # noqa: F401

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
            cells.append(nbformat.v4.new_code_cell(text.replace("STYLE\n", STYLE + "\n")))

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
