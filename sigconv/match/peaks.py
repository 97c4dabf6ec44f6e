"""Peaks of score maps: non-maximum suppression (:func:`find_peaks`)."""

from __future__ import annotations

import dataclasses
import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

from sigconv._kernels import sliding as _k
from sigconv._validate import check_int, float_dtype
from sigconv.match._common import MINIMISED, _real_array


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Peaks:
    """Peaks found in a score map, best first.

    Attributes
    ----------
    positions : ndarray of int64 (float64 when refined to sub-sample), shape (k, ndim)
        Index of each peak in the score map (for ``match_template(mode='valid')`` scores: the
        first sample of the matching window).
    scores : ndarray, shape (k,)
        The score at each peak, in the score map's dtype, sorted best first.
    """

    positions: np.ndarray
    scores: np.ndarray

    def __len__(self) -> int:
        return int(self.scores.shape[0])

    def __repr__(self) -> str:
        pairs = zip(self.positions[:6], self.scores[:6], strict=True)
        fmt = (lambda v: int(v)) if self.positions.dtype.kind in "iu" else (lambda v: round(float(v), 3))
        items = [f"{tuple(fmt(v) for v in p)}: {s:.4g}" for p, s in pairs]
        more = ", ..." if len(self) > 6 else ""
        return f"Peaks({len(self)} peak{'s' if len(self) != 1 else ''}: {{{', '.join(items)}{more}}})"


def _check_threshold(threshold):
    if threshold is None:
        return None
    real = isinstance(threshold, (numbers.Real, np.floating, np.integer))
    if isinstance(threshold, (bool, np.bool_)) or not real:
        raise TypeError(f"`threshold` must be a real number or None; got {threshold!r}")
    value = float(threshold)
    if math.isnan(value):
        raise ValueError("`threshold` must not be NaN")
    return value


def _border(exclude_border, min_distance: int, ndim: int) -> tuple[int, ...]:
    if isinstance(exclude_border, (bool, np.bool_)):
        return (min_distance if exclude_border else 0,) * ndim
    if isinstance(exclude_border, (numbers.Integral, np.integer)):
        return (check_int("exclude_border", exclude_border, minimum=0),) * ndim
    raise TypeError(f"`exclude_border` must be a bool or a non-negative int; got {exclude_border!r}")


def find_peaks(scores: ArrayLike, *, threshold: float | None = None, min_distance: int = 1,
               max_peaks: int | None = None, exclude_border: bool | int = False, subpixel: bool = False) -> Peaks:
    """Local maxima of a 1D, 2D or 3D score map by non-maximum suppression.

    A peak is a sample that is the largest within ``min_distance`` (Chebyshev distance) and
    strictly greater than ``threshold``.  Candidates (samples equal to the maximum of their
    ``(2 * min_distance + 1)``-wide neighbourhood, clipped at the edges) are taken best first —
    ties in C order of their position — and each one closer than ``min_distance`` to a peak
    already taken is dropped.  On 2D scores this returns the same set as
    ``skimage.feature.peak_local_max(scores, min_distance, threshold_abs=threshold,
    exclude_border=exclude_border)``, including its rule that a map which is everywhere its own
    local maximum (constant) has no peak.  NaN is never a peak.

    Parameters
    ----------
    scores : array_like
        1D, 2D or 3D real scores.
    threshold : float, optional
        Peaks must be strictly greater (None: no threshold).
    min_distance : int
        Minimum Chebyshev distance between peaks, >= 1.
    max_peaks : int, optional
        Keep at most this many (the best).
    exclude_border : bool or int
        True drops candidates within ``min_distance`` of the edge, an int within that many
        samples, False (default) none.
    subpixel : bool
        Refine each position by a 3-point parabola through the peak and its two neighbours
        along every axis (``.positions`` become float64; an axis where a neighbour is missing,
        at the edge or NaN, keeps the integer position).  ``.scores`` stay the sampled peak
        values.  The error is below 0.05 sample on sampled Gaussian blobs.

    Returns
    -------
    Peaks
        ``.positions`` ``(k, scores.ndim)`` int64 (float64 with ``subpixel``) and
        ``.scores`` ``(k,)``, best first.

    Examples
    --------
    >>> import numpy as np
    >>> from sigconv.match import find_peaks
    >>> p = find_peaks(np.array([0.1, 0.9, 0.2, 0.3, 0.8, 0.1]), threshold=0.5)
    >>> p.positions.ravel().tolist(), p.scores.tolist()
    ([1, 4], [0.9, 0.8])

    A Gaussian peak sampled 0.3 sample right of index 10:

    >>> g = np.exp(-0.5 * ((np.arange(21) - 10.3) / 2.0) ** 2)
    >>> print(f"{find_peaks(g, subpixel=True).positions[0, 0]:.2f}")
    10.29
    """
    s = _real_array("scores", scores)
    if s.ndim not in (1, 2, 3):
        raise ValueError(f"`scores` must be 1D, 2D or 3D; got shape {s.shape}")
    threshold = _check_threshold(threshold)
    subpixel = _check_subpixel(subpixel)
    d = check_int("min_distance", min_distance, minimum=1)
    if max_peaks is not None:
        max_peaks = check_int("max_peaks", max_peaks, minimum=1)
    border = _border(exclude_border, d, s.ndim)
    s = s.astype(float_dtype(s), copy=False)
    work = np.where(np.isnan(s), -np.inf, s).astype(np.float64)
    cand = work == _neighbourhood_max(work, d)
    if cand.all():  # a map that is everywhere its own local maximum has no peak (skimage's rule)
        cand[:] = False
    cand &= work > (-np.inf if threshold is None else threshold)
    for ax, bw in enumerate(border):
        if bw:
            sl = [slice(None)] * s.ndim
            sl[ax] = slice(0, bw)
            cand[tuple(sl)] = False
            sl[ax] = slice(-bw, None)
            cand[tuple(sl)] = False
    coords = np.nonzero(cand)
    order = np.argsort(-work[coords], kind="stable")
    coords = np.stack([c[order] for c in coords], axis=1).astype(np.int64)
    keep = np.empty(coords.shape[0], dtype=np.bool_)
    limit = 0 if max_peaks is None else max_peaks
    if s.ndim == 3:
        _k.greedy_suppress_nd(coords, d, limit, keep)
    else:
        rows = coords[:, 0] if s.ndim == 2 else np.zeros(coords.shape[0], dtype=np.int64)
        shape_r = s.shape[0] if s.ndim == 2 else 1
        _k.greedy_suppress(np.ascontiguousarray(rows), np.ascontiguousarray(coords[:, -1]), d, limit, shape_r,
                           s.shape[-1], keep)
    positions = np.ascontiguousarray(coords[keep])
    values = s[tuple(positions.T)].copy()
    if subpixel:
        positions = refine(s, positions)
    return Peaks(positions, values)


def _neighbourhood_max(work: np.ndarray, d: int) -> np.ndarray:
    """Maximum over the clipped ``(2d + 1)``-wide cube around every sample (1D, 2D or 3D)."""
    rowmax = np.empty_like(work)
    _k.sliding_max_rows_serial(work.reshape(-1, work.shape[-1]), d, rowmax.reshape(-1, work.shape[-1]))
    if work.ndim == 1:
        return rowmax
    full = np.empty_like(work)
    if work.ndim == 2:
        _k.sliding_max_cols_serial(rowmax, d, full)
        return full
    for i in range(work.shape[0]):          # axis 1 of each plane, then axis 0 over the planes
        _k.sliding_max_cols_serial(rowmax[i], d, full[i])
    out = np.empty_like(work)
    _k.sliding_max_cols_serial(full.reshape(work.shape[0], -1), d, out.reshape(work.shape[0], -1))
    return out


def _check_subpixel(subpixel) -> bool:
    if not isinstance(subpixel, (bool, np.bool_)):
        raise TypeError(f"`subpixel` must be True or False; got {subpixel!r}")
    return bool(subpixel)


def refine(scores: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Sub-sample peak positions: a 3-point parabola through each peak along every axis.

    Along each axis the vertex of the parabola through the peak value ``c`` and its two
    neighbours ``l`` and ``r`` lies at ``(l - r) / (2 (l - 2c + r))`` samples from the peak
    (at most half a sample for a maximum).  The position stays on the sample along an axis where
    a neighbour is outside the map or not finite, or where the three values are not concave.

    Parameters
    ----------
    scores : ndarray, any number of dimensions
    positions : (k, scores.ndim) int array, each a local maximum of ``scores``.

    Returns
    -------
    (k, scores.ndim) float64 array.
    """
    s = np.asarray(scores, dtype=np.float64)
    pos = np.asarray(positions, dtype=np.int64)
    out = pos.astype(np.float64)
    if pos.shape[0] == 0:
        return out
    centre = s[tuple(pos.T)]
    for ax in range(s.ndim):
        i = pos[:, ax]
        inside = (i > 0) & (i < s.shape[ax] - 1)
        lo = pos.copy()
        hi = pos.copy()
        lo[:, ax] = np.where(inside, i - 1, i)
        hi[:, ax] = np.where(inside, i + 1, i)
        left = s[tuple(lo.T)]
        right = s[tuple(hi.T)]
        den = left - 2.0 * centre + right
        with np.errstate(invalid="ignore"):
            ok = inside & np.isfinite(left) & np.isfinite(right) & (den < 0)
        shift = np.zeros(pos.shape[0])
        shift[ok] = 0.5 * (left[ok] - right[ok]) / den[ok]
        out[:, ax] += np.clip(shift, -0.5, 0.5)
    return out


def _peaks_of(scores, tshape, score, threshold, min_distance, max_matches, subpixel=False) -> Peaks:
    threshold = _check_threshold(threshold)
    if min_distance is None:
        min_distance = int(min(tshape))
    if score in MINIMISED:
        p = find_peaks(-scores, threshold=None if threshold is None else -threshold,
                       min_distance=min_distance, max_peaks=max_matches, subpixel=subpixel)
        return Peaks(p.positions, -p.scores)
    return find_peaks(scores, threshold=threshold, min_distance=min_distance, max_peaks=max_matches,
                      subpixel=subpixel)
