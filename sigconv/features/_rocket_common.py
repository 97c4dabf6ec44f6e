"""Fitting shared by :class:`~sigconv.features.MiniRocket` and
:class:`~sigconv.features.MultiRocket`: dilations, channel subsets and quantile biases of the
84 MiniRocket kernels on one representation of the series (the series itself, or its first
difference for MultiRocket).  Plain numpy around :func:`sigconv._kernels.rocket.fit_outputs`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sigconv import _minirocket as _mr
from sigconv._jit import threads
from sigconv._kernels import rocket as _rocket


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
    """Run ``serial``/``parallel`` (a pair from :func:`sigconv._jit.serial_and_parallel`) as
    ``kernel(series, *args, out)`` on ``workers`` threads.

    With threads, one sample goes through the serial kernel first: a cold start then
    compiles the shared callees in serial mode (a few seconds) instead of inside the parallel
    kernel (several times longer); warm, it costs one sample."""
    if workers > 1 and series.shape[0] > 1:
        serial(series[:1], *args, out[:1])
        with threads(workers):
            parallel(series, *args, out)
    else:
        serial(series, *args, out)
