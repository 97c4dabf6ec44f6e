"""Fitting helpers of :class:`sigconv.features.MiniRocket` (plain numpy; kernels in
:mod:`sigconv._kernels.rocket`).

They follow the reference implementation of MiniRocket (Dempster, Schmidt & Webb,
https://github.com/angus924/minirocket, ``minirocket.py`` and ``minirocket_multivariate.py``);
the random draws come from one :class:`numpy.random.Generator` in a fixed order, so a fit
depends on ``random_state`` only (never on the thread count).
"""

from __future__ import annotations

import numbers

import numpy as np

N_KERNELS = 84
KERNEL_LENGTH = 9


def fit_dilations(n_timepoints: int, n_features: int, max_dilations_per_kernel: int):
    """Dilations spaced exponentially up to ``(n_timepoints - 1) / 8`` and the number of
    features (biases) each dilation gets per kernel.

    Series shorter than 9 samples get the single dilation 1 (the reference would take the
    logarithm of a number below 1 and produce dilation 0).
    """
    per_kernel = n_features // N_KERNELS
    true_max = min(per_kernel, max_dilations_per_kernel)
    multiplier = per_kernel / true_max
    if n_timepoints < KERNEL_LENGTH:
        max_exponent = 0.0
    else:
        max_exponent = np.log2((n_timepoints - 1) / (KERNEL_LENGTH - 1))
    grid = np.logspace(0, max_exponent, true_max, base=2).astype(np.int32)
    dilations, counts = np.unique(grid, return_counts=True)
    per_dilation = (counts * multiplier).astype(np.int32)
    remainder = per_kernel - int(per_dilation.sum())
    i = 0
    while remainder > 0:
        per_dilation[i] += 1
        remainder -= 1
        i = (i + 1) % len(per_dilation)
    return dilations.astype(np.int64), per_dilation.astype(np.int64)


def quantiles(n: int) -> np.ndarray:
    """The low-discrepancy sequence ``(k * golden ratio) mod 1``, ``k = 1..n`` (float32, as the
    reference draws its bias quantiles)."""
    return ((np.arange(1, n + 1) * ((np.sqrt(5) + 1) / 2)) % 1).astype(np.float32)


def generator(random_state) -> np.random.Generator:
    """A Generator from ``random_state`` (None, an int, a Generator or a RandomState)."""
    if random_state is None or isinstance(random_state, (numbers.Integral, np.integer)):
        if random_state is not None and (isinstance(random_state, bool) or random_state < 0):
            raise ValueError(f"`random_state` must be None, a non-negative int, a numpy Generator or "
                             f"RandomState; got {random_state!r}")
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise TypeError(f"`random_state` must be None, an int, a numpy Generator or RandomState; "
                    f"got {random_state!r} ({type(random_state).__name__})")


def draw_channels(rng: np.random.Generator, n_channels: int, n_combinations: int):
    """Channel subsets per kernel/dilation combination, as the multivariate reference draws
    them: ``floor(2 ** U(0, log2(min(n_channels, 9) + 1)))`` channels without replacement.

    Returns ``(starts, indices)``: combination ``c`` uses ``indices[starts[c]:starts[c + 1]]``.
    A univariate series always gets its one channel.
    """
    max_exponent = np.log2(min(n_channels, KERNEL_LENGTH) + 1)
    counts = (2 ** rng.uniform(0, max_exponent, n_combinations)).astype(np.int64)
    counts = np.clip(counts, 1, n_channels)
    order = np.argsort(rng.random((n_combinations, n_channels)), axis=1, kind="stable")
    starts = np.zeros(n_combinations + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    mask = np.arange(n_channels)[None, :] < counts[:, None]
    indices = np.ascontiguousarray(order[mask], dtype=np.int64)
    return starts, indices


def biases_from_outputs(C: np.ndarray, q: np.ndarray, dtype) -> np.ndarray:
    """Quantile ``q[k, f]`` of each row ``C[k]``, by numpy's default ('linear') rule, as
    ``dtype``: the biases of the 84 kernels at one dilation."""
    srt = np.sort(C, axis=1).astype(np.float64)
    length = srt.shape[1]
    pos = q.astype(np.float64) * (length - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, length - 1)
    frac = pos - lo
    rows = np.arange(srt.shape[0])[:, None]
    a = srt[rows, lo]
    b = srt[rows, hi]
    diff = b - a
    return np.where(frac < 0.5, a + diff * frac, b - diff * (1.0 - frac)).astype(dtype)
