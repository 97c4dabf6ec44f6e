"""Cold start: what a first call costs on an empty Numba cache (issue #14 item 6).

Each row runs in a fresh process whose sigconv cache folder (``SIGCONV_CACHE_DIR``) is new and
empty, so every kernel the call needs compiles; the time is taken inside that process after the
imports, around the call alone.  Targets are budgets (``peer`` = the budget, ratio = budget /
time, passing at >= 1): the first call of any public function under 5 s, ``sigconv demo`` under
40 s, ``sigconv compile`` of the whole library under 60 s.  Such times follow the machine's load
closely (the compiler is single-threaded and CPU-bound): quote them with the run's other rows.

Quick form: two first calls (``convolve``, ``ewma``).  Full form: every public function, the
demo and ``sigconv compile``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._harness import Row

ROOT = Path(__file__).resolve().parents[1]

_SETUP = ("import numpy as np, sigconv, time; rng = np.random.default_rng(0); x = rng.standard_normal(2000); "
          "k = rng.standard_normal(9); img = rng.standard_normal((64, 64)); k2 = rng.standard_normal((3, 3)); "
          "X = rng.standard_normal((20, 150)); y = np.arange(20) % 2")

#: public function -> its first call (float64 unless said)
FIRST_CALLS = {
    "convolve": "sigconv.convolve(x, k)",
    "convolve float32": "sigconv.convolve(x.astype('f4'), k.astype('f4'))",
    "correlate same": "sigconv.correlate(x, k, 'same')",
    "convolve2d": "sigconv.convolve2d(img, k2)",
    "moving_average": "sigconv.moving_average(x, 5, 'triangular')",
    "ewma": "sigconv.ewma(x, alpha=0.3)",
    "ar_filter": "sigconv.ar_filter(x, [0.5, 0.2])",
    "arma_filter": "sigconv.arma_filter(x, [0.5], [0.3])",
    "fit_ar": "sigconv.fit_ar(x, 3)",
    "match_template 1D": "sigconv.match_template(x, x[100:140])",
    "match_template 2D": "sigconv.match_template(img, img[10:20, 10:25])",
    "find_peaks": "sigconv.find_peaks(x)",
    "locate": "sigconv.locate(x, x[100:140])",
    "nn.Conv1D forward+backward": ("import sigconv.nn as nn; c = nn.Conv1D(2, 4, 5); "
                                   "o = c.forward(np.ones((3, 2, 50), 'f4')); c.backward(np.ones_like(o))"),
    "nn.Sequential.fit": ("import sigconv.nn as nn; m = nn.Sequential(nn.Conv1D(1, 4, 5), nn.ReLU(), "
                          "nn.MaxPool1D(2), nn.GlobalAvgPool1D(), nn.Linear(4, 2)); "
                          "m.fit(X[:, None, :].astype('f4'), y, epochs=1, progress=False)"),
    "MiniRocket fit+transform": "from sigconv.features import MiniRocket; MiniRocket(random_state=0).fit_transform(X)",
    "KernelFeatures fit+transform": "from sigconv.features import KernelFeatures; KernelFeatures().fit_transform(X)",
    "MultiRocket fit+transform": ("from sigconv.features import MultiRocket; "
                                  "MultiRocket(random_state=0).fit_transform(X)"),
    "Hydra fit+transform": "from sigconv.features import Hydra; Hydra(random_state=0).fit_transform(X)",
}
QUICK = ("convolve", "ewma")


def _env(cache: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(SIGCONV_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
    return env


def first_call(code: str, timeout: float = 600) -> float:
    """Seconds of ``code`` in a fresh process on an empty cache (imports not counted)."""
    with tempfile.TemporaryDirectory() as cache:
        script = f"{_SETUP}\nt = time.perf_counter()\n{code}\nprint(time.perf_counter() - t)"
        done = subprocess.run([sys.executable, "-c", script], env=_env(cache), capture_output=True, text=True,
                              timeout=timeout, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _command(args: list[str], timeout: float = 900) -> float:
    """Wall seconds of ``python -m sigconv.cli <args>`` in a fresh process on an empty cache."""
    with tempfile.TemporaryDirectory() as tmp:
        script = ("import sys, time; t = time.perf_counter(); from sigconv.cli import main; "
                  f"code = main({args!r}); print(time.perf_counter() - t); sys.exit(code)")
        done = subprocess.run([sys.executable, "-c", script], env=_env(os.path.join(tmp, "cache")), cwd=tmp,
                              capture_output=True, text=True, timeout=timeout, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def run(quick: bool) -> list[Row]:
    rows = []
    for name in QUICK if quick else FIRST_CALLS:
        t = first_call(FIRST_CALLS[name])
        rows.append(Row("cold start", f"first {name} call, empty cache", "budget 5 s", t, 5.0, target=1.0))
    if not quick:
        t = _command(["demo", "--out", "demo-output"])
        rows.append(Row("cold start", "sigconv demo, empty cache (with its imports)", "budget 40 s", t, 40.0,
                        target=1.0))
        jobs = os.cpu_count() or 1
        t = _command(["compile", "--jobs", str(jobs)])
        rows.append(Row("cold start", f"sigconv compile, whole library, {jobs} jobs, empty cache",
                        "budget 60 s", t, 60.0, target=1.0))
    return rows
