# %% [markdown]
# # 09 · The state of the art of convolution features: MultiRocket, Hydra, MultiRocket-Hydra
#
# MiniRocket (notebook 05) turns each series into 10,000 proportions of positive values of
# fixed convolution kernels. Three later transforms add accuracy at a small cost:
#
# * **MultiRocket** (Tan et al., 2022) applies the same kernels to the series *and* its first
#   difference and pools each output four ways: proportion of positive values (PPV), longest
#   stretch of positive values (LSPV), mean of positive values (MPV) and mean index of positive
#   values (MIPV) — 49,728 features.
# * **Hydra** (Dempster et al., 2023) draws groups of random kernels that *compete*: at each
#   time point the best-matching kernel of a group adds its response, the worst-matching one
#   adds 1. Its features come scaled (the published sparse scaler is part of the transform).
# * **MultiRocketHydra** concatenates both, as the 2024 bake-off's best non-ensemble method.
#
# All four are scikit-learn transformers; each goes into a `Pipeline` with the ridge
# classifier the papers use, on small UCR data sets (default splits): GunPoint ships with
# sigconv, ItalyPowerDemand, ArrowHead, OSULeaf and BasicMotions (6 channels) with sktime.

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
from sigconv.features import Hydra, MiniRocket, MultiRocket, MultiRocketHydra

STYLE
ALPHAS = np.logspace(-3, 3, 10)
NAMES = ("GunPoint", "ItalyPowerDemand", "ArrowHead", "OSULeaf", "BasicMotions")


def load(name):
    """``(X_train, y_train, X_test, y_test)``: sigconv's copy, else sktime's bundled one (no download)."""
    if name in ucr_names():
        return load_ucr(name)
    from sktime.datasets import load_UCR_UEA_dataset

    parts = [load_UCR_UEA_dataset(name, split=s, return_X_y=True, return_type="numpy3D") for s in ("train", "test")]
    (X_train, y_train), (X_test, y_test) = parts
    squeeze = (lambda X: X[:, 0]) if X_train.shape[1] == 1 else (lambda X: X)
    return squeeze(X_train), y_train, squeeze(X_test), y_test


def pipelines(seed):
    """Each transform with the classifier (and the scaling) its paper publishes."""
    return {
        "MiniRocket": make_pipeline(MiniRocket(random_state=seed), StandardScaler(),
                                    RidgeClassifierCV(ALPHAS)),
        "MultiRocket": make_pipeline(MultiRocket(random_state=seed), StandardScaler(),
                                     RidgeClassifierCV(ALPHAS)),
        "Hydra": make_pipeline(Hydra(random_state=seed), RidgeClassifierCV(ALPHAS)),
        "MultiRocketHydra": make_pipeline(MultiRocketHydra(random_state=seed), RidgeClassifierCV(ALPHAS)),
    }


for name in NAMES:
    X_train, _, X_test, _ = load(name)
    print(f"{name:17s} train {str(X_train.shape):15s} test {X_test.shape}")

# %% [markdown]
# ## What the transforms see
#
# One GunPoint series, the output of one MiniRocket kernel on it and on its first difference
# (MultiRocket's two representations), with the bias the fit chose: PPV is the share of the
# curve above the dashed line, LSPV its longest stretch above it.

# %%
X_train, y_train, X_test, y_test = load_ucr("GunPoint")
x = X_train[0]
w = np.full(9, -1.0)
w[[0, 4, 8]] = 2.0                           # one of the 84 kernels, dilation 1
fig, axes = plt.subplots(1, 3, figsize=(10, 2.8))
axes[0].plot(x, lw=1)
axes[0].set(title="series", xlabel="time step")
for ax, series, label in ((axes[1], x, "kernel on the series"), (axes[2], np.diff(x), "kernel on the difference")):
    out = np.correlate(np.pad(series, 4), w, mode="valid")
    bias = np.quantile(out, 0.5)
    ax.plot(out, lw=1)
    ax.axhline(bias, color="k", ls="--", lw=1)
    ax.fill_between(np.arange(out.size), bias, out, where=out > bias, alpha=0.3)
    ax.set(title=f"{label}: PPV {np.mean(out > bias):.2f}", xlabel="time step")
fig.tight_layout()

# %% [markdown]
# ## Accuracy and time, side by side
#
# One seed per transform and data set (the tests average five seeds against the published
# figures). Times are fit + predict on this machine, every core.

# %%
rows = []
for name in NAMES:
    Xtr, ytr, Xte, yte = load(name)
    for method, pipe in pipelines(seed=0).items():
        t0 = time.perf_counter()
        pipe.fit(Xtr, ytr)
        acc = pipe.score(Xte, yte)
        rows.append({"data set": name, "method": method, "train/test": f"{len(Xtr)}/{len(Xte)}",
                     "features": pipe[0].n_features_out_, "accuracy": round(acc, 3),
                     "seconds": round(time.perf_counter() - t0, 2)})
table = pd.DataFrame(rows)
table.pivot(index="data set", columns="method", values="accuracy")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.2))
order = ["MiniRocket", "MultiRocket", "Hydra", "MultiRocketHydra"]
table.pivot(index="data set", columns="method", values="accuracy")[order].plot.bar(ax=ax1, rot=15,
                                                                                   ylim=(0.7, 1.01))
ax1.set(ylabel="test accuracy", title="Ridge classifier accuracy")
ax1.legend(fontsize=7, loc="lower left")
table.pivot(index="data set", columns="method", values="seconds")[order].plot.bar(ax=ax2, rot=15, logy=True)
ax2.set(ylabel="seconds (fit + predict)", title="Time")
ax2.legend(fontsize=7, loc="upper left")
fig.tight_layout()
table

# %% [markdown]
# ## Bounded memory, any length
#
# Hydra's reference implementation materialises every kernel's response to a batch before
# counting; sigconv's kernel reduces responses block by block, so memory is the output plus a
# few KiB per thread. Series of any length work — even a handful of samples, where the
# published code refuses or crashes.

# %%
short = np.random.default_rng(0).normal(size=(4, 5))
for cls in (MultiRocket, Hydra):
    est = cls(random_state=0).fit(short)
    F = est.transform(short)
    print(f"{cls.__name__:12s} on length-5 series: {F.shape[1]:6d} features, all finite: {np.isfinite(F).all()}")
