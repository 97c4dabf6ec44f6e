"""``sigconv demo``: every capability once, offline, on real data, with plots and a report.

Sections (each a function returning the lines of its summary and the plots it wrote):

1. filters: monthly sunspot numbers (statsmodels) smoothed with moving averages and EWMA, and an
   AR(9) fitted by Yule–Walker, checked against statsmodels;
2. speech: a spoken word cut from the bundled recording and found again in noise at 0 dB SNR;
3. image: a crop of matplotlib's Grace Hopper photograph found under a contrast change and noise,
   then a disc-masked target, a third of it hidden (NaN) and moved by a fraction of a pixel,
   found with ``nan_policy="omit"`` at sub-pixel precision;
4. CNN: a small ``sigconv.nn`` 1D CNN trained on the GunPoint data set, with a progress bar;
5. MiniRocket features in a scikit-learn pipeline on GunPoint;
6. streaming: the speech recording pushed in 10 ms chunks through ``stream.Matcher`` and
   ``stream.FIR``, matches reported as they become final (equal to ``locate``);
7. business cycles and seasons: BK, CF and HP cycles of US real GDP (statsmodels' macrodata),
   the one-sided HP beside the two-sided one, and weekly CO2 decomposed through its gaps.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def _figure(ncols: int = 1, nrows: int = 1, size=(10, 4)):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=size, constrained_layout=True)


def _save(fig, out: Path, name: str) -> str:
    import matplotlib.pyplot as plt

    fig.savefig(out / name, dpi=110)
    plt.close(fig)
    return name


def filters_section(out: Path):
    import statsmodels.api as sm
    from statsmodels.regression.linear_model import yule_walker

    from sigconv.filters import ewma, fit_ar, moving_average

    data = sm.datasets.sunspots.load_pandas().data
    years, spots = data["YEAR"].to_numpy(), data["SUNACTIVITY"].to_numpy()
    ma = moving_average(spots, 11, "triangular", align="centered")
    ew = ewma(spots, span=11)
    fit = fit_ar(spots, 9)
    rho, sigma = yule_walker(spots, 9, method="mle", result_object=False)
    gap = float(np.max(np.abs(fit.ar - rho)))
    fig, ax = _figure()
    ax.plot(years, spots, color="0.7", lw=1, label="yearly sunspot number")
    ax.plot(years, ma, lw=2, label="centred triangular moving average (11 years)")
    ax.plot(years, ew, lw=1.5, label="EWMA (span 11)")
    ax.set(xlabel="year", ylabel="sunspot number", title="Sunspots (statsmodels data set): smoothing as convolution")
    ax.legend(loc="upper left")
    plot = _save(fig, out, "filters_sunspots.png")
    lines = [f"sunspots: {len(spots)} years smoothed; AR(9) Yule-Walker matches statsmodels "
             f"to {gap:.1e} (sigma^2 {fit.sigma2:.1f} vs {sigma ** 2:.1f})"]
    return lines, [plot]


def speech_section(out: Path):
    from sigconv.datasets import load_speech
    from sigconv.match import locate, match_template

    speech, rate = load_speech()
    energy = np.convolve(speech ** 2, np.ones(rate // 10), "same")
    centre = int(np.argmax(energy))
    half = int(0.2 * rate)
    template = speech[centre - half: centre + half]
    rng = np.random.default_rng(7)
    n = 5 * rate
    truth = [int(0.6 * rate), int(2.3 * rate), int(3.9 * rate)]
    clean = np.zeros(n)
    for t in truth:
        clean[t: t + template.size] += template
    noise = rng.standard_normal(n) * np.sqrt(np.mean(template ** 2))   # 0 dB against the word
    signal = clean + noise
    peaks = locate(signal, template, threshold=0.3, max_matches=len(truth))
    found = sorted(int(p[0]) for p in peaks.positions)
    scores = match_template(signal, template)
    fig, (a1, a2) = _figure(nrows=2, size=(10, 5))
    tt = np.arange(n) / rate
    a1.plot(tt, signal, lw=0.4, color="0.5", label="recording: word planted 3× in noise (0 dB)")
    for t in truth:
        a1.axvspan(t / rate, (t + template.size) / rate, color="C1", alpha=0.25)
    a1.set(ylabel="amplitude", title="Finding a spoken word (zncc)")
    a1.legend(loc="upper right")
    a2.plot(np.arange(scores.size) / rate, scores, lw=0.8, label="zncc score")
    a2.plot([f / rate for f in found], [scores[f] for f in found], "v", color="C3", label="matches found")
    a2.set(xlabel="time (s)", ylabel="score")
    a2.legend(loc="upper right")
    plot = _save(fig, out, "match_speech.png")
    ok = found == truth
    lines = [f"speech: word of {template.size / rate:.2f} s found at "
             + ", ".join(f"{f / rate:.3f} s" for f in found)
             + f" (planted at {', '.join(f'{t / rate:.3f} s' for t in truth)}: "
             + ("exact" if ok else "MISMATCH") + ")"]
    return lines, [plot]


def image_section(out: Path):
    """A crop of the photograph found in a dimmed, noisy copy; then her face as a non-rectangular
    target (a disc mask) in a copy moved by a fraction of a pixel with a third of the face hidden
    (NaN), found with ``mask=``, ``nan_policy='omit'`` and ``subpixel=True``."""
    import matplotlib.cbook as cbook
    import matplotlib.image as mpimg
    from matplotlib.patches import Circle, Rectangle
    from scipy.ndimage import shift as subpixel_shift

    from sigconv.match import locate

    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = mpimg.imread(f)
    grey = rgb[..., :3].astype(np.float32).mean(axis=-1) / 255.0
    r0, c0, size = 140, 200, 96
    template = grey[r0: r0 + size, c0: c0 + size].copy()
    rng = np.random.default_rng(3)
    scene = 0.6 * grey + 0.3 + rng.normal(0, 0.05, grey.shape).astype(np.float32)
    peaks = locate(scene, template, threshold=0.5, max_matches=1)
    (r, c), score = peaks.positions[0], peaks.scores[0]
    ok = (int(r), int(c)) == (r0, c0)
    lines = [f"image: {size}x{size} template found at row {r}, column {c} with zncc {score:.3f} "
             f"({'exact' if ok else 'MISMATCH'})"]

    # the face as a disc, in a copy moved by (0.3, -0.4) pixel with its top third hidden
    yy, xx = np.mgrid[:size, :size]
    disc = (yy - (size - 1) / 2) ** 2 + (xx - (size - 1) / 2) ** 2 <= (size / 2) ** 2
    truth = (r0 + 0.3, c0 - 0.4)
    moved = subpixel_shift(0.6 * grey + 0.3, (0.3, -0.4), order=3, mode="nearest").astype(np.float32)
    moved[r0: r0 + size // 3, c0 - 20: c0 + size + 20] = np.nan
    hidden = locate(moved, template, mask=disc, nan_policy="omit", threshold=0.5, max_matches=1, subpixel=True)
    lost = locate(moved, template, mask=disc, threshold=0.5, max_matches=1)
    (hr, hc), hscore = hidden.positions[0], hidden.scores[0]
    lines.append(f"occluded disc target (a third NaN, moved by 0.3/-0.4 px): found at row {hr:.2f}, "
                 f"column {hc:.2f} (truth {truth[0]:.2f}, {truth[1]:.2f}), masked zncc {hscore:.3f}; "
                 f"without nan_policy='omit': {len(lost)} match")

    fig, (a1, a2, a3) = _figure(ncols=3, size=(13, 4.5))
    a1.imshow(np.where(disc, template, np.nan), cmap="gray")
    a1.set(title="template and its disc mask", xticks=[], yticks=[])
    a2.imshow(scene, cmap="gray")
    a2.add_patch(Rectangle((c - 0.5, r - 0.5), size, size, fill=False, color="C1", lw=2,
                           label=f"match (zncc {score:.2f})"))
    a2.set(title="found in a dimmed, noisy copy", xticks=[], yticks=[])
    a2.legend(loc="lower right")
    a3.imshow(moved, cmap="gray")
    a3.add_patch(Circle((hc + (size - 1) / 2, hr + (size - 1) / 2), size / 2, fill=False, color="C2", lw=2,
                        label=f"({hr:.2f}, {hc:.2f}), zncc {hscore:.2f}"))
    a3.set(title="partly hidden (NaN), moved by a fraction of a pixel", xticks=[], yticks=[])
    a3.legend(loc="lower right")
    return lines, [_save(fig, out, "match_image.png")]


def cnn_section(out: Path):
    from sigconv import nn
    from sigconv.datasets import load_ucr

    X_train, y_train, X_test, y_test = load_ucr("GunPoint")
    classes, y_train = np.unique(y_train, return_inverse=True)
    y_test = np.searchsorted(classes, y_test)
    def znorm(X):   # each series to zero mean and unit variance, one input channel
        X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)
        return X.astype(np.float32)[:, None, :]

    Xtr, Xte = znorm(X_train), znorm(X_test)
    model = nn.Sequential(
        nn.Conv1D(1, 8, 9, padding="same", random_state=0), nn.ReLU(), nn.MaxPool1D(4),
        nn.Conv1D(8, 8, 5, padding="same", random_state=1), nn.ReLU(), nn.MaxPool1D(4),
        nn.Flatten(), nn.Linear(8 * (X_train.shape[1] // 16), len(classes), random_state=2))
    history = model.fit(Xtr, y_train, lr=3e-3, epochs=200, batch_size=10, random_state=0,
                        validation_data=(Xte, y_test), progress=True)
    acc = model.evaluate(Xte, y_test)["accuracy"]
    fig, (a1, a2) = _figure(ncols=2, size=(10, 4))
    a1.plot(history["loss"], label="training loss")
    a1.plot(history["val_loss"], label="test loss")
    a1.set(xlabel="epoch", ylabel="cross-entropy", title="1D CNN on GunPoint")
    a1.legend()
    kernels = model.layers[0].params["weight"][:, 0, :]
    for i, k in enumerate(kernels):
        a2.plot(k, marker=".", label=f"kernel {i}")
    a2.legend(fontsize=7, ncol=2)
    a2.set(xlabel="tap", ylabel="weight", title="learned first-layer kernels")
    plot = _save(fig, out, "cnn_gunpoint.png")
    return [f"CNN: GunPoint test accuracy {acc:.3f} after {len(history['loss'])} epochs"], [plot]


def minirocket_section(out: Path):
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from sigconv.datasets import load_ucr
    from sigconv.features import MiniRocket

    X_train, y_train, X_test, y_test = load_ucr("GunPoint")
    pipe = make_pipeline(MiniRocket(random_state=0), StandardScaler(with_mean=False),
                         RidgeClassifierCV(alphas=np.logspace(-3, 3, 10)))
    start = time.perf_counter()
    pipe.fit(X_train, y_train)
    acc = pipe.score(X_test, y_test)
    took = time.perf_counter() - start
    score = pipe.decision_function(X_test)      # ridge score: > 0 is the second class
    fig, ax = _figure(size=(8, 4))
    for label, colour in zip(np.unique(y_test), ("C0", "C1")):
        ax.hist(score[y_test == label], bins=25, alpha=0.6, color=colour, label=f"true class {label}")
    ax.axvline(0.0, color="k", ls="--", lw=1, label="decision threshold")
    ax.set(xlabel="ridge decision score on MiniRocket features", ylabel="test series",
           title=f"MiniRocket + ridge on GunPoint: test accuracy {acc:.3f}")
    ax.legend()
    plot = _save(fig, out, "minirocket_gunpoint.png")
    return [f"MiniRocket: GunPoint test accuracy {acc:.3f} (fit + predict {took:.2f} s)"], [plot]


def stream_section(out: Path):
    import scipy.signal

    from sigconv import convolve, locate, stream
    from sigconv.datasets import load_speech

    speech, rate = load_speech()
    word = speech[int(1.05 * rate):int(1.45 * rate)]          # 0.4 s of the recording
    chunk = rate // 100                                        # 10 ms
    fir_taps = scipy.signal.firwin(101, 0.25)
    matcher, fir = stream.Matcher(word, threshold=0.5), stream.FIR(fir_taps)
    scores, smooth, found, took = [], [], [], []
    for start in range(0, speech.size, chunk):
        block = speech[start:start + chunk]
        t0 = time.perf_counter()
        scores.append(matcher.push(block))
        smooth.append(fir.push(block))
        took.append(time.perf_counter() - t0)
        found += [(int(p[0]), matcher.position) for p in matcher.new_matches.positions]
    matcher.flush()
    found += [(int(p[0]), speech.size) for p in matcher.new_matches.positions]
    scores = np.concatenate(scores)
    fir_gap = float(np.max(np.abs(np.concatenate(smooth + [fir.flush()]) - convolve(speech, fir_taps))))
    same = sorted(p for p, _ in found) == sorted(int(p) for p in locate(speech, word, threshold=0.5).positions[:, 0])
    fig, ax = _figure()
    ax.plot(np.arange(scores.size) / rate, scores, lw=0.8, label="zncc score, streamed in 10 ms chunks")
    for pos, when in found:
        ax.axvline(when / rate, color="C3", ls=":", lw=1)
        ax.plot(pos / rate, scores[pos], "v", color="C3")
    ax.plot([], [], "v:", color="C3", label="match (marker) and the moment it was reported (dotted)")
    ax.set(xlabel="time (s)", ylabel="score", title="Streaming template matching on the speech recording")
    ax.legend(loc="lower right")
    plot = _save(fig, out, "stream_speech.png")
    per = float(np.mean(took))
    lines = ["streaming: the 0.4 s word found at " + ", ".join(f"{p / rate:.3f} s (reported at {w / rate:.3f} s)"
                                                               for p, w in found)
             + f" from 10 ms chunks; {per * 1e3:.2f} ms per chunk ({per / (chunk / rate) * 100:.1f} % of real "
             f"time, matcher + 101-tap FIR); equals locate: {'yes' if same else 'NO'}; "
             f"streamed FIR vs convolve: {fir_gap:.1e}"]
    return lines, [plot]


def cycles_section(out: Path):
    import statsmodels.api as sm
    from statsmodels.tsa.filters.hp_filter import hpfilter

    from sigconv import bk_filter, cf_filter, hp_filter, seasonal_decompose

    macro = sm.datasets.macrodata.load_pandas().data
    years = macro["year"].to_numpy() + (macro["quarter"].to_numpy() - 1) / 4
    gdp = np.log(macro["realgdp"].to_numpy())
    bk = np.r_[np.full(12, np.nan), bk_filter(gdp, 6, 32, 12), np.full(12, np.nan)]
    cf = cf_filter(gdp, 6, 32)[0]
    hp, _ = hp_filter(gdp, 1600)
    hp_now, _ = hp_filter(gdp, 1600, one_sided=True)
    hp_gap = float(np.max(np.abs(hp - hpfilter(gdp, 1600)[0])))
    co2 = sm.datasets.co2.load_pandas().data["co2"].to_numpy()
    dec = seasonal_decompose(co2, 52)
    fig, (top, bottom) = _figure(nrows=2, size=(10, 6))
    for cycle, label in ((bk, "Baxter-King"), (cf, "Christiano-Fitzgerald"), (hp, "Hodrick-Prescott (two-sided)")):
        top.plot(years, 100 * cycle, lw=1.2, label=label)
    top.plot(years, 100 * hp_now, "k:", lw=1.2, label="Hodrick-Prescott one-sided (real time)")
    top.set(ylabel="% from trend", title="US real GDP business cycle (statsmodels macrodata)")
    top.legend(loc="lower left", ncol=2, fontsize=8)
    weeks = np.arange(co2.size) / 52.18 + 1958.23
    bottom.plot(weeks, co2, color="0.6", lw=0.6, label="weekly CO2 (Mauna Loa)")
    bottom.plot(weeks, dec.trend, lw=1.5, label="trend (NaN only where its window covers a gap)")
    bottom.plot(weeks, dec.trend + dec.seasonal, lw=0.8, alpha=0.8, label="trend + seasonal")
    bottom.set(xlabel="year", ylabel="ppm", title=f"Seasonal decomposition through {int(np.isnan(co2).sum())} "
                                                   "missing weeks (statsmodels refuses them)")
    bottom.legend(loc="upper left", fontsize=8)
    plot = _save(fig, out, "business_cycles.png")
    trough = years[int(np.nanargmin(hp))]
    lines = [f"business cycles: BK, CF and HP cycles of log real GDP (HP equals statsmodels to {hp_gap:.1e}); "
             f"deepest HP trough {trough:.2f}; CO2 decomposed with {int(np.isnan(co2).sum())} missing weeks, "
             f"seasonal amplitude {np.nanmax(dec.seasonal) - np.nanmin(dec.seasonal):.2f} ppm"]
    return lines, [plot]


SECTIONS = (
    ("Filters on a real time series", filters_section),
    ("A spoken word found in a recording", speech_section),
    ("A template found in a real image", image_section),
    ("A small 1D CNN", cnn_section),
    ("MiniRocket features in a scikit-learn pipeline", minirocket_section),
    ("Streaming: the recording in 10 ms chunks", stream_section),
    ("Business cycles and seasons", cycles_section),
)


def _compiling_hint() -> None:
    from sigconv._config import CACHE

    if CACHE:
        print("(the first run compiles sigconv's Numba kernels and caches them; later runs start fast)")


def run_demo(out: Path) -> list[str]:
    """Run every section, print the summary and write the PNG plots and ``report.md`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    _compiling_hint()
    report = ["# sigconv demo", ""]
    summary = []
    start = time.perf_counter()
    for title, section in SECTIONS:
        t0 = time.perf_counter()
        print(f"== {title} ...", flush=True)
        lines, plots = section(out)
        took = time.perf_counter() - t0
        for line in lines:
            print("   " + line)
        summary += lines
        report += [f"## {title}", "", *[f"- {line}" for line in lines], f"- time: {took:.1f} s", ""]
        report += [f"![{title}]({p})" for p in plots] + [""]
    total = time.perf_counter() - start
    report.append(f"Total time: {total:.1f} s.")
    (out / "report.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"done in {total:.1f} s; plots and report.md written to {out}/")
    return summary
