"""IIR filters as cascades of second-order sections: :func:`sos_filter` (API.md §2b).

Each section is an ARMA(2, 2) recursion; the cascade runs in :mod:`sigconv._kernels.sos`, one
pass over the samples with every section's two-value state (scipy's ``zi`` layout).  The
zero-phase form is scipy's ``sosfiltfilt``: odd extension, a forward pass started from the
steady state ``sosfilt_zi`` scaled by the first sample, and the same backwards.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from sigconv import _filter_checks as fc
from sigconv._dispatch import dask_aware
from sigconv._kernels import sos as sk
from sigconv._validate import check_option
from sigconv.filters._rows import _run_rows

__all__ = ["sos_filter"]

SOS_NAN_POLICIES = ("propagate", "segments")


def _run_cascade(rows: np.ndarray, sos: np.ndarray, z: np.ndarray, segments: bool, *,
                 reverse: bool = False, out: np.ndarray | None = None) -> np.ndarray:
    """Filter rows ``(B, n)`` from state ``z`` ``(B, S, 2)`` (updated in place) into ``out``
    (default: a new array; may be ``rows`` itself); ``reverse`` runs from the last sample."""
    out = np.empty_like(rows) if out is None else out
    _run_rows(sk.sos_serial, sk.sos_parallel, rows.shape[0], rows, sos, z, bool(segments), bool(reverse), out)
    return out


def _steady_state(sos: np.ndarray) -> np.ndarray:
    """``scipy.signal.sosfilt_zi(sos)``: the state of a unit step's steady state, ``(S, 2)``."""
    import scipy.signal  # lazily: scipy.signal takes most of a second to import

    return scipy.signal.sosfilt_zi(sos)


def _pad_length(sos: np.ndarray) -> int:
    """scipy ``sosfiltfilt``'s default ``padlen``: 3 (2 S + 1 - trailing zero taps)."""
    ntaps = 2 * sos.shape[0] + 1 - min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * ntaps


def _filtfilt_rows(rows64: np.ndarray, sos: np.ndarray, padlen: int) -> np.ndarray:
    """``sosfiltfilt(sos, rows, padtype="odd", padlen=padlen)`` of float64 rows ``(B, n)``."""
    zi = _steady_state(sos)
    if padlen > 0:
        head = 2 * rows64[:, :1] - rows64[:, padlen:0:-1]
        tail = 2 * rows64[:, -1:] - rows64[:, -2:-(padlen + 2):-1]
        ext = np.concatenate((head, rows64, tail), axis=1)
    else:
        ext = rows64
    z = zi[None] * ext[:, :1, None]
    y = _run_cascade(ext, sos, z, False)
    z = zi[None] * y[:, -1:, None]
    _run_cascade(y, sos, z, False, reverse=True, out=y)   # in place: each sample read, then written
    return y[:, padlen:y.shape[1] - padlen]


def _filtfilt_segments(rows64: np.ndarray, sos: np.ndarray, padlen: int) -> np.ndarray:
    """:func:`_filtfilt_rows` of each finite run of each row separately; gaps copied.  A run
    of at most ``padlen`` samples is padded by its length - 1 (what scipy accepts for it)."""
    out = rows64.copy()
    finite = np.isfinite(rows64)
    for b in range(rows64.shape[0]):
        edges = np.flatnonzero(np.diff(np.r_[False, finite[b], False].astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2]):
            run = rows64[b:b + 1, start:stop]
            out[b, start:stop] = _filtfilt_rows(run, sos, min(padlen, stop - start - 1))[0]
    return out


def _check_sos(sos) -> np.ndarray:
    arr = fc.coefficients_2d("sos", sos)
    if arr.shape[1] != 6:
        raise ValueError(f"`sos` must have shape (n_sections, 6) (b0, b1, b2, a0, a1, a2 per row); "
                         f"got shape {arr.shape}")
    if not (arr[:, 3] == 1).all():
        raise ValueError(f"`sos` sections must be normalised: a0 = sos[:, 3] must be 1 (divide each "
                         f"row by its a0); got sos[:, 3] = {arr[:, 3].tolist()}")
    return np.ascontiguousarray(arr)


def _zi_state(zi, n_sections: int, shape: tuple, ax: int) -> np.ndarray:
    """scipy's ``zi`` ``(S, ..., 2, ...)`` (the signal's shape, 2 along ``axis``) as ``(B, S, 2)``
    float64, a fresh array the kernel may overwrite."""
    z = fc.real_array("zi", zi)
    want = (n_sections,) + shape[:ax] + (2,) + shape[ax + 1:]
    if z.shape != want:
        raise ValueError(f"`zi` must have shape {want} (n_sections, then the signal's shape with 2 along "
                         f"`axis`: scipy's layout); got {z.shape}")
    if not np.isfinite(z).all():
        raise ValueError("`zi` must be finite")
    moved = np.moveaxis(z, (0, ax + 1), (-2, -1))          # (..., S, 2)
    return np.array(moved.reshape(-1, n_sections, 2), dtype=np.float64, order="C")


def _zf_layout(z: np.ndarray, shape: tuple, ax: int) -> np.ndarray:
    """The final states ``(B, S, 2)`` in scipy's ``zf`` layout ``(S, ..., 2, ...)``."""
    lead = shape[:ax] + shape[ax + 1:]
    full = z.reshape(lead + z.shape[1:])
    return np.ascontiguousarray(np.moveaxis(full, (-2, -1), (0, ax + 1)))


@dask_aware("sos_filter", n_inputs=2)
def sos_filter(
    sos: ArrayLike,
    x: ArrayLike,
    *,
    zi: ArrayLike | None = None,
    zero_phase: bool = False,
    nan_policy: Literal["propagate", "segments"] = "propagate",
    axis: int = -1,
):
    """IIR filter given as second-order sections (biquads), optionally zero-phase.

    Parameters
    ----------
    sos : array_like, shape (n_sections, 6)
        Rows ``[b0, b1, b2, a0, a1, a2]`` with ``a0 = 1``, as ``scipy.signal.butter(...,
        output="sos")`` gives them; finite.
    x : array_like
        Real signal(s); other axes are a batch.
    zi : array_like, optional
        Initial state in scipy's layout ``(n_sections, ..., 2, ...)``: the signal's shape with 2
        along ``axis``, after a leading sections axis.  When given, the final state is
        returned too.  Not with ``zero_phase``.
    zero_phase : bool, default False
        Filter forwards and backwards (``scipy.signal.sosfiltfilt`` with its default odd
        padding of ``3 (2 n_sections + 1)`` samples, fewer for sections with zero ``b2``/``a2``):
        no phase shift, the squared magnitude response.
    nan_policy : {"propagate", "segments"}
        "propagate": scipy's behaviour (a NaN reaches every later output; every output when
        ``zero_phase``).  "segments": each run of finite samples is filtered separately, as if
        scipy ran on each run alone (causal: from ``zi`` for the first run and from rest for
        the others; zero-phase: a run of at most the padding length is padded by its length
        minus one); the non-finite samples stay as they were.
    axis : int, default -1

    Returns
    -------
    y : ndarray
        Shape of ``x``; float32 for float32 input, else float64.
    zf : ndarray, float64
        Only when ``zi`` is given: the final state, shaped like ``zi``.  The recursion runs in
        float64 for every input dtype, so feeding ``zf`` back as the next chunk's ``zi``
        reproduces the one-pass result exactly (``sigconv.stream.SOS`` does this).

    Raises
    ------
    ValueError
        Malformed ``sos`` (shape, ``a0 != 1``, non-finite), a ``zi`` of the wrong shape,
        ``zi`` with ``zero_phase``, or ``zero_phase`` on a signal not longer than the padding
        (with nan_policy="propagate", as scipy).

    Notes
    -----
    Equals ``scipy.signal.sosfilt(sos, x, axis=axis, zi=zi)`` and, with ``zero_phase=True``,
    ``scipy.signal.sosfiltfilt(sos, x, axis=axis)``, to rounding.  Each section is the ARMA(2, 2)
    recursion ``y_t = b0 x_t + b1 x_{t-1} + b2 x_{t-2} - a1 y_{t-1} - a2 y_{t-2}``.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.signal
    >>> from sigconv import sos_filter
    >>> sos = scipy.signal.butter(2, 0.2, output="sos")
    >>> x = np.r_[np.ones(4), np.nan, np.ones(4)]
    >>> np.round(sos_filter(sos, x, nan_policy="segments"), 3)
    array([0.067, 0.279, 0.561, 0.796,   nan, 0.067, 0.279, 0.561, 0.796])
    >>> y, zf = sos_filter(sos, np.ones(3), zi=np.zeros((1, 2)))
    >>> zf.shape
    (1, 2)
    """
    sos_ = _check_sos(sos)
    check_option("nan_policy", nan_policy, SOS_NAN_POLICIES)
    if not isinstance(zero_phase, (bool, np.bool_)):
        raise TypeError(f"`zero_phase` must be a bool; got {zero_phase!r}")
    rows, restore = fc.signal_rows("x", x, axis)
    segments = nan_policy == "segments"
    if zero_phase:
        if zi is not None:
            raise ValueError("`zi` cannot be combined with zero_phase=True (the zero-phase filter "
                             "starts both passes from the steady state, as scipy's sosfiltfilt)")
        padlen = _pad_length(sos_)
        rows64 = rows.astype(np.float64, copy=False)
        if segments:
            y = _filtfilt_segments(rows64, sos_, padlen)
        else:
            if rows.shape[1] <= padlen:
                raise ValueError(f"`x` has {rows.shape[1]} samples along `axis`; zero_phase=True needs "
                                 f"more than the padding length {padlen} (or use nan_policy='segments')")
            y = _filtfilt_rows(rows64, sos_, padlen)
        return restore(y.astype(rows.dtype, copy=False))
    shape = np.shape(x)
    if zi is None:
        z = np.zeros((rows.shape[0], sos_.shape[0], 2))
    else:
        z = _zi_state(zi, sos_.shape[0], shape, axis % len(shape))
    y = restore(_run_cascade(rows, sos_, z, segments))
    if zi is None:
        return y
    return y, _zf_layout(z, shape, axis % len(shape))
