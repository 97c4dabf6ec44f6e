"""Scratch buffers reused from call to call: large temporaries without fresh pages.

A large ``np.empty`` is fresh memory from the operating system: every 4 KiB page is faulted
in and zeroed on first touch, and freed again (with a TLB shoot-down on every thread of the
process) when the array dies.  For a call that allocates tens of MiB of temporaries, such as
a masked template match on a 1024² image (about 30 MiB of strip spectra and correlations),
that costs as much as its transforms: measured on a 2-core VM, 3,500 page faults a call,
23-29 ms per call with them and 17 ms without.

:func:`scratch` hands out buffers from a process-wide pool and takes them back when its
``with`` block ends, so a call repeated on inputs of one size reuses the same memory.  A
buffer belongs to one ``with`` block at a time (the pool is thread-safe; concurrent calls get
different buffers), and at most :data:`IDLE_BYTES` stay in the pool between calls (oldest
out first; a single buffer above half of it is never kept).

Examples
--------
>>> import numpy as np
>>> from sigconv import _workspace
>>> with _workspace.scratch() as ws:
...     a = ws.empty((256, 1024), np.float32)
...     a[...] = 1.0
...     result = ws.keep(a.sum(axis=0))   # a copy if it would share memory with a buffer
>>> float(result[0])
256.0
"""

from __future__ import annotations

import collections
import contextlib
import math
import threading
from collections.abc import Iterator

import numpy as np

#: the most bytes the pool keeps between calls
IDLE_BYTES = 128 << 20
#: buffers below this size come from numpy directly (its small-block allocator is fast)
MIN_BYTES = 1 << 16
_ALIGN = 64

_lock = threading.Lock()
_idle: collections.OrderedDict[int, list[np.ndarray]] = collections.OrderedDict()
_idle_bytes = 0


def _size_class(nbytes: int) -> int:
    """``nbytes`` rounded up to a multiple of 1/16 of its power of two (at most 6 % spare),
    so that buffers of nearly equal sizes share a class."""
    step = max(1 << max(nbytes.bit_length() - 5, 0), 4096)
    return -(-nbytes // step) * step


def _take(size: int) -> np.ndarray:
    """A 64-byte aligned uint8 buffer of ``size`` bytes, from the pool or new."""
    global _idle_bytes
    with _lock:
        free = _idle.get(size)
        if free:
            raw = free.pop()
            if not free:
                del _idle[size]
            _idle_bytes -= size
            return raw
    raw = np.empty(size + _ALIGN, dtype=np.uint8)
    start = -raw.__array_interface__["data"][0] % _ALIGN
    return raw[start:start + size]


def _give(size: int, raw: np.ndarray) -> None:
    global _idle_bytes
    if 2 * size > IDLE_BYTES:
        return
    with _lock:
        _idle.setdefault(size, []).append(raw)
        _idle.move_to_end(size)
        _idle_bytes += size
        while _idle_bytes > IDLE_BYTES:   # the least recently returned classes go first
            old, free = next(iter(_idle.items()))
            free.pop(0)
            if not free:
                del _idle[old]
            _idle_bytes -= old


def idle_bytes() -> int:
    """Bytes the pool holds between calls."""
    return _idle_bytes


def clear() -> None:
    """Drop every idle buffer (their memory goes back to the operating system)."""
    global _idle_bytes
    with _lock:
        _idle.clear()
        _idle_bytes = 0


class Scratch:
    """The buffers of one :func:`scratch` block."""

    def __init__(self) -> None:
        self._taken: list[tuple[int, np.ndarray]] = []

    def empty(self, shape, dtype) -> np.ndarray:
        """An uninitialised C-contiguous array, 64-byte aligned, valid until the block ends."""
        dtype = np.dtype(dtype)
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        nbytes = math.prod(shape) * dtype.itemsize
        if nbytes < MIN_BYTES:
            return np.empty(shape, dtype)
        size = _size_class(nbytes)
        raw = _take(size)
        self._taken.append((size, raw))
        return raw[:nbytes].view(dtype).reshape(shape)

    def zeros(self, shape, dtype) -> np.ndarray:
        out = self.empty(shape, dtype)
        out.fill(0)
        return out

    def keep(self, result: np.ndarray) -> np.ndarray:
        """``result``, or a copy of it if it may share memory with a buffer of this block
        (what leaves the block must not be handed out again)."""
        if any(np.may_share_memory(result, raw) for _, raw in self._taken):
            return np.array(result, copy=True)
        return result

    def free(self, array: np.ndarray) -> None:
        """Give back early the buffer behind ``array`` (taken from this block and no longer
        used by anyone); arrays of numpy's own are left to numpy."""
        for k, (size, raw) in enumerate(self._taken):
            if np.may_share_memory(array, raw):
                del self._taken[k]
                _give(size, raw)
                return

    def release(self) -> None:
        taken, self._taken = self._taken, []
        for size, raw in taken:
            _give(size, raw)


@contextlib.contextmanager
def scratch() -> Iterator[Scratch]:
    """A :class:`Scratch` whose buffers go back to the pool when the block ends."""
    ws = Scratch()
    try:
        yield ws
    finally:
        ws.release()
