"""sigconv.features: MiniRocket and MultiRocket against sktime, Hydra against the published
PyTorch code, their start-up cost and Hydra's memory.

* Transform time on UCR data (the default train/test splits stored in ``tests/data/ucr``;
  synthetic series of the same shapes when that folder is absent), both sides fitted on the
  training split with 10,000 requested features (9,996 made), float32 input, every core.
  The JIT of both libraries is warmed outside the timing (sktime compiles its kernels on
  its first fit: about 40 s the first time, cached afterwards).
* Start-up: the first ``fit`` + ``transform`` (GunPoint) in a fresh Python process, timed
  inside that process after the imports, once with an empty ``NUMBA_CACHE_DIR`` (cold: every
  kernel compiles) and once more with the cache that run left (warm).  These rows compare
  against a time budget (``peer`` = the budget), so ``ratio >= 1`` means within budget.

* MultiRocket: transform time against sktime's ``MultiRocket`` (49,728 features, float64 for
  both: sktime converts to float64 itself), warm, every core on both sides.
* Hydra: transform time against the published PyTorch module (``tests/test_features_hydra.py``,
  ``HydraReference``; counts and the published sparse scaling on both sides), float32, torch on
  the same number of threads.
* Hydra's peak memory: fit on 2,000 series of 1,000 samples in a fresh process, the peak
  resident memory beyond what the process held before the call (the budget is 1 GiB).

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

from benchmarks._harness import Row, best_time, best_times, have
from sigconv.features import Hydra, MiniRocket, MultiRocket

ROOT = Path(__file__).resolve().parent.parent
SHAPES = {"GunPoint": ((50, 150), (150, 150)), "OSULeaf": ((200, 427), (242, 427)),
          "BasicMotions": ((40, 6, 100), (40, 6, 100))}

_START = """
import time
import numpy as np
from sigconv.features import {cls}
X_train, X_test = np.load({path!r})["X_train"], np.load({path!r})["X_test"]
start = time.perf_counter()
{cls}(random_state=0).fit(X_train).transform(X_test)
print(time.perf_counter() - start)
"""

_MEMORY = """
import resource
import numpy as np
from sigconv.features import Hydra
X = np.random.default_rng(0).standard_normal((2000, 1000)).cumsum(axis=1)
Hydra(random_state=0).fit(X[:2], None).transform(X[:2])          # compile outside the peak
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with open("/proc/self/statm") as f:
    resident = int(f.read().split()[1]) * resource.getpagesize() // 1024
F = Hydra(random_state=0).fit(X).transform(X)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(max(peak - resident, 0) * 1024, F.nbytes)
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


def _first_call(cache_dir: str, path: str, cls: str) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", _START.format(path=path, cls=cls)], env=env,
                         capture_output=True, text=True, timeout=300, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def _start_rows(cls: str, cold_budget: float, warm_budget: float) -> list[Row]:
    X_train, X_test, _ = _data("GunPoint")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X_train=X_train[:, 0], X_test=X_test[:, 0])
        cache = os.path.join(tmp, "numba_cache")
        os.mkdir(cache)
        cold = _first_call(cache, path, cls)
        warm = _first_call(cache, path, cls)
    case = "first fit+transform GunPoint in a fresh process"
    return [Row(f"{cls} start-up", case + ", empty numba cache", f"budget {cold_budget:g} s", cold, cold_budget,
                target=1.0),
            Row(f"{cls} start-up", case + ", numba cache warm", f"budget {warm_budget:g} s", warm, warm_budget,
                target=1.0)]


def _multirocket_row(name: str, repeat: int) -> Row:
    X_train, X_test, real = _data(name)
    X_train, X_test = X_train.astype(np.float64), X_test.astype(np.float64)
    ours = MultiRocket(random_state=0).fit(X_train)
    shape = "×".join(str(s) for s in X_test.shape)
    case = f"{name} test {shape}, {ours.n_features_out_:,} features, float64" + ("" if real else " (synthetic)")
    if not have("sktime"):
        return Row("MultiRocket transform", case, "sktime MultiRocket", best_time(lambda: ours.transform(X_test)),
                   None, target=1.5, note="sktime not installed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sktime.transformations.panel.rocket import MultiRocket as SkMultiRocket
        from sktime.transformations.panel.rocket import MultiRocketMultivariate

        cls = MultiRocketMultivariate if X_train.shape[1] > 1 else SkMultiRocket
        peer = cls(random_state=0, n_jobs=-1).fit(X_train)
        t_ours, t_peer = best_times([lambda: ours.transform(X_test), lambda: peer.transform(X_test)],
                                    repeat=repeat)
    return Row("MultiRocket transform", case, "sktime MultiRocket", t_ours, t_peer, target=1.5)


def _hydra_row(name: str, repeat: int) -> Row:
    X_train, X_test, real = _data(name)
    ours = Hydra(random_state=0).fit(X_train)
    shape = "×".join(str(s) for s in X_test.shape)
    case = f"{name} test {shape}, {ours.n_features_out_:,} features, float32" + ("" if real else " (synthetic)")
    if not have("torch"):
        return Row("Hydra transform", case, "published PyTorch Hydra", best_time(lambda: ours.transform(X_test)),
                   None, target=1.0, note="torch not installed")
    import torch

    sys.path.insert(0, str(ROOT))
    try:
        from tests.test_features_hydra import HydraReference, SparseScalerReference
    finally:
        sys.path.remove(str(ROOT))
    ref = HydraReference(X_train.shape[-1], X_train.shape[1], seed=0)
    scaler = SparseScalerReference().fit(ref(torch.from_numpy(X_train)))
    X_t = torch.from_numpy(X_test)
    threads = torch.get_num_threads()
    torch.set_num_threads(os.cpu_count() or 1)
    try:
        t_ours, t_peer = best_times([lambda: ours.transform(X_test), lambda: scaler.transform(ref(X_t))],
                                    repeat=repeat)
    finally:
        torch.set_num_threads(threads)
    return Row("Hydra transform", case, "published PyTorch Hydra", t_ours, t_peer, target=1.0,
               note=f"torch on {os.cpu_count()} threads")


def _hydra_memory_row() -> Row:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    res = subprocess.run([sys.executable, "-c", _MEMORY], env=env, capture_output=True, text=True, timeout=600,
                         check=True)
    peak, out_bytes = (int(v) for v in res.stdout.split())
    return Row("Hydra memory", "fit+transform 2,000 × 1,000 float64, peak resident beyond the start",
               "budget 1 GiB", peak, 2**30, target=1.0, note=f"output {out_bytes / 2**20:.0f} MiB", unit="B")


def run(quick: bool) -> list[Row]:
    rows = [_transform_row("GunPoint", repeat=3 if quick else 7),
            _multirocket_row("GunPoint", repeat=2 if quick else 5),
            _hydra_row("GunPoint", repeat=3 if quick else 7)]
    if not quick:
        for name in ("OSULeaf", "BasicMotions"):
            rows += [_transform_row(name, repeat=5), _multirocket_row(name, repeat=3), _hydra_row(name, repeat=5)]
        rows.append(_hydra_memory_row())
    rows.extend(_start_rows("MiniRocket", 10.0, 0.5))
    if not quick:   # each cold start compiles for 5-10 s
        rows.extend(_start_rows("MultiRocket", 15.0, 1.0))
        rows.extend(_start_rows("Hydra", 15.0, 1.0))
    return rows
