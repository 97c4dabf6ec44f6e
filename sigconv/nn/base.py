"""The layer protocol shared by every layer: :class:`Layer`, and the helpers its subclasses share.

Every layer has ``forward(x, training=True)``, ``backward(grad_out) -> grad_in`` and the dicts
``.params`` / ``.grads`` holding the live arrays (``"weight"``, ``"bias"``) that optimisers update
in place.  As in PyTorch, ``backward`` *adds* into ``.grads`` (call the optimiser's ``zero_grad``
between steps); it uses what the last ``forward`` stored, so call them in pairs.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import ArrayLike

from sigconv.nn._checks import check_grad

#: multiply-adds (about 0.1-0.2 ms on one core) below which a kernel runs on the calling thread
#: only.  Tuned on the benchmark training step (2 threads, idle and moderately busy machine):
#: its second convolution (20 M multiply-adds) gains 1.5-1.9x from 2 threads, thresholds from 2 M
#: to 8 M give the same step time, 0 (everything threaded, pooling included) is 5% slower
#: and the former 32 M (every layer serial) 15% slower.
PARALLEL_MIN_WORK = 1 << 22


def _threads_for(work: int, n_batch: int) -> int:
    """Threads for a batch-parallel kernel doing ``work`` multiply-adds (1 when small)."""
    if work < PARALLEL_MIN_WORK:
        return 1
    return max(1, min(n_batch, numba.get_num_threads()))


class Layer:
    """Base class: parameter dicts, the config used by ``save``/``load`` and ``__call__``."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._out_shape: tuple | None = None
        self._out_dtype: np.dtype | None = None

    def __call__(self, x: ArrayLike, training: bool = True) -> np.ndarray:
        return self.forward(x, training=training)

    def forward(self, x: ArrayLike, training: bool = True) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def backward(self, grad_out: ArrayLike) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def get_config(self) -> dict:
        """The constructor arguments (JSON-serialisable) that rebuild this layer."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # helpers shared by the subclasses
    def _remember(self, out: np.ndarray) -> np.ndarray:
        self._out_shape = out.shape
        self._out_dtype = out.dtype
        return out

    def _grad(self, grad_out) -> np.ndarray:
        return check_grad(grad_out, self._out_shape, self._out_dtype, type(self).__name__)


def _init_uniform(rng: np.random.Generator, bound: float, shape, dtype) -> np.ndarray:
    return np.ascontiguousarray(rng.uniform(-bound, bound, size=shape).astype(dtype))
