"""'valid' convolution of successive segments with one kernel, for the streams' per-push work.

A stream convolves each push's samples (and the few before them) with the same kernel: the
FIR's head taps, the Matcher's flipped template.  :class:`ValidConvolution` runs the
convolution engine's direct path where its cost model picks it, and otherwise one transform of
the segment against the kernel's spectrum kept from the previous push of that length (chunks
usually have one length), which saves the kernel's transform and the engine's per-call
planning on every push (:func:`segment_costs` prices the choice so).  Non-finite segments
always go through the engine, which keeps NaN and inf local.
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.fft as sfft

from sigconv import _cost
from sigconv.convolve import _simple_plan_of, convolve

#: seconds of Python per push of :class:`ValidConvolution`'s transform path (three scipy.fft
#: calls and a slice), in place of the engine's per-call overhead
STREAM_FFT_OVERHEAD = 10e-6


@functools.lru_cache(maxsize=256)
def segment_costs(n: int, m: int, dtype) -> dict[str, float]:
    """The engine's estimated seconds (one thread) of a segment's 'valid' convolution, per
    method, as a stream pays them: the transform path keeps the kernel's spectrum between
    pushes and skips the engine's planning, so neither the kernel's transform nor the engine's
    per-call overhead is counted (N=5096, K=1001: 51 us measured, direct 118 us).  Do not
    modify the returned dict (it is cached)."""
    dtype = np.dtype(dtype)
    costs = _cost.estimate(_simple_plan_of(n, m, "valid", dtype, True), 1)
    if "fft" in costs:
        costs["fft"] += STREAM_FFT_OVERHEAD - _cost.OVERHEAD["fft"] \
            - _cost._transform_cost(sfft.next_fast_len(n, real=True), 1, dtype, 1)
    return costs


class ValidConvolution:
    """``convolve(seg, kernel, "valid")`` along the last axis of ``(B, n)`` segments.

    Parameters
    ----------
    kernel : ndarray, shape (m,)
        In the segments' dtype.
    method : {"auto", "direct"}
        "direct" always runs the engine's direct kernel (bit for bit the batch direct path).
    """

    def __init__(self, kernel: np.ndarray, method: str = "auto") -> None:
        self.kernel = kernel
        self.method = method
        self._spectra: dict[int, np.ndarray] = {}

    def transforms(self, n: int, dtype: np.dtype) -> bool:
        """Whether a segment of ``n`` samples is transformed (the engine would not go direct)."""
        m = self.kernel.size
        if self.method != "auto" or m < 2:
            return False
        costs = segment_costs(n, m, dtype)
        return min(costs, key=costs.get) != "direct"

    def __call__(self, seg: np.ndarray) -> np.ndarray:
        m, n = self.kernel.size, seg.shape[1]
        if self.transforms(n, seg.dtype) and np.isfinite(seg).all():
            size = sfft.next_fast_len(n, real=True)   # no wrap-around reaches the valid outputs
            spectrum = self._spectra.get(size)
            if spectrum is None:
                spectrum = sfft.rfft(self.kernel, size)
                self._spectra = {size: spectrum}      # chunks of one length: one entry
            full = sfft.irfft(sfft.rfft(seg, size, axis=-1) * spectrum, size, axis=-1, overwrite_x=True)
            return np.ascontiguousarray(full[:, m - 1:n], dtype=seg.dtype)
        if seg.shape[0] == 1:
            return convolve(seg[0], self.kernel, "valid", method=self.method)[None]
        return convolve(seg, self.kernel, "valid", method=self.method, axis=-1)
