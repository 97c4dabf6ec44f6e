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

Quick mode shrinks N by 10 (pandas' triangular rolling is O(N·w) in Python-level loops).
Timings on a shared machine are noisy; ratios are measured in the same run.
"""

from __future__ import annotations

import numpy as np

from benchmarks._harness import Row, best_time, have


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


def run(quick: bool = False) -> list[Row]:
    rng = np.random.default_rng(0)
    n = 100_000 if quick else 1_000_000
    rows = []
    rows += _moving_average_rows(n, rng)
    rows += _ar_rows(n, rng)
    rows += _ewma_rows(n, rng)
    rows += _accessor_rows(n // 10, rng)
    return rows


if __name__ == "__main__":
    import argparse

    from benchmarks._harness import markdown_table

    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    print(markdown_table(run(quick=parser.parse_args().quick)))
