"""Small UCR/UEA time-series classification datasets on their default train/test splits.

``<Name>.npz`` holds ``X_train``, ``y_train``, ``X_test``, ``y_test`` (series as float32,
``(n, length)`` or ``(n, channels, length)``; labels as strings), exported once by
``export.py`` from the ``.ts`` files that ``sktime`` ships (``sktime/datasets/data``).
The data come from the UCR/UEA archive (https://www.timeseriesclassification.com;
Dau et al., "The UCR Time Series Archive", 2019).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).parent

#: datasets stored here
NAMES = ("ArrowHead", "BasicMotions", "GunPoint", "ItalyPowerDemand", "OSULeaf")


def load_ucr(name: str):
    """``(X_train, y_train, X_test, y_test)`` of the UCR/UEA dataset ``name``."""
    if name not in NAMES:
        raise ValueError(f"`name` must be one of {NAMES}; got {name!r}")
    with np.load(HERE / f"{name}.npz", allow_pickle=False) as f:
        return f["X_train"], f["y_train"], f["X_test"], f["y_test"]
