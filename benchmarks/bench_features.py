"""sigconv.features.MiniRocket against sktime's MiniRocket, and its start-up cost.

* Transform time on UCR data (the default train/test splits stored in ``tests/data/ucr``;
  synthetic series of the same shapes when that folder is absent), both sides fitted on the
  training split with 10,000 requested features (9,996 made), float32 input, every core.
  The JIT of both libraries is warmed outside the timing (sktime compiles its kernels on
  its first fit: about 40 s the first time, cached afterwards).
* Start-up: the first ``fit`` + ``transform`` (GunPoint) in a fresh Python process, timed
  inside that process after the imports, once with an empty ``NUMBA_CACHE_DIR`` (cold: every
  kernel compiles) and once more with the cache that run left (warm).  These rows compare
  against a time budget (``peer`` = the budget), so ``ratio >= 1`` means within budget.

On a shared 2-core machine the ratios move by tens of percent between runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from benchmarks._harness import Row, best_time, have
from sigconv.features import MiniRocket

ROOT = Path(__file__).resolve().parent.parent
SHAPES = {"GunPoint": ((50, 150), (150, 150)), "OSULeaf": ((200, 427), (242, 427)),
          "BasicMotions": ((40, 6, 100), (40, 6, 100))}

_START = """
import time
import numpy as np
from sigconv.features import MiniRocket
X_train, X_test = np.load({path!r})["X_train"], np.load({path!r})["X_test"]
start = time.perf_counter()
MiniRocket(random_state=0).fit(X_train).transform(X_test)
print(time.perf_counter() - start)
"""


def _data(name: str):
    """``(X_train, X_test)`` as 3D float32 and whether they are the real UCR series."""
    try:
        sys.path.insert(0, str(ROOT))
        from tests.data.ucr import load_ucr

        X_train, _, X_test, _ = load_ucr(name)
        real = True
    except (ImportError, OSError):
        rng = np.random.default_rng(0)
        (tr, te) = SHAPES[name]
        X_train = rng.standard_normal(tr).astype(np.float32).cumsum(axis=-1)
        X_test = rng.standard_normal(te).astype(np.float32).cumsum(axis=-1)
        real = False
    finally:
        sys.path.remove(str(ROOT))
    if X_train.ndim == 2:
        X_train, X_test = X_train[:, None, :], X_test[:, None, :]
    return np.ascontiguousarray(X_train), np.ascontiguousarray(X_test), real


def _transform_row(name: str, repeat: int) -> Row:
    X_train, X_test, real = _data(name)
    ours = MiniRocket(random_state=0).fit(X_train)
    t_ours = best_time(lambda: ours.transform(X_test), repeat=repeat)
    shape = "×".join(str(s) for s in X_test.shape)
    case = f"{name} test {shape}, 9,996 features, float32" + ("" if real else " (synthetic)")
    t_peer = None
    note = ""
    if have("sktime"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from sktime.transformations.panel.rocket import MiniRocket as SkMiniRocket
            from sktime.transformations.panel.rocket import MiniRocketMultivariate

            cls = MiniRocketMultivariate if X_train.shape[1] > 1 else SkMiniRocket
            peer = cls(num_kernels=10_000, random_state=0).fit(X_train)
            t_peer = best_time(lambda: peer.transform(X_test), repeat=repeat)
            t_ours = min(t_ours, best_time(lambda: ours.transform(X_test), repeat=repeat))
    else:
        note = "sktime not installed"
    return Row("MiniRocket transform", case, "sktime MiniRocket", t_ours, t_peer, target=1.5, note=note)


def _first_call(cache_dir: str, path: str) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", _START.format(path=path)], env=env, capture_output=True,
                         text=True, timeout=300, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def _start_rows() -> list[Row]:
    X_train, X_test, _ = _data("GunPoint")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X_train=X_train[:, 0], X_test=X_test[:, 0])
        cache = os.path.join(tmp, "numba_cache")
        os.mkdir(cache)
        cold = _first_call(cache, path)
        warm = _first_call(cache, path)
    case = "first fit+transform GunPoint in a fresh process"
    return [Row("MiniRocket start-up", case + ", empty numba cache", "budget 10 s", cold, 10.0, target=1.0),
            Row("MiniRocket start-up", case + ", numba cache warm", "budget 0.5 s", warm, 0.5, target=1.0)]


def run(quick: bool) -> list[Row]:
    rows = [_transform_row("GunPoint", repeat=3 if quick else 7)]
    if not quick:
        rows.append(_transform_row("OSULeaf", repeat=5))
        rows.append(_transform_row("BasicMotions", repeat=5))
    rows.extend(_start_rows())
    return rows
