"""Accuracy of MultiRocket, Hydra and MultiRocketHydra with the ridge classifier the papers use,
on the UCR sets shipped in ``tests/data/ucr`` (default train/test splits), mean over seeds.

Targets (within 1 point):

* MultiRocket: the authors' default-split results (``ChangWeiTan/MultiRocket``,
  ``results_128_resample_0.csv``, column ``PPV+LSPV+MPV+MIPV_base+1st_50k``); BasicMotions is
  not in that file: 1.000, as every Rocket variant reaches on it.
* Hydra: the published figures are 30-resample means (GunPoint 0.998, ArrowHead 0.870,
  ItalyPowerDemand 0.962, OSULeaf 0.979), not comparable on one split, so the target is the
  published PyTorch code (``tests/test_features_hydra.py::HydraReference`` with its
  ``SparseScaler``) on the default split, mean of its seeds 0-4, measured with this file's
  :func:`_torch_hydra_accuracy` (2 threads; 2.5 minutes, mostly OSULeaf).  The cheap sets are
  re-measured by ``test_hydra_reference_figures``.

Seeds: five for Hydra (two on OSULeaf); fewer for MultiRocket and MultiRocketHydra (:data:`SEEDS`: a seed of
MultiRocket costs 1-8 s per set on two cores, 50,000 features), whose seed-to-seed spread is
well under a point.
"""

from __future__ import annotations

import numpy as np
import pytest

from sigconv.features import Hydra, MultiRocket, MultiRocketHydra
from tests.data.ucr import load_ucr

ALPHAS = np.logspace(-3, 3, 10)

MULTIROCKET_PUBLISHED = {"GunPoint": 1.000, "ArrowHead": 0.869, "ItalyPowerDemand": 0.968,
                         "OSULeaf": 0.955, "BasicMotions": 1.000}
#: the published PyTorch Hydra on the default splits, mean of seeds 0-4 (see the docstring)
HYDRA_REFERENCE = {"GunPoint": 1.0000, "ArrowHead": 0.8206, "ItalyPowerDemand": 0.9687,
                   "OSULeaf": 0.9884, "BasicMotions": 1.0000}
#: MultiRocket seeds per set (Hydra always gets 5): the 5-seed means measured here were GunPoint
#: 1.000, ItalyPowerDemand 0.970, ArrowHead 0.865, BasicMotions 1.000 (seed spread <= 0.6 pt)
SEEDS = {"GunPoint": 3, "ItalyPowerDemand": 2, "BasicMotions": 3, "ArrowHead": 2, "OSULeaf": 1}


def _pipeline(method: str, seed: int):
    from sklearn.linear_model import RidgeClassifierCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if method == "MultiRocket":     # standardised, as sktime's MultiRocketClassifier does
        return make_pipeline(MultiRocket(random_state=seed), StandardScaler(), RidgeClassifierCV(ALPHAS))
    if method == "Hydra":           # the sparse scaling is part of the transform
        return make_pipeline(Hydra(random_state=seed), RidgeClassifierCV(ALPHAS))
    return make_pipeline(MultiRocketHydra(random_state=seed), RidgeClassifierCV(ALPHAS))


def _accuracy(method: str, name: str, n_seeds: int) -> float:
    X_train, y_train, X_test, y_test = load_ucr(name)
    return float(np.mean([_pipeline(method, s).fit(X_train, y_train).score(X_test, y_test)
                          for s in range(n_seeds)]))


def _torch_hydra_accuracy(name: str, n_seeds: int = 5) -> float:
    torch = pytest.importorskip("torch")
    from sklearn.linear_model import RidgeClassifierCV

    from tests.test_features_hydra import HydraReference, SparseScalerReference

    X_train, y_train, X_test, y_test = load_ucr(name)
    as3 = lambda X: torch.from_numpy(np.ascontiguousarray((X if X.ndim == 3 else X[:, None]).astype(np.float32)))  # noqa: E731
    Xtr, Xte = as3(X_train), as3(X_test)
    scores = []
    for seed in range(n_seeds):
        ref = HydraReference(Xtr.shape[-1], Xtr.shape[1], seed=seed)
        scaler = SparseScalerReference().fit(ref(Xtr))
        clf = RidgeClassifierCV(ALPHAS).fit(scaler.transform(ref(Xtr)).numpy(), y_train)
        scores.append(clf.score(scaler.transform(ref(Xte)).numpy(), y_test))
    return float(np.mean(scores))


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MULTIROCKET_PUBLISHED))
def test_multirocket_accuracy(name):
    acc = _accuracy("MultiRocket", name, SEEDS[name])
    assert abs(acc - MULTIROCKET_PUBLISHED[name]) <= 0.01, (name, acc)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(HYDRA_REFERENCE))
def test_hydra_accuracy(name):
    acc = _accuracy("Hydra", name, 2 if name == "OSULeaf" else 5)   # OSULeaf seeds: 0.992, 0.992
    assert abs(acc - HYDRA_REFERENCE[name]) <= 0.01, (name, acc)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ItalyPowerDemand", "BasicMotions"])
def test_hydra_reference_figures(name):
    """The torch reference figures above, re-measured where it is cheap."""
    assert _torch_hydra_accuracy(name) == pytest.approx(HYDRA_REFERENCE[name], abs=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["GunPoint", "ItalyPowerDemand", "BasicMotions", "ArrowHead"])
def test_multirockethydra_accuracy(name):
    """At least as accurate as the better of its two parts' targets, less a point."""
    acc = _accuracy("MultiRocketHydra", name, 1)
    assert acc >= max(MULTIROCKET_PUBLISHED[name], HYDRA_REFERENCE[name]) - 0.01, (name, acc)
