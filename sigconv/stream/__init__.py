"""Streaming: signals that arrive in chunks (API.md §8).

Every stream object is the chunked twin of a batch function and carries a small explicit
state between chunks (the last samples of a window, a recursion's ``zi``, running weights):

=====================  ============================================  ===============================
object                 batch twin                                    state carried
=====================  ============================================  ===============================
:class:`FIR`           ``convolve(x, kernel, "full")``               last K−1 samples (+ spectra)
:class:`MovingAverage` ``moving_average(x, ...)`` (trailing)         last window−1 samples
:class:`EWMA`          ``ewma(x, ...)``                              mean, old weight, count
:class:`ARMA`          ``arma_filter`` / ``ar_filter(..., zi)``      last q inputs, ``zi`` (p outputs)
:class:`SOS`           ``sos_filter(sos, x, zi=...)``                ``zi`` (sections, ..., 2)
:class:`Matcher`       ``match_template(x, t, mode="valid")``        last m−1 samples, peak look-ahead
=====================  ============================================  ===============================

Each has ``push(chunk) -> ndarray``, ``flush() -> ndarray``, ``reset()`` and ``position``.
A chunk's last axis is time; its leading axes (a batch of channels) are fixed by the first
chunk.  For any split of ``x`` into chunks, the concatenated pushes followed by ``flush()``
equal the batch function on ``x``.  A refused chunk (other batch shape, complex, another dtype
kind, no time axis) raises and leaves the stream unchanged.  Streams can be copied
(``copy.copy`` / ``copy.deepcopy`` branch them) and pickled.
"""

from sigconv.stream._base import Stream
from sigconv.stream.filters import ARMA, EWMA, SOS, MovingAverage
from sigconv.stream.fir import FIR
from sigconv.stream.matcher import Matcher

__all__ = ["ARMA", "EWMA", "FIR", "SOS", "Matcher", "MovingAverage", "Stream"]
