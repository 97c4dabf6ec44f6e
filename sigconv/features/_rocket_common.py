"""Fitting shared by :class:`~sigconv.features.MiniRocket` and
:class:`~sigconv.features.MultiRocket`: dilations, channel subsets and quantile biases of the
84 MiniRocket kernels on one representation of the series (the series itself, or its first
difference for MultiRocket).  Plain numpy around :func:`sigconv._kernels.rocket.fit_outputs`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sigconv import _minirocket as _mr
from sigconv._jit import run_parts
from sigconv._kernels import rocket as _rocket
from sigconv._validate import writable_view


@dataclass
class RocketFit:
    """The fitted parameters of the 84 kernels on one representation."""

    dilations: np.ndarray            # int64 (n_dilations,)
    per_dilation: np.ndarray         # int64 biases per kernel at each dilation
    channel_starts: np.ndarray       # int64 (n_combinations + 1,)
    channel_indices: np.ndarray      # int64
    examples: np.ndarray             # int64 training example behind each combination's biases
    biases: np.ndarray               # the series' dtype, one per feature

    @property
    def n_biases(self) -> int:
        return int(self.biases.shape[0])


def fit_rocket(series: np.ndarray, n_features: int, max_dilations: int,
               rng: np.random.Generator) -> RocketFit:
    """Fit the kernels on ``series`` (n, channels, L) for ``84 * (n_features // 84)`` biases.

    Random draws, in this order: the training example of each kernel/dilation combination,
    then its channels (see :func:`sigconv._minirocket.draw_channels`)."""
    series = writable_view(series)   # a read-only array (pandas 3) would compile the kernels again
    n, n_channels, length = series.shape
    dilations, per_dilation = _mr.fit_dilations(length, n_features, max_dilations)
    n_out = _mr.N_KERNELS * int(per_dilation.sum())
    n_comb = _mr.N_KERNELS * len(dilations)
    examples = rng.integers(0, n, size=n_comb).astype(np.int64)
    starts, channel_indices = _mr.draw_channels(rng, n_channels, n_comb)
    quantiles = _mr.quantiles(n_out)
    biases = np.empty(n_out, dtype=series.dtype)
    outputs = np.empty((_mr.N_KERNELS, length), dtype=series.dtype)
    first = 0
    for di, (dilation, nf) in enumerate(zip(dilations, per_dilation, strict=True)):
        _rocket.fit_outputs(series, examples, dilation, di * _mr.N_KERNELS, starts, channel_indices,
                            _rocket.INDICES, outputs)
        block = slice(first, first + _mr.N_KERNELS * nf)
        biases[block] = _mr.biases_from_outputs(outputs, quantiles[block].reshape(_mr.N_KERNELS, nf),
                                                series.dtype).ravel()
        first = block.stop
    return RocketFit(dilations, per_dilation, starts, channel_indices, examples, biases)


def run_rocket_kernel(serial, parallel, series: np.ndarray, args: tuple, out: np.ndarray,
                      workers: int) -> None:
    """Run ``kernel(series, *args, out)`` (a transform over samples) on ``workers`` threads.

    ``serial`` runs on contiguous blocks of samples (``series[lo:hi]``, ``out[lo:hi]``: C-ordered
    slices of the same type, so no new compilation), one block per Python thread
    (:func:`sigconv._jit.run_parts`; the kernels release the GIL).  ``parallel``, the ``prange``
    twin of ``serial``, is not called: compiling it cost about 1.5 s on a first call (MiniRocket's
    first fit+transform 4.8 -> 2.9 s on an empty cache), for no speed gain over the blocks."""
    del parallel
    series = writable_view(series)   # a read-only array (pandas 3) would compile the kernel again
    parts = min(workers, series.shape[0])
    n = series.shape[0]

    def block(part, n_parts):
        lo, hi = part * n // n_parts, (part + 1) * n // n_parts
        if hi > lo:
            serial(series[lo:hi], *args, out[lo:hi])

    run_parts(block, (), parts)
