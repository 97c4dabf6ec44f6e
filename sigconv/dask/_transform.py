"""scikit-learn transformers on Dask arrays chunked over samples (dask-ml's ``ParallelPostFit``
shape: fit in memory, transform block by block)."""

from __future__ import annotations

import numpy as np


def transform(estimator, X, method: str = "transform", *args, **kwargs):
    """Apply a fitted transformer's ``method`` to a Dask array ``X``, block by block over samples.

    ``X`` is ``(n_samples, n_timepoints)`` or ``(n_samples, n_channels, n_timepoints)``; the
    transform of a sample needs the whole series, so the axes after the first are made one
    chunk each (the estimator's contract) and only the sample axis stays chunked.  The result
    is lazy and chunked over samples like ``X``.  The estimator's checks (fitted, shapes) run
    at once, on one in-memory sample of zeros.

    Examples
    --------
    >>> import numpy as np, dask.array as da
    >>> import sigconv.dask
    >>> from sigconv.features import KernelFeatures
    >>> X = np.random.default_rng(0).normal(size=(6, 40))
    >>> est = KernelFeatures().fit(X)
    >>> F = sigconv.dask.transform(est, da.from_array(X, chunks=(2, 40)))
    >>> F.chunks[0], np.allclose(F.compute(), est.transform(X))
    ((2, 2, 2), True)
    """
    import dask.array as da

    if X.ndim < 2:
        raise ValueError(f"`X` must be (n_samples, n_timepoints) or (n_samples, n_channels, n_timepoints); "
                         f"got shape {X.shape}")
    func = getattr(estimator, method)

    def call(block):
        return func(block, *args, **kwargs)     # an in-memory block: the estimator's own path

    probe = call(np.zeros((1,) + X.shape[1:], X.dtype))
    if X.numblocks[1:] != (1,) * (X.ndim - 1):
        X = X.rechunk({d: -1 for d in range(1, X.ndim)})
    chunks = (X.chunks[0],) + tuple((s,) for s in probe.shape[1:])
    drop = list(range(probe.ndim, X.ndim))
    new = list(range(X.ndim, probe.ndim))
    return da.map_blocks(call, X, dtype=probe.dtype, chunks=chunks, drop_axis=drop or None, new_axis=new or None,
                         meta=np.empty((0,) * probe.ndim, probe.dtype))
