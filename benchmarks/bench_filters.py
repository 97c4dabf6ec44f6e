"""Filters (API.md §2) and the pandas accessor (§6) against pandas, numpy and scipy.

Grid (full): N = 1e6 samples, float64.
* ``moving_average`` (triangular weights) vs pandas ``rolling(w, win_type="triang").mean()``
  (target 10×) and vs ``numpy.convolve(x, w, "valid")`` with the same weights (target 1×), for
  w in {10, 100, 1000};
* ``ar_filter`` vs ``scipy.signal.lfilter([1], [1, -φ], x)`` for p in {1, 5} (target 1×) and
  p = 20 (target 2×);
* ``ewma`` vs pandas ``ewm(alpha=...).mean()`` (target 1×);
* a 100-column DataFrame of 1e5 rows through ``df.sigconv.moving_average`` vs pandas
  ``rolling`` column by column (target 5×), uniform and triangular windows.

The filters pack (API.md §2b), sigconv and the peer timed in alternation:
* ``cf_filter`` vs statsmodels ``cffilter`` at n = 2e4 (target 50×; statsmodels loops in O(n²));
* ``hp_filter`` vs statsmodels ``hpfilter`` at n = 1e5 (target 10×);
* ``cwt`` (ricker, 64 widths) vs scipy's private ``_cwt`` (the removed ``scipy.signal.cwt``) at
  N = 1e5 (target 5×; every core, and a one-thread row for reference);
* ``savgol`` (51, 3), ``gaussian`` (σ = 10), ``sos_filter`` (order-4 Butterworth, causal and
  zero-phase) vs scipy at N = 1e6 on one thread (target 1×);
* ``seasonal_decompose`` (period 24) vs statsmodels at n = 1e6 (target 3×).

Quick mode shrinks N by 10 (pandas' triangular rolling is O(N·w) in Python-level loops; cffilter
runs at n = 4e3, its O(n²) loop taking seconds at 2e4).
Timings on a shared machine are noisy; ratios are measured in the same run.
"""

from __future__ import annotations

import os

import numpy as np

from benchmarks._harness import Row, best_time, best_times, have


def _time(fn, *, slow: bool = False) -> float:
    """``best_time`` with fewer repeats for a peer that takes seconds per call."""
    if slow:
        return best_time(fn, repeat=1, min_time=0.0, warmup=False)
    return best_time(fn, repeat=3, min_time=0.05)


def _moving_average_rows(n: int, rng) -> list[Row]:
    from sigconv.filters import moving_average, window_weights

    rows = []
    x = rng.standard_normal(n)
    tag = f"N={n:.0e} float64".replace("e+0", "e")
    for w in (10, 100, 1000):
        ours = _time(lambda w=w: moving_average(x, w, "triangular"))
        if have("pandas"):
            import pandas as pd

            s = pd.Series(x)
            peer = _time(lambda w=w, s=s: s.rolling(w, win_type="triang").mean(), slow=w * n > 1e7)
            rows.append(Row("moving_average triangular", f"{tag} w={w}", "pandas rolling(triang).mean",
                            ours, peer, target=10))
        weights = window_weights("triangular", w)
        peer = _time(lambda weights=weights: np.convolve(x, weights, mode="valid"))
        rows.append(Row("moving_average triangular", f"{tag} w={w}", "numpy.convolve valid", ours, peer,
                        target=1))
    return rows


def _ar_rows(n: int, rng) -> list[Row]:
    from sigconv.filters import ar_filter

    if not have("scipy"):
        return []
    import scipy.signal

    rows = []
    x = rng.standard_normal(n)
    tag = f"N={n:.0e} float64".replace("e+0", "e")
    for p, target in ((1, 1), (5, 1), (20, 2)):
        ar = 0.9 * 0.6 ** np.arange(1, p + 1) * np.where(np.arange(p) % 2, -1, 1)  # stationary
        a = np.r_[1.0, -ar]
        ours = _time(lambda ar=ar: ar_filter(x, ar))
        peer = _time(lambda a=a: scipy.signal.lfilter([1.0], a, x))
        rows.append(Row("ar_filter", f"{tag} p={p}", "scipy.signal.lfilter", ours, peer, target=target))
    return rows


def _ewma_rows(n: int, rng) -> list[Row]:
    from sigconv.filters import ewma

    if not have("pandas"):
        return []
    import pandas as pd

    x = rng.standard_normal(n)
    x[::1000] = np.nan
    s = pd.Series(x)
    tag = f"N={n:.0e} float64 (0.1% NaN)".replace("e+0", "e")
    rows = []
    for adjust in (True, False):
        ours = _time(lambda adjust=adjust: ewma(x, alpha=0.05, adjust=adjust))
        peer = _time(lambda adjust=adjust: s.ewm(alpha=0.05, adjust=adjust).mean())
        rows.append(Row("ewma", f"{tag} adjust={adjust}", "pandas ewm().mean", ours, peer, target=1))
    return rows


def _accessor_rows(n: int, rng) -> list[Row]:
    if not have("pandas"):
        return []
    import pandas as pd

    import sigconv.accessor  # noqa: F401

    df = pd.DataFrame(rng.standard_normal((n, 100)), columns=[f"c{j}" for j in range(100)])
    tag = f"100 cols × {n:.0e} rows w=100".replace("e+0", "e")
    rows = []
    ours = _time(lambda: df.sigconv.moving_average(100))
    peer = _time(lambda: {c: df[c].rolling(100).mean() for c in df.columns})
    rows.append(Row("accessor DataFrame moving_average", f"{tag} uniform", "pandas rolling per column",
                    ours, peer, target=5))
    ours = _time(lambda: df.sigconv.moving_average(100, "triangular"))
    peer = _time(lambda: {c: df[c].rolling(100, win_type="triang").mean() for c in df.columns}, slow=True)
    rows.append(Row("accessor DataFrame moving_average", f"{tag} triangular", "pandas rolling per column",
                    ours, peer, target=5))
    return rows


def _pair(ours, peer, *, slow: bool = False) -> tuple[float, float]:
    """sigconv and the peer timed in alternation; a slow peer (seconds a call) is timed once,
    after sigconv's best of several."""
    if slow:
        return best_time(ours, repeat=3, min_time=0.05), _time(peer, slow=True)
    return tuple(best_times([ours, peer], repeat=3, min_time=0.05))


def _tag(n: int, extra: str = "") -> str:
    return (f"N={n:.0e}".replace("e+0", "e") + (f" {extra}" if extra else "")).strip()


def _pack_scipy_rows(n: int, rng) -> list[Row]:
    """savgol, gaussian and sos_filter against scipy, both on one thread."""
    if not have("scipy"):
        return []
    import scipy.ndimage
    import scipy.signal

    from sigconv.filters import gaussian, savgol, sos_filter

    x = rng.standard_normal(n)
    sos = scipy.signal.butter(4, 0.1, output="sos")
    cases = [
        ("savgol", "w=51 p=3 float64, 1 thread", "scipy.signal.savgol_filter",
         lambda: savgol(x, 51, 3, workers=1), lambda: scipy.signal.savgol_filter(x, 51, 3)),
        ("gaussian", "sigma=10 float64, 1 thread", "scipy.ndimage.gaussian_filter1d",
         lambda: gaussian(x, 10.0, workers=1), lambda: scipy.ndimage.gaussian_filter1d(x, 10.0)),
        ("sos_filter", "butter(4) float64", "scipy.signal.sosfilt",
         lambda: sos_filter(sos, x), lambda: scipy.signal.sosfilt(sos, x)),
        ("sos_filter zero_phase", "butter(4) float64", "scipy.signal.sosfiltfilt",
         lambda: sos_filter(sos, x, zero_phase=True), lambda: scipy.signal.sosfiltfilt(sos, x)),
    ]
    rows = []
    for group, case, peer_name, ours, peer in cases:
        t_ours, t_peer = _pair(ours, peer)
        rows.append(Row(group, _tag(n, case), peer_name, t_ours, t_peer, target=1))
    return rows


def _pack_statsmodels_rows(quick: bool, rng) -> list[Row]:
    """cf_filter, hp_filter and seasonal_decompose against statsmodels."""
    if not have("statsmodels"):
        return []
    from statsmodels.tsa.filters.cf_filter import cffilter
    from statsmodels.tsa.filters.hp_filter import hpfilter
    from statsmodels.tsa.seasonal import seasonal_decompose as sm_decompose

    from sigconv.filters import cf_filter, hp_filter, seasonal_decompose

    rows = []
    n = 4_000 if quick else 20_000
    x = rng.standard_normal(n).cumsum()
    t_ours, t_peer = _pair(lambda: cf_filter(x), lambda: cffilter(x), slow=True)
    rows.append(Row("cf_filter", _tag(n, "float64"), "statsmodels cffilter", t_ours, t_peer, target=50))
    n = 100_000
    x = rng.standard_normal(n).cumsum()
    t_ours, t_peer = _pair(lambda: hp_filter(x), lambda: hpfilter(x), slow=quick)
    rows.append(Row("hp_filter", _tag(n, "float64 lamb=1600"), "statsmodels hpfilter", t_ours, t_peer,
                    target=10))
    n = 100_000 if quick else 1_000_000
    x = 10 + np.tile(np.sin(np.arange(24) / 24 * 2 * np.pi), n // 24 + 1)[:n] + rng.standard_normal(n)
    t_ours, t_peer = _pair(lambda: seasonal_decompose(x, 24), lambda: sm_decompose(x, period=24))
    rows.append(Row("seasonal_decompose", _tag(n, "period=24 additive"), "statsmodels seasonal_decompose",
                    t_ours, t_peer, target=3))
    return rows


def _cwt_rows(n: int, rng) -> list[Row]:
    """cwt (ricker, 64 widths) against scipy's private _cwt, the removed scipy.signal.cwt."""
    try:
        from scipy.signal._wavelets import _cwt, _ricker
    except ImportError:
        return []
    from sigconv.filters import cwt

    x = rng.standard_normal(n)
    widths = np.arange(1, 65)
    # alternated, best of 5: the peer takes ~0.2 s a call at 1e5, and a shared machine is noisy
    t_ours, t_one, t_peer = best_times([lambda: cwt(x, widths), lambda: cwt(x, widths, workers=1),
                                        lambda: _cwt(x, _ricker, widths)], repeat=5, min_time=0.0)
    cores = os.cpu_count() or 1
    return [Row("cwt ricker", _tag(n, "64 widths float64"), "scipy.signal._wavelets._cwt", t_ours, t_peer,
                target=5, note=f"every core ({cores}; widths on threads from 2e6 outputs)"),
            Row("cwt ricker", _tag(n, "64 widths float64, 1 thread"), "scipy.signal._wavelets._cwt", t_one,
                t_peer, note="one thread, for reference")]


def run(quick: bool = False) -> list[Row]:
    rng = np.random.default_rng(0)
    n = 100_000 if quick else 1_000_000
    rows = []
    rows += _moving_average_rows(n, rng)
    rows += _ar_rows(n, rng)
    rows += _ewma_rows(n, rng)
    rows += _accessor_rows(n // 10, rng)
    rows += _pack_scipy_rows(n, rng)
    rows += _pack_statsmodels_rows(quick, rng)
    rows += _cwt_rows(100_000, rng)   # the size #17's target names (at 2e4 the inverse transforms dominate)
    return rows


if __name__ == "__main__":
    import argparse

    from benchmarks._harness import markdown_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    print(markdown_table(run(quick=parser.parse_args().quick)))
