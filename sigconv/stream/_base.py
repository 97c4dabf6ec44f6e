"""What every stream object shares: the chunk checks, the batch layout, position and copies.

A chunk is an array whose last axis is time.  The first chunk with samples fixes the batch of
channels (its leading axes) and the dtype the stream computes in; the checks below raise
before anything is changed, so a refused chunk leaves the stream as it was.
"""

from __future__ import annotations

import copy

import numpy as np

from sigconv._validate import float_dtype

#: dtype kinds that may follow one another: a float stream takes any float, an integer
#: stream any integer; bool only bool
_KIND_GROUPS = {"f": "f", "i": "iu", "u": "iu", "b": "b"}
_KIND_NAMES = {"f": "float", "i": "integer", "u": "integer", "b": "bool"}


def check_chunk(chunk, batch: tuple | None, kind: str | None) -> np.ndarray:
    """``chunk`` as an ndarray after every check against the stream's batch shape and dtype
    kind (None: not fixed yet).  Raises the user-facing ``TypeError``/``ValueError`` naming
    `chunk`; never modifies anything."""
    if chunk is None or isinstance(chunk, (str, bytes, dict, set)):
        raise TypeError(f"`chunk` must be an array of real numbers; got {type(chunk).__name__}")
    try:
        arr = np.asarray(chunk)
    except (TypeError, ValueError) as e:
        raise ValueError(f"`chunk` could not be converted to an array (is it ragged?): {e}") from e
    if arr.dtype.kind == "c":
        raise TypeError(f"`chunk` must be real; got complex dtype {arr.dtype}")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"`chunk` must hold real numbers (bool, int or float); got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ValueError(f"`chunk` must have a time axis (the last); got a scalar {arr!r}")
    if batch is not None and arr.shape[:-1] != batch:
        raise ValueError(f"`chunk` must have the batch shape {batch} (leading axes) fixed by the first "
                         f"chunk, then samples; got shape {arr.shape}")
    if kind is not None and arr.dtype.kind not in _KIND_GROUPS[kind]:
        raise TypeError(f"`chunk` must be {_KIND_NAMES[kind]} data like the first chunk; got dtype {arr.dtype}")
    return arr


class Stream:
    """Base of the stream objects: ``push``, ``flush``, ``reset``, ``position``.

    Subclasses implement ``_start(rows)`` (allocate state for a batch, called once with the
    first chunk's rows), ``_push_rows(rows) -> rows`` and ``_flush_rows() -> rows``, on
    C-contiguous ``(B, L)`` arrays of the stream's dtype.
    """

    def __init__(self) -> None:
        self._clear()

    def _clear(self) -> None:
        self._batch = None     # leading axes of the chunks
        self._kind = None      # dtype kind of the first chunk
        self._dtype = None     # dtype the stream computes in
        self._position = 0

    def _compute_dtype(self, arr: np.ndarray) -> np.dtype:
        """The dtype a stream fed ``arr`` first computes in (float32 stays float32)."""
        return float_dtype(arr)

    @property
    def position(self) -> int:
        """Samples pushed so far (per channel)."""
        return self._position

    @property
    def dtype(self) -> np.dtype | None:
        """The dtype of the outputs (None before the first chunk)."""
        return self._dtype

    def push(self, chunk) -> np.ndarray:
        """Feed the next samples; returns the outputs they complete (see the class docstring).

        Parameters
        ----------
        chunk : array_like, shape (..., L)
            Time on the last axis; the leading axes (a batch of channels) must be those of the
            first chunk.  Cast to the stream's dtype; a chunk of another dtype kind, complex,
            or another batch shape raises and leaves the stream unchanged.
        """
        arr = check_chunk(chunk, self._batch, self._kind)
        if arr.shape[-1] == 0:
            dtype = self._dtype if self._dtype is not None else self._compute_dtype(arr)
            return np.empty(arr.shape[:-1] + self._empty_tail(), dtype=dtype)
        if self._batch is None:
            dtype = self._compute_dtype(arr)
            rows = np.ascontiguousarray(arr.reshape(-1, arr.shape[-1]), dtype=dtype)
            self._incoming = arr.shape[:-1]
            self._start(rows)   # may raise (then nothing is fixed yet)
            self._batch, self._kind, self._dtype = arr.shape[:-1], arr.dtype.kind, dtype
        else:
            rows = np.ascontiguousarray(arr.reshape(-1, arr.shape[-1]), dtype=self._dtype)
        out = self._push_rows(rows)
        self._position += arr.shape[-1]
        return self._shape(out)

    def flush(self) -> np.ndarray:
        """End the signal: return the outputs still owed, then :meth:`reset` the stream."""
        if self._batch is None:
            out = np.empty(self._empty_tail(), dtype=np.float64)
        else:
            out = self._shape(self._flush_rows())
        self.reset()
        return out

    def reset(self) -> None:
        """Forget every sample: the stream is as constructed (batch and dtype not fixed)."""
        self._clear()

    def _empty_tail(self) -> tuple:
        return (0,)

    def _shape(self, rows: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(rows).reshape(self._batch + rows.shape[1:])

    def __copy__(self):
        # state arrays are small: a copy never shares them, so the branches stay independent
        return copy.deepcopy(self)

    def __repr__(self) -> str:
        batch = "" if self._batch is None else f", batch={self._batch}, dtype={self._dtype}"
        return f"{type(self).__name__}({self._describe()}, position={self._position}{batch})"

    def _describe(self) -> str:
        return ""
