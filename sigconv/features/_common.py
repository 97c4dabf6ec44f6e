"""Helpers shared by the transformers of :mod:`sigconv.features`: feature names, ``n_jobs``."""

from __future__ import annotations

import numpy as np

from sigconv._estimator import check_fitted
from sigconv._jit import resolve_workers
from sigconv._validate import check_int


def feature_names(est, names: list[str], input_features) -> np.ndarray:
    """Shared ``get_feature_names_out``: checks ``input_features`` like scikit-learn does."""
    check_fitted(est, "n_features_out_")
    if input_features is not None:
        given = np.asarray(input_features, dtype=object)
        fitted = getattr(est, "feature_names_in_", None)
        if fitted is not None and not np.array_equal(given, fitted):
            raise ValueError("input_features is not equal to feature_names_in_")
        if fitted is None and len(given) != est.n_features_in_:
            raise ValueError(f"input_features should have length equal to number of features "
                             f"({est.n_features_in_}), got {len(given)}")
    return np.asarray(names, dtype=object)


def check_n_jobs(n_jobs) -> int:
    """Threads for ``n_jobs`` (None or -1: every core, sigconv's ``workers`` convention)."""
    if n_jobs is None:
        return resolve_workers(None)
    n_jobs = check_int("n_jobs", n_jobs)
    if n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"`n_jobs` must be None, -1 or a positive integer; got {n_jobs}")
    return resolve_workers(n_jobs)
