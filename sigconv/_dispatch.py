"""Hand Dask input to :mod:`sigconv.dask` without ``import sigconv`` ever importing dask.

A public function decorated with :func:`dask_aware` looks at its first argument(s): when dask
has been imported by the user (it is in :data:`sys.modules`) and one of them is a Dask
collection, the call goes to the function of the same name in :mod:`sigconv.dask`, which
returns a lazy Dask collection; otherwise the decorated function runs as written, at the cost
of one dictionary look-up.  :func:`dask_transform` does the same for a transformer's
``transform``-like method (``sigconv.dask.transform(estimator, X, method)``).
"""

from __future__ import annotations

import functools
import sys


def is_dask(value) -> bool:
    """Whether ``value`` is a Dask collection (array, DataFrame or Series), without importing
    dask: a program that never imported dask cannot hold one."""
    if "dask" not in sys.modules:
        return False
    from dask.base import is_dask_collection

    return is_dask_collection(value)


def dask_aware(name: str, *, n_inputs: int = 1):
    """Decorate a public function: Dask collections among its first ``n_inputs`` positional
    arguments send the call to ``sigconv.dask.<name>``."""

    def wrap(func):
        @functools.wraps(func)
        def call(*args, **kwargs):
            if "dask" in sys.modules and any(is_dask(a) for a in args[:n_inputs]):
                import sigconv.dask as _dask

                return getattr(_dask, name)(*args, **kwargs)
            return func(*args, **kwargs)

        return call

    return wrap


def dask_transform(method):
    """Decorate a transformer method ``method(self, X, ...)``: a Dask array ``X`` chunked over
    samples is transformed block by block by ``sigconv.dask.transform``, lazily."""

    @functools.wraps(method)
    def call(self, X, *args, **kwargs):
        if "dask" in sys.modules and is_dask(X):
            import sigconv.dask as _dask

            return _dask.transform(self, X, method.__name__, *args, **kwargs)
        return method(self, X, *args, **kwargs)

    return call
